//! `components/ecs_cluster.py`: the counterpart of `modules/ecs-cluster`: the Fargate cluster
//! every service runs in, ECS Exec session logging and the KMS key of the ECS log groups.

use super::super::component::{
    self, Arg, Component, ConfigKind, by_env, init_preamble, resource, tags_named, tpl,
};
use super::super::kms;
use super::super::py::{self, Expr, Stmt, call, dict, lambda, name, path, s};

use crate::model::Platform;

pub const INSTANCE: &str = "ecs_cluster";

pub fn component(platform: &Platform) -> Component {
    let mut init = init_preamble("iacgen:ecs_cluster:EcsCluster", path("args.name"));
    init.extend([
        py::assign(
            "self.logs_key",
            kms::logs_key_call(tpl("{name}-ecs-logs"), tpl("ECS log groups of {name}")),
        ),
        py::assign(
            "self.exec_log_group",
            resource(
                "aws.cloudwatch.LogGroup",
                tpl("/aws/ecs/{name}/exec"),
                vec![
                    ("name", tpl("/aws/ecs/{name}/exec")),
                    ("retention_in_days", path("args.log_retention_days")),
                    ("kms_key_id", path("self.logs_key.arn")),
                    ("tags", tags_named(tpl("{name}-ecs-exec"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "self.cluster",
            resource(
                "aws.ecs.Cluster",
                name("name"),
                vec![
                    ("name", name("name")),
                    (
                        "settings",
                        py::list([dict([
                            ("name", s("containerInsights")),
                            ("value", s("enabled")),
                        ])]),
                    ),
                    (
                        "configuration",
                        dict([(
                            "execute_command_configuration",
                            dict([
                                ("kms_key_id", path("self.logs_key.arn")),
                                ("logging", s("OVERRIDE")),
                                (
                                    "log_configuration",
                                    dict([
                                        (
                                            "cloud_watch_log_group_name",
                                            path("self.exec_log_group.name"),
                                        ),
                                        ("cloud_watch_encryption_enabled", Expr::Bool(true)),
                                    ]),
                                ),
                            ]),
                        )]),
                    ),
                    ("tags", tags_named(name("name"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "Services choose FARGATE or FARGATE_SPOT themselves; the default covers one-off\n\
             tasks."
                .to_string(),
        ),
        py::assign(
            "self.capacity_providers",
            resource(
                "aws.ecs.ClusterCapacityProviders",
                name("name"),
                vec![
                    ("cluster_name", path("self.cluster.name")),
                    ("capacity_providers", py::strs(["FARGATE", "FARGATE_SPOT"])),
                    (
                        "default_capacity_provider_strategies",
                        py::list([dict([
                            ("capacity_provider", s("FARGATE")),
                            ("weight", py::int(1)),
                        ])]),
                    ),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "Services read the cluster through its capacity providers: one created before\n\
             FARGATE and FARGATE_SPOT are associated fails to start its tasks."
                .to_string(),
        ),
    ]);
    init.extend([
        py::assign(
            "arn_and_name",
            call(
                path("pulumi.Output.all"),
                vec![
                    path("self.cluster.arn"),
                    path("self.capacity_providers.cluster_name"),
                ],
                vec![],
            ),
        ),
        py::assign(
            "self.cluster_arn",
            name("arn_and_name").method(
                "apply",
                vec![lambda(&["values"], name("values").index(py::int(0)))],
            ),
        ),
    ]);
    let outputs = vec![
        (
            "cluster_name".to_string(),
            path("self.capacity_providers.cluster_name"),
        ),
        ("cluster_arn".to_string(), path("self.cluster_arn")),
        ("logs_kms_key_arn".to_string(), path("self.logs_key.arn")),
        (
            "exec_log_group_name".to_string(),
            path("self.exec_log_group.name"),
        ),
    ];
    init.push(Component::register_outputs(&outputs));

    let class = component::class(
        "EcsCluster",
        "The ECS cluster of the Fargate services, with Container Insights and encrypted\n\
         ECS Exec session logs."
            .to_string(),
        init,
    );
    Component {
        module: "ecs_cluster".to_string(),
        instance: INSTANCE.to_string(),
        // Config keys and outputs start with `ecs_`, as the Terraform root's do.
        prefix: "ecs_".to_string(),
        class: "EcsCluster".to_string(),
        body: vec![Stmt::Class(class)],
        imports: vec![py::import_as("pulumi_aws", "aws"), kms::import()],
        summary: "The ECS cluster of the Fargate services: Container Insights, the FARGATE and \
                  FARGATE_SPOT capacity providers, ECS Exec session logging, and the KMS key \
                  that encrypts the ECS log groups (the counterpart of the Terraform module \
                  modules/ecs-cluster)."
            .to_string(),
        args: vec![
            Arg::wired("name", "str", name("name")),
            Arg::wired("tags", "dict[str, str]", name("tags")),
            Arg::wired("region", "str", name("region")),
            Arg::setting(
                "log_retention_days",
                "int",
                ConfigKind::Int,
                by_env(platform, |e| {
                    platform
                        .observability
                        .log_retention_days
                        .get(e)
                        .copied()
                        .unwrap_or(365)
                }),
            )
            .prefixed("ecs_"),
        ],
        outputs,
    }
}
