output "cluster_name" {
  description = "Name of the ECS cluster, once its capacity providers are associated."
  value       = aws_ecs_cluster_capacity_providers.this.cluster_name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster, once its capacity providers are associated."
  value       = aws_ecs_cluster.this.arn
  depends_on  = [aws_ecs_cluster_capacity_providers.this]
}

output "logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the ECS log groups."
  value       = aws_kms_key.logs.arn
}

output "exec_log_group_name" {
  description = "CloudWatch log group that records ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}
