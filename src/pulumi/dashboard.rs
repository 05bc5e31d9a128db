//! The dashboard body of `components/observability.py`: the dashboard the Terraform module
//! has ([`crate::observability::dashboard`]), as a Python function that renders it to JSON
//! with `pulumi.Output.json_dumps` (the ARN suffixes and names are Outputs).

use super::py::{self, Expr, FPart, Function, Stmt, call, dict, name, path, s};
use crate::observability::Watched;
use crate::observability::dashboard::{self, Json, Part, Value};

/// The name of the generated function: `dashboard_body(args, topic_name) -> Output[str]`.
pub const FUNCTION: &str = "dashboard_body";

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
        Value::Entry { map, key, field } => field
            .into_iter()
            .fold(path(&format!("args.{map}")).index(s(key)), |e, field| {
                e.index(s(field))
            }),
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

/// `def dashboard_body(args, topic_name) -> pulumi.Output[str]`: the dashboard JSON.
pub fn function(watched: &Watched) -> Stmt {
    Stmt::Def(Function {
        name: FUNCTION.to_string(),
        params: vec![
            py::param("args", "ObservabilityArgs"),
            py::param("topic_name", "pulumi.Output[str]"),
        ],
        returns: "pulumi.Output[str]".to_string(),
        doc: Some(
            "The dashboard: a header row for the environment, then one section per ECS service\n\
             and EKS node pool. Positions on CloudWatch's 24-column grid are fixed by iacgen,\n\
             the same as in the Terraform module."
                .to_string(),
        ),
        body: vec![Stmt::Return(call(
            path("pulumi.Output.json_dumps"),
            vec![json(dashboard::body(watched))],
            vec![],
        ))],
    })
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
