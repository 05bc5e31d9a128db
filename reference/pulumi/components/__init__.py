"""One pulumi.ComponentResource per concern, mirroring the Terraform modules."""
