data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  name = "${var.name}-${var.service}"

  # The load balancer keyed by service name, or nothing for a service without one.
  load_balancer = {
    for service, lb in { (var.service) = var.load_balancer } : service => lb
    if lb != null
  }

  # Listener ports: HTTP, plus HTTPS when the load balancer has a certificate.
  listener_ports = var.load_balancer == null ? [] : (var.load_balancer.certificate_arn == null ? ["80"] : ["80", "443"])

  # Target utilisation (percent) by metric; a metric without one gets no policy.
  scaling_targets = {
    cpu    = var.cpu_target
    memory = var.memory_target
  }
  scaling_policies = {
    for metric, target in local.scaling_targets : metric => target
    if target != null
  }
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:Retention is the spec's observability.log_retention_days for each environment; shorter than a year is a deliberate choice there.
  name              = "/ecs/${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(var.tags, {
    Name = local.name
  })

  lifecycle {
    prevent_destroy = true
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = var.execution_role_name
  description        = "ECS task execution role of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = merge(var.tags, {
    Name = var.execution_role_name
  })
}

data "aws_iam_policy_document" "execution" {
  # Pull the image, when it is in ECR: login has no resource-level permissions.
  # Read exactly this service's secrets, and decrypt them with their key.
  dynamic "statement" {
    for_each = var.image_repository_arn == null ? [] : ["*"]

    content {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.image_repository_arn == null ? [] : [var.image_repository_arn]

    content {
      sid = "PullImage"
      actions = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(var.secrets) == 0 ? [] : [sort(distinct(values(var.secrets)))]

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets) == 0 || var.secrets_kms_key_arn == null ? [] : [var.secrets_kms_key_arn]

    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-image-write-logs-read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  # The application's own role: no permissions until you attach some.
  name               = var.task_role_name
  description        = "ECS task role of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = merge(var.tags, {
    Name = var.task_role_name
  })
}

data "aws_iam_policy_document" "exec" {
  # The SSM message channels have no resource-level permissions.
  statement {
    sid = "ExecChannels"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ExecFindLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  statement {
    sid     = "ExecWriteSessionLogs"
    actions = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = [
      "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:log-group:${var.exec_log_group_name}:*",
    ]
  }

  statement {
    sid       = "ExecSessionKey"
    actions   = ["kms:Decrypt"]
    resources = [var.logs_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "exec" {
  for_each = var.exec ? toset(["exec"]) : toset([])

  name   = "ecs-exec"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.exec.json
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([
    {
      name                   = var.service
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      privileged             = false
      command                = length(var.command) == 0 ? null : var.command
      portMappings = var.port == null ? [] : [
        {
          containerPort = var.port
          protocol      = "tcp"
        },
      ]
      environment = [
        for name, value in var.environment : {
          name  = name
          value = value
        }
      ]
      secrets = [
        for name, arn in var.secrets : {
          name      = name
          valueFrom = arn
        }
      ]
      mountPoints = [
        for volume, path in var.writable_volumes : {
          sourceVolume  = volume
          containerPath = path
          readOnly      = false
        }
      ]
      linuxParameters = var.exec ? {
        initProcessEnabled = true
      } : null
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.this.name
          "awslogs-region"        = data.aws_region.current.region
          "awslogs-stream-prefix" = var.service
        }
      }
    },
  ])

  # The root filesystem is read-only; these volumes are where the container may write.
  dynamic "volume" {
    for_each = var.writable_volumes

    content {
      name = volume.key
    }
  }

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.architecture
  }

  tags = merge(var.tags, {
    Name = local.name
  })

  lifecycle {
    precondition {
      condition = contains(
        lookup(
          {
            "256"   = [512, 1024, 2048]
            "512"   = range(1024, 4097, 1024)
            "1024"  = range(2048, 8193, 1024)
            "2048"  = range(4096, 16385, 1024)
            "4096"  = range(8192, 30721, 1024)
            "8192"  = range(16384, 61441, 4096)
            "16384" = range(32768, 122881, 8192)
          },
          tostring(var.cpu),
          [],
        ),
        var.memory,
      )
      error_message = "cpu and memory must be a Fargate task size: cpu 256: 512, 1024, 2048; cpu 512: 1024–4096 in steps of 1024; cpu 1024: 2048–8192 in steps of 1024; cpu 2048: 4096–16384 in steps of 1024; cpu 4096: 8192–30720 in steps of 1024; cpu 8192: 16384–61440 in steps of 4096; cpu 16384: 32768–122880 in steps of 8192."
    }
  }
}

resource "aws_security_group" "service" {
  name_prefix = "${local.name}-service-"
  description = "ECS tasks of one service: traffic from its load balancer only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name = "${local.name}-service"
  })

  # A replacement is created first, under a unique name (name_prefix): whatever uses the
  # group moves to it before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "service_from_load_balancer" {
  # checkov:skip=CKV_AWS_260:Admits only the load balancer's security group (referenced_security_group_id), no CIDR; checkov misreads a rule without cidr_ipv4 on port 80.
  for_each = {
    for service, lb in local.load_balancer : service => lb
    if !contains(var.existing_rules, "service_from_load_balancer[${service}]")
  }

  security_group_id            = aws_security_group.service.id
  description                  = "Container port from the load balancer"
  referenced_security_group_id = aws_security_group.load_balancer[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port

  tags = merge(var.tags, {
    Name = "${local.name}-from-load-balancer"
  })
}

resource "aws_vpc_security_group_egress_rule" "service_https" {
  # checkov:skip=CKV_AWS_382:Tasks call AWS APIs, ECR and third-party services over HTTPS; other egress stays inside the VPC.
  count = contains(var.existing_rules, "service_https[0]") ? 0 : 1

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to AWS APIs, ECR and the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443

  tags = merge(var.tags, {
    Name = "${local.name}-https-out"
  })
}

resource "aws_vpc_security_group_egress_rule" "service_vpc" {
  count = contains(var.existing_rules, "service_vpc[0]") ? 0 : 1

  security_group_id = aws_security_group.service.id
  description       = "Anything inside the VPC: databases, DNS, other services"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "-1"

  tags = merge(var.tags, {
    Name = "${local.name}-vpc-out"
  })
}

resource "aws_security_group" "load_balancer" {
  for_each = local.load_balancer

  name_prefix = "${local.name}-alb-"
  description = "Load balancer of one ECS service: listener ports in, container port out"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, {
    Name = "${local.name}-alb"
  })

  # A replacement is created first, under a unique name (name_prefix): whatever uses the
  # group moves to it before the old one is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer" {
  # checkov:skip=CKV_AWS_260:An internet-facing load balancer (load_balancer.public) takes HTTP from anywhere; with a certificate HTTP only redirects to HTTPS.
  for_each = toset([
    for port in local.listener_ports : port
    if !contains(var.existing_rules, "load_balancer[${port}]")
  ])

  security_group_id = aws_security_group.load_balancer[var.service].id
  description       = "Port ${each.value} from the load balancer's clients"
  cidr_ipv4         = var.load_balancer.public ? "0.0.0.0/0" : var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value

  tags = merge(var.tags, {
    Name = "${local.name}-alb-${each.value}"
  })
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_service" {
  for_each = {
    for service, lb in local.load_balancer : service => lb
    if !contains(var.existing_rules, "load_balancer_to_service[${service}]")
  }

  security_group_id            = aws_security_group.load_balancer[each.key].id
  description                  = "Container port of the service's tasks"
  referenced_security_group_id = aws_security_group.service.id
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port

  tags = merge(var.tags, {
    Name = "${local.name}-alb-to-service"
  })
}

resource "aws_lb" "this" {
  # checkov:skip=CKV_AWS_91:Access logs are on when the spec gives load_balancer.access_logs (a bucket iacgen does not own); request metrics and alarms come from CloudWatch.
  # checkov:skip=CKV2_AWS_28:A WAF web ACL is not part of the spec; attach one with aws_wafv2_web_acl_association.
  # checkov:skip=CKV_AWS_150:Deletion protection is on in production-like environments (load_balancer.deletion_protection).
  # checkov:skip=CKV2_AWS_20:HTTP redirects to HTTPS whenever the spec gives a certificate_arn; without one there is no HTTPS to redirect to.
  for_each = local.load_balancer

  name                       = each.value.name
  load_balancer_type         = "application"
  internal                   = !each.value.public
  subnets                    = each.value.public ? var.public_subnet_ids : var.private_subnet_ids
  security_groups            = [aws_security_group.load_balancer[each.key].id]
  drop_invalid_header_fields = true
  enable_deletion_protection = each.value.deletion_protection

  dynamic "access_logs" {
    for_each = each.value.access_logs == null ? [] : [each.value.access_logs]

    content {
      bucket  = access_logs.value.bucket
      prefix  = access_logs.value.prefix
      enabled = true
    }
  }

  tags = merge(var.tags, {
    Name = each.value.name
  })

  lifecycle {
    precondition {
      condition     = var.port != null
      error_message = "A load balancer needs the service's port."
    }

    precondition {
      condition     = length(each.value.public ? var.public_subnet_ids : var.private_subnet_ids) >= 2
      error_message = "An application load balancer needs subnets in at least two availability zones."
    }
  }
}

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; it reaches the tasks over HTTP inside the VPC, admitted only from its security group.
  for_each = local.load_balancer

  name                 = each.value.target_group_name
  port                 = var.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, {
    Name = each.value.target_group_name
  })

  lifecycle {
    # A new port or protocol replaces the target group, under a new name (it carries a hash of
    # both): the listener moves to the new one before the old one, still in use until then, goes.
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2:Plain HTTP only when the spec gives no certificate_arn; with one this listener redirects to HTTPS.
  # checkov:skip=CKV_AWS_103:TLS applies to the HTTPS listener; this one is plain HTTP or a redirect.
  for_each = local.load_balancer

  load_balancer_arn = aws_lb.this[each.key].arn
  port              = 80
  protocol          = "HTTP"

  # Forward to the service, or with a certificate redirect to HTTPS.
  default_action {
    type             = each.value.certificate_arn == null ? "forward" : "redirect"
    target_group_arn = each.value.certificate_arn == null ? aws_lb_target_group.this[each.key].arn : null

    dynamic "redirect" {
      for_each = each.value.certificate_arn == null ? [] : ["HTTPS"]

      content {
        protocol    = redirect.value
        port        = "443"
        status_code = "HTTP_301"
      }
    }
  }

  tags = merge(var.tags, {
    Name = "${local.name}-http"
  })
}

resource "aws_lb_listener" "https" {
  for_each = {
    for service, lb in local.load_balancer : service => lb
    if lb.certificate_arn != null
  }

  load_balancer_arn = aws_lb.this[each.key].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = each.value.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  tags = merge(var.tags, {
    Name = "${local.name}-https"
  })
}

resource "aws_ecs_service" "this" {
  name                              = local.name
  cluster                           = var.cluster_arn
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.desired_count
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = var.load_balancer == null ? null : var.health_check_grace_period_seconds
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"
  enable_execute_command            = var.exec
  # Apply waits until the deployment settles (the circuit breaker rolls a failing one back) instead of
  # reporting success while ECS is still replacing tasks.
  wait_for_steady_state = true

  capacity_provider_strategy {
    capacity_provider = var.capacity_provider
    weight            = 1
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "load_balancer" {
    for_each = aws_lb_target_group.this

    content {
      target_group_arn = load_balancer.value.arn
      container_name   = var.service
      container_port   = var.port
    }
  }

  tags = merge(var.tags, {
    Name = local.name
  })

  lifecycle {
    # Application Auto Scaling owns the running count within min_capacity..max_capacity.
    ignore_changes = [desired_count]
  }

  # A target group must belong to a load balancer before a service uses it: through the listener
  # that forwards to it, HTTP without a certificate, HTTPS with one (HTTP then only redirects).
  depends_on = [
    aws_lb_listener.http,
    aws_lb_listener.https,
    aws_iam_role_policy.execution,
    aws_iam_role_policy.exec,
  ]
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity

  tags = merge(var.tags, {
    Name = local.name
  })

  lifecycle {
    precondition {
      condition     = var.min_capacity <= var.desired_count && var.desired_count <= var.max_capacity
      error_message = "desired_count must be between min_capacity and max_capacity."
    }
  }
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.scaling_policies

  name               = "${local.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value = each.value

    predefined_metric_specification {
      predefined_metric_type = each.key == "cpu" ? "ECSServiceAverageCPUUtilization" : "ECSServiceAverageMemoryUtilization"
    }
  }
}
