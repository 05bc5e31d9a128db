output "secret_arns" {
  description = "ARNs of the secrets, by spec name."
  value       = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
}

output "secret_names" {
  description = "Names of the secrets in Secrets Manager, by spec name."
  value       = { for name, secret in aws_secretsmanager_secret.this : name => secret.name }
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the secrets (readers need kms:Decrypt on it through Secrets Manager)."
  value       = aws_kms_key.secrets.arn
}
