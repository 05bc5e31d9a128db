locals {
  name = "${var.project}-${var.environment}"
  services = {
    api = module.service_api
  }
  pipeline_services = {
    worker = module.service_worker
  }
}

module "network" {
  source = "../../modules/network"

  name                    = local.name
  tags                    = var.tags
  vpc_cidr                = var.vpc_cidr
  azs                     = var.azs
  public_subnet_cidrs     = var.public_subnet_cidrs
  private_subnet_cidrs    = var.private_subnet_cidrs
  database_subnet_cidrs   = var.database_subnet_cidrs
  nat_mode                = var.nat_mode
  flow_log_retention_days = var.flow_log_retention_days
}

module "secrets" {
  source = "../../modules/secrets"

  name                 = local.name
  tags                 = var.tags
  recovery_window_days = var.recovery_window_days
  rotation_lambda_arns = var.rotation_lambda_arns
}

module "eks" {
  source = "../../modules/eks"

  name                        = local.name
  tags                        = var.tags
  vpc_id                      = module.network.vpc_id
  vpc_cidr_block              = module.network.vpc_cidr_block
  subnet_ids                  = values(module.network.private_subnet_ids)
  kubernetes_version          = var.kubernetes_version
  cluster_log_retention_days  = var.cluster_log_retention_days
  cluster_deletion_protection = var.cluster_deletion_protection
  cluster_admins              = var.cluster_admins
  node_pool_sizes             = var.node_pool_sizes
}

module "ecs_cluster" {
  source = "../../modules/ecs-cluster"

  name               = local.name
  tags               = var.tags
  log_retention_days = var.ecs_log_retention_days
}

module "service_api" {
  source = "../../modules/ecs-service"

  name                 = local.name
  service              = "api"
  tags                 = var.tags
  cluster_name         = module.ecs_cluster.cluster_name
  cluster_arn          = module.ecs_cluster.cluster_arn
  logs_kms_key_arn     = module.ecs_cluster.logs_kms_key_arn
  log_retention_days   = var.ecs_log_retention_days
  vpc_id               = module.network.vpc_id
  vpc_cidr_block       = module.network.vpc_cidr_block
  private_subnet_ids   = values(module.network.private_subnet_ids)
  public_subnet_ids    = values(module.network.public_subnet_ids)
  image                = var.services["api"].image
  image_repository_arn = var.services["api"].image_repository_arn
  architecture         = "X86_64"
  capacity_provider    = "FARGATE"
  port                 = 8080
  command              = []
  environment = {
    LOG_LEVEL = "info"
  }
  writable_volumes = {
    tmp = "/tmp"
  }
  exec                              = false
  exec_log_group_name               = module.ecs_cluster.exec_log_group_name
  health_check_grace_period_seconds = 60
  secrets = {
    DB_PASSWORD = module.secrets.secret_arns["db_password"]
  }
  secrets_kms_key_arn = module.secrets.kms_key_arn
  cpu                 = var.services["api"].cpu
  memory              = var.services["api"].memory
  desired_count       = var.services["api"].desired_count
  min_capacity        = var.services["api"].min_capacity
  max_capacity        = var.services["api"].max_capacity
  cpu_target          = 60
  memory_target       = null
  execution_role_name = var.services["api"].execution_role_name
  task_role_name      = var.services["api"].task_role_name
  load_balancer       = var.services["api"].load_balancer
  existing_rules      = []
}

module "service_worker" {
  source = "../../modules/ecs-service-pipeline"

  name                              = local.name
  service                           = "worker"
  tags                              = var.tags
  cluster_name                      = module.ecs_cluster.cluster_name
  cluster_arn                       = module.ecs_cluster.cluster_arn
  logs_kms_key_arn                  = module.ecs_cluster.logs_kms_key_arn
  log_retention_days                = var.ecs_log_retention_days
  vpc_id                            = module.network.vpc_id
  vpc_cidr_block                    = module.network.vpc_cidr_block
  private_subnet_ids                = values(module.network.private_subnet_ids)
  public_subnet_ids                 = []
  image                             = var.pipeline_services["worker"].image
  image_repository_arn              = var.pipeline_services["worker"].image_repository_arn
  architecture                      = "X86_64"
  capacity_provider                 = "FARGATE"
  port                              = null
  command                           = []
  environment                       = {}
  writable_volumes                  = {}
  exec                              = false
  exec_log_group_name               = module.ecs_cluster.exec_log_group_name
  health_check_grace_period_seconds = 60
  secrets                           = {}
  secrets_kms_key_arn               = null
  cpu                               = var.pipeline_services["worker"].cpu
  memory                            = var.pipeline_services["worker"].memory
  desired_count                     = var.pipeline_services["worker"].desired_count
  min_capacity                      = var.pipeline_services["worker"].min_capacity
  max_capacity                      = var.pipeline_services["worker"].max_capacity
  cpu_target                        = null
  memory_target                     = null
  execution_role_name               = var.pipeline_services["worker"].execution_role_name
  task_role_name                    = var.pipeline_services["worker"].task_role_name
  load_balancer                     = var.pipeline_services["worker"].load_balancer
  existing_rules                    = []
}

module "observability" {
  source = "../../modules/observability"

  name                          = local.name
  tags                          = var.tags
  alarm_emails                  = var.alarm_emails
  alarm_error_rate_percent      = var.alarm_error_rate_percent
  alarm_error_rate_min_requests = var.alarm_error_rate_min_requests
  alarm_latency_p99_seconds     = var.alarm_latency_p99_seconds
  alarm_cpu_percent             = var.alarm_cpu_percent
  alarm_memory_percent          = var.alarm_memory_percent
  ecs_cluster_name              = module.ecs_cluster.cluster_name
  ecs_services = {
    api    = module.service_api.service_name
    worker = module.service_worker.service_name
  }
  load_balancers = {
    api = {
      alb_arn_suffix          = module.service_api.alb_arn_suffix
      target_group_arn_suffix = module.service_api.target_group_arn_suffix
    }
  }
  eks_cluster_name = module.eks.cluster_name
  node_pools = {
    apps   = module.eks.node_group_autoscaling_group_names["apps"]
    system = module.eks.node_group_autoscaling_group_names["system"]
  }
}
