provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  assume_role {
    role_arn     = var.assume_role_arn
    session_name = "iacgen-${var.environment}"
  }
}
