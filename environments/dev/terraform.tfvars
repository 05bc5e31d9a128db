project             = "payments"
environment         = "dev"
region              = "us-east-1"
allowed_account_ids = ["111111111111"]
assume_role_arn     = "arn:aws:iam::111111111111:role/terraform"
tags = {
  CostCenter  = "4242"
  Environment = "dev"
  ManagedBy   = "iacgen"
  Owner       = "platform-team"
  Project     = "payments"
  Service     = "payments"
}

# module "network" (modules/network)
vpc_cidr = "10.10.0.0/16"
azs      = ["us-east-1a", "us-east-1b"]
public_subnet_cidrs = {
  us-east-1a = "10.10.128.0/24"
  us-east-1b = "10.10.129.0/24"
}
private_subnet_cidrs = {
  us-east-1a = "10.10.0.0/20"
  us-east-1b = "10.10.16.0/20"
}
database_subnet_cidrs = {
  us-east-1a = "10.10.160.0/24"
  us-east-1b = "10.10.161.0/24"
}
nat_mode                = "single"
flow_log_retention_days = 365

# module "secrets" (modules/secrets)
recovery_window_days = {
  db_password    = 30
  stripe_api_key = 30
}
rotation_lambda_arns = {
  db_password = "arn:aws:lambda:us-east-1:111111111111:function:rotate-db"
}

# module "eks" (modules/eks)
kubernetes_version          = "1.35"
cluster_log_retention_days  = 30
cluster_deletion_protection = false
cluster_admins              = ["arn:aws:iam::111111111111:role/platform-admin"]
node_pool_sizes = {
  apps = {
    min     = 1
    desired = 1
    max     = 3
  }
  system = {
    min     = 2
    desired = 2
    max     = 4
  }
}

# module "ecs_cluster" (modules/ecs-cluster)
ecs_log_retention_days = 30

# services: an entry per ECS service (modules/ecs-service)
services = {
  api = {
    image                = "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    image_repository_arn = "arn:aws:ecr:us-east-1:111111111111:repository/api"
    cpu                  = 512
    memory               = 1024
    desired_count        = 1
    min_capacity         = 1
    max_capacity         = 10
    execution_role_name  = "payments-dev-api-execution"
    task_role_name       = "payments-dev-api-task"
    load_balancer = {
      name                = "payments-dev-api"
      target_group_name   = "payments-dev-api-6bdd"
      public              = true
      health_check_path   = "/healthz"
      certificate_arn     = "arn:aws:acm:us-east-1:111111111111:certificate/6f1e2d3c-4b5a-4c6d-9e8f-0a1b2c3d4e5f"
      deletion_protection = false
      access_logs = {
        bucket = "acme-alb-access-logs"
        prefix = "payments"
      }
    }
  }
}

# pipeline_services: an entry per ECS service deployed by its pipeline (modules/ecs-service-pipeline)
pipeline_services = {
  worker = {
    image                = "111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:1.4.2"
    image_repository_arn = "arn:aws:ecr:us-east-1:111111111111:repository/worker"
    cpu                  = 256
    memory               = 512
    desired_count        = 1
    min_capacity         = 1
    max_capacity         = 1
    execution_role_name  = "payments-dev-worker-execution"
    task_role_name       = "payments-dev-worker-task"
    load_balancer        = null
  }
}

# module "observability" (modules/observability)
alarm_emails                  = ["oncall@example.com"]
alarm_error_rate_percent      = 5
alarm_error_rate_min_requests = 50
alarm_latency_p99_seconds     = 2
alarm_cpu_percent             = 80
alarm_memory_percent          = 80
