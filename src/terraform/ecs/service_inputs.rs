//! What each environment root passes to one `ecs-service` call. Every call declares the same
//! variables (the module code is shared); a part a service does not have gets `null` or `{}`.

use super::super::interface::Variable;
use super::super::module::Input;
use crate::hcl::{Expr, ex, null, num, obj, s, strings};
use crate::model::ecs_service::{
    IAM_ROLE_NAME_MAX, LOAD_BALANCER_NAME_MAX, ServiceNames, is_production_like, secret_env_name,
    sizing, writable_volumes,
};
use crate::model::fargate;
use crate::model::{Architecture, Capacity, Platform, Service};
use std::collections::BTreeMap;

pub fn inputs(platform: &Platform, name: &str, svc: &Service) -> Vec<Input> {
    let envs: Vec<String> = platform.env_names().map(str::to_string).collect();
    let per_env = |f: &dyn Fn(&str) -> Expr| -> BTreeMap<String, Expr> {
        envs.iter().map(|e| (e.clone(), f(e))).collect()
    };
    let count = |n: u32| num(i64::from(n));
    let names = |env: &str| ServiceNames::new(&platform.project, env, name);
    let public = svc.load_balancer.as_ref().is_some_and(|lb| lb.public);

    let mut inputs = vec![
        Input::name(),
        Input::wired(
            Variable::new("service", "string", "Name of the service; resource names are `<name>-<service>`."),
            s(name),
        ),
        Input::tags(),
        Input::wired(
            Variable::new("cluster_name", "string", "Name of the ECS cluster."),
            ex("module.ecs_cluster.cluster_name"),
        ),
        Input::wired(
            Variable::new("cluster_arn", "string", "ARN of the ECS cluster."),
            ex("module.ecs_cluster.cluster_arn"),
        ),
        Input::wired(
            Variable::new("logs_kms_key_arn", "string", "KMS key that encrypts the service's log group."),
            ex("module.ecs_cluster.logs_kms_key_arn"),
        ),
        Input::wired(
            Variable::new("log_retention_days", "number", "Days to keep the service's logs."),
            ex("var.ecs_log_retention_days"),
        ),
        Input::wired(
            Variable::new("vpc_id", "string", "VPC of the service."),
            ex("module.network.vpc_id"),
        ),
        Input::wired(
            Variable::new("vpc_cidr_block", "string", "CIDR block of the VPC: tasks may reach anything in it, an internal load balancer admits clients from it."),
            ex("module.network.vpc_cidr_block"),
        ),
        Input::wired(
            Variable::new("private_subnet_ids", "list(string)", "Private subnets for the tasks and an internal load balancer."),
            ex("values(module.network.private_subnet_ids)"),
        ),
        Input::wired(
            Variable::new("public_subnet_ids", "list(string)", "Public subnets for an internet-facing load balancer (empty otherwise)."),
            if public { ex("values(module.network.public_subnet_ids)") } else { ex("[]") },
        ),
        // Per environment (staging may run a release candidate): both in terraform.tfvars.
        Input::setting(
            Variable::new("image", "string", "Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`."),
            per_env(&|e| svc.image.get(e).map_or_else(null, s)),
        ),
        Input::setting(
            Variable::new("image_repository_arn", "string", "ECR repository of the image, which the task execution role may pull from (null for an image outside ECR)."),
            per_env(&|e| svc.image.get(e).and_then(|i| ecr_repository_arn(i)).map_or_else(null, s)),
        ),
        Input::wired(
            Variable::new("architecture", "string", "CPU architecture of the task: `X86_64` or `ARM64`.")
                .check(r#"contains(["X86_64", "ARM64"], var.architecture)"#, "architecture must be X86_64 or ARM64."),
            s(match svc.architecture {
                Architecture::X86_64 => "X86_64",
                Architecture::Arm64 => "ARM64",
            }),
        ),
        Input::wired(
            Variable::new("capacity_provider", "string", "Fargate capacity provider: `FARGATE`, or `FARGATE_SPOT` for interruptible tasks at a discount.")
                .check(r#"contains(["FARGATE", "FARGATE_SPOT"], var.capacity_provider)"#, "capacity_provider must be FARGATE or FARGATE_SPOT."),
            s(match svc.capacity {
                Capacity::OnDemand => "FARGATE",
                Capacity::Spot => "FARGATE_SPOT",
            }),
        ),
        Input::wired(
            Variable::new("port", "number", "Container port the service listens on (null for a service without one, such as a worker).")
                .check("var.port == null ? true : var.port >= 1 && var.port <= 65535", "port must be from 1 to 65535."),
            svc.port.map_or_else(null, |p| num(i64::from(p))),
        ),
        Input::wired(
            Variable::new("command", "list(string)", "Command of the container; empty keeps the image's own."),
            strings(svc.command.iter().cloned()),
        ),
        Input::wired(
            Variable::new("environment", "map(string)", "Plain environment variables of the container (never secrets)."),
            obj(svc.environment.iter().map(|(k, v)| (k.clone(), s(v)))),
        ),
    ];

    inputs.push(Input::wired(
        Variable::new("writable_volumes", "map(string)", "Writable task volumes (volume name => container path); the root filesystem stays read-only."),
        obj(writable_volumes(svc).into_iter().map(|(n, p)| (n, s(p)))),
    ));
    inputs.push(Input::wired(
        Variable::new("exec", "bool", "ECS Exec into the service's tasks: enable_execute_command, and SSM channels, session logging and the session key for the task role."),
        svc.exec.into(),
    ));
    inputs.push(Input::wired(
        Variable::new(
            "exec_log_group_name",
            "string",
            "CloudWatch log group that records the cluster's ECS Exec sessions.",
        ),
        ex("module.ecs_cluster.exec_log_group_name"),
    ));
    inputs.push(Input::wired(
        Variable::new("health_check_grace_period_seconds", "number", "Seconds ECS ignores failing load balancer health checks of a new task (a service without a load balancer has none).")
            .check("var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647", "health_check_grace_period_seconds must be from 0 to 2147483647."),
        num(i64::from(svc.health_check_grace_period_seconds)),
    ));

    let secrets_var = Variable::new(
        "secrets",
        "map(string)",
        "Secrets Manager secrets injected as environment variables (variable name => secret ARN); the task execution role may read exactly these.",
    );
    // The secrets module exists whenever a service names a secret (each must be defined).
    inputs.push(Input::wired(
        secrets_var,
        obj(svc.secrets.iter().map(|secret| {
            let arn = hcl::expr::Traversal::builder(ex("module.secrets.secret_arns"))
                .index(s(secret))
                .build();
            (secret_env_name(secret), Expr::from(arn))
        })),
    ));
    inputs.push(Input::wired(
        Variable::new("secrets_kms_key_arn", "string", "KMS key that encrypts the secrets, which the task execution role may decrypt with through Secrets Manager (null: the AWS managed key)."),
        if svc.secrets.is_empty() { null() } else { ex("module.secrets.kms_key_arn") },
    ));

    let cpu_sizes: Vec<String> = fargate::TASK_SIZES
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    inputs.push(Input::setting(
        Variable::new(
            "cpu",
            "number",
            "Fargate CPU units of a task (1024 = 1 vCPU).",
        )
        .check(
            &format!("contains([{}], var.cpu)", cpu_sizes.join(", ")),
            &format!("cpu must be one of: {}.", cpu_sizes.join(", ")),
        ),
        per_env(&|e| count(sizing(svc, e).cpu)),
    ));
    inputs.push(Input::setting(
        Variable::new(
            "memory",
            "number",
            "Memory of a task in MiB; Fargate allows only some sizes for each CPU size.",
        )
        // The pair with `cpu` is a precondition of the task definition: a variable's
        // validation could not name the other variable once the root prefixes them.
        .check(
            "var.memory >= 512 && var.memory % 512 == 0",
            "memory must be a multiple of 512 MiB.",
        ),
        per_env(&|e| count(sizing(svc, e).memory)),
    ));

    inputs.push(Input::setting(
        Variable::new("desired_count", "number", "Tasks to start with; afterwards Application Auto Scaling keeps the count between min_capacity and max_capacity.")
            .check("var.desired_count >= 0", "desired_count may not be negative."),
        per_env(&|e| count(sizing(svc, e).desired)),
    ));
    inputs.push(Input::setting(
        Variable::new("min_capacity", "number", "Fewest running tasks.")
            .check("var.min_capacity >= 0", "min_capacity may not be negative."),
        per_env(&|e| count(sizing(svc, e).min)),
    ));
    inputs.push(Input::setting(
        Variable::new("max_capacity", "number", "Most running tasks.")
            .check("var.max_capacity >= 1", "max_capacity must be at least 1."),
        per_env(&|e| count(sizing(svc, e).max)),
    ));
    let target = |t: Option<u32>| t.map_or_else(null, |t| num(i64::from(t)));
    let autoscaling = svc.autoscaling.as_ref();
    inputs.push(Input::wired(
        Variable::new("cpu_target", "number", "Average CPU utilisation (percent) that autoscaling keeps the service at (null: no CPU policy).")
            .check("var.cpu_target == null ? true : var.cpu_target > 0 && var.cpu_target <= 100", "cpu_target must be a percentage from 1 to 100."),
        target(autoscaling.and_then(|a| a.cpu_target)),
    ));
    inputs.push(Input::wired(
        Variable::new("memory_target", "number", "Average memory utilisation (percent) that autoscaling keeps the service at (null: no memory policy).")
            .check("var.memory_target == null ? true : var.memory_target > 0 && var.memory_target <= 100", "memory_target must be a percentage from 1 to 100."),
        target(autoscaling.and_then(|a| a.memory_target)),
    ));

    inputs.push(Input::setting(
        Variable::new(
            "execution_role_name",
            "string",
            "Name of the task execution role (at most 64 characters).",
        )
        .check(
            &format!("length(var.execution_role_name) <= {IAM_ROLE_NAME_MAX}"),
            &format!("execution_role_name may have at most {IAM_ROLE_NAME_MAX} characters."),
        ),
        per_env(&|e| s(names(e).execution_role)),
    ));
    inputs.push(Input::setting(
        Variable::new(
            "task_role_name",
            "string",
            "Name of the task role (at most 64 characters).",
        )
        .check(
            &format!("length(var.task_role_name) <= {IAM_ROLE_NAME_MAX}"),
            &format!("task_role_name may have at most {IAM_ROLE_NAME_MAX} characters."),
        ),
        per_env(&|e| s(names(e).task_role)),
    ));

    let lb_var = Variable::new(
        "load_balancer",
        "object({ name = string, target_group_name = string, public = bool, health_check_path = string, certificate_arn = string, deletion_protection = bool, access_logs = object({ bucket = string, prefix = string }) })",
        "Application load balancer in front of the service (null: none). `public`: internet-facing in the public subnets, otherwise internal; `certificate_arn`: HTTPS plus an HTTP→HTTPS redirect (null: plain HTTP); `access_logs`: S3 bucket and key prefix of the access logs (null: off).",
    )
    .check(
        &format!("var.load_balancer == null ? true : length(var.load_balancer.name) <= {LOAD_BALANCER_NAME_MAX} && length(var.load_balancer.target_group_name) <= {LOAD_BALANCER_NAME_MAX}"),
        &format!("Load balancer and target group names may have at most {LOAD_BALANCER_NAME_MAX} characters."),
    );
    inputs.push(match &svc.load_balancer {
        Some(lb) => Input::setting(
            lb_var,
            per_env(&|e| {
                let names = names(e);
                obj([
                    ("name", s(&names.load_balancer)),
                    (
                        "target_group_name",
                        s(names.target_group_for(svc.port.unwrap_or_default())),
                    ),
                    ("public", lb.public.into()),
                    ("health_check_path", s(&lb.health_check_path)),
                    (
                        "certificate_arn",
                        lb.certificate_arn
                            .as_ref()
                            .and_then(|arn| arn.get(e))
                            .map_or_else(null, s),
                    ),
                    ("deletion_protection", is_production_like(e).into()),
                    (
                        "access_logs",
                        lb.access_logs
                            .as_ref()
                            .and_then(|logs| {
                                let bucket = logs.bucket.get(e)?;
                                Some(obj([
                                    ("bucket", s(bucket)),
                                    ("prefix", logs.prefix.as_ref().map_or_else(null, s)),
                                ]))
                            })
                            .unwrap_or_else(null),
                    ),
                ])
            }),
        ),
        None => Input::wired(lb_var, null()),
    });
    // Adopting a platform whose security groups carry their rules inline: those rules exist,
    // and AWS refuses a duplicate. `iacgen plan --write-kept-inline` names them in an override
    // file of the root; generated code itself always passes none.
    inputs.push(Input::wired(
        Variable::new(
            "existing_rules",
            "set(string)",
            "Security group rules that exist already, inline in an adopted security group, and are not created again: `service_from_load_balancer[<service>]`, `load_balancer[<port>]`, `load_balancer_to_service[<service>]`, `service_https[0]`, `service_vpc[0]`.",
        ),
        ex("[]"),
    ));
    inputs
}

use crate::model::ecr::ecr_repository_arn;
