//! The optional application load balancer of `EcsService`, as the Terraform module's
//! resources with `for_each = local.load_balancer`: created only for a service with one.

use super::super::component::{resource, tags_named, tpl};
use super::super::py::{self, Expr, Op, Stmt, bin, call, check, dict, if_exp, name, not, path, s};
use super::service::rule;

/// TLS 1.3 and 1.2 with forward-secret ciphers only: the ELB policy AWS recommends.
const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// `LoadBalancer`: the type of the `load_balancer` argument (the Terraform variable's object).
pub fn load_balancer_type() -> py::Class {
    let field = |n: &str, t: &str| Stmt::Declare {
        name: n.to_string(),
        annotation: t.to_string(),
    };
    py::Class {
        name: "LoadBalancer".to_string(),
        decorators: vec![],
        bases: vec![name("TypedDict")],
        doc: Some(
            "The application load balancer in front of a service: internet-facing in the public\n\
             subnets when `public`, otherwise internal; with a `certificate_arn` it serves HTTPS\n\
             and HTTP only redirects to it."
                .to_string(),
        ),
        body: vec![
            field("name", "str"),
            field("target_group_name", "str"),
            field("public", "bool"),
            field("health_check_path", "str"),
            field("certificate_arn", "str | None"),
            field("deletion_protection", "bool"),
            field("access_logs", "AccessLogs | None"),
        ],
    }
}

/// `AccessLogs`: where a load balancer writes its access logs (the Terraform object's
/// `access_logs`).
pub fn access_logs_type() -> py::Class {
    let field = |n: &str, t: &str| Stmt::Declare {
        name: n.to_string(),
        annotation: t.to_string(),
    };
    py::Class {
        name: "AccessLogs".to_string(),
        decorators: vec![],
        bases: vec![name("TypedDict")],
        doc: Some(
            "The S3 bucket (whose policy lets Elastic Load Balancing write) and key prefix of\n\
             a load balancer's access logs."
                .to_string(),
        ),
        body: vec![field("bucket", "str"), field("prefix", "str | None")],
    }
}

/// The optional load balancer: created when `args.load_balancer` is set, with its security
/// group and rules, target group and listeners; the service's load balancer settings and
/// dependencies are collected for it.
pub fn statements() -> Vec<Stmt> {
    let lb = |key: &str| name("lb").index(s(key));
    let port_rule = |kind: &str, suffix: &str, description: &str, group: &str, peer: &str| {
        rule(
            kind,
            suffix,
            vec![
                ("security_group_id", path(group)),
                ("description", s(description)),
                ("referenced_security_group_id", path(peer)),
                ("ip_protocol", s("tcp")),
                ("from_port", path("args.port")),
                ("to_port", path("args.port")),
            ],
        )
    };
    let forward = || {
        dict([
            ("type", s("forward")),
            ("target_group_arn", path("target_group.arn")),
        ])
    };
    let body = vec![
        check(
            bin(path("args.port"), Op::Is, Expr::None),
            "A load balancer needs the service's port.",
        ),
        py::assign(
            "lb_subnets",
            if_exp(
                path("args.public_subnet_ids"),
                lb("public"),
                path("args.private_subnet_ids"),
            ),
        ),
        check(
            bin(
                call(name("len"), vec![name("lb_subnets")], vec![]),
                Op::Lt,
                py::int(2),
            ),
            "An application load balancer needs subnets in at least two availability zones.",
        ),
        py::assign(
            "lb_group",
            resource(
                "aws.ec2.SecurityGroup",
                tpl("{name}-alb"),
                vec![
                    ("name_prefix", tpl("{name}-alb-")),
                    (
                        "description",
                        s(
                            "Load balancer of one ECS service: listener ports in, container port out",
                        ),
                    ),
                    ("vpc_id", path("args.vpc_id")),
                    ("tags", tags_named(tpl("{name}-alb"), &[])),
                ],
                "child",
            ),
        ),
        port_rule(
            "Ingress",
            "from-load-balancer",
            "Container port from the load balancer",
            "self.security_group.id",
            "lb_group.id",
        ),
        port_rule(
            "Egress",
            "alb-to-service",
            "Container port of the service's tasks",
            "lb_group.id",
            "self.security_group.id",
        ),
        py::assign("certificate_arn", lb("certificate_arn")),
        Stmt::Comment(
            "Listener ports: HTTP, plus HTTPS when the load balancer has a certificate."
                .to_string(),
        ),
        py::assign(
            "listener_ports",
            if_exp(
                py::list([py::int(80)]),
                bin(name("certificate_arn"), Op::Is, Expr::None),
                py::list([py::int(80), py::int(443)]),
            ),
        ),
        Stmt::For {
            target: "port".to_string(),
            iter: name("listener_ports"),
            body: vec![rule(
                "Ingress",
                "alb-{port}",
                vec![
                    ("security_group_id", path("lb_group.id")),
                    (
                        "description",
                        tpl("Port {port} from the load balancer's clients"),
                    ),
                    (
                        "cidr_ipv4",
                        if_exp(s("0.0.0.0/0"), lb("public"), path("args.vpc_cidr_block")),
                    ),
                    ("ip_protocol", s("tcp")),
                    ("from_port", name("port")),
                    ("to_port", name("port")),
                ],
            )],
        },
        py::assign("access_logs", lb("access_logs")),
        py::assign(
            "load_balancer",
            resource(
                "aws.lb.LoadBalancer",
                lb("name"),
                vec![
                    ("name", lb("name")),
                    ("load_balancer_type", s("application")),
                    ("internal", not(lb("public"))),
                    ("subnets", name("lb_subnets")),
                    ("security_groups", py::list([path("lb_group.id")])),
                    ("drop_invalid_header_fields", Expr::Bool(true)),
                    ("enable_deletion_protection", lb("deletion_protection")),
                    (
                        "access_logs",
                        if_exp(
                            dict([
                                ("bucket", name("access_logs").index(s("bucket"))),
                                ("prefix", name("access_logs").index(s("prefix"))),
                                ("enabled", Expr::Bool(true)),
                            ]),
                            bin(name("access_logs"), Op::IsNot, Expr::None),
                            Expr::None,
                        ),
                    ),
                    ("tags", tags_named(lb("name"), &[])),
                ],
                "child",
            ),
        ),
        py::assign(
            "target_group",
            resource(
                "aws.lb.TargetGroup",
                lb("target_group_name"),
                vec![
                    ("name", lb("target_group_name")),
                    ("port", path("args.port")),
                    ("protocol", s("HTTP")),
                    ("target_type", s("ip")),
                    ("vpc_id", path("args.vpc_id")),
                    ("deregistration_delay", py::int(30)),
                    (
                        "health_check",
                        dict([
                            ("path", lb("health_check_path")),
                            ("matcher", s("200-399")),
                            ("interval", py::int(15)),
                            ("healthy_threshold", py::int(2)),
                            ("unhealthy_threshold", py::int(3)),
                        ]),
                    ),
                    ("tags", tags_named(lb("target_group_name"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Comment(
            "HTTP forwards to the service; with a certificate, HTTPS forwards and HTTP\n\
             redirects to it."
                .to_string(),
        ),
        py::assign_typed(
            "http_action",
            "aws.lb.ListenerDefaultActionArgsDict",
            forward(),
        ),
        Stmt::If {
            cond: bin(name("certificate_arn"), Op::IsNot, Expr::None),
            body: vec![
                py::assign(
                    "https_listener",
                    resource(
                        "aws.lb.Listener",
                        tpl("{name}-https"),
                        vec![
                            ("load_balancer_arn", path("load_balancer.arn")),
                            ("port", py::int(443)),
                            ("protocol", s("HTTPS")),
                            ("ssl_policy", s(TLS_POLICY)),
                            ("certificate_arn", name("certificate_arn")),
                            ("default_actions", py::list([forward()])),
                            ("tags", tags_named(tpl("{name}-https"), &[])),
                        ],
                        "child",
                    ),
                ),
                Stmt::Comment(
                    "The HTTPS listener is the one that attaches the target group.".to_string(),
                ),
                Stmt::Expr(
                    name("service_depends_on").method("append", vec![name("https_listener")]),
                ),
                py::assign(
                    "http_action",
                    dict([
                        ("type", s("redirect")),
                        (
                            "redirect",
                            dict([
                                ("protocol", s("HTTPS")),
                                ("port", s("443")),
                                ("status_code", s("HTTP_301")),
                            ]),
                        ),
                    ]),
                ),
            ],
        },
        py::assign(
            "http_listener",
            resource(
                "aws.lb.Listener",
                tpl("{name}-http"),
                vec![
                    ("load_balancer_arn", path("load_balancer.arn")),
                    ("port", py::int(80)),
                    ("protocol", s("HTTP")),
                    ("default_actions", py::list([name("http_action")])),
                    ("tags", tags_named(tpl("{name}-http"), &[])),
                ],
                "child",
            ),
        ),
        Stmt::Expr(name("service_load_balancers").method(
            "append",
            vec![dict([
                ("target_group_arn", path("target_group.arn")),
                ("container_name", path("args.service")),
                ("container_port", path("args.port")),
            ])],
        )),
        Stmt::Comment(
            "A target group must belong to a load balancer (through a listener)\n\
             before a service uses it."
                .to_string(),
        ),
        Stmt::Expr(name("service_depends_on").method("append", vec![name("http_listener")])),
        py::assign("self.alb_dns_name", path("load_balancer.dns_name")),
        py::assign("self.alb_arn_suffix", path("load_balancer.arn_suffix")),
        py::assign("self.target_group_arn", path("target_group.arn")),
        py::assign(
            "self.target_group_arn_suffix",
            path("target_group.arn_suffix"),
        ),
    ];
    vec![
        py::assign_typed(
            "service_load_balancers",
            "list[aws.ecs.ServiceLoadBalancerArgsDict]",
            py::list([]),
        ),
        py::assign_typed(
            "service_depends_on",
            "list[pulumi.Resource]",
            py::list([name("execution_policy")]),
        ),
        py::assign("lb", path("args.load_balancer")),
        Stmt::If {
            cond: bin(name("lb"), Op::IsNot, Expr::None),
            body,
        },
    ]
}
