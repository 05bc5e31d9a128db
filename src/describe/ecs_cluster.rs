//! `ecs_cluster` (`modules/ecs-cluster`, `components/ecs_cluster.py`): the Fargate cluster
//! every ECS service runs in, ECS Exec session logging, and the KMS key that encrypts the ECS
//! log groups (the services' too).

use super::{
    Check, Component, Expr, Fact, Input, Item, Output, Part, Resource, Type, Value, block, input,
    kms, res, s, strs, tpl,
};
use crate::model::Platform;

/// The prefix of the instance's root variables and outputs (Terraform) and of its config keys
/// and stack outputs (Pulumi): `cluster_name` alone would be EKS's.
pub const PREFIX: &str = "ecs_";

/// Describes the ECS cluster of `platform`.
pub fn component(platform: &Platform) -> Component {
    let key = res("aws_kms_key", "logs");
    let exec_logs = res("aws_cloudwatch_log_group", "exec");
    let cluster = res("aws_ecs_cluster", "this");
    let providers = res("aws_ecs_cluster_capacity_providers", "this");

    let mut items = kms::logs_key(
        "logs",
        tpl("{name}-ecs-logs"),
        tpl("ECS log groups of {name}"),
    );
    items.push(Item::Resource(
        Resource::new("aws_cloudwatch_log_group", "exec", tpl("{name}-ecs-exec"))
            .note(super::ecs_service::RETENTION_SKIP.to_string())
            .arg("name", tpl("/aws/ecs/{name}/exec"))
            // The name Pulumi stacks already hold.
            .pulumi_name(tpl("/aws/ecs/{name}/exec"))
            .arg("retention_in_days", input("log_retention_days"))
            .arg("kms_key_id", key.attr("arn")),
    ));
    items.push(Item::Resource(
        // Tagged `Name = "${var.name}"`, as the module always was; Pulumi names it `name`.
        Resource::new(
            "aws_ecs_cluster",
            "this",
            Expr::Tmpl(vec![Part::Expr(input("name"))]),
        )
        .pulumi_name(input("name"))
        .arg("name", input("name"))
        .arg(
            "setting",
            Expr::Blocks(vec![block(vec![
                ("name", s("containerInsights")),
                ("value", s("enabled")),
            ])]),
        )
        .arg(
            "configuration",
            block(vec![(
                "execute_command_configuration",
                block(vec![
                    ("kms_key_id", key.attr("arn")),
                    ("logging", s("OVERRIDE")),
                    (
                        "log_configuration",
                        block(vec![
                            ("cloud_watch_log_group_name", exec_logs.attr("name")),
                            ("cloud_watch_encryption_enabled", Expr::Bool(true)),
                        ]),
                    ),
                ]),
            )]),
        ),
    ));
    items.push(Item::Resource(
        Resource::new("aws_ecs_cluster_capacity_providers", "this", input("name"))
            .untagged()
            .arg("cluster_name", cluster.attr("name"))
            .arg("capacity_providers", strs(["FARGATE", "FARGATE_SPOT"]))
            .arg(
                "default_capacity_provider_strategy",
                Expr::Blocks(vec![block(vec![
                    ("capacity_provider", s("FARGATE")),
                    ("weight", Expr::Int(1)),
                ])]),
            )
            .comment(
                "default_capacity_provider_strategy",
                "Services choose FARGATE or FARGATE_SPOT themselves; this covers one-off tasks.",
            ),
    ));

    let retention = platform
        .env_names()
        .map(|e| {
            let days = platform
                .observability
                .log_retention_days
                .get(e)
                .copied()
                .unwrap_or(365);
            (e.to_string(), Value::Int(i64::from(days)))
        })
        .collect();

    Component {
        module: "ecs-cluster".to_string(),
        instance: "ecs_cluster".to_string(),
        class: "EcsCluster".to_string(),
        summary: "The ECS cluster of the Fargate services: Container Insights, the FARGATE and \
                  FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key \
                  that encrypts the ECS log groups."
            .to_string(),
        facts: vec![Fact::AccountId, Fact::Partition, Fact::Region],
        items,
        inputs: vec![
            Input::name(),
            Input::tags(),
            Input::setting(
                "log_retention_days",
                Type::Int,
                "Days to keep ECS logs (services and ECS Exec sessions)",
                retention,
            )
            .check(Check::Retention),
        ],
        outputs: vec![
            // Read through the capacity providers: a service created before FARGATE and
            // FARGATE_SPOT are associated with the cluster fails to start its tasks.
            Output::new(
                "cluster_name",
                "Name of the ECS cluster, once its capacity providers are associated.",
                providers.attr("cluster_name"),
            ),
            Output::new(
                "cluster_arn",
                "ARN of the ECS cluster, once its capacity providers are associated.",
                cluster.attr("arn"),
            )
            .after(providers),
            Output::new(
                "logs_kms_key_arn",
                "ARN of the KMS key that encrypts the ECS log groups.",
                key.attr("arn"),
            ),
            Output::new(
                "exec_log_group_name",
                "CloudWatch log group that records ECS Exec sessions.",
                exec_logs.attr("name"),
            ),
        ],
    }
}
