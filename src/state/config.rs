//! The generated Terraform read back as modules: variables, locals, resources, module calls and
//! outputs of every module an environment root calls, parsed with hcl-rs.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use hcl::expr::{Operation, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Block, Body, Expression, ObjectKey};

use super::plan::PlanError;
use crate::tree::Tree;

/// Deepest chain of module calls followed; deeper ones are a loop or not iacgen's layout.
const MAX_MODULE_DEPTH: usize = 16;

/// One module directory.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleConfig {
    pub variables: Vec<VariableConfig>,
    pub locals: Vec<(String, Expression)>,
    pub resources: Vec<ResourceConfig>,
    /// `data` blocks: type and name.
    pub data: Vec<(String, String)>,
    /// The bodies of the `data` blocks, by type and name (for what each one reads from).
    pub data_bodies: Vec<(String, String, Body)>,
    pub calls: Vec<ModuleCall>,
    pub outputs: Vec<(String, Expression)>,
    /// The `region` argument of the default `provider "aws"` block.
    pub provider_region: Option<Expression>,
}

#[derive(Debug, Clone)]
pub(crate) struct VariableConfig {
    pub name: String,
    pub default: Option<Expression>,
}

/// What `lifecycle { ignore_changes = ... }` says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum IgnoreChanges {
    #[default]
    Nothing,
    All,
    /// Attribute paths by name, index steps left out: `scaling_config[0].desired_size` is
    /// `["scaling_config", "desired_size"]`.
    Some(Vec<Vec<String>>),
}

impl IgnoreChanges {
    fn any(&self, test: impl Fn(&[String]) -> bool) -> bool {
        match self {
            IgnoreChanges::Nothing => false,
            IgnoreChanges::All => true,
            IgnoreChanges::Some(paths) => paths.iter().any(|p| test(p)),
        }
    }

    /// Whether changes to `argument`, or to any part of it, are ignored.
    pub fn ignores(&self, argument: &str) -> bool {
        self.any(|p| p.first().is_some_and(|f| f == argument))
    }

    /// Whether changes to `argument` as a whole are ignored.
    pub fn ignores_whole(&self, argument: &str) -> bool {
        self.any(|p| p.len() == 1 && p[0] == argument)
    }

    /// Whether changes to `key` inside the nested block `argument` are ignored.
    pub fn ignores_nested(&self, argument: &str, key: &str) -> bool {
        self.any(|p| p.first().is_some_and(|f| f == argument) && p.get(1).is_none_or(|k| k == key))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ResourceConfig {
    pub type_: String,
    pub name: String,
    pub for_each: Option<Expression>,
    pub count: Option<Expression>,
    pub attrs: Vec<(String, Expression)>,
    /// Nested blocks in order (`dynamic` blocks are left out: their instances are not literal).
    pub blocks: Vec<Block>,
    pub ignore_changes: IgnoreChanges,
    /// The names its expressions start from (`var`, `local`, `aws_vpc`, ...): evaluating it
    /// needs only these in scope.
    pub roots: Roots,
    /// `attrs` and `blocks` as evaluated, with references to variables read in place
    /// (`state::by_ref`), and what those refer to besides.
    pub by_ref: (Vec<(String, Expression)>, Vec<Block>, Roots),
}

/// Root names of variables that a set of expressions refers to.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Roots {
    names: BTreeSet<String>,
    /// For `var`, `local` and `module`: the paths referred to (`var.x` → `x`,
    /// `module.secrets.secret_arns["db"]` → `secrets`, `secret_arns`, `db`), so that a context
    /// holds only those. A root in `whole` is used otherwise too (`var` alone, an index): it
    /// needs all of its attributes.
    members: BTreeMap<String, Paths>,
    whole: BTreeSet<String>,
    /// An expression this walker does not know: assume it may refer to anything.
    all: bool,
    /// The functions called.
    funcs: BTreeSet<String>,
    /// For other roots (resource types): the names after them (`aws_lb.this` → `this`).
    named: BTreeMap<String, BTreeSet<String>>,
}

/// The roots whose attributes [`Roots::members`] narrows down: the ones with many attributes in
/// a root module of many services (variables, module calls), where putting all of them in
/// every call's context made `plan` quadratic.
const NARROWED: [&str; 3] = ["var", "local", "module"];

/// The parts of an object value that expressions refer to, as a tree of attribute names and
/// constant keys. A node reached by a whole reference (or one this walker cannot follow
/// further, such as an index computed per instance) needs everything under it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Paths {
    pub whole: bool,
    pub children: BTreeMap<String, Paths>,
}

impl Paths {
    fn add(&mut self, path: &[String]) {
        match path.split_first() {
            None => self.whole = true,
            Some((first, rest)) => self.children.entry(first.clone()).or_default().add(rest),
        }
    }

    /// The part of `value` these paths refer to: a reference copies the object it starts from,
    /// so copying only what is referred to keeps a context small however large the value.
    pub fn narrow(&self, value: &hcl::Value) -> hcl::Value {
        match value {
            hcl::Value::Object(all) if !self.whole => hcl::Value::Object(
                self.children
                    .iter()
                    .filter_map(|(k, p)| all.get(k).map(|v| (k.clone(), p.narrow(v))))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl Roots {
    pub fn contains(&self, name: &str) -> bool {
        self.all || self.names.contains(name)
    }

    /// The functions called, or `None` when any may be.
    pub fn funcs(&self) -> Option<&BTreeSet<String>> {
        (!self.all).then_some(&self.funcs)
    }

    /// The only parts of `root` referred to, or `None` when it may need all of them.
    pub fn members(&self, root: &str) -> Option<&Paths> {
        if self.all || self.whole.contains(root) {
            return None;
        }
        self.members.get(root)
    }

    /// What one expression refers to.
    pub fn of_expr(expr: &Expression) -> Roots {
        let mut roots = Roots::default();
        roots.expr(expr);
        roots
    }

    /// What a module call's arguments refer to.
    pub fn of_call(call: &ModuleCall) -> Roots {
        let mut roots = Roots::default();
        for (_, expr) in &call.inputs {
            roots.expr(expr);
        }
        for expr in call.for_each.iter().chain(call.count.iter()) {
            roots.expr(expr);
        }
        roots
    }

    /// Whether it refers to resources of `type_` (conservatively: `all` does not count, so that
    /// an unreadable expression does not hide an order).
    pub fn names_resource(&self, type_: &str) -> bool {
        self.names.contains(type_)
    }

    /// Whether it may refer to the resource `type_.name`: `type_` followed by `name`, or by
    /// something this walker cannot name (conservatively, `all` does not count either).
    pub fn names_resource_named(&self, type_: &str, name: &str) -> bool {
        self.names.contains(type_)
            && (self.whole.contains(type_)
                || self
                    .named
                    .get(type_)
                    .is_none_or(|names| names.contains(name)))
    }

    fn expr(&mut self, expr: &Expression) {
        match expr {
            Expression::Null
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Variable(v) => {
                self.names.insert(v.to_string());
                self.whole.insert(v.to_string());
            }
            Expression::Array(items) => items.iter().for_each(|e| self.expr(e)),
            Expression::Object(object) => {
                for (key, value) in object {
                    if let ObjectKey::Expression(k) = key {
                        self.expr(k);
                    }
                    self.expr(value);
                }
            }
            Expression::TemplateExpr(t) => match Template::from_expr(t) {
                Ok(template) => self.template(&template),
                Err(_) => self.all = true,
            },
            Expression::Traversal(t) => {
                match (&t.expr, t.operators.first()) {
                    (Expression::Variable(v), Some(TraversalOperator::GetAttr(_)))
                        if NARROWED.contains(&v.as_str()) =>
                    {
                        self.names.insert(v.to_string());
                        // The attribute names and constant keys from the start, up to the
                        // first operator whose key is not known here.
                        let path: Vec<String> = t
                            .operators
                            .iter()
                            .map_while(|op| match op {
                                TraversalOperator::GetAttr(a) => Some(a.to_string()),
                                TraversalOperator::Index(Expression::String(k)) => Some(k.clone()),
                                _ => None,
                            })
                            .collect();
                        self.members.entry(v.to_string()).or_default().add(&path);
                    }
                    (Expression::Variable(v), Some(TraversalOperator::GetAttr(name))) => {
                        self.names.insert(v.to_string());
                        self.named
                            .entry(v.to_string())
                            .or_default()
                            .insert(name.to_string());
                    }
                    _ => self.expr(&t.expr),
                }
                for op in &t.operators {
                    if let TraversalOperator::Index(e) = op {
                        self.expr(e);
                    }
                }
            }
            Expression::FuncCall(f) => {
                self.funcs.insert(f.name.to_string());
                f.args.iter().for_each(|e| self.expr(e));
            }
            Expression::Parenthesis(e) => self.expr(e),
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::Operation(op) => match op.as_ref() {
                Operation::Unary(u) => self.expr(&u.expr),
                Operation::Binary(b) => {
                    self.expr(&b.lhs_expr);
                    self.expr(&b.rhs_expr);
                }
            },
            Expression::ForExpr(f) => {
                self.expr(&f.collection_expr);
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond_expr {
                    self.expr(c);
                }
            }
            _ => self.all = true,
        }
    }

    fn template(&mut self, template: &Template) {
        for element in template.elements() {
            match element {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => {
                        self.expr(&i.cond_expr);
                        self.template(&i.true_template);
                        if let Some(f) = &i.false_template {
                            self.template(f);
                        }
                    }
                    Directive::For(f) => {
                        self.expr(&f.collection_expr);
                        self.template(&f.template);
                    }
                },
            }
        }
    }

    fn body(&mut self, body: &Body) {
        for a in body.attributes() {
            self.expr(a.expr());
        }
        for b in body.blocks() {
            self.body(b.body());
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ModuleCall {
    pub name: String,
    /// The called directory inside the tree, or `None` for a source outside it (registry, git).
    pub dir: Option<String>,
    pub source: String,
    pub for_each: Option<Expression>,
    pub count: Option<Expression>,
    pub inputs: Vec<(String, Expression)>,
}

/// An environment root and every module it calls, directly or not.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub root_dir: String,
    pub modules: BTreeMap<String, ModuleConfig>,
    /// `terraform.tfvars` and `*.auto.tfvars`, evaluated (they are literals).
    pub tfvars: hcl::Map<String, hcl::Value>,
}

impl Config {
    /// Reads `environments/<env>/` and the modules it calls from a generated tree.
    pub fn load(tree: &Tree, env: &str) -> Result<Config, PlanError> {
        let root_dir = format!("environments/{env}");
        if !tree
            .paths()
            .any(|p| p.starts_with(&format!("{root_dir}/")) && p.ends_with(".tf"))
        {
            let known: Vec<String> = tree
                .paths()
                .filter_map(|p| p.strip_prefix("environments/"))
                .filter_map(|p| p.split_once('/').map(|(e, _)| e.to_string()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            return Err(PlanError::UnknownEnvironment {
                env: env.to_string(),
                known,
            });
        }
        let mut config = Config {
            root_dir: root_dir.clone(),
            modules: BTreeMap::new(),
            tfvars: hcl::Map::new(),
        };
        config.load_dir(tree, &root_dir, 0)?;
        for (path, text) in tree.iter() {
            let Some(file) = path.strip_prefix(&format!("{root_dir}/")) else {
                continue;
            };
            if file == "terraform.tfvars" || file.ends_with(".auto.tfvars") {
                let body = parse(path, text)?;
                let ctx = hcl::eval::Context::new();
                for attr in body.attributes() {
                    use hcl::eval::Evaluate;
                    if let Ok(value) = attr.expr().evaluate(&ctx) {
                        config.tfvars.insert(attr.key().to_string(), value);
                    }
                }
            }
        }
        Ok(config)
    }

    fn load_dir(&mut self, tree: &Tree, dir: &str, depth: usize) -> Result<(), PlanError> {
        if self.modules.contains_key(dir) || depth > MAX_MODULE_DEPTH {
            return Ok(());
        }
        let mut module = ModuleConfig::default();
        let prefix = format!("{dir}/");
        let mut overrides = Vec::new();
        for (path, text) in tree.iter() {
            let Some(file) = path.strip_prefix(&prefix) else {
                continue;
            };
            if file.contains('/') || !file.ends_with(".tf") {
                continue;
            }
            if file == "override.tf" || file.ends_with("_override.tf") {
                overrides.push((path, text));
                continue;
            }
            read_body(&mut module, dir, &parse(path, text)?);
        }
        // Terraform merges override files into the module after every other file, in order.
        for (path, text) in overrides {
            apply_override(&mut module, dir, &parse(path, text)?);
        }
        let children: Vec<String> = module.calls.iter().filter_map(|c| c.dir.clone()).collect();
        self.modules.insert(dir.to_string(), module);
        for child in children {
            self.load_dir(tree, &child, depth + 1)?;
        }
        Ok(())
    }
}

/// Terraform's override rules, for what a plan looks at: arguments replace arguments, nested
/// blocks replace every block of their type, `lifecycle` settings replace settings.
fn apply_override(module: &mut ModuleConfig, dir: &str, body: &Body) {
    fn set(list: &mut Vec<(String, Expression)>, name: &str, expr: &Expression) {
        match list.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = expr.clone(),
            None => list.push((name.to_string(), expr.clone())),
        }
    }
    for block in body.blocks() {
        let (first, second) = (label(block, 0), label(block, 1));
        let b = block.body();
        match (block.identifier(), first, second) {
            ("resource", Some(type_), Some(name)) => {
                let Some(r) = module
                    .resources
                    .iter_mut()
                    .find(|r| r.type_ == type_ && r.name == name)
                else {
                    continue;
                };
                for a in b.attributes() {
                    match a.key() {
                        "for_each" => r.for_each = Some(a.expr().clone()),
                        "count" => r.count = Some(a.expr().clone()),
                        key if META_ARGUMENTS.contains(&key) => {}
                        key => set(&mut r.attrs, key, a.expr()),
                    }
                }
                for nested in b.blocks() {
                    match nested.identifier() {
                        "lifecycle" => {
                            if let Some(e) = attr(nested.body(), "ignore_changes") {
                                r.ignore_changes = ignore_changes(&e);
                            }
                        }
                        id if META_BLOCKS.contains(&id) => {}
                        id => r.blocks.retain(|x| x.identifier() != id),
                    }
                }
                r.blocks.extend(
                    b.blocks()
                        .filter(|x| !META_BLOCKS.contains(&x.identifier()))
                        .cloned(),
                );
                r.roots.body(b);
            }
            ("locals", _, _) => {
                for a in b.attributes() {
                    set(&mut module.locals, a.key(), a.expr());
                }
            }
            ("module", Some(name), _) => {
                if let Some(c) = module.calls.iter_mut().find(|c| c.name == name) {
                    let replaced = call(dir, name, b);
                    for (key, expr) in &replaced.inputs {
                        set(&mut c.inputs, key, expr);
                    }
                    c.for_each = replaced.for_each.or(c.for_each.take());
                    c.count = replaced.count.or(c.count.take());
                    if attr(b, "source").is_some() {
                        c.source = replaced.source;
                        c.dir = replaced.dir;
                    }
                }
            }
            ("variable", Some(name), _) => {
                if let (Some(v), Some(d)) = (
                    module.variables.iter_mut().find(|v| v.name == name),
                    attr(b, "default"),
                ) {
                    v.default = Some(d);
                }
            }
            ("output", Some(name), _) => {
                if let Some(value) = attr(b, "value") {
                    set(&mut module.outputs, &name, &value);
                }
            }
            ("provider", Some(p), _) if p == "aws" && attr(b, "alias").is_none() => {
                if let Some(region) = attr(b, "region") {
                    module.provider_region = Some(region);
                }
            }
            _ => {}
        }
    }
}

fn parse(path: &str, text: &str) -> Result<Body, PlanError> {
    hcl::parse(text).map_err(|e| PlanError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })
}

fn label(block: &Block, i: usize) -> Option<String> {
    block.labels().get(i).map(|l| l.as_str().to_string())
}

fn attr(body: &Body, name: &str) -> Option<Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr().clone())
}

fn read_body(module: &mut ModuleConfig, dir: &str, body: &Body) {
    for block in body.blocks() {
        match block.identifier() {
            "variable" => {
                if let Some(name) = label(block, 0) {
                    module.variables.push(VariableConfig {
                        name,
                        default: attr(block.body(), "default"),
                    });
                }
            }
            "locals" => {
                for a in block.body().attributes() {
                    module
                        .locals
                        .push((a.key().to_string(), super::by_ref::join_templates(a.expr())));
                }
            }
            "resource" => {
                if let (Some(type_), Some(name)) = (label(block, 0), label(block, 1)) {
                    module.resources.push(resource(type_, name, block.body()));
                }
            }
            "data" => {
                if let (Some(type_), Some(name)) = (label(block, 0), label(block, 1)) {
                    let body = block.body().clone();
                    module.data_bodies.push((type_.clone(), name.clone(), body));
                    module.data.push((type_, name));
                }
            }
            "module" => {
                if let Some(name) = label(block, 0) {
                    module.calls.push(call(dir, name, block.body()));
                }
            }
            "output" => {
                if let (Some(name), Some(value)) = (label(block, 0), attr(block.body(), "value")) {
                    module
                        .outputs
                        .push((name, super::by_ref::join_templates(&value)));
                }
            }
            "provider"
                if label(block, 0).as_deref() == Some("aws")
                    && attr(block.body(), "alias").is_none() =>
            {
                module.provider_region = attr(block.body(), "region");
            }
            _ => {}
        }
    }
}

const META_ARGUMENTS: [&str; 5] = ["for_each", "count", "depends_on", "provider", "providers"];
const META_BLOCKS: [&str; 5] = [
    "lifecycle",
    "dynamic",
    "provisioner",
    "connection",
    "precondition",
];

fn resource(type_: String, name: String, body: &Body) -> ResourceConfig {
    let ignore_changes = body
        .blocks()
        .filter(|b| b.identifier() == "lifecycle")
        .filter_map(|b| attr(b.body(), "ignore_changes"))
        .map(|e| ignore_changes(&e))
        .next()
        .unwrap_or_default();
    let mut roots = Roots::default();
    roots.body(body);
    let attrs: Vec<(String, Expression)> = body
        .attributes()
        .filter(|a| !META_ARGUMENTS.contains(&a.key()))
        .map(|a| (a.key().to_string(), a.expr().clone()))
        .collect();
    let blocks: Vec<Block> = body
        .blocks()
        .filter(|b| !META_BLOCKS.contains(&b.identifier()))
        .cloned()
        .collect();
    let by_ref_attrs: Vec<(String, Expression)> = attrs
        .iter()
        .map(|(n, e)| (n.clone(), super::by_ref::rewrite(e)))
        .collect();
    let by_ref_blocks: Vec<Block> = blocks
        .iter()
        .map(|b| {
            let mut b = b.clone();
            b.body = super::by_ref::rewrite_body(&b.body);
            b
        })
        .collect();
    let mut by_ref_roots = Roots::default();
    by_ref_attrs.iter().for_each(|(_, e)| by_ref_roots.expr(e));
    by_ref_blocks
        .iter()
        .for_each(|b| by_ref_roots.body(b.body()));
    ResourceConfig {
        type_,
        name,
        for_each: attr(body, "for_each"),
        count: attr(body, "count"),
        attrs,
        blocks,
        ignore_changes,
        roots,
        by_ref: (by_ref_attrs, by_ref_blocks, by_ref_roots),
    }
}

/// `ignore_changes = all` or a list of attribute paths.
fn ignore_changes(expr: &Expression) -> IgnoreChanges {
    match expr {
        Expression::Variable(v) if v.as_str() == "all" => IgnoreChanges::All,
        Expression::Array(items) => IgnoreChanges::Some(
            items
                .iter()
                .filter_map(|item| match item {
                    Expression::Variable(v) => Some(vec![v.as_str().to_string()]),
                    Expression::Traversal(t) => match &t.expr {
                        Expression::Variable(v) => {
                            let mut path = vec![v.as_str().to_string()];
                            for op in &t.operators {
                                match op {
                                    TraversalOperator::GetAttr(name) => path.push(name.to_string()),
                                    TraversalOperator::Index(Expression::String(key)) => {
                                        path.push(key.clone())
                                    }
                                    _ => {}
                                }
                            }
                            Some(path)
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
        ),
        // Anything else (a legacy string list) is treated as ignoring everything: drift that
        // Terraform would not act on must not be reported.
        _ => IgnoreChanges::All,
    }
}

const CALL_META: [&str; 6] = [
    "source",
    "version",
    "for_each",
    "count",
    "depends_on",
    "providers",
];

fn call(dir: &str, name: String, body: &Body) -> ModuleCall {
    let source = match attr(body, "source") {
        Some(Expression::String(s)) => s,
        _ => String::new(),
    };
    let local = source.starts_with("./") || source.starts_with("../");
    ModuleCall {
        name,
        dir: if local {
            normalize(&format!("{dir}/{source}"))
        } else {
            None
        },
        source,
        for_each: attr(body, "for_each"),
        count: attr(body, "count"),
        inputs: body
            .attributes()
            .filter(|a| !CALL_META.contains(&a.key()))
            .map(|a| (a.key().to_string(), super::by_ref::join_templates(a.expr())))
            .collect(),
    }
}

/// `environments/dev/../../modules/network` → `modules/network`; `None` when the path leaves
/// the tree.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_files_merge_like_terraform() {
        let mut tree = Tree::new();
        tree.insert(
            "environments/dev/main.tf",
            "module \"eks\" {\n  source = \"../../modules/eks\"\n  size = 1\n}\n",
        );
        tree.insert(
            "modules/eks/main.tf",
            r#"
resource "aws_eks_node_group" "this" {
  node_group_name = "a"
  scaling_config {
    desired_size = 1
  }
  update_config {
    max_unavailable = 1
  }
}
"#,
        );
        tree.insert(
            "modules/eks/autoscaler_override.tf",
            r#"
resource "aws_eks_node_group" "this" {
  node_group_name = "b"
  update_config {
    max_unavailable_percentage = 25
  }
  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }
}
"#,
        );
        let config = Config::load(&tree, "dev").unwrap();
        let ng = &config.modules["modules/eks"].resources[0];
        assert_eq!(ng.attrs[0].1, Expression::String("b".into()));
        assert!(
            ng.ignore_changes
                .ignores_nested("scaling_config", "desired_size")
        );
        assert!(
            !ng.ignore_changes
                .ignores_nested("scaling_config", "max_size")
        );
        assert!(!ng.ignore_changes.ignores_whole("scaling_config"));
        let blocks: Vec<&str> = ng.blocks.iter().map(|b| b.identifier()).collect();
        assert_eq!(blocks, ["scaling_config", "update_config"]);
        assert!(attr(ng.blocks[1].body(), "max_unavailable").is_none());
    }

    #[test]
    fn module_sources_resolve_inside_the_tree() {
        assert_eq!(
            normalize("environments/dev/../../modules/network").as_deref(),
            Some("modules/network")
        );
        assert_eq!(normalize("environments/../../outside"), None);
    }

    #[test]
    fn reads_resources_calls_and_lifecycle() {
        let mut tree = Tree::new();
        tree.insert(
            "environments/dev/main.tf",
            r#"
module "net" {
  source = "../../modules/net"
  cidr   = var.cidr
}
module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}
"#,
        );
        tree.insert(
            "environments/dev/terraform.tfvars",
            "cidr = \"10.0.0.0/16\"\n",
        );
        tree.insert(
            "modules/net/main.tf",
            r#"
resource "aws_vpc" "this" {
  cidr_block = var.cidr
  lifecycle {
    ignore_changes = [tags["x"], cidr_block]
  }
}
"#,
        );
        let config = Config::load(&tree, "dev").unwrap();
        let root = &config.modules["environments/dev"];
        assert_eq!(root.calls[0].dir.as_deref(), Some("modules/net"));
        assert_eq!(root.calls[1].dir, None);
        assert_eq!(config.tfvars["cidr"], hcl::Value::from("10.0.0.0/16"));
        let vpc = &config.modules["modules/net"].resources[0];
        assert!(vpc.ignore_changes.ignores("cidr_block"));
        assert!(vpc.ignore_changes.ignores("tags"));
        assert!(vpc.blocks.is_empty());
        assert!(matches!(
            Config::load(&tree, "prod"),
            Err(PlanError::UnknownEnvironment { .. })
        ));
    }
}
