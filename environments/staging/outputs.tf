output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = module.network.vpc_cidr_block
}

output "azs" {
  description = "Availability zones the subnets are in."
  value       = module.network.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, by AZ."
  value       = module.network.public_subnet_ids
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, by AZ."
  value       = module.network.private_subnet_ids
}

output "database_subnet_ids" {
  description = "IDs of the database subnets, by AZ."
  value       = module.network.database_subnet_ids
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, by AZ."
  value       = module.network.private_route_table_ids
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways, by AZ (egress addresses to allow-list elsewhere)."
  value       = module.network.nat_public_ips
}

output "database_subnet_group_name" {
  description = "Name of the DB subnet group of the database subnets."
  value       = module.network.database_subnet_group_name
}

output "flow_log_group_name" {
  description = "CloudWatch log group that receives the VPC flow logs."
  value       = module.network.flow_log_group_name
}

output "logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the network's log groups."
  value       = module.network.logs_kms_key_arn
}

output "secret_arns" {
  description = "ARNs of the secrets, by spec name."
  value       = module.secrets.secret_arns
}

output "secret_names" {
  description = "Names of the secrets in Secrets Manager, by spec name."
  value       = module.secrets.secret_names
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the secrets (readers need kms:Decrypt on it through Secrets Manager)."
  value       = module.secrets.kms_key_arn
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded certificate authority of the cluster, for kubeconfig."
  value       = module.eks.cluster_certificate_authority_data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for the control plane and the nodes."
  value       = module.eks.cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts (IRSA)."
  value       = module.eks.oidc_provider_arn
}

output "node_role_arn" {
  description = "ARN of the IAM role of the nodes."
  value       = module.eks.node_role_arn
}

output "node_group_names" {
  description = "Names of the managed node groups, by pool."
  value       = module.eks.node_group_names
}

output "node_group_autoscaling_group_names" {
  description = "Names of the Auto Scaling groups behind the node groups, by pool."
  value       = module.eks.node_group_autoscaling_group_names
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster, once its capacity providers are associated."
  value       = module.ecs_cluster.cluster_name
}

output "ecs_cluster_arn" {
  description = "ARN of the ECS cluster, once its capacity providers are associated."
  value       = module.ecs_cluster.cluster_arn
}

output "ecs_logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the ECS log groups."
  value       = module.ecs_cluster.logs_kms_key_arn
}

output "ecs_exec_log_group_name" {
  description = "CloudWatch log group that records ECS Exec sessions."
  value       = module.ecs_cluster.exec_log_group_name
}

output "services" {
  description = "The identifiers of each ECS service, by its name. `service_name`: Name of the ECS service; `log_group_name`: CloudWatch log group of the service's containers; `task_role_arn`: ARN of the task role, to which the application's own permissions belong; `security_group_id`: Security group of the service's tasks, e.g. to admit them to a database; `alb_dns_name`: DNS name of the service's load balancer (null without a port); `alb_arn_suffix`: ARN suffix of the load balancer, for CloudWatch metrics (null without a port); `target_group_arn`: ARN of the service's target group (null without a port); `target_group_arn_suffix`: ARN suffix of the target group, for CloudWatch metrics (null without a port)."
  value = {
    for name, service in local.services : name => {
      service_name            = service.service_name
      log_group_name          = service.log_group_name
      task_role_arn           = service.task_role_arn
      security_group_id       = service.security_group_id
      alb_dns_name            = service.alb_dns_name
      alb_arn_suffix          = service.alb_arn_suffix
      target_group_arn        = service.target_group_arn
      target_group_arn_suffix = service.target_group_arn_suffix
    }
  }
}

output "pipeline_services" {
  description = "The identifiers of each ECS service deployed by its pipeline, by its name. `service_name`: Name of the ECS service; `log_group_name`: CloudWatch log group of the service's containers; `task_role_arn`: ARN of the task role, to which the application's own permissions belong; `security_group_id`: Security group of the service's tasks, e.g. to admit them to a database; `alb_dns_name`: DNS name of the service's load balancer (null without a port); `alb_arn_suffix`: ARN suffix of the load balancer, for CloudWatch metrics (null without a port); `target_group_arn`: ARN of the service's target group (null without a port); `target_group_arn_suffix`: ARN suffix of the target group, for CloudWatch metrics (null without a port)."
  value = {
    for name, service in local.pipeline_services : name => {
      service_name            = service.service_name
      log_group_name          = service.log_group_name
      task_role_arn           = service.task_role_arn
      security_group_id       = service.security_group_id
      alb_dns_name            = service.alb_dns_name
      alb_arn_suffix          = service.alb_arn_suffix
      target_group_arn        = service.target_group_arn
      target_group_arn_suffix = service.target_group_arn_suffix
    }
  }
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies; subscribe more endpoints to it."
  value       = module.observability.alarm_topic_arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of this environment."
  value       = module.observability.dashboard_name
}
