//! What `__main__.py` passes to one `EcsService` instance: the same fields for every service
//! (the class is shared), as every Terraform call of `modules/ecs-service` sets the same
//! variables. Values the Terraform root keeps in `terraform.tfvars` are stack config; values it
//! writes into the module call are literals here; the rest is wired to other components.

use super::super::component::{Arg, Component, ConfigKind, by_env, output_of, values_list};
use super::super::py::{self, Expr, name, s};
use super::service;
use crate::model::ecr::ecr_repository_arn;
use crate::model::ecs_service::{
    ServiceNames, Sizing, call_name, is_production_like, secret_env_name, sizing, writable_volumes,
};
use crate::model::{Architecture, Capacity, Deploy, Platform, Service};
use serde_json::json;

pub fn component(
    platform: &Platform,
    svc_name: &str,
    svc: &Service,
    cluster: &Component,
    before: &[Component],
) -> Component {
    let instance = call_name(svc_name);
    let prefix = format!("{instance}_");
    let outputs = service::outputs(svc.load_balancer.is_some());
    Component {
        module: "ecs_service".to_string(),
        prefix: prefix.clone(),
        class: service::CLASS.to_string(),
        body: service::body(),
        imports: service::imports(),
        summary: "One ECS service on Fargate: task definition, task execution and task roles, \
                  log group, security groups, optionally an application load balancer, and \
                  Application Auto Scaling (the counterpart of the Terraform module \
                  modules/ecs-service, one instance per service)."
            .to_string(),
        args: args(platform, svc_name, svc, cluster, before)
            .into_iter()
            .map(|a| a.prefixed(&prefix))
            .collect(),
        outputs,
        instance,
    }
}

/// The expression of output `output` of the component `instance` built before this one;
/// `None` when there is no such component (validation requires it, so this does not happen).
fn wire(components: &[Component], instance: &str, output: &str) -> Expr {
    output_of(components, instance, output).unwrap_or(Expr::None)
}

fn optional<T>(value: Option<T>, f: impl Fn(T) -> Expr) -> Expr {
    value.map_or(Expr::None, f)
}

fn args(
    platform: &Platform,
    svc_name: &str,
    svc: &Service,
    cluster: &Component,
    before: &[Component],
) -> Vec<Arg> {
    let public = svc.load_balancer.as_ref().is_some_and(|lb| lb.public);
    let ecs = |output: &str| cluster.output(output).unwrap_or(Expr::None);
    let network = |output: &str| wire(before, "network", output);
    // The services keep their logs as long as the cluster's exec logs: the same config key,
    // as the Terraform root passes `var.ecs_log_retention_days` to both.
    let retention = cluster
        .args
        .iter()
        .find(|a| a.field == "log_retention_days")
        .map_or(Expr::None, Arg::value);
    let secret_arns = wire(before, "secrets", "secret_arns");
    let int = |n: u32| py::int(i64::from(n));
    let sizes = |f: fn(&Sizing) -> u32| by_env(platform, |e| f(&sizing(svc, e)));
    let names = |env: &str| ServiceNames::new(&platform.project, env, svc_name);

    let mut args = vec![
        Arg::wired("name", "str", name("name")),
        Arg::wired("service", "str", s(svc_name)),
        Arg::wired("tags", "dict[str, str]", name("tags")),
        Arg::wired("region", "str", name("region")),
        Arg::wired("cluster_name", "pulumi.Input[str]", ecs("cluster_name")),
        Arg::wired("cluster_arn", "pulumi.Input[str]", ecs("cluster_arn")),
        Arg::wired(
            "logs_kms_key_arn",
            "pulumi.Input[str]",
            ecs("logs_kms_key_arn"),
        ),
        Arg::wired("log_retention_days", "int", retention),
        Arg::wired("vpc_id", "pulumi.Input[str]", network("vpc_id")),
        Arg::wired(
            "vpc_cidr_block",
            "pulumi.Input[str]",
            network("vpc_cidr_block"),
        ),
        Arg::wired(
            "private_subnet_ids",
            "list[pulumi.Input[str]]",
            values_list(network("private_subnet_ids")),
        ),
        Arg::wired(
            "public_subnet_ids",
            "list[pulumi.Input[str]]",
            if public {
                values_list(network("public_subnet_ids"))
            } else {
                py::list([])
            },
        ),
        // Per environment, in the stack file, as in terraform.tfvars.
        Arg::setting(
            "image",
            "str",
            ConfigKind::Str,
            by_env(platform, |e| json!(svc.image.get(e))),
        ),
        Arg::setting(
            "image_repository_arn",
            "str | None",
            ConfigKind::OptionalStr,
            by_env(platform, |e| {
                json!(svc.image.get(e).and_then(|i| ecr_repository_arn(i)))
            }),
        ),
        Arg::wired(
            "pipeline_deploys",
            "bool",
            Expr::Bool(svc.deploy == Deploy::Pipeline),
        ),
        Arg::wired(
            "architecture",
            "str",
            s(match svc.architecture {
                Architecture::X86_64 => "X86_64",
                Architecture::Arm64 => "ARM64",
            }),
        ),
        Arg::wired(
            "capacity_provider",
            "str",
            s(match svc.capacity {
                Capacity::OnDemand => "FARGATE",
                Capacity::Spot => "FARGATE_SPOT",
            }),
        ),
        Arg::wired("port", "int | None", optional(svc.port, py::int)),
        Arg::wired(
            "writable_volumes",
            "dict[str, str]",
            py::dict(
                writable_volumes(svc)
                    .into_iter()
                    .map(|(volume, path)| (volume, s(&path))),
            ),
        ),
        Arg::wired("exec", "bool", Expr::Bool(svc.exec)),
        Arg::wired(
            "exec_log_group_name",
            "pulumi.Input[str]",
            ecs("exec_log_group_name"),
        ),
        Arg::wired(
            "health_check_grace_period_seconds",
            "int",
            int(svc.health_check_grace_period_seconds),
        ),
        Arg::wired("command", "list[str]", py::strs(&svc.command)),
        Arg::wired(
            "environment",
            "dict[str, str]",
            py::dict(svc.environment.iter().map(|(k, v)| (k.clone(), s(v)))),
        ),
        // Each service gets exactly its own secrets, by the name of their variable.
        Arg::wired(
            "secrets",
            "dict[str, pulumi.Input[str]]",
            py::dict(svc.secrets.iter().map(|secret| {
                (
                    secret_env_name(secret),
                    secret_arns.clone().index(s(secret)),
                )
            })),
        ),
        Arg::wired(
            "secrets_kms_key_arn",
            "pulumi.Input[str] | None",
            if svc.secrets.is_empty() {
                Expr::None
            } else {
                wire(before, "secrets", "kms_key_arn")
            },
        ),
        Arg::setting("cpu", "int", ConfigKind::Int, sizes(|z| z.cpu)),
        Arg::setting("memory", "int", ConfigKind::Int, sizes(|z| z.memory)),
        Arg::setting(
            "desired_count",
            "int",
            ConfigKind::Int,
            sizes(|z| z.desired),
        ),
        Arg::setting("min_capacity", "int", ConfigKind::Int, sizes(|z| z.min)),
        Arg::setting("max_capacity", "int", ConfigKind::Int, sizes(|z| z.max)),
    ];
    let autoscaling = svc.autoscaling.as_ref();
    args.push(Arg::wired(
        "cpu_target",
        "int | None",
        optional(autoscaling.and_then(|a| a.cpu_target), int),
    ));
    args.push(Arg::wired(
        "memory_target",
        "int | None",
        optional(autoscaling.and_then(|a| a.memory_target), int),
    ));
    args.push(Arg::setting(
        "execution_role_name",
        "str",
        ConfigKind::Str,
        by_env(platform, |e| names(e).execution_role),
    ));
    args.push(Arg::setting(
        "task_role_name",
        "str",
        ConfigKind::Str,
        by_env(platform, |e| names(e).task_role),
    ));
    // A forward reference: `LoadBalancer` is defined after the arguments class.
    let lb_annotation = "\"LoadBalancer | None\"";
    args.push(match &svc.load_balancer {
        Some(lb) => Arg::setting(
            "load_balancer",
            lb_annotation,
            ConfigKind::Object,
            by_env(platform, |e| {
                let names = names(e);
                json!({
                    "name": names.load_balancer,
                    "target_group_name": names.target_group_for(svc.port.unwrap_or_default()),
                    "public": lb.public,
                    "health_check_path": lb.health_check_path,
                    "certificate_arn": lb.certificate_arn.as_ref().and_then(|arn| arn.get(e)),
                    "deletion_protection": is_production_like(e),
                    "access_logs": lb.access_logs.as_ref().and_then(|logs| {
                        Some(json!({
                            "bucket": logs.bucket.get(e)?,
                            "prefix": logs.prefix,
                        }))
                    }),
                })
            }),
        ),
        None => Arg::wired("load_balancer", lb_annotation, Expr::None),
    });
    // Rules that exist already in an adopted security group (Terraform's `existing_rules`):
    // generated code passes none.
    args.push(Arg::wired("existing_rules", "list[str]", py::list([])));
    args
}
