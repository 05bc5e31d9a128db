project             = "payments"
environment         = "staging"
region              = "us-east-1"
allowed_account_ids = ["222222222222"]
assume_role_arn     = "arn:aws:iam::222222222222:role/terraform"
tags = {
  CostCenter  = "4242"
  Environment = "staging"
  ManagedBy   = "iacgen"
  Owner       = "platform-team"
  Project     = "payments"
  Service     = "payments"
}

# module "network" (modules/network)
vpc_cidr = "10.20.0.0/16"
azs      = ["us-east-1a", "us-east-1b"]
public_subnet_cidrs = {
  us-east-1a = "10.20.128.0/24"
  us-east-1b = "10.20.129.0/24"
}
private_subnet_cidrs = {
  us-east-1a = "10.20.0.0/20"
  us-east-1b = "10.20.16.0/20"
}
database_subnet_cidrs = {
  us-east-1a = "10.20.160.0/24"
  us-east-1b = "10.20.161.0/24"
}
nat_mode                = "per_az"
flow_log_retention_days = 365

# module "secrets" (modules/secrets)
recovery_window_days = {
  db_password    = 30
  stripe_api_key = 30
}
rotation_lambda_arns = {
  db_password = "arn:aws:lambda:us-east-1:222222222222:function:rotate-db"
}

# module "eks" (modules/eks)
kubernetes_version          = "1.35"
cluster_log_retention_days  = 365
cluster_deletion_protection = false
cluster_admins              = ["arn:aws:iam::222222222222:role/platform-admin"]
node_pool_sizes = {
  apps = {
    min     = 3
    desired = 3
    max     = 20
  }
  system = {
    min     = 2
    desired = 2
    max     = 4
  }
}

# module "ecs_cluster" (modules/ecs-cluster)
ecs_log_retention_days = 365

# services: an entry per ECS service (modules/ecs-service)
services = {
  api = {
    image                = "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    image_repository_arn = "arn:aws:ecr:us-east-1:111111111111:repository/api"
    cpu                  = 512
    memory               = 1024
    desired_count        = 3
    min_capacity         = 3
    max_capacity         = 10
    execution_role_name  = "payments-staging-api-execution"
    task_role_name       = "payments-staging-api-task"
    load_balancer = {
      name                = "payments-staging-api"
      target_group_name   = "payments-staging-api-6bdd"
      public              = true
      health_check_path   = "/healthz"
      certificate_arn     = "arn:aws:acm:us-east-1:222222222222:certificate/7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
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
    execution_role_name  = "payments-staging-worker-execution"
    task_role_name       = "payments-staging-worker-task"
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
