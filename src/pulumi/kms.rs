//! `components/kms.py`: the customer-managed KMS key for log groups that several components
//! create (the counterpart of the Terraform modules' `aws_kms_key` for logs).

use super::component::{account_id, partition, resource, tags_named, tpl};
use super::py::{self, Expr, Function, Stmt, call, dict, name, param, path, s, strs};

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

/// `components/kms.py`.
pub fn file() -> py::Module {
    let policy = dict([
        ("Version", s("2012-10-17")),
        (
            "Statement",
            py::list([
                dict([
                    ("Sid", s("AccountAdministers")),
                    ("Effect", s("Allow")),
                    ("Action", s("kms:*")),
                    ("Resource", s("*")),
                    (
                        "Principal",
                        dict([("AWS", tpl("arn:{partition}:iam::{account_id}:root"))]),
                    ),
                ]),
                dict([
                    ("Sid", s("CloudWatchLogsUse")),
                    ("Effect", s("Allow")),
                    (
                        "Action",
                        strs([
                            "kms:Decrypt*",
                            "kms:Describe*",
                            "kms:Encrypt*",
                            "kms:GenerateDataKey*",
                            "kms:ReEncrypt*",
                        ]),
                    ),
                    ("Resource", s("*")),
                    (
                        "Principal",
                        dict([("Service", tpl("logs.{region}.amazonaws.com"))]),
                    ),
                    (
                        "Condition",
                        dict([(
                            "ArnLike",
                            dict([(
                                "kms:EncryptionContext:aws:logs:arn",
                                tpl("arn:{partition}:logs:{region}:{account_id}:log-group:*"),
                            )]),
                        )]),
                    ),
                ]),
            ]),
        ),
    ]);
    let body = vec![
        account_id(),
        partition(),
        py::assign(
            "key",
            resource(
                "aws.kms.Key",
                name("alias"),
                vec![
                    ("description", name("description")),
                    ("enable_key_rotation", Expr::Bool(true)),
                    ("deletion_window_in_days", py::int(30)),
                    ("policy", path("json.dumps").method_call(vec![policy])),
                    ("tags", tags_named(name("alias"), &[])),
                ],
                "opts",
            ),
        ),
        Stmt::Expr(resource(
            "aws.kms.Alias",
            name("alias"),
            vec![
                ("name", tpl("alias/{alias}")),
                ("target_key_id", path("key.key_id")),
            ],
            "opts",
        )),
        Stmt::Return(name("key")),
    ];
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
