//! The dashboard body of `components/observability.py`: the dashboard the Terraform module
//! has ([`crate::observability::dashboard`]), as a Python function that renders it to JSON
//! with `pulumi.Output.json_dumps` (the ARN suffixes and names are Outputs).

use super::py::{self, Expr, FPart, Function, Op, Stmt, call, dict, name, path, s};
use crate::observability::Watched;
use crate::observability::dashboard::{self, Body, Json, Names, Only, Part, Value};

/// The name of the generated function: `dashboard_body(args, topic_name) -> Output[str]`, the
/// overview dashboard.
pub const FUNCTION: &str = "dashboard_body";
/// `service_dashboard_body(args, number, services, topic_name) -> Output[str]`: one service
/// dashboard.
pub const SERVICES_FUNCTION: &str = "service_dashboard_body";
/// `service_dashboards(args) -> list[list[str]]`: the service names cut into dashboards.
pub const PAGES_FUNCTION: &str = "service_dashboards";

fn json(value: Json) -> Expr {
    match value {
        Json::Str(text) => s(text),
        Json::Int(n) => py::int(n),
        Json::Bool(b) => Expr::Bool(b),
        Json::List(items) => py::list(items.into_iter().map(json)),
        Json::Object(entries) => dict(entries.into_iter().map(|(k, v)| (k, json(v)))),
        Json::Value(value) => symbol(value),
        Json::Text(parts) => text(parts),
    }
}

fn symbol(value: Value) -> Expr {
    match value {
        Value::Setting(arg) | Value::Wired(arg) => path(&format!("args.{arg}")),
        Value::Entry { map, at, field } => field
            .into_iter()
            .fold(path(&format!("args.{map}")).index(name(at)), |e, field| {
                e.index(s(field))
            }),
        Value::Name(var) => name(var),
        Value::Row(first) => py::bin(
            py::int(first),
            Op::Add,
            py::bin(py::int(dashboard::SECTION_HEIGHT), Op::Mul, name("i")),
        ),
        Value::Page => name("number"),
        // Computed before the widgets (see `body`): an expression with quotes of its own inside
        // an f-string needs Python 3.12.
        Value::ServiceDashboardLinks => name("links"),
        Value::Region => path("args.region"),
        Value::TopicName => name("topic_name"),
    }
}

/// Text with values: an f-string where every value is known before deployment, else
/// `pulumi.Output.concat` of the Outputs and the (f-)strings between them.
fn text(parts: Vec<Part>) -> Expr {
    let mut pieces = Vec::new();
    let mut run: Vec<FPart> = Vec::new();
    let flush = |run: &mut Vec<FPart>, pieces: &mut Vec<Expr>| {
        let literal: Option<String> = run
            .iter()
            .map(|part| match part {
                FPart::Lit(text) => Some(text.as_str()),
                _ => None,
            })
            .collect();
        match literal {
            _ if run.is_empty() => {}
            Some(text) => {
                pieces.push(s(text));
                run.clear();
            }
            None => pieces.push(py::fstr(std::mem::take(run))),
        }
    };
    for part in parts {
        match part {
            Part::Lit(text) => run.push(py::lit(&text)),
            Part::Value(value) if value.deferred() => {
                flush(&mut run, &mut pieces);
                pieces.push(symbol(value));
            }
            Part::Value(value) => run.push(py::part(symbol(value))),
        }
    }
    flush(&mut run, &mut pieces);
    match <[Expr; 1]>::try_from(pieces) {
        Ok([only]) => only,
        Err(pieces) => call(path("pulumi.Output.concat"), pieces, vec![]),
    }
}

/// The statements of a dashboard function: the fixed widgets, the loops adding each repeated
/// section, the JSON.
fn body(dashboard: Body) -> Vec<Stmt> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    dashboard.fixed.iter().for_each(|w| w.values(&mut found));
    if found.contains(&Value::ServiceDashboardLinks) {
        let link = py::fstr(vec![
            py::lit("["),
            py::part(name("services").index(py::int(0))),
            py::lit(" to "),
            py::part(name("services").index(py::int(-1))),
            py::lit("](#dashboards:name="),
            py::part(path("args.name")),
            py::lit("-services-"),
            py::part(name("number")),
            py::lit(")"),
        ]);
        out.push(py::assign(
            "links",
            s(" · ").method(
                "join",
                vec![py::list_comp(
                    link,
                    "number, services",
                    call(
                        name("enumerate"),
                        vec![
                            call(name(PAGES_FUNCTION), vec![name("args")], vec![]),
                            py::int(1),
                        ],
                        vec![],
                    ),
                    None,
                )],
            ),
        ));
    }
    out.push(py::assign(
        "widgets",
        py::list(dashboard.fixed.into_iter().map(json)),
    ));
    for repeat in dashboard.repeated {
        let names = match repeat.names {
            Names::PageServices => name("services"),
            Names::NodePools => call(name("sorted"), vec![path("args.node_pools")], vec![]),
        };
        let extend = Stmt::Expr(name("widgets").method(
            "extend",
            vec![py::list(repeat.widgets.into_iter().map(json))],
        ));
        let load_balanced = |op| py::bin(name(repeat.var), op, path("args.load_balancers"));
        let body = match repeat.only {
            Only::All => extend,
            Only::LoadBalanced => Stmt::If {
                cond: load_balanced(Op::In),
                body: vec![extend],
            },
            Only::NotLoadBalanced => Stmt::If {
                cond: load_balanced(Op::NotIn),
                body: vec![extend],
            },
        };
        out.push(Stmt::For {
            target: format!("i, {}", repeat.var),
            iter: call(name("enumerate"), vec![names], vec![]),
            body: vec![body],
        });
    }
    out.push(Stmt::Return(call(
        path("pulumi.Output.json_dumps"),
        vec![dict([("widgets", name("widgets"))])],
        vec![],
    )));
    out
}

/// The dashboard functions: the overview's, and with ECS services the service dashboards' and
/// how services are cut into them (the same cut as the Terraform module's `chunklist`).
pub fn functions(watched: &Watched) -> Vec<Stmt> {
    let mut out = vec![Stmt::Def(Function {
        name: FUNCTION.to_string(),
        params: vec![
            py::param("args", "ObservabilityArgs"),
            py::param("topic_name", "pulumi.Output[str]"),
        ],
        returns: "pulumi.Output[str]".to_string(),
        doc: Some(
            "The overview dashboard: a header row for the environment, links to the service\n\
             dashboards, then one section per EKS node pool. Positions on CloudWatch's 24-column\n\
             grid are fixed by iacgen, the same as in the Terraform module."
                .to_string(),
        ),
        body: body(dashboard::overview(watched)),
    })];
    if let Some(page) = dashboard::services(watched) {
        let per = py::int(dashboard::SERVICES_PER_DASHBOARD);
        out.push(Stmt::Def(Function {
            name: PAGES_FUNCTION.to_string(),
            params: vec![py::param("args", "ObservabilityArgs")],
            returns: "list[list[str]]".to_string(),
            doc: Some(format!(
                "The service names, sorted, cut into dashboards of {}: CloudWatch accepts at most\n\
                 500 widgets on a dashboard.",
                dashboard::SERVICES_PER_DASHBOARD
            )),
            body: vec![
                py::assign(
                    "services",
                    call(name("sorted"), vec![path("args.ecs_services")], vec![]),
                ),
                Stmt::Return(py::list_comp(
                    py::slice(
                        name("services"),
                        Some(name("start")),
                        Some(py::bin(name("start"), Op::Add, per.clone())),
                    ),
                    "start",
                    call(
                        name("range"),
                        vec![
                            py::int(0),
                            call(name("len"), vec![name("services")], vec![]),
                            per,
                        ],
                        vec![],
                    ),
                    None,
                )),
            ],
        }));
        out.push(Stmt::Def(Function {
            name: SERVICES_FUNCTION.to_string(),
            params: vec![
                py::param("args", "ObservabilityArgs"),
                py::param("number", "int"),
                py::param("services", "list[str]"),
                py::param("topic_name", "pulumi.Output[str]"),
            ],
            returns: "pulumi.Output[str]".to_string(),
            doc: Some(
                "Service dashboard `number`: a header row, then one section per service of\n\
                 `services`."
                    .to_string(),
            ),
            body: body(page),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulumi::print::flat;

    fn lit(text: &str) -> Part {
        Part::Lit(text.to_string())
    }

    #[test]
    fn text_known_before_deployment_is_an_f_string() {
        let e = text(vec![
            lit("# "),
            Part::Value(Value::Setting("name")),
            lit("!"),
        ]);
        assert_eq!(flat(&e, '"'), r##"f"# {args.name}!""##);
    }

    #[test]
    fn outputs_in_text_are_concatenated_never_put_in_an_f_string() {
        let e = text(vec![
            lit("# "),
            Part::Value(Value::Setting("name")),
            lit(" in "),
            Part::Value(Value::Wired("eks_cluster_name")),
            lit(")"),
        ]);
        assert_eq!(
            flat(&e, '"'),
            r##"pulumi.Output.concat(f"# {args.name} in ", args.eks_cluster_name, ")")"##
        );
    }
}
