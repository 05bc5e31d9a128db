variable "name" {
  description = "Prefix of every resource name, `<project>-<environment>`; also the cluster name."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "vpc_id" {
  description = "ID of the VPC the cluster runs in."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC; it may reach the Kubernetes API."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two AZs) for the control plane's network interfaces and the nodes."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
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
