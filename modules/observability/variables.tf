variable "name" {
  description = "Prefix of every resource name: `<project>-<environment>`."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic."
  type        = list(string)

  validation {
    condition     = alltrue([for email in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Every alarm e-mail must be an e-mail address."
  }
}

variable "alarm_error_rate_percent" {
  description = "Alarm when more than this percentage of a service's requests fail with a 5xx error over 5 minutes."
  type        = number

  validation {
    condition     = var.alarm_error_rate_percent > 0 && var.alarm_error_rate_percent <= 100
    error_message = "alarm_error_rate_percent must be a percentage above 0 and at most 100."
  }
}

variable "alarm_error_rate_min_requests" {
  description = "The 5xx-rate alarm counts a five-minute period only from this many requests on."
  type        = number

  validation {
    condition     = var.alarm_error_rate_min_requests >= 1 && floor(var.alarm_error_rate_min_requests) == var.alarm_error_rate_min_requests
    error_message = "alarm_error_rate_min_requests must be a whole number of at least 1."
  }
}

variable "alarm_latency_p99_seconds" {
  description = "Alarm when a service's 99th percentile response time stays above this many seconds."
  type        = number

  validation {
    condition     = var.alarm_latency_p99_seconds > 0
    error_message = "alarm_latency_p99_seconds must be above 0."
  }
}

variable "alarm_cpu_percent" {
  description = "Alarm when the average CPU use of a service or node pool stays above this percentage."
  type        = number

  validation {
    condition     = var.alarm_cpu_percent > 0 && var.alarm_cpu_percent <= 100
    error_message = "alarm_cpu_percent must be a percentage above 0 and at most 100."
  }
}

variable "alarm_memory_percent" {
  description = "Alarm when the average memory use of a service stays above this percentage."
  type        = number

  validation {
    condition     = var.alarm_memory_percent > 0 && var.alarm_memory_percent <= 100
    error_message = "alarm_memory_percent must be a percentage above 0 and at most 100."
  }
}

variable "ecs_cluster_name" {
  description = "Name of the ECS cluster the services run in."
  type        = string
}

variable "ecs_services" {
  description = "ECS service names, by spec service name."
  type        = map(string)
}

variable "load_balancers" {
  description = "The load balancer and target group of each load-balanced service (their ARN suffixes are CloudWatch dimensions)."
  type = map(object({
    alb_arn_suffix          = string
    target_group_arn_suffix = string
  }))
}

variable "eks_cluster_name" {
  description = "Name of the EKS cluster."
  type        = string
}

variable "node_pools" {
  description = "Auto Scaling group of each EKS node pool, by pool name."
  type        = map(string)
}
