//! `modules/ecs-cluster`: the Fargate cluster every service runs in, and the KMS key that
//! encrypts the ECS log groups.

use super::super::common::{kms_key_for_logs, name_tags, retention_variable};
use super::super::interface::Output;
use super::super::module::{Input, Module};
use crate::hcl::{Body, block, data, ex, num, resource, s, strings};
use crate::model::Platform;

pub fn module(platform: &Platform) -> Module {
    let main = Body::new()
        .block(data("aws_caller_identity", "current", Body::new()))
        .block(data("aws_partition", "current", Body::new()))
        .block(data("aws_region", "current", Body::new()))
        .extend(kms_key_for_logs(
            "logs",
            "${var.name}-ecs-logs",
            "ECS log groups of ${var.name}",
        ))
        .block(resource(
            "aws_cloudwatch_log_group",
            "exec",
            Body::new()
                .comment(super::service::RETENTION_SKIP)
                .attr("name", ex(r#""/aws/ecs/${var.name}/exec""#))
                .attr("retention_in_days", ex("var.log_retention_days"))
                .attr("kms_key_id", ex("aws_kms_key.logs.arn"))
                .blank()
                .attr("tags", name_tags("${var.name}-ecs-exec")),
        ))
        .block(cluster())
        .block(resource(
            "aws_ecs_cluster_capacity_providers",
            "this",
            Body::new()
                .attr("cluster_name", ex("aws_ecs_cluster.this.name"))
                .attr("capacity_providers", strings(["FARGATE", "FARGATE_SPOT"]))
                .blank()
                .comment("Services choose FARGATE or FARGATE_SPOT themselves; this covers one-off tasks.")
                .block(block(
                    "default_capacity_provider_strategy",
                    &[],
                    Body::new()
                        .attr("capacity_provider", s("FARGATE"))
                        .attr("weight", num(1)),
                )),
        ));

    let envs: Vec<&str> = platform.env_names().collect();
    let retention = envs
        .iter()
        .map(|e| {
            let days = platform
                .observability
                .log_retention_days
                .get(e)
                .copied()
                .unwrap_or(365);
            (e.to_string(), num(i64::from(days)))
        })
        .collect();

    Module {
        dir: "ecs-cluster".to_string(),
        name: "ecs_cluster".to_string(),
        // Root variables and outputs start with `ecs_`: `cluster_name` alone would be EKS's.
        var_prefix: "ecs_".to_string(),
        summary: "The ECS cluster of the Fargate services: Container Insights, the FARGATE and \
                  FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key \
                  that encrypts the ECS log groups."
            .to_string(),
        main: main.into(),
        inputs: vec![
            Input::name(),
            Input::tags(),
            Input::setting(
                retention_variable(
                    "log_retention_days",
                    "Days to keep ECS logs (services and ECS Exec sessions)",
                ),
                retention,
            ),
        ],
        outputs: vec![
            // Read through the capacity providers: a service created before FARGATE and
            // FARGATE_SPOT are associated with the cluster fails to start its tasks.
            Output::new(
                "cluster_name",
                "Name of the ECS cluster, once its capacity providers are associated.",
                ex("aws_ecs_cluster_capacity_providers.this.cluster_name"),
            ),
            Output::new(
                "cluster_arn",
                "ARN of the ECS cluster, once its capacity providers are associated.",
                ex("aws_ecs_cluster.this.arn"),
            )
            .after("[aws_ecs_cluster_capacity_providers.this]"),
            Output::new(
                "logs_kms_key_arn",
                "ARN of the KMS key that encrypts the ECS log groups.",
                ex("aws_kms_key.logs.arn"),
            ),
            Output::new(
                "exec_log_group_name",
                "CloudWatch log group that records ECS Exec sessions.",
                ex("aws_cloudwatch_log_group.exec.name"),
            ),
        ],
    }
}

fn cluster() -> crate::hcl::Block {
    resource(
        "aws_ecs_cluster",
        "this",
        Body::new()
            .attr("name", ex("var.name"))
            .blank()
            .block(block(
                "setting",
                &[],
                Body::new()
                    .attr("name", s("containerInsights"))
                    .attr("value", s("enabled")),
            ))
            .blank()
            .block(block(
                "configuration",
                &[],
                Body::new().block(block(
                    "execute_command_configuration",
                    &[],
                    Body::new()
                        .attr("kms_key_id", ex("aws_kms_key.logs.arn"))
                        .attr("logging", s("OVERRIDE"))
                        .blank()
                        .block(block(
                            "log_configuration",
                            &[],
                            Body::new()
                                .attr(
                                    "cloud_watch_log_group_name",
                                    ex("aws_cloudwatch_log_group.exec.name"),
                                )
                                .attr("cloud_watch_encryption_enabled", true),
                        )),
                )),
            ))
            .blank()
            .attr("tags", name_tags("${var.name}")),
    )
}
