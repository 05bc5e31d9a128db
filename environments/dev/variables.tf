variable "project" {
  description = "Project name; the first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,23}$", var.project))
    error_message = "project must match [a-z][a-z0-9-]* and have at most 24 characters."
  }
}

variable "environment" {
  description = "Environment name; the second part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,23}$", var.environment))
    error_message = "environment must match [a-z][a-z0-9-]* and have at most 24 characters."
  }
}

variable "region" {
  description = "AWS region of this environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "allowed_account_ids" {
  description = "The only AWS account IDs Terraform may run against in this environment."
  type        = list(string)

  validation {
    condition     = alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "Every account ID must have 12 digits."
  }
}

variable "assume_role_arn" {
  description = "IAM role of this environment's account that the AWS provider assumes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.assume_role_arn))
    error_message = "assume_role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/terraform."
  }
}

variable "tags" {
  description = "Tags on every taggable resource: the spec's, the environment's and the automatic Environment, Project and ManagedBy."
  type        = map(string)
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (/16 to /24)."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block with a prefix from /16 to /24."
  }
}

variable "azs" {
  description = "Availability zones, in order; subnets are keyed by AZ name."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 1 && length(var.azs) <= 6
    error_message = "Give from 1 to 6 availability zones."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDR block of the public subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.public_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every public subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDR block of the private subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.private_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every private subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "database_subnet_cidrs" {
  description = "CIDR block of the database subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.database_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every database subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "nat_mode" {
  description = "NAT gateways for private subnets: `none`, `single` (one, in the first AZ) or `per_az` (one per AZ, no cross-AZ dependency)."
  type        = string

  validation {
    condition     = contains(["none", "single", "per_az"], var.nat_mode)
    error_message = "nat_mode must be one of: none, single, per_az."
  }
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs (a CloudWatch Logs retention value)."
  type        = number

  validation {
    condition = contains(
      [
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
      ],
      var.flow_log_retention_days,
    )
    error_message = "flow_log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored, by secret (0 deletes at once)."
  type        = map(number)

  validation {
    condition     = alltrue([for days in values(var.recovery_window_days) : days == 0 || (days >= 7 && days <= 30)])
    error_message = "Every recovery window must be 0 or from 7 to 30 days."
  }
}

variable "rotation_lambda_arns" {
  description = "ARN of the Lambda function that rotates each rotated secret (in this environment's account and region), by secret."
  type        = map(string)

  validation {
    condition = alltrue([
      for arn in values(var.rotation_lambda_arns) : can(regex(
        "^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$",
        arn,
      ))
    ])
    error_message = "Every rotation Lambda must be a Lambda function ARN."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and the node groups, e.g. `1.33`."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version such as 1.33."
  }
}

variable "cluster_log_retention_days" {
  description = "Days to keep the control-plane logs (a CloudWatch Logs retention value)."
  type        = number

  validation {
    condition = contains(
      [
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
      ],
      var.cluster_log_retention_days,
    )
    error_message = "cluster_log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "cluster_deletion_protection" {
  description = "Whether EKS refuses to delete the cluster (on in production-like environments; turn it off in this environment's terraform.tfvars before a planned destroy)."
  type        = bool
}

variable "cluster_admins" {
  description = "IAM role or user ARNs given cluster-admin access entries. The cluster authenticates by access entries only, so these are the only principals that can use it."
  type        = list(string)

  validation {
    condition = alltrue([
      for arn in var.cluster_admins : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", arn))
    ])
    error_message = "cluster_admins must be IAM role or user ARNs."
  }
}

variable "node_pool_sizes" {
  description = "Size of each node pool (pool name => min, desired and max node count). Terraform keeps the desired size at this value; see the module README to let an autoscaler own it."
  type = map(object({
    min     = number
    desired = number
    max     = number
  }))

  validation {
    condition = alltrue([
      for pool in values(var.node_pool_sizes) : pool.min >= 0 && pool.min <= pool.desired && pool.desired <= pool.max && pool.max >= 1
    ])
    error_message = "Every node pool needs 0 <= min <= desired <= max and max >= 1."
  }
}

variable "ecs_log_retention_days" {
  description = "Days to keep ECS logs (services and ECS Exec sessions) (a CloudWatch Logs retention value)."
  type        = number

  validation {
    condition = contains(
      [
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
      ],
      var.ecs_log_retention_days,
    )
    error_message = "log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "services" {
  description = "Settings of each ECS service (modules/ecs-service), by its name. `image`: Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`; `image_repository_arn`: ECR repository of the image, which the task execution role may pull from (null for an image outside ECR); `cpu`: Fargate CPU units of a task (1024 = 1 vCPU); `memory`: Memory of a task in MiB; Fargate allows only some sizes for each CPU size; `desired_count`: Tasks to start with; afterwards Application Auto Scaling keeps the count between min_capacity and max_capacity; `min_capacity`: Fewest running tasks; `max_capacity`: Most running tasks; `execution_role_name`: Name of the task execution role (at most 64 characters); `task_role_name`: Name of the task role (at most 64 characters); `load_balancer`: Application load balancer in front of the service (null: none). `public`: internet-facing in the public subnets, otherwise internal; `certificate_arn`: HTTPS plus an HTTP→HTTPS redirect (null: plain HTTP); `access_logs`: S3 bucket and key prefix of the access logs (null: off)."
  type = map(object({
    image                = string
    image_repository_arn = string
    cpu                  = number
    memory               = number
    desired_count        = number
    min_capacity         = number
    max_capacity         = number
    execution_role_name  = string
    task_role_name       = string
    load_balancer = object({
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
  }))

  validation {
    condition = alltrue([
      for name, service in var.services : contains(
        [256, 512, 1024, 2048, 4096, 8192, 16384],
        service.cpu,
      )
    ])
    error_message = "cpu must be one of: 256, 512, 1024, 2048, 4096, 8192, 16384 (services: ${join(", ", [for name, service in var.services : name if !(contains([256, 512, 1024, 2048, 4096, 8192, 16384], service.cpu))])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : service.memory >= 512 && service.memory % 512 == 0])
    error_message = "memory must be a multiple of 512 MiB (services: ${join(", ", [for name, service in var.services : name if !(service.memory >= 512 && service.memory % 512 == 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : service.desired_count >= 0])
    error_message = "desired_count may not be negative (services: ${join(", ", [for name, service in var.services : name if !(service.desired_count >= 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : service.min_capacity >= 0])
    error_message = "min_capacity may not be negative (services: ${join(", ", [for name, service in var.services : name if !(service.min_capacity >= 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : service.max_capacity >= 1])
    error_message = "max_capacity must be at least 1 (services: ${join(", ", [for name, service in var.services : name if !(service.max_capacity >= 1)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : length(service.execution_role_name) <= 64])
    error_message = "execution_role_name may have at most 64 characters (services: ${join(", ", [for name, service in var.services : name if !(length(service.execution_role_name) <= 64)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.services : length(service.task_role_name) <= 64])
    error_message = "task_role_name may have at most 64 characters (services: ${join(", ", [for name, service in var.services : name if !(length(service.task_role_name) <= 64)])})."
  }

  validation {
    condition = alltrue([
      for name, service in var.services : service.load_balancer == null ? true : length(service.load_balancer.name) <= 32 && length(service.load_balancer.target_group_name) <= 32
    ])
    error_message = "Load balancer and target group names may have at most 32 characters (services: ${join(", ", [for name, service in var.services : name if !(service.load_balancer == null ? true : length(service.load_balancer.name) <= 32 && length(service.load_balancer.target_group_name) <= 32)])})."
  }
}

variable "pipeline_services" {
  description = "Settings of each ECS service deployed by its pipeline (modules/ecs-service-pipeline), by its name. `image`: Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`; `image_repository_arn`: ECR repository of the image, which the task execution role may pull from (null for an image outside ECR); `cpu`: Fargate CPU units of a task (1024 = 1 vCPU); `memory`: Memory of a task in MiB; Fargate allows only some sizes for each CPU size; `desired_count`: Tasks to start with; afterwards Application Auto Scaling keeps the count between min_capacity and max_capacity; `min_capacity`: Fewest running tasks; `max_capacity`: Most running tasks; `execution_role_name`: Name of the task execution role (at most 64 characters); `task_role_name`: Name of the task role (at most 64 characters); `load_balancer`: Application load balancer in front of the service (null: none). `public`: internet-facing in the public subnets, otherwise internal; `certificate_arn`: HTTPS plus an HTTP→HTTPS redirect (null: plain HTTP); `access_logs`: S3 bucket and key prefix of the access logs (null: off)."
  type = map(object({
    image                = string
    image_repository_arn = string
    cpu                  = number
    memory               = number
    desired_count        = number
    min_capacity         = number
    max_capacity         = number
    execution_role_name  = string
    task_role_name       = string
    load_balancer = object({
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
  }))

  validation {
    condition = alltrue([
      for name, service in var.pipeline_services : contains(
        [256, 512, 1024, 2048, 4096, 8192, 16384],
        service.cpu,
      )
    ])
    error_message = "cpu must be one of: 256, 512, 1024, 2048, 4096, 8192, 16384 (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(contains([256, 512, 1024, 2048, 4096, 8192, 16384], service.cpu))])})."
  }

  validation {
    condition = alltrue([
      for name, service in var.pipeline_services : service.memory >= 512 && service.memory % 512 == 0
    ])
    error_message = "memory must be a multiple of 512 MiB (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(service.memory >= 512 && service.memory % 512 == 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.pipeline_services : service.desired_count >= 0])
    error_message = "desired_count may not be negative (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(service.desired_count >= 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.pipeline_services : service.min_capacity >= 0])
    error_message = "min_capacity may not be negative (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(service.min_capacity >= 0)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.pipeline_services : service.max_capacity >= 1])
    error_message = "max_capacity must be at least 1 (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(service.max_capacity >= 1)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.pipeline_services : length(service.execution_role_name) <= 64])
    error_message = "execution_role_name may have at most 64 characters (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(length(service.execution_role_name) <= 64)])})."
  }

  validation {
    condition     = alltrue([for name, service in var.pipeline_services : length(service.task_role_name) <= 64])
    error_message = "task_role_name may have at most 64 characters (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(length(service.task_role_name) <= 64)])})."
  }

  validation {
    condition = alltrue([
      for name, service in var.pipeline_services : service.load_balancer == null ? true : length(service.load_balancer.name) <= 32 && length(service.load_balancer.target_group_name) <= 32
    ])
    error_message = "Load balancer and target group names may have at most 32 characters (pipeline_services: ${join(", ", [for name, service in var.pipeline_services : name if !(service.load_balancer == null ? true : length(service.load_balancer.name) <= 32 && length(service.load_balancer.target_group_name) <= 32)])})."
  }
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
