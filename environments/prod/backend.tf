# Remote state in S3 (read and written with the role it assumes), locked with S3 native locking.
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "payments/prod/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
    assume_role = {
      role_arn = "arn:aws:iam::444444444444:role/terraform-state"
    }
  }
}
