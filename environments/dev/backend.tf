# Remote state in S3, one object per environment, locked with S3 native locking.
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "payments/dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
