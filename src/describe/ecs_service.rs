//! One ECS service on Fargate (`modules/ecs-service`, `components/ecs_service.py`). The code
//! is the same for every service; what differs comes in through inputs, and optional parts are
//! keyed over values that are empty when the part is off.
//!
//! Described so far: the log group and the IAM roles and policies. The task definition,
//! security groups, load balancer, service and autoscaling are still written per target
//! (`terraform::ecs::service`, `pulumi::ecs`), around these items.

use super::{
    Expr, Fact, Item, Keys, Op, Part, Policy, ResId, Resource, Statement, bin, cond, local, policy,
    res, s, template_with, when,
};

/// Log retention is the spec's choice per environment, often short outside production.
pub const RETENTION_SKIP: &str = "checkov:skip=CKV_AWS_338:Retention is the spec's observability.log_retention_days for each environment; shorter than a year is a deliberate choice there.";

/// The inputs whose values are other components' outputs (Pulumi cannot format them into a
/// string before they are known).
pub const OUTPUT_INPUTS: [&str; 6] = [
    "cluster_name",
    "cluster_arn",
    "logs_kms_key_arn",
    "vpc_id",
    "exec_log_group_name",
    "secrets_kms_key_arn",
];

/// A template in which `{name}` is the service's full name (`local.name`,
/// `<project>-<env>-<service>`), `{region}`/`{account_id}`/`{partition}` the facts and any
/// other `{x}` the input `x`.
fn tpl(text: &str) -> Expr {
    template_with(text, "{", &|inner| match inner {
        "name" => local("name"),
        "region" => Expr::Fact(Fact::Region),
        "account_id" => Expr::Fact(Fact::AccountId),
        "partition" => Expr::Fact(Fact::Partition),
        other => super::input(other),
    })
}

fn input(name: &str) -> Expr {
    super::input(name)
}

fn statement(sid: &'static str, actions: Vec<&'static str>, resources: Vec<Expr>) -> Statement {
    Statement {
        sid: Some(sid),
        actions,
        resources,
        principals: None,
        conditions: Vec::new(),
        deny: false,
    }
}

fn not_null(e: Expr) -> Expr {
    bin(e, Op::NotEq, Expr::Null)
}

pub fn log_group() -> ResId {
    res("aws_cloudwatch_log_group", "this")
}

pub fn task_role() -> ResId {
    res("aws_iam_role", "task")
}

pub fn execution_role() -> ResId {
    res("aws_iam_role", "execution")
}

pub fn execution_policy() -> ResId {
    res("aws_iam_role_policy", "execution")
}

pub fn exec_policy() -> ResId {
    res("aws_iam_role_policy", "exec")
}

/// The log group, the task execution role with what it may do (pull the image, write logs,
/// read the service's secrets) and the application's task role (ECS Exec only, when asked).
pub fn logs_and_roles() -> Vec<Item> {
    let logs = Resource::new("aws_cloudwatch_log_group", "this", local("name"))
        .note(RETENTION_SKIP.to_string())
        .arg("name", tpl("/ecs/{name}"))
        .pulumi_name(tpl("/ecs/{name}"))
        .arg("retention_in_days", input("log_retention_days"))
        .arg("kms_key_id", input("logs_kms_key_arn"));

    let assume = policy(super::assume_role(
        "assume",
        "ecs-tasks.amazonaws.com",
        true,
    ));
    let role = |name: &str, label: &str, description: &str| {
        Resource::new("aws_iam_role", name, input(label))
            .arg("name", input(label))
            .arg("description", tpl(description))
            .arg("assume_role_policy", assume.clone())
    };

    let image = input("image_repository_arn");
    let secrets = input("secrets");
    let has_secrets = bin(
        Expr::Length(Box::new(secrets.clone())),
        Op::NotEq,
        Expr::Int(0),
    );
    let mut decrypt = statement(
        "DecryptSecrets",
        vec!["kms:Decrypt"],
        vec![when(
            bin(
                has_secrets.clone(),
                Op::And,
                not_null(input("secrets_kms_key_arn")),
            ),
            Expr::List(vec![input("secrets_kms_key_arn")]),
        )],
    );
    decrypt.conditions.push((
        "StringEquals",
        "kms:ViaService",
        vec![tpl("secretsmanager.{region}.amazonaws.com")],
    ));
    let execution = policy(Policy {
        id: "execution".to_string(),
        notes: vec![
            "Pull the image, when it is in ECR: login has no resource-level permissions."
                .to_string(),
            "Read exactly this service's secrets, and decrypt them with their key.".to_string(),
        ],
        statements: vec![
            statement(
                "EcrLogin",
                vec!["ecr:GetAuthorizationToken"],
                vec![when(not_null(image.clone()), Expr::List(vec![s("*")]))],
            ),
            statement(
                "PullImage",
                vec![
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                vec![when(not_null(image.clone()), Expr::List(vec![image]))],
            ),
            statement(
                "WriteLogs",
                vec!["logs:CreateLogStream", "logs:PutLogEvents"],
                vec![Expr::Tmpl(vec![
                    Part::Expr(log_group().attr("arn")),
                    Part::Lit(":*".to_string()),
                ])],
            ),
            statement(
                "ReadSecrets",
                vec!["secretsmanager:GetSecretValue"],
                vec![when(has_secrets, Expr::SortedValues(Box::new(secrets)))],
            ),
            decrypt,
        ],
    });

    // ECS Exec: the task role opens the SSM channels, logs the session to the cluster's exec
    // log group and decrypts with the cluster's key (which encrypts the sessions).
    let exec = policy(Policy {
        id: "exec".to_string(),
        notes: vec!["The SSM message channels have no resource-level permissions.".to_string()],
        statements: vec![
            statement(
                "ExecChannels",
                vec![
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                vec![s("*")],
            ),
            statement(
                "ExecFindLogGroup",
                vec!["logs:DescribeLogGroups"],
                vec![s("*")],
            ),
            statement(
                "ExecWriteSessionLogs",
                vec![
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                vec![tpl(
                    "arn:{partition}:logs:{region}:{account_id}:log-group:{exec_log_group_name}:*",
                )],
            ),
            statement(
                "ExecSessionKey",
                vec!["kms:Decrypt"],
                vec![input("logs_kms_key_arn")],
            ),
        ],
    });
    let exec_keys = Keys::set(
        cond(
            input("exec"),
            Expr::ToSet(Box::new(Expr::List(vec![s("exec")]))),
            Expr::ToSet(Box::new(Expr::List(Vec::new()))),
        ),
        "feature",
    );

    vec![
        Item::Resource(logs),
        Item::Resource(role(
            "execution",
            "execution_role_name",
            "ECS task execution role of {name}",
        )),
        Item::Resource(
            Resource::new(
                "aws_iam_role_policy",
                "execution",
                tpl("{name}-pull-image-write-logs-read-secrets"),
            )
            .untagged()
            .arg("name", s("pull-image-write-logs-read-secrets"))
            .arg("role", execution_role().attr("id"))
            .arg("policy", execution),
        ),
        Item::Resource(
            role("task", "task_role_name", "ECS task role of {name}")
                .note("The application's own role: no permissions until you attach some.".into()),
        ),
        Item::Resource(
            Resource::new("aws_iam_role_policy", "exec", tpl("{name}-ecs-exec"))
                .keyed(exec_keys)
                .untagged()
                .arg("name", s("ecs-exec"))
                .arg("role", task_role().attr("id"))
                .arg("policy", exec),
        ),
    ]
}
