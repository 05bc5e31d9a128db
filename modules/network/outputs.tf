output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability zones the subnets are in."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, by AZ."
  value       = { for az, subnet in aws_subnet.public : az => subnet.id }
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, by AZ."
  value       = { for az, subnet in aws_subnet.private : az => subnet.id }
}

output "database_subnet_ids" {
  description = "IDs of the database subnets, by AZ."
  value       = { for az, subnet in aws_subnet.database : az => subnet.id }
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, by AZ."
  value       = { for az, table in aws_route_table.private : az => table.id }
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways, by AZ (egress addresses to allow-list elsewhere)."
  value       = { for az, eip in aws_eip.nat : az => eip.public_ip }
}

output "database_subnet_group_name" {
  description = "Name of the DB subnet group of the database subnets."
  value       = aws_db_subnet_group.database.name
}

output "flow_log_group_name" {
  description = "CloudWatch log group that receives the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the network's log groups."
  value       = aws_kms_key.logs.arn
}
