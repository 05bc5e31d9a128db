//! One `pulumi.ComponentResource` per concern, in its own module under `components/`, with the
//! arguments `__main__.py` passes to it: settings read from stack config, or values it wires.

use super::py::{self, Expr, Stmt};
use crate::model::Platform;
use std::collections::BTreeMap;

/// A component: its module, its arguments and the outputs the program exports.
pub struct Component {
    /// Module under `components/` (`network`, `ecs_service`). Several instances of one class
    /// share it.
    pub module: String,
    /// The variable in `__main__.py` and the component's resource name: the name of the
    /// Terraform module block (`network`, `service_api`).
    pub instance: String,
    /// Prefix of this instance's stack outputs and config keys, as the Terraform root prefixes
    /// its outputs and variables (`""`, `"ecs_"`, `"service_api_"`).
    pub prefix: String,
    /// Class name (`Network`); the arguments class is `<class>Args`.
    pub class: String,
    /// The module's statements after the arguments class (the component class, helpers).
    pub body: Vec<Stmt>,
    pub imports: Vec<py::Import>,
    /// One paragraph for the module docstring.
    pub summary: String,
    pub args: Vec<Arg>,
    /// Stack outputs: name and the expression on the component (`self.vpc.id`).
    pub outputs: Vec<(String, Expr)>,
    /// The stack output that holds this instance's outputs as an entry, and its key
    /// (`services`, `api`), as the Terraform root's output of the group; `None`: exported
    /// one by one under `prefix`.
    pub export_group: Option<(String, String)>,
}

/// One field of a component's arguments dataclass.
pub struct Arg {
    /// Python field name (snake_case, as the Terraform variable).
    pub field: String,
    pub annotation: String,
    pub source: ArgSource,
}

pub enum ArgSource {
    /// From stack config: key (camelCase) and the value of each environment.
    Setting {
        key: String,
        kind: ConfigKind,
        values: BTreeMap<String, serde_json::Value>,
    },
    /// An expression in `__main__.py` (`name`, `tags`, `network.vpc.id`).
    Wired(Expr),
}

/// How `__main__.py` reads a config value.
#[derive(Clone, Copy)]
pub enum ConfigKind {
    Str,
    Int,
    Object,
    /// A number that may have a fraction (`2`, `0.5`).
    Float,
    Bool,
    /// A string that some stacks leave out (`None` there): `config.get`.
    OptionalStr,
    /// Any other value that may be null, left out of stacks where it is: `config.get_object`.
    OptionalObject,
}

impl ConfigKind {
    fn reader(self) -> &'static str {
        match self {
            ConfigKind::Str => "require",
            ConfigKind::Int => "require_int",
            ConfigKind::Object => "require_object",
            ConfigKind::Float => "require_float",
            ConfigKind::Bool => "require_bool",
            ConfigKind::OptionalStr => "get",
            ConfigKind::OptionalObject => "get_object",
        }
    }
}

impl Arg {
    pub fn wired(field: &str, annotation: &str, expr: Expr) -> Self {
        Self {
            field: field.to_string(),
            annotation: annotation.to_string(),
            source: ArgSource::Wired(expr),
        }
    }

    pub fn setting(
        field: &str,
        annotation: &str,
        kind: ConfigKind,
        values: BTreeMap<String, serde_json::Value>,
    ) -> Self {
        Self {
            field: field.to_string(),
            annotation: annotation.to_string(),
            source: ArgSource::Setting {
                key: camel_case(field),
                kind,
                values,
            },
        }
    }

    /// Puts `prefix` before the config key (`cpu` → `serviceApiCpu` for prefix `service_api_`),
    /// as the Terraform root prefixes the variable.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        if let ArgSource::Setting { key, .. } = &mut self.source {
            *key = camel_case(&format!("{prefix}{}", self.field));
        }
        self
    }

    /// The expression `__main__.py` passes for this argument.
    pub fn value(&self) -> Expr {
        match &self.source {
            ArgSource::Wired(e) => e.clone(),
            ArgSource::Setting { key, kind, .. } => {
                py::name("config").method(kind.reader(), vec![py::s(key)])
            }
        }
    }
}

/// `flow_log_retention_days` → `flowLogRetentionDays`, Pulumi's config key style.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces the name `from` by `to` wherever it is the root of `e` (for `self.vpc.id` →
/// `network.vpc.id`).
pub fn rebase(e: &Expr, from: &str, to: &str) -> Expr {
    use Expr::*;
    match e {
        Name(n) if n == from => Name(to.to_string()),
        Attr(base, a) => Attr(Box::new(rebase(base, from, to)), a.clone()),
        Index(base, i) => Index(Box::new(rebase(base, from, to)), i.clone()),
        Call(c) => {
            let mut c = c.as_ref().clone();
            c.func = rebase(&c.func, from, to);
            Call(Box::new(c))
        }
        Comp(c) => {
            let mut c = c.as_ref().clone();
            c.iter = rebase(&c.iter, from, to);
            Comp(Box::new(c))
        }
        other => other.clone(),
    }
}

/// Wraps `text` at 84 columns (for docstrings at one indent level).
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

impl Component {
    /// The expression, in `__main__.py`, of this component's output `output` (`vpc_id` →
    /// `network.vpc.id`): what another component is wired to.
    pub fn output(&self, output: &str) -> Option<Expr> {
        self.outputs
            .iter()
            .find(|(n, _)| n == output)
            .map(|(_, e)| rebase(e, "self", &self.instance))
    }

    /// The module file `components/<module>.py`.
    pub fn file(&self) -> py::Module {
        let mut imports = vec![
            py::from_import("dataclasses", &["dataclass"]),
            py::import("pulumi"),
        ];
        imports.extend(self.imports.iter().cloned());
        let fields = self
            .args
            .iter()
            .map(|a| Stmt::Declare {
                name: a.field.clone(),
                annotation: a.annotation.clone(),
            })
            .collect();
        let mut body = vec![Stmt::Class(py::Class {
            name: format!("{}Args", self.class),
            decorators: vec!["dataclass".to_string()],
            bases: vec![],
            doc: Some(format!("Inputs of {}.", self.class)),
            body: fields,
        })];
        body.extend(self.body.iter().cloned());
        py::Module {
            doc: wrap(&self.summary, 84),
            imports,
            body,
        }
    }

    /// `self.register_outputs({...})` with every output.
    pub fn register_outputs(outputs: &[(String, Expr)]) -> Stmt {
        Stmt::Expr(py::path("self").method(
            "register_outputs",
            vec![py::dict(
                outputs.iter().map(|(n, e)| (n.clone(), e.clone())),
            )],
        ))
    }
}

/// `f"..."` from a template written by the generator (never user data): `{x}` and `{a.b}` are
/// Python expressions, everything else is literal text.
pub fn tpl(template: &str) -> Expr {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(py::lit(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        parts.push(py::part(py::path(&after[..close])));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        parts.push(py::lit(rest));
    }
    py::fstr(parts)
}

/// `{**tags, "Name": <name>, extra...}`: the environment's tags plus this resource's name.
pub fn tags_named(name: Expr, extra: &[(&str, &str)]) -> Expr {
    let mut items = vec![
        py::DictItem::Splat(py::name("tags")),
        py::DictItem::Pair(py::s("Name"), name),
    ];
    items.extend(
        extra
            .iter()
            .map(|(k, v)| py::DictItem::Pair(py::s(*k), py::s(*v))),
    );
    Expr::Dict(items)
}

/// `aws.<type>(logical, kwargs..., opts=opts)`
pub fn resource(kind: &str, logical: Expr, mut kwargs: Vec<(&str, Expr)>, opts: &str) -> Expr {
    kwargs.push(("opts", py::name(opts)));
    py::call(py::path(kind), vec![logical], kwargs)
}

/// The start of every component's `__init__`: `super().__init__(<token>, resource_name, None,
/// opts)`, `child` (the options of every child resource), then `name = <name>` and
/// `tags = args.tags`, the two locals every resource's name and tags are built from.
pub fn init_preamble(token: &str, name: Expr) -> Vec<Stmt> {
    vec![
        Stmt::Expr(py::call(
            py::call(py::name("super"), vec![], vec![]).attr("__init__"),
            vec![
                py::s(token),
                py::name("resource_name"),
                Expr::None,
                py::name("opts"),
            ],
            vec![],
        )),
        py::assign(
            "child",
            py::call(
                py::path("pulumi.ResourceOptions"),
                vec![],
                vec![("parent", py::name("self"))],
            ),
        ),
        py::assign("name", name),
        py::assign("tags", py::path("args.tags")),
    ]
}

/// `class <name>(pulumi.ComponentResource)` with the docstring `doc` and one method,
/// `__init__(self, resource_name, args: <name>Args, opts=None)` running `init`.
pub fn class(name: &str, doc: String, init: Vec<Stmt>) -> py::Class {
    py::Class {
        name: name.to_string(),
        decorators: vec![],
        bases: vec![py::path("pulumi.ComponentResource")],
        doc: Some(doc),
        body: vec![Stmt::Def(py::Function {
            name: "__init__".to_string(),
            params: init_params(&format!("{name}Args")),
            returns: "None".to_string(),
            doc: None,
            body: init,
        })],
    }
}

/// `self, resource_name: str, args: <Args>, opts: pulumi.ResourceOptions | None = None`
fn init_params(args_class: &str) -> Vec<py::Param> {
    vec![
        py::Param {
            name: "self".to_string(),
            annotation: None,
            default: None,
        },
        py::param("resource_name", "str"),
        py::param("args", args_class),
        py::Param {
            name: "opts".to_string(),
            annotation: Some("pulumi.ResourceOptions | None".to_string()),
            default: Some(Expr::None),
        },
    ]
}

/// `account_id = aws.get_caller_identity().account_id`
pub fn account_id() -> Stmt {
    py::assign(
        "account_id",
        py::call(py::path("aws.get_caller_identity"), vec![], vec![]).attr("account_id"),
    )
}

/// `partition = aws.get_partition().partition`
pub fn partition() -> Stmt {
    py::assign(
        "partition",
        py::call(py::path("aws.get_partition"), vec![], vec![]).attr("partition"),
    )
}

/// The values of a dict output as a list, as Terraform's `values(...)`: the network's
/// `{az: value.id for az, value in network.private_subnets.items()}` becomes
/// `[value.id for value in network.private_subnets.values()]`.
pub fn values_list(dict: Expr) -> Expr {
    if let Expr::Comp(c) = &dict
        && let py::Comp {
            key: Some(_),
            elt,
            target,
            iter: Expr::Call(iter),
            cond: None,
        } = c.as_ref()
        && let Expr::Attr(base, method) = &iter.func
        && method == "items"
        && iter.args.is_empty()
        && let Some((_, value)) = target.split_once(", ")
    {
        return py::list_comp(
            elt.clone(),
            value,
            base.as_ref().clone().method("values", vec![]),
            None,
        );
    }
    py::call(
        py::name("list"),
        vec![dict.method("values", vec![])],
        vec![],
    )
}

/// An IAM or KMS policy document: `{"Version": "2012-10-17", "Statement": [...]}`.
pub fn policy(statements: impl IntoIterator<Item = Expr>) -> Expr {
    py::dict([
        ("Version", py::s("2012-10-17")),
        ("Statement", py::list(statements)),
    ])
}

/// A setting's value in every environment of `platform`: `f(env)` for each environment name.
pub fn by_env<T: Into<serde_json::Value>>(
    platform: &Platform,
    f: impl Fn(&str) -> T,
) -> BTreeMap<String, serde_json::Value> {
    platform
        .env_names()
        .map(|env| (env.to_string(), f(env).into()))
        .collect()
}

/// The expression of output `output` of the component named `instance` among `built` (the
/// components built before the one being wired); `None` when there is no such component.
pub fn output_of(built: &[Component], instance: &str, output: &str) -> Option<Expr> {
    built
        .iter()
        .find(|c| c.instance == instance)
        .and_then(|c| c.output(output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulumi::print::flat;

    #[test]
    fn dict_outputs_become_lists_of_their_values() {
        let dict = py::dict_comp(
            py::name("az"),
            py::path("value.id"),
            "az, value",
            py::path("network.private_subnets").method("items", vec![]),
            None,
        );
        assert_eq!(
            flat(&values_list(dict), '"'),
            "[value.id for value in network.private_subnets.values()]"
        );
        assert_eq!(
            flat(&values_list(py::name("ids")), '"'),
            "list(ids.values())"
        );
    }
}
