output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe more endpoints to it."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of this environment."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
