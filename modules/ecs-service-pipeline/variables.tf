variable "name" {
  description = "Prefix of every resource name: `<project>-<environment>`."
  type        = string
}

variable "service" {
  description = "Name of the service; resource names are `<name>-<service>`."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "cluster_name" {
  description = "Name of the ECS cluster."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key that encrypts the service's log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep the service's logs."
  type        = number
}

variable "vpc_id" {
  description = "VPC of the service."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC: tasks may reach anything in it, an internal load balancer admits clients from it."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for the tasks and an internal load balancer."
  type        = list(string)
}

variable "public_subnet_ids" {
  description = "Public subnets for an internet-facing load balancer (empty otherwise)."
  type        = list(string)
}

variable "image" {
  description = "Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`."
  type        = string
}

variable "image_repository_arn" {
  description = "ECR repository of the image, which the task execution role may pull from (null for an image outside ECR)."
  type        = string
}

variable "architecture" {
  description = "CPU architecture of the task: `X86_64` or `ARM64`."
  type        = string

  validation {
    condition     = contains(["X86_64", "ARM64"], var.architecture)
    error_message = "architecture must be X86_64 or ARM64."
  }
}

variable "capacity_provider" {
  description = "Fargate capacity provider: `FARGATE`, or `FARGATE_SPOT` for interruptible tasks at a discount."
  type        = string

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.capacity_provider)
    error_message = "capacity_provider must be FARGATE or FARGATE_SPOT."
  }
}

variable "port" {
  description = "Container port the service listens on (null for a service without one, such as a worker)."
  type        = number

  validation {
    condition     = var.port == null ? true : var.port >= 1 && var.port <= 65535
    error_message = "port must be from 1 to 65535."
  }
}

variable "command" {
  description = "Command of the container; empty keeps the image's own."
  type        = list(string)
}

variable "environment" {
  description = "Plain environment variables of the container (never secrets)."
  type        = map(string)
}

variable "writable_volumes" {
  description = "Writable task volumes (volume name => container path); the root filesystem stays read-only."
  type        = map(string)
}

variable "exec" {
  description = "ECS Exec into the service's tasks: enable_execute_command, and SSM channels, session logging and the session key for the task role."
  type        = bool
}

variable "exec_log_group_name" {
  description = "CloudWatch log group that records the cluster's ECS Exec sessions."
  type        = string
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing load balancer health checks of a new task (a service without a load balancer has none)."
  type        = number

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be from 0 to 2147483647."
  }
}

variable "secrets" {
  description = "Secrets Manager secrets injected as environment variables (variable name => secret ARN); the task execution role may read exactly these."
  type        = map(string)
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts the secrets, which the task execution role may decrypt with through Secrets Manager (null: the AWS managed key)."
  type        = string
}

variable "cpu" {
  description = "Fargate CPU units of a task (1024 = 1 vCPU)."
  type        = number

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be one of: 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "memory" {
  description = "Memory of a task in MiB; Fargate allows only some sizes for each CPU size."
  type        = number

  validation {
    condition     = var.memory >= 512 && var.memory % 512 == 0
    error_message = "memory must be a multiple of 512 MiB."
  }
}

variable "desired_count" {
  description = "Tasks to start with; afterwards Application Auto Scaling keeps the count between min_capacity and max_capacity."
  type        = number

  validation {
    condition     = var.desired_count >= 0
    error_message = "desired_count may not be negative."
  }
}

variable "min_capacity" {
  description = "Fewest running tasks."
  type        = number

  validation {
    condition     = var.min_capacity >= 0
    error_message = "min_capacity may not be negative."
  }
}

variable "max_capacity" {
  description = "Most running tasks."
  type        = number

  validation {
    condition     = var.max_capacity >= 1
    error_message = "max_capacity must be at least 1."
  }
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) that autoscaling keeps the service at (null: no CPU policy)."
  type        = number

  validation {
    condition     = var.cpu_target == null ? true : var.cpu_target > 0 && var.cpu_target <= 100
    error_message = "cpu_target must be a percentage from 1 to 100."
  }
}

variable "memory_target" {
  description = "Average memory utilisation (percent) that autoscaling keeps the service at (null: no memory policy)."
  type        = number

  validation {
    condition     = var.memory_target == null ? true : var.memory_target > 0 && var.memory_target <= 100
    error_message = "memory_target must be a percentage from 1 to 100."
  }
}

variable "execution_role_name" {
  description = "Name of the task execution role (at most 64 characters)."
  type        = string

  validation {
    condition     = length(var.execution_role_name) <= 64
    error_message = "execution_role_name may have at most 64 characters."
  }
}

variable "task_role_name" {
  description = "Name of the task role (at most 64 characters)."
  type        = string

  validation {
    condition     = length(var.task_role_name) <= 64
    error_message = "task_role_name may have at most 64 characters."
  }
}

variable "load_balancer" {
  description = "Application load balancer in front of the service (null: none). `public`: internet-facing in the public subnets, otherwise internal; `certificate_arn`: HTTPS plus an HTTP→HTTPS redirect (null: plain HTTP); `access_logs`: S3 bucket and key prefix of the access logs (null: off)."
  type = object({
    name                = string
    target_group_name   = string
    public              = bool
    health_check_path   = string
    certificate_arn     = string
    deletion_protection = bool
    access_logs = object({
      bucket = string
      prefix = string
    })
  })

  validation {
    condition     = var.load_balancer == null ? true : length(var.load_balancer.name) <= 32 && length(var.load_balancer.target_group_name) <= 32
    error_message = "Load balancer and target group names may have at most 32 characters."
  }
}

variable "existing_rules" {
  description = "Security group rules that exist already, inline in an adopted security group, and are not created again: `service_from_load_balancer[<service>]`, `load_balancer[<port>]`, `load_balancer_to_service[<service>]`, `service_https[0]`, `service_vpc[0]`."
  type        = set(string)
}
