output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of the service's containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "task_role_arn" {
  description = "ARN of the task role, to which the application's own permissions belong."
  value       = aws_iam_role.task.arn
}

output "security_group_id" {
  description = "Security group of the service's tasks, e.g. to admit them to a database."
  value       = aws_security_group.service.id
}

output "alb_dns_name" {
  description = "DNS name of the service's load balancer (null without a port)."
  value       = one([for lb in aws_lb.this : lb.dns_name])
}

output "alb_arn_suffix" {
  description = "ARN suffix of the load balancer, for CloudWatch metrics (null without a port)."
  value       = one([for lb in aws_lb.this : lb.arn_suffix])
}

output "target_group_arn" {
  description = "ARN of the service's target group (null without a port)."
  value       = one([for tg in aws_lb_target_group.this : tg.arn])
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, for CloudWatch metrics (null without a port)."
  value       = one([for tg in aws_lb_target_group.this : tg.arn_suffix])
}
