data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "alarms_key" {
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
    sid       = "CloudWatchAlarmsUse"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }

  statement {
    sid       = "EventBridgeUse"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "Alarm notifications of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarms_key.json

  tags = merge(var.tags, {
    Name = "${var.name}-alarms"
  })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "alarms" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.alarms.key_id
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.alarms.arn

  tags = merge(var.tags, {
    Name = "${var.name}-alarms"
  })
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid = "AccountManages"
    actions = [
      "sns:AddPermission",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
      "sns:RemovePermission",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
    ]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type = "AWS"
      identifiers = [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
      ]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values = [
        "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:*",
      ]
    }
  }

  statement {
    sid       = "EventBridgePublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.deployment_failed.arn]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  # Each address gets a confirmation e-mail; it receives alarms once confirmed.
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  for_each = var.load_balancers

  alarm_name          = "${var.name}-${each.key}-5xx-rate"
  alarm_description   = "More than ${var.alarm_error_rate_percent}% of the requests to ${each.key} failed with a 5xx error in 2 of the last 3 five-minute periods (counted from ${var.alarm_error_rate_min_requests} requests per period)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_error_rate_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 2

  # No requests in a period means no errors.
  treat_missing_data = "notBreaching"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  # The error rate: 5xx counts are absent, not zero, when nothing failed. Below the minimum
  # request count the rate is 0: a few errors among a handful of requests are noise.
  metric_query {
    id          = "error_rate"
    label       = "5xx responses (% of requests)"
    expression  = "IF(requests >= ${var.alarm_error_rate_min_requests}, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      stat        = "Sum"
      period      = 300
      dimensions = {
        LoadBalancer = each.value.alb_arn_suffix
      }
    }
  }

  metric_query {
    id = "target_5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      stat        = "Sum"
      period      = 300
      dimensions = {
        LoadBalancer = each.value.alb_arn_suffix
        TargetGroup  = each.value.target_group_arn_suffix
      }
    }
  }

  metric_query {
    id = "elb_5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      stat        = "Sum"
      period      = 300
      dimensions = {
        LoadBalancer = each.value.alb_arn_suffix
      }
    }
  }

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}-5xx-rate"
  })
}

resource "aws_cloudwatch_metric_alarm" "latency_p99" {
  for_each = var.load_balancers

  alarm_name          = "${var.name}-${each.key}-p99-latency"
  alarm_description   = "The 99th percentile response time of ${each.key} was above ${var.alarm_latency_p99_seconds} s in 3 of the last 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_latency_p99_seconds
  evaluation_periods  = 5
  datapoints_to_alarm = 3

  # No requests in a period means nothing was slow.
  treat_missing_data = "notBreaching"

  namespace          = "AWS/ApplicationELB"
  metric_name        = "TargetResponseTime"
  extended_statistic = "p99"
  period             = 60
  dimensions = {
    LoadBalancer = each.value.alb_arn_suffix
    TargetGroup  = each.value.target_group_arn_suffix
  }
  # A p99 of a handful of requests is noise: keep the state until there are enough.
  evaluate_low_sample_count_percentiles = "ignore"

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}-p99-latency"
  })
}

resource "aws_cloudwatch_metric_alarm" "service_cpu" {
  for_each = var.ecs_services

  alarm_name          = "${var.name}-${each.key}-cpu"
  alarm_description   = "Average CPU use of the tasks of ${each.key} was above ${var.alarm_cpu_percent}% for 15 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_cpu_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 3

  # No data means no running task: not high use, but worth seeing, so the alarm shows INSUFFICIENT_DATA.
  treat_missing_data = "missing"

  namespace   = "AWS/ECS"
  metric_name = "CPUUtilization"
  statistic   = "Average"
  period      = 300
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = each.value
  }

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}-cpu"
  })
}

resource "aws_cloudwatch_metric_alarm" "service_memory" {
  for_each = var.ecs_services

  alarm_name          = "${var.name}-${each.key}-memory"
  alarm_description   = "Average memory use of the tasks of ${each.key} was above ${var.alarm_memory_percent}% for 15 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_memory_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 3

  # No data means no running task: not high use, but worth seeing, so the alarm shows INSUFFICIENT_DATA.
  treat_missing_data = "missing"

  namespace   = "AWS/ECS"
  metric_name = "MemoryUtilization"
  statistic   = "Average"
  period      = 300
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = each.value
  }

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}-memory"
  })
}

resource "aws_cloudwatch_metric_alarm" "node_pool_cpu" {
  for_each = var.node_pools

  alarm_name          = "${var.name}-${each.key}-nodes-cpu"
  alarm_description   = "Average CPU use of the nodes of pool ${each.key} (cluster ${var.eks_cluster_name}) was above ${var.alarm_cpu_percent}% for 15 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_cpu_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 3

  # No data means no node in the pool (scaled to zero): not high use, but worth seeing.
  treat_missing_data = "missing"

  namespace   = "AWS/EC2"
  metric_name = "CPUUtilization"
  statistic   = "Average"
  period      = 300
  dimensions = {
    AutoScalingGroupName = each.value
  }

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = merge(var.tags, {
    Name = "${var.name}-${each.key}-nodes-cpu"
  })
}

resource "aws_cloudwatch_event_rule" "deployment_failed" {
  name        = "${var.name}-deploy-failed"
  description = "ECS deployments of this environment's services that failed (rolled back by the circuit breaker)"
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Deployment State Change"]
    resources = [
      for service in values(var.ecs_services) : "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:service/${var.ecs_cluster_name}/${service}"
    ]
    detail = {
      eventName = ["SERVICE_DEPLOYMENT_FAILED"]
    }
  })

  tags = merge(var.tags, {
    Name = "${var.name}-deploy-failed"
  })
}

resource "aws_cloudwatch_event_target" "deployment_failed" {
  rule      = aws_cloudwatch_event_rule.deployment_failed.name
  target_id = "alarm-topic"
  arn       = aws_sns_topic.alarms.arn
}

locals {
  # Services on dashboards of 50 each, sorted by name: CloudWatch accepts at most 500
  # widgets on a dashboard.
  service_dashboards = chunklist(sort(keys(var.ecs_services)), 50)
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat(
      [
        {
          type   = "text"
          x      = 0
          y      = 0
          width  = 24
          height = 2
          properties = {
            markdown = "# ${var.name}\nAlarms notify the SNS topic `${aws_sns_topic.alarms.name}`."
          }
        },
        {
          type   = "text"
          x      = 0
          y      = 2
          width  = 24
          height = 3
          properties = {
            markdown = "## ECS services\nOne dashboard per 50 services, sorted by name: ${join(" · ", [for n, services in local.service_dashboards : "[${services[0]} to ${services[length(services) - 1]}](#dashboards:name=${var.name}-services-${n + 1})"])}"
          }
        },
      ],
      flatten([
        for i, pool in sort(keys(var.node_pools)) : [
          {
            type   = "text"
            x      = 0
            y      = 5 + 7 * i
            width  = 24
            height = 1
            properties = {
              markdown = "## EKS node pool ${pool} (cluster ${var.eks_cluster_name})"
            }
          },
          {
            type   = "metric"
            x      = 0
            y      = 6 + 7 * i
            width  = 12
            height = 6
            properties = {
              title   = "Node CPU utilization (%)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/EC2",
                  "CPUUtilization",
                  "AutoScalingGroupName",
                  var.node_pools[pool],
                  {
                    stat  = "Average"
                    label = "CPU"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_cpu_percent
                  },
                ]
              }
              yAxis = {
                left = {
                  min = 0
                  max = 100
                }
              }
            }
          },
          {
            type   = "metric"
            x      = 12
            y      = 6 + 7 * i
            width  = 12
            height = 6
            properties = {
              title   = "Node network (bytes)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/EC2",
                  "NetworkIn",
                  "AutoScalingGroupName",
                  var.node_pools[pool],
                  {
                    stat  = "Sum"
                    label = "In"
                  },
                ],
                [
                  "AWS/EC2",
                  "NetworkOut",
                  "AutoScalingGroupName",
                  var.node_pools[pool],
                  {
                    stat  = "Sum"
                    label = "Out"
                  },
                ],
              ]
            }
          },
        ]
      ]),
    )
  })
}

resource "aws_cloudwatch_dashboard" "services" {
  for_each = { for n, services in local.service_dashboards : tostring(n + 1) => services }

  dashboard_name = "${var.name}-services-${each.key}"
  dashboard_body = jsonencode({
    widgets = concat(
      [
        {
          type   = "text"
          x      = 0
          y      = 0
          width  = 24
          height = 2
          properties = {
            markdown = "# ${var.name}: ECS services, dashboard ${each.key}\nBack to the [overview](#dashboards:name=${var.name}). Alarms notify the SNS topic `${aws_sns_topic.alarms.name}`."
          }
        },
      ],
      flatten([
        for i, service in each.value : [
          {
            type   = "text"
            x      = 0
            y      = 2 + 7 * i
            width  = 24
            height = 1
            properties = {
              markdown = "## ECS service ${service}"
            }
          },
          {
            type   = "metric"
            x      = 0
            y      = 3 + 7 * i
            width  = 6
            height = 6
            properties = {
              title   = "Requests and 5xx responses"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ApplicationELB",
                  "RequestCount",
                  "LoadBalancer",
                  var.load_balancers[service].alb_arn_suffix,
                  {
                    stat  = "Sum"
                    label = "Requests"
                  },
                ],
                [
                  "AWS/ApplicationELB",
                  "HTTPCode_Target_5XX_Count",
                  "LoadBalancer",
                  var.load_balancers[service].alb_arn_suffix,
                  "TargetGroup",
                  var.load_balancers[service].target_group_arn_suffix,
                  {
                    stat  = "Sum"
                    label = "Target 5xx"
                  },
                ],
                [
                  "AWS/ApplicationELB",
                  "HTTPCode_ELB_5XX_Count",
                  "LoadBalancer",
                  var.load_balancers[service].alb_arn_suffix,
                  {
                    stat  = "Sum"
                    label = "Load balancer 5xx"
                  },
                ],
              ]
            }
          },
          {
            type   = "metric"
            x      = 6
            y      = 3 + 7 * i
            width  = 6
            height = 6
            properties = {
              title   = "Target response time, p99 (s)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ApplicationELB",
                  "TargetResponseTime",
                  "LoadBalancer",
                  var.load_balancers[service].alb_arn_suffix,
                  "TargetGroup",
                  var.load_balancers[service].target_group_arn_suffix,
                  {
                    stat  = "p99"
                    label = "p99"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_latency_p99_seconds
                  },
                ]
              }
            }
          },
          {
            type   = "metric"
            x      = 12
            y      = 3 + 7 * i
            width  = 6
            height = 6
            properties = {
              title   = "CPU utilization (%)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ECS",
                  "CPUUtilization",
                  "ClusterName",
                  var.ecs_cluster_name,
                  "ServiceName",
                  var.ecs_services[service],
                  {
                    stat  = "Average"
                    label = "CPU"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_cpu_percent
                  },
                ]
              }
              yAxis = {
                left = {
                  min = 0
                  max = 100
                }
              }
            }
          },
          {
            type   = "metric"
            x      = 18
            y      = 3 + 7 * i
            width  = 6
            height = 6
            properties = {
              title   = "Memory utilization (%)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ECS",
                  "MemoryUtilization",
                  "ClusterName",
                  var.ecs_cluster_name,
                  "ServiceName",
                  var.ecs_services[service],
                  {
                    stat  = "Average"
                    label = "Memory"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_memory_percent
                  },
                ]
              }
              yAxis = {
                left = {
                  min = 0
                  max = 100
                }
              }
            }
          },
        ]
        if contains(keys(var.load_balancers), service)
      ]),
      flatten([
        for i, service in each.value : [
          {
            type   = "text"
            x      = 0
            y      = 2 + 7 * i
            width  = 24
            height = 1
            properties = {
              markdown = "## ECS service ${service}"
            }
          },
          {
            type   = "metric"
            x      = 0
            y      = 3 + 7 * i
            width  = 12
            height = 6
            properties = {
              title   = "CPU utilization (%)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ECS",
                  "CPUUtilization",
                  "ClusterName",
                  var.ecs_cluster_name,
                  "ServiceName",
                  var.ecs_services[service],
                  {
                    stat  = "Average"
                    label = "CPU"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_cpu_percent
                  },
                ]
              }
              yAxis = {
                left = {
                  min = 0
                  max = 100
                }
              }
            }
          },
          {
            type   = "metric"
            x      = 12
            y      = 3 + 7 * i
            width  = 12
            height = 6
            properties = {
              title   = "Memory utilization (%)"
              region  = data.aws_region.current.region
              view    = "timeSeries"
              stacked = false
              period  = 60
              metrics = [
                [
                  "AWS/ECS",
                  "MemoryUtilization",
                  "ClusterName",
                  var.ecs_cluster_name,
                  "ServiceName",
                  var.ecs_services[service],
                  {
                    stat  = "Average"
                    label = "Memory"
                  },
                ],
              ]
              annotations = {
                horizontal = [
                  {
                    label = "Alarm threshold"
                    value = var.alarm_memory_percent
                  },
                ]
              }
              yAxis = {
                left = {
                  min = 0
                  max = 100
                }
              }
            }
          },
        ]
        if !contains(keys(var.load_balancers), service)
      ]),
    )
  })
}
