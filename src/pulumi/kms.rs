//! `components/kms.py`: the customer-managed KMS key for log groups that several components
//! create (the counterpart of the Terraform modules' `aws_kms_key` for logs).

use super::component::{account_id, partition, resource, tags_named};
use super::py::{self, Expr, Function, Stmt, call, name, param, path};

/// `key = logs_key(alias, description, region, tags, opts)` as a call from a component.
pub fn logs_key_call(alias: Expr, description: Expr) -> Expr {
    call(
        name("logs_key"),
        vec![
            alias,
            description,
            path("args.region"),
            name("tags"),
            name("child"),
        ],
        vec![],
    )
}

/// The import a component needs to call [`logs_key_call`].
pub fn import() -> py::Import {
    py::from_import("components.kms", &["logs_key"])
}

/// `<var> = aws.kms.Key(<alias>, ...)`, rotated, with a 30-day deletion window, `policy` and
/// the tags of its alias name (`extra` arguments go before the policy), then its
/// `aws.kms.Alias` `alias/<alias>`: every customer-managed key the components create.
pub fn key_with_alias(
    var: &str,
    alias: Expr,
    description: Expr,
    extra: Vec<(&str, Expr)>,
    policy: Expr,
    opts: &str,
) -> Vec<Stmt> {
    let mut kwargs = vec![
        ("description", description),
        ("enable_key_rotation", Expr::Bool(true)),
        ("deletion_window_in_days", py::int(30)),
    ];
    kwargs.extend(extra);
    kwargs.push(("policy", policy));
    kwargs.push(("tags", tags_named(alias.clone(), &[])));
    vec![
        py::assign(var, resource("aws.kms.Key", alias.clone(), kwargs, opts)),
        Stmt::Expr(resource(
            "aws.kms.Alias",
            alias.clone(),
            vec![
                ("name", alias_name(alias)),
                ("target_key_id", path(&format!("{var}.key_id"))),
            ],
            opts,
        )),
    ]
}

/// `f"alias/{...}"` for the alias `alias` (a name or an f-string).
fn alias_name(alias: Expr) -> Expr {
    let mut parts = vec![py::lit("alias/")];
    match alias {
        Expr::FStr(rest) => parts.extend(rest),
        other => parts.push(py::part(other)),
    }
    py::fstr(parts)
}

/// `components/kms.py`.
pub fn file() -> py::Module {
    // The same key policy as the network's logs key and Terraform's: one description.
    let key_policy = super::render::policy_in_function(&crate::describe::kms::key_policy(
        "logs",
        vec![crate::describe::kms::logs_use()],
    ));
    let mut body = vec![account_id(), partition()];
    body.extend(key_with_alias(
        "key",
        name("alias"),
        name("description"),
        vec![],
        key_policy,
        "opts",
    ));
    body.push(Stmt::Return(name("key")));
    py::Module {
        doc: "KMS keys shared by the components.".to_string(),
        imports: vec![
            py::import("json"),
            py::import("pulumi"),
            py::import_as("pulumi_aws", "aws"),
        ],
        body: vec![Stmt::Def(Function {
            name: "logs_key".to_string(),
            params: vec![
                param("alias", "str"),
                param("description", "str"),
                param("region", "str"),
                param("tags", "dict[str, str]"),
                param("opts", "pulumi.ResourceOptions"),
            ],
            returns: "aws.kms.Key".to_string(),
            doc: Some(
                "A rotated KMS key and its alias, usable by CloudWatch Logs in this account and\n\
                 region for log groups; the account administers it through IAM policies."
                    .to_string(),
            ),
            body,
        })],
    }
}

impl Expr {
    /// `self(args...)`: calls the expression.
    pub fn method_call(self, args: Vec<Expr>) -> Expr {
        call(self, args, vec![])
    }
}
