data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "secrets_key" {
  # checkov:skip=CKV_AWS_109:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_111:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_356:A key policy applies to its own key only; "*" is that key.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type = "AWS"
      identifiers = [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
      ]
    }
  }
}

resource "aws_kms_key" "secrets" {
  description             = "Kubernetes secrets of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.secrets_key.json

  tags = merge(var.tags, {
    Name = "${var.name}-eks-secrets"
  })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.name}-eks-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

data "aws_iam_policy_document" "logs_key" {
  # checkov:skip=CKV_AWS_109:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_111:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_356:A key policy applies to its own key only; "*" is that key.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type = "AWS"
      identifiers = [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
      ]
    }
  }

  statement {
    sid = "CloudWatchLogsUse"
    actions = [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:*",
      ]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "EKS control-plane logs of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json

  tags = merge(var.tags, {
    Name = "${var.name}-eks-logs"
  })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name}-eks-logs"
  target_key_id = aws_kms_key.logs.key_id
}

resource "aws_cloudwatch_log_group" "cluster" {
  # checkov:skip=CKV_AWS_338:Retention is chosen per environment in the spec (dev 30 days).
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.cluster_log_retention_days
  kms_key_id        = aws_kms_key.logs.arn

  tags = merge(var.tags, {
    Name = "${var.name}-eks-cluster"
  })

  lifecycle {
    prevent_destroy = true
  }
}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json

  tags = merge(var.tags, {
    Name = "${var.name}-eks-cluster"
  })
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

data "aws_iam_policy_document" "cluster_encryption" {
  statement {
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"]
    resources = [aws_kms_key.secrets.arn]
  }
}

resource "aws_iam_role_policy" "cluster_encryption" {
  name   = "encrypt-kubernetes-secrets"
  role   = aws_iam_role.cluster.id
  policy = data.aws_iam_policy_document.cluster_encryption.json
}

resource "aws_security_group" "cluster" {
  name_prefix = "${var.name}-eks-cluster-"
  description = "Kubernetes API of the EKS cluster: HTTPS from inside the VPC"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name = "${var.name}-eks-cluster"
  })

  # A replacement is created first, under a unique name (name_prefix): whatever uses the
  # group moves to it before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cluster_https" {
  security_group_id = aws_security_group.cluster.id
  description       = "Kubernetes API from the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443

  tags = merge(var.tags, {
    Name = "${var.name}-eks-cluster-https"
  })
}

resource "aws_eks_cluster" "this" {
  name                      = var.name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  deletion_protection       = var.cluster_deletion_protection

  vpc_config {
    subnet_ids              = var.subnet_ids
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  # Access entries only; admins are the spec's eks.admins, not whoever ran Terraform first.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  # Standard support only: EKS upgrades a version that leaves it, rather than billing extended support.
  upgrade_policy {
    support_type = "STANDARD"
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.secrets.arn
    }
  }

  tags = merge(var.tags, {
    Name = var.name
  })

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_encryption,
    aws_cloudwatch_log_group.cluster,
  ]

  lifecycle {
    prevent_destroy = true
  }
}

locals {
  cluster_admins = toset(var.cluster_admins)
}

resource "aws_eks_access_entry" "admin" {
  for_each = local.cluster_admins

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.key
  type          = "STANDARD"

  tags = merge(var.tags, {
    Name = "${var.name}-admin"
  })
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = local.cluster_admins

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.key].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = merge(var.tags, {
    Name = "${var.name}-eks-irsa"
  })
}

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json

  tags = merge(var.tags, {
    Name = "${var.name}-eks-node"
  })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

locals {
  node_pools = {
    apps = {
      instance_types = ["m6i.xlarge", "m6a.xlarge"]
      capacity_type  = "SPOT"
      ami_type       = "AL2023_x86_64_STANDARD"
      disk_size_gb   = 50
      labels         = {}
      taints         = []
    }
    system = {
      instance_types = ["m6i.large"]
      capacity_type  = "ON_DEMAND"
      ami_type       = "AL2023_x86_64_STANDARD"
      disk_size_gb   = 50
      labels = {
        role = "system"
      }
      taints = [
        {
          key    = "CriticalAddonsOnly"
          value  = "true"
          effect = "NO_SCHEDULE"
        },
      ]
    }
  }

  # "<name>-<pool>" names the pool's launch template and tags. One over EKS's 63 characters keeps its
  # start and ends in a hash of the whole name, so it stays unique and stable.
  node_pool_full_names = { for pool in keys(local.node_pools) : pool => "${var.name}-${pool}" }
  node_pool_names = {
    for pool, full in local.node_pool_full_names : pool => length(full) <= 63 ? full : "${replace(substr(full, 0, 54), "/[-_]+$/", "")}-${substr(sha256(full), 0, 8)}"
  }

  # How each node group is named, in one place. A new instance type, capacity type or AMI type
  # replaces a node group, and the new group is created before the old one is deleted, so it
  # needs a name of its own: the provider appends a unique 26-character suffix to the prefix
  # "<name>-<pool>-" (shortened like the names above, to 36 characters). A group that must
  # keep an existing name (an adopted one) gets { name = "<its name>", prefix = null } here; its
  # replacement then deletes the old group first.
  node_group_naming = {
    for pool, full in local.node_pool_full_names : pool => {
      name   = null
      prefix = "${length(full) <= 36 ? full : "${replace(substr(full, 0, 27), "/[-_]+$/", "")}-${substr(sha256(full), 0, 8)}"}-"
    }
  }

  # One Auto Scaling group tag per pool and tag key: EKS does not pass node group tags on.
  node_group_asg_tags = merge([
    for pool in keys(local.node_pools) : {
      for key, value in merge(var.tags, { Name = local.node_pool_names[pool] }) : "${pool}/${key}" => {
        pool  = pool
        key   = key
        value = value
      }
    }
  ]...)
}

resource "aws_launch_template" "node" {
  for_each = local.node_pools

  name                   = local.node_pool_names[each.key]
  description            = "Nodes of the ${each.key} pool of ${var.name}"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = each.value.disk_size_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags = merge(var.tags, {
      Name = local.node_pool_names[each.key]
    })
  }

  tag_specifications {
    resource_type = "volume"
    tags = merge(var.tags, {
      Name = local.node_pool_names[each.key]
    })
  }

  tag_specifications {
    resource_type = "network-interface"
    tags = merge(var.tags, {
      Name = local.node_pool_names[each.key]
    })
  }

  tags = merge(var.tags, {
    Name = local.node_pool_names[each.key]
  })
}

resource "aws_eks_node_group" "this" {
  for_each = local.node_pools

  cluster_name           = aws_eks_cluster.this.name
  node_group_name        = local.node_group_naming[each.key].name
  node_group_name_prefix = local.node_group_naming[each.key].prefix
  node_role_arn          = aws_iam_role.node.arn
  subnet_ids             = var.subnet_ids
  version                = aws_eks_cluster.this.version
  ami_type               = each.value.ami_type
  capacity_type          = each.value.capacity_type
  instance_types         = each.value.instance_types
  labels                 = each.value.labels

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  scaling_config {
    # Desired size follows the spec; see the module README to hand it to an autoscaler.
    min_size     = var.node_pool_sizes[each.key].min
    desired_size = var.node_pool_sizes[each.key].desired
    max_size     = var.node_pool_sizes[each.key].max
  }

  update_config {
    max_unavailable_percentage = 25
  }

  dynamic "taint" {
    for_each = each.value.taints

    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  tags = merge(var.tags, {
    Name = local.node_pool_names[each.key]
  })

  depends_on = [aws_iam_role_policy_attachment.node]

  # The replacement joins the cluster before the old group drains: the pool never drops to zero.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group_tag" "node" {
  for_each = local.node_group_asg_tags

  autoscaling_group_name = aws_eks_node_group.this[each.value.pool].resources[0].autoscaling_groups[0].name

  tag {
    key                 = each.value.key
    value               = each.value.value
    propagate_at_launch = false
  }
}

locals {
  # Add-on name => pinned version (null: the newest for the cluster's Kubernetes version).
  addon_versions = {
    coredns                = null
    eks-pod-identity-agent = null
    kube-proxy             = null
    vpc-cni                = null
  }
}

data "aws_eks_addon_version" "this" {
  for_each = local.addon_versions

  addon_name         = each.key
  kubernetes_version = aws_eks_cluster.this.version
  most_recent        = true
}

resource "aws_eks_addon" "this" {
  for_each = local.addon_versions

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = coalesce(each.value, data.aws_eks_addon_version.this[each.key].version)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}"
  })

  depends_on = [aws_eks_node_group.this]
}
