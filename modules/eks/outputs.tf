output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded certificate authority of the cluster, for kubeconfig."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for the control plane and the nodes."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts (IRSA)."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "node_role_arn" {
  description = "ARN of the IAM role of the nodes."
  value       = aws_iam_role.node.arn
}

output "node_group_names" {
  description = "Names of the managed node groups, by pool."
  value       = { for pool, group in aws_eks_node_group.this : pool => group.node_group_name }
}

output "node_group_autoscaling_group_names" {
  description = "Names of the Auto Scaling groups behind the node groups, by pool."
  value = {
    for pool, group in aws_eks_node_group.this : pool => group.resources[0].autoscaling_groups[0].name
  }
}
