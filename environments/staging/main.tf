locals {
  name = "${var.project}-${var.environment}"
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
}

module "eks" {
  source = "../../modules/eks"

  name                       = local.name
  tags                       = var.tags
  vpc_id                     = module.network.vpc_id
  vpc_cidr_block             = module.network.vpc_cidr_block
  subnet_ids                 = values(module.network.private_subnet_ids)
  kubernetes_version         = var.kubernetes_version
  cluster_log_retention_days = var.cluster_log_retention_days
  node_pool_sizes            = var.node_pool_sizes
}

module "observability" {
  source = "../../modules/observability"

  name                      = local.name
  tags                      = var.tags
  alarm_emails              = var.alarm_emails
  alarm_error_rate_percent  = var.alarm_error_rate_percent
  alarm_latency_p99_seconds = var.alarm_latency_p99_seconds
  alarm_cpu_percent         = var.alarm_cpu_percent
  alarm_memory_percent      = var.alarm_memory_percent
  ecs_cluster_name          = module.ecs_cluster.cluster_name
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
