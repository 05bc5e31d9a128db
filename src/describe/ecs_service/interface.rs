//! The interface of one ECS service: what each call passes (the same inputs for every
//! service, as the module code is shared; a part a service does not have gets null or
//! nothing) and what it offers the others.

use super::super::{
    Check, Component, Expr, Input, ObjectType, Op, Output, Target, Type, Value, Wire, bin, input,
};
use super::{load_balancer, log_group, service, service_security_group, target_group, task_role};
use crate::model::ecr::ecr_repository_arn;
use crate::model::ecs_service::{
    IAM_ROLE_NAME_MAX, LOAD_BALANCER_NAME_MAX, ServiceNames, Sizing, call_name, is_production_like,
    secret_env_name, sizing, writable_volumes,
};
use crate::model::fargate;
use crate::model::{Architecture, Capacity, Deploy, Platform, Service};

/// Where a load balancer writes its access logs (the `access_logs` of [`LOAD_BALANCER`]).
pub const ACCESS_LOGS: ObjectType = ObjectType {
    name: "AccessLogs",
    doc: "The S3 bucket (whose policy lets Elastic Load Balancing write) and key prefix of\n\
          a load balancer's access logs.",
    fields: &[("bucket", Type::Str), ("prefix", Type::Opt(&Type::Str))],
};

/// The type of the `load_balancer` input.
pub const LOAD_BALANCER: ObjectType = ObjectType {
    name: "LoadBalancer",
    doc: "The application load balancer in front of a service: internet-facing in the public\n\
          subnets when `public`, otherwise internal; with a `certificate_arn` it serves HTTPS\n\
          and HTTP only redirects to it.",
    fields: &[
        ("name", Type::Str),
        ("target_group_name", Type::Str),
        ("public", Type::Bool),
        ("health_check_path", Type::Str),
        ("certificate_arn", Type::Opt(&Type::Str)),
        ("deletion_protection", Type::Bool),
        ("access_logs", Type::Opt(&Type::Object(&ACCESS_LOGS))),
    ],
};

/// The whole description of service `name`: its module (one per deploy kind, see
/// [`super::items`]), its call and resources, inputs and outputs.
pub fn component(platform: &Platform, name: &str, svc: &Service) -> Component {
    Component {
        items: super::items(svc.deploy),
        ..call(platform, name, svc)
    }
}

/// The root map variable (Terraform) and stack output (both) that hold every service of deploy
/// kind `deploy`, an entry per service, and what one entry is.
pub fn group(deploy: Deploy) -> (&'static str, &'static str) {
    match deploy {
        Deploy::Iacgen => ("services", "ECS service"),
        Deploy::Pipeline => ("pipeline_services", "ECS service deployed by its pipeline"),
    }
}

/// [`component`] without its items: the call of service `name` (the module code is the same
/// for every service of a deploy kind, and built once).
pub fn call(platform: &Platform, name: &str, svc: &Service) -> Component {
    let mut summary = "One ECS service on Fargate: task definition, task execution and task \
                       roles, log group, security group, optionally an application load \
                       balancer, and Application Auto Scaling."
        .to_string();
    if svc.deploy == Deploy::Pipeline {
        summary.push_str(
            " The application's own pipeline deploys its images: the service ignores \
             changes of its task definition, so an apply never switches it back to the \
             revision Terraform registered.\n\n\
             The same code as `modules/ecs-service` but for that one `lifecycle` setting, \
             which Terraform cannot set from a variable.",
        );
    }
    Component {
        module: super::module_dir(svc.deploy).to_string(),
        instance: call_name(name),
        class: "EcsService".to_string(),
        summary,
        facts: super::FACTS.to_vec(),
        items: Vec::new(),
        inputs: inputs(platform, name, svc),
        outputs: outputs(),
    }
}

/// What a call of service `name` passes, in the module's order.
pub fn inputs(platform: &Platform, name: &str, svc: &Service) -> Vec<Input> {
    let per_env = |f: &dyn Fn(&str) -> Value| -> Vec<(String, Value)> {
        platform
            .env_names()
            .map(|e| (e.to_string(), f(e)))
            .collect()
    };
    let count = |n: u32| Value::Int(i64::from(n));
    let optional = |v: Option<Value>| v.unwrap_or(Value::Null);
    let text = |t: &str| Value::Str(t.to_string());
    let names = |env: &str| ServiceNames::new(&platform.project, env, name);
    let output =
        |component: &str, output: &str| Wire::Output(component.to_string(), output.to_string());
    let public = svc.load_balancer.as_ref().is_some_and(|lb| lb.public);
    let str_map = |pairs: Vec<(String, String)>| Value::StrMap(pairs);

    let mut inputs = vec![
        Input::name(),
        Input::literal(
            "service",
            Type::Str,
            "Name of the service; resource names are `<name>-<service>`.",
            text(name),
        ),
        Input::tags(),
        Input::wired(
            "cluster_name",
            Type::Str,
            "Name of the ECS cluster.",
            output("ecs_cluster", "cluster_name"),
        ),
        Input::wired(
            "cluster_arn",
            Type::Str,
            "ARN of the ECS cluster.",
            output("ecs_cluster", "cluster_arn"),
        ),
        Input::wired(
            "logs_kms_key_arn",
            Type::Str,
            "KMS key that encrypts the service's log group.",
            output("ecs_cluster", "logs_kms_key_arn"),
        ),
        // As long as the cluster's ECS Exec logs: the cluster's setting.
        Input::wired(
            "log_retention_days",
            Type::Int,
            "Days to keep the service's logs.",
            Wire::Setting(format!(
                "{}log_retention_days",
                super::super::ecs_cluster::PREFIX
            )),
        ),
        Input::wired(
            "vpc_id",
            Type::Str,
            "VPC of the service.",
            output("network", "vpc_id"),
        ),
        Input::wired(
            "vpc_cidr_block",
            Type::Str,
            "CIDR block of the VPC: tasks may reach anything in it, an internal load balancer \
             admits clients from it.",
            output("network", "vpc_cidr_block"),
        ),
        Input::wired(
            "private_subnet_ids",
            Type::StrList,
            "Private subnets for the tasks and an internal load balancer.",
            Wire::Values(Box::new(output("network", "private_subnet_ids"))),
        ),
        Input::wired(
            "public_subnet_ids",
            Type::StrList,
            "Public subnets for an internet-facing load balancer (empty otherwise).",
            if public {
                Wire::Values(Box::new(output("network", "public_subnet_ids")))
            } else {
                Wire::Literal(Value::StrList(Vec::new()))
            },
        ),
        // Per environment (staging may run a release candidate).
        Input::setting(
            "image",
            Type::Str,
            "Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`.",
            per_env(&|e| optional(svc.image.get(e).map(|i| text(i)))),
        ),
        Input::setting(
            "image_repository_arn",
            Type::Opt(&Type::Str),
            "ECR repository of the image, which the task execution role may pull from (null for \
             an image outside ECR).",
            per_env(&|e| optional(svc.image.get(e).and_then(|i| ecr_repository_arn(i)).map(Value::Str))),
        ),
        // Pulumi only: its `ignore_changes` option takes a value, while Terraform's must be a
        // literal, so a Terraform service whose pipeline deploys it calls a module directory
        // of its own (`ecs-service-pipeline`) instead.
        Input::literal(
            "pipeline_deploys",
            Type::Bool,
            "The application's own pipeline deploys the service's images: changes of its task \
             definition are ignored.",
            Value::Bool(svc.deploy == Deploy::Pipeline),
        )
        .only(Target::Pulumi),
        Input::literal(
            "architecture",
            Type::Str,
            "CPU architecture of the task: `X86_64` or `ARM64`.",
            text(match svc.architecture {
                Architecture::X86_64 => "X86_64",
                Architecture::Arm64 => "ARM64",
            }),
        )
        .validate(
            r#"contains(["X86_64", "ARM64"], var.architecture)"#,
            "architecture must be X86_64 or ARM64.",
        ),
        Input::literal(
            "capacity_provider",
            Type::Str,
            "Fargate capacity provider: `FARGATE`, or `FARGATE_SPOT` for interruptible tasks at \
             a discount.",
            text(match svc.capacity {
                Capacity::OnDemand => "FARGATE",
                Capacity::Spot => "FARGATE_SPOT",
            }),
        )
        .validate(
            r#"contains(["FARGATE", "FARGATE_SPOT"], var.capacity_provider)"#,
            "capacity_provider must be FARGATE or FARGATE_SPOT.",
        ),
        Input::literal(
            "port",
            Type::Opt(&Type::Int),
            "Container port the service listens on (null for a service without one, such as a \
             worker).",
            optional(svc.port.map(|p| Value::Int(i64::from(p)))),
        )
        .validate(
            "var.port == null ? true : var.port >= 1 && var.port <= 65535",
            "port must be from 1 to 65535.",
        ),
        Input::literal(
            "command",
            Type::StrList,
            "Command of the container; empty keeps the image's own.",
            Value::StrList(svc.command.clone()),
        ),
        Input::literal(
            "environment",
            Type::StrMap,
            "Plain environment variables of the container (never secrets).",
            str_map(svc.environment.clone().into_iter().collect()),
        ),
        Input::literal(
            "writable_volumes",
            Type::StrMap,
            "Writable task volumes (volume name => container path); the root filesystem stays \
             read-only.",
            str_map(writable_volumes(svc).into_iter().collect()),
        ),
        Input::literal(
            "exec",
            Type::Bool,
            "ECS Exec into the service's tasks: enable_execute_command, and SSM channels, \
             session logging and the session key for the task role.",
            Value::Bool(svc.exec),
        ),
        Input::wired(
            "exec_log_group_name",
            Type::Str,
            "CloudWatch log group that records the cluster's ECS Exec sessions.",
            output("ecs_cluster", "exec_log_group_name"),
        ),
        Input::literal(
            "health_check_grace_period_seconds",
            Type::Int,
            "Seconds ECS ignores failing load balancer health checks of a new task (a service \
             without a load balancer has none).",
            count(svc.health_check_grace_period_seconds),
        )
        .validate(
            "var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647",
            "health_check_grace_period_seconds must be from 0 to 2147483647.",
        ),
        // Each service gets exactly its own secrets, by the name of their variable (the
        // secrets component exists whenever a service names a secret: each must be defined).
        Input::wired(
            "secrets",
            Type::StrMap,
            "Secrets Manager secrets injected as environment variables (variable name => \
             secret ARN); the task execution role may read exactly these.",
            Wire::Map(
                svc.secrets
                    .iter()
                    .map(|secret| {
                        (
                            secret_env_name(secret),
                            Wire::Entry(Box::new(output("secrets", "secret_arns")), secret.clone()),
                        )
                    })
                    .collect(),
            ),
        ),
        Input::wired(
            "secrets_kms_key_arn",
            Type::Opt(&Type::Str),
            "KMS key that encrypts the secrets, which the task execution role may decrypt with \
             through Secrets Manager (null: the AWS managed key).",
            if svc.secrets.is_empty() {
                Wire::Literal(Value::Null)
            } else {
                output("secrets", "kms_key_arn")
            },
        ),
    ];

    let cpu_sizes: Vec<String> = fargate::TASK_SIZES
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    // Sizes and counts per environment, each with its Terraform validation.
    let sized =
        |name: &str, description: &str, f: fn(&Sizing) -> u32, rule: &str, message: &str| {
            Input::setting(
                name,
                Type::Int,
                description,
                per_env(&|e| count(f(&sizing(svc, e)))),
            )
            .validate(rule, message)
        };
    inputs.extend([
        sized(
            "cpu",
            "Fargate CPU units of a task (1024 = 1 vCPU).",
            |z| z.cpu,
            &format!("contains([{}], var.cpu)", cpu_sizes.join(", ")),
            &format!("cpu must be one of: {}.", cpu_sizes.join(", ")),
        ),
        // The pair with `cpu` is a precondition of the task definition: a variable's
        // validation could not name the other variable once the root prefixes them.
        sized(
            "memory",
            "Memory of a task in MiB; Fargate allows only some sizes for each CPU size.",
            |z| z.memory,
            "var.memory >= 512 && var.memory % 512 == 0",
            "memory must be a multiple of 512 MiB.",
        ),
        sized(
            "desired_count",
            "Tasks to start with; afterwards Application Auto Scaling keeps the count between \
             min_capacity and max_capacity.",
            |z| z.desired,
            "var.desired_count >= 0",
            "desired_count may not be negative.",
        ),
        sized(
            "min_capacity",
            "Fewest running tasks.",
            |z| z.min,
            "var.min_capacity >= 0",
            "min_capacity may not be negative.",
        ),
        sized(
            "max_capacity",
            "Most running tasks.",
            |z| z.max,
            "var.max_capacity >= 1",
            "max_capacity must be at least 1.",
        ),
    ]);
    let target = |t: Option<u32>| optional(t.map(count));
    let autoscaling = svc.autoscaling.as_ref();
    inputs.extend([
        Input::literal(
            "cpu_target",
            Type::Opt(&Type::Int),
            "Average CPU utilisation (percent) that autoscaling keeps the service at (null: no \
             CPU policy).",
            target(autoscaling.and_then(|a| a.cpu_target)),
        )
        .validate(
            "var.cpu_target == null ? true : var.cpu_target > 0 && var.cpu_target <= 100",
            "cpu_target must be a percentage from 1 to 100.",
        ),
        Input::literal(
            "memory_target",
            Type::Opt(&Type::Int),
            "Average memory utilisation (percent) that autoscaling keeps the service at (null: \
             no memory policy).",
            target(autoscaling.and_then(|a| a.memory_target)),
        )
        .validate(
            "var.memory_target == null ? true : var.memory_target > 0 && var.memory_target <= 100",
            "memory_target must be a percentage from 1 to 100.",
        ),
    ]);
    let role = |input: &str, what: &str, name: fn(ServiceNames) -> String| {
        Input::setting(
            input,
            Type::Str,
            &format!("Name of the {what} (at most {IAM_ROLE_NAME_MAX} characters)."),
            per_env(&|e| Value::Str(name(names(e)))),
        )
        .validate(
            &format!("length(var.{input}) <= {IAM_ROLE_NAME_MAX}"),
            &format!("{input} may have at most {IAM_ROLE_NAME_MAX} characters."),
        )
    };
    inputs.push(role("execution_role_name", "task execution role", |n| {
        n.execution_role
    }));
    inputs.push(role("task_role_name", "task role", |n| n.task_role));

    let lb_description = "Application load balancer in front of the service (null: none). \
                          `public`: internet-facing in the public subnets, otherwise internal; \
                          `certificate_arn`: HTTPS plus an HTTP→HTTPS redirect (null: plain \
                          HTTP); `access_logs`: S3 bucket and key prefix of the access logs \
                          (null: off).";
    let lb_type = Type::Opt(&Type::Object(&LOAD_BALANCER));
    let lb = match &svc.load_balancer {
        Some(lb) => Input::setting(
            "load_balancer",
            lb_type,
            lb_description,
            per_env(&|e| {
                let names = names(e);
                let access_logs = lb.access_logs.as_ref().and_then(|logs| {
                    Some(Value::Object(vec![
                        ("bucket".to_string(), text(logs.bucket.get(e)?)),
                        (
                            "prefix".to_string(),
                            optional(logs.prefix.as_deref().map(text)),
                        ),
                    ]))
                });
                let field = |k: &str, v: Value| (k.to_string(), v);
                Value::Object(vec![
                    field("name", text(&names.load_balancer)),
                    field(
                        "target_group_name",
                        text(&names.target_group_for(svc.port.unwrap_or_default())),
                    ),
                    field("public", Value::Bool(lb.public)),
                    field("health_check_path", text(&lb.health_check_path)),
                    field(
                        "certificate_arn",
                        optional(
                            lb.certificate_arn
                                .as_ref()
                                .and_then(|arn| arn.get(e))
                                .map(|a| text(a)),
                        ),
                    ),
                    field("deletion_protection", Value::Bool(is_production_like(e))),
                    field("access_logs", optional(access_logs)),
                ])
            }),
        ),
        // A setting without one too: every service's settings then have the same attributes,
        // so a root's map of them keeps its type whichever services exist.
        None => Input::setting(
            "load_balancer",
            lb_type,
            lb_description,
            per_env(&|_| Value::Null),
        ),
    };
    inputs.push(lb.check(Check::Terraform(
        format!(
            "var.load_balancer == null ? true : length(var.load_balancer.name) <= {LOAD_BALANCER_NAME_MAX} && length(var.load_balancer.target_group_name) <= {LOAD_BALANCER_NAME_MAX}"
        ),
        format!(
            "Load balancer and target group names may have at most {LOAD_BALANCER_NAME_MAX} characters."
        ),
    )));
    // Adopting a platform whose security groups carry their rules inline: those rules exist,
    // and AWS refuses a duplicate. `iacgen plan --write-kept-inline` names them in an override
    // file of the Terraform root; generated code itself always passes none.
    inputs.push(Input::literal(
        "existing_rules",
        Type::StrSet,
        "Security group rules that exist already, inline in an adopted security group, and are \
         not created again: `service_from_load_balancer[<service>]`, `load_balancer[<port>]`, \
         `load_balancer_to_service[<service>]`, `service_https[0]`, `service_vpc[0]`.",
        Value::StrList(Vec::new()),
    ));
    inputs
}

/// The same for every service; those of the load balancer exist only for a service with one
/// (null without: Terraform's `one(...)` of no instance, `None` in Pulumi).
pub fn outputs() -> Vec<Output> {
    let mut outputs: Vec<Output> = [
        (
            "service_name",
            "Name of the ECS service.",
            service(),
            "name",
        ),
        (
            "log_group_name",
            "CloudWatch log group of the service's containers.",
            log_group(),
            "name",
        ),
        (
            "task_role_arn",
            "ARN of the task role, to which the application's own permissions belong.",
            task_role(),
            "arn",
        ),
        (
            "security_group_id",
            "Security group of the service's tasks, e.g. to admit them to a database.",
            service_security_group(),
            "id",
        ),
    ]
    .into_iter()
    .map(|(name, description, res, attr)| Output::new(name, description, res.attr(attr)))
    .collect();
    let with_lb = bin(input("load_balancer"), Op::NotEq, Expr::Null);
    outputs.extend(
        [
            (
                "alb_dns_name",
                "DNS name of the service's load balancer (null without a port).",
                load_balancer(),
                "lb",
                "dns_name",
            ),
            (
                "alb_arn_suffix",
                "ARN suffix of the load balancer, for CloudWatch metrics (null without a port).",
                load_balancer(),
                "lb",
                "arn_suffix",
            ),
            (
                "target_group_arn",
                "ARN of the service's target group (null without a port).",
                target_group(),
                "tg",
                "arn",
            ),
            (
                "target_group_arn_suffix",
                "ARN suffix of the target group, for CloudWatch metrics (null without a port).",
                target_group(),
                "tg",
                "arn_suffix",
            ),
        ]
        .into_iter()
        .map(|(name, description, res, var, attr)| {
            let value = Expr::Sole {
                res,
                key: Box::new(input("service")),
                var,
                attr: attr.to_string(),
            };
            Output::new(name, description, value).when(with_lb.clone())
        }),
    );
    outputs
}
