project             = "payments"
environment         = "prod"
region              = "us-east-1"
allowed_account_ids = ["333333333333"]
assume_role_arn     = "arn:aws:iam::333333333333:role/terraform"
tags = {
  Compliance  = "pci"
  CostCenter  = "4242"
  Environment = "prod"
  ManagedBy   = "iacgen"
  Owner       = "platform-team"
  Project     = "payments"
  Service     = "payments"
}

# module "network" (modules/network)
vpc_cidr = "10.30.0.0/16"
azs      = ["us-east-1a", "us-east-1b", "us-east-1c"]
public_subnet_cidrs = {
  us-east-1a = "10.30.128.0/24"
  us-east-1b = "10.30.129.0/24"
  us-east-1c = "10.30.130.0/24"
}
private_subnet_cidrs = {
  us-east-1a = "10.30.0.0/20"
  us-east-1b = "10.30.16.0/20"
  us-east-1c = "10.30.32.0/20"
}
database_subnet_cidrs = {
  us-east-1a = "10.30.160.0/24"
  us-east-1b = "10.30.161.0/24"
  us-east-1c = "10.30.162.0/24"
}
nat_mode                = "per_az"
flow_log_retention_days = 365

# module "secrets" (modules/secrets)
recovery_window_days = {
  db_password    = 30
  stripe_api_key = 30
}
rotation_lambda_arns = {
  db_password = "arn:aws:lambda:us-east-1:333333333333:function:rotate-db"
}

# module "eks" (modules/eks)
kubernetes_version          = "1.35"
cluster_log_retention_days  = 365
cluster_deletion_protection = true
cluster_admins              = ["arn:aws:iam::333333333333:role/platform-admin"]
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
    image                = "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1.3.2"
    image_repository_arn = "arn:aws:ecr:us-east-1:111111111111:repository/api"
    cpu                  = 512
    memory               = 1024
    desired_count        = 3
    min_capacity         = 3
    max_capacity         = 10
    execution_role_name  = "payments-prod-api-execution"
    task_role_name       = "payments-prod-api-task"
    load_balancer = {
      name                = "payments-prod-api"
      target_group_name   = "payments-prod-api-6bdd"
      public              = true
      health_check_path   = "/healthz"
      certificate_arn     = "arn:aws:acm:us-east-1:333333333333:certificate/8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
      deletion_protection = true
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
    execution_role_name  = "payments-prod-worker-execution"
    task_role_name       = "payments-prod-worker-task"
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
