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
