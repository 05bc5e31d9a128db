//! The target-neutral description of what a component manages: each AWS resource written once
//! (its type, name, instances, arguments, tags, dependencies), the component's inputs and its
//! outputs. `terraform::render` turns a description into a module, `pulumi::render` into a
//! Python component; neither target adds or drops a resource or an argument of its own.
//!
//! Layering: the model → this → the renderers. Nothing here knows HCL or Python syntax, except
//! the Terraform variable validations (`Check`), which only Terraform checks at plan time.

pub mod aws;
pub mod ecs_cluster;
pub mod ecs_service;
pub mod eks;
pub mod kms;
pub mod network;
pub mod observability;
pub mod secrets;

/// One component: a Terraform module call and its Pulumi component.
#[derive(Debug, Clone)]
pub struct Component {
    /// `modules/<module>` and `components/<module>.py` (`-` as `_` in Python).
    pub module: String,
    /// The module block in roots and the program's variable (`network`).
    pub instance: String,
    /// The Python class (`Network`).
    pub class: String,
    /// One sentence, ending with a full stop, for the module README and the Python docstring.
    pub summary: String,
    /// What the resources need to know about where they run, in the order Terraform reads it.
    pub facts: Vec<Fact>,
    pub items: Vec<Item>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
}

/// Facts about the account a program runs in: Terraform reads them with data sources, Pulumi
/// with function calls or the `region` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    AccountId,
    Partition,
    Region,
}

/// A statement of a component, in order: what comes later may refer to what came before.
// Items are built once per generation, a few dozen per component: boxing resources would only
// add noise to every description.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Item {
    Resource(Resource),
    Local(Local),
}

/// A named value computed once (`nat_azs`), with why it exists.
#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub comment: Option<String>,
    pub value: Expr,
}

/// A resource, in the AWS provider's terms (Terraform's type names and argument names, which
/// Pulumi's Python SDK shares; `pulumi::types` maps the types to classes).
#[derive(Debug, Clone)]
pub struct Resource {
    /// `aws_vpc`
    pub kind: &'static str,
    /// Unique per kind within the component (`this`, `public`).
    pub name: String,
    /// What people call the object: its `Name` tag when tagged, and Pulumi's resource name
    /// (which must be unique per kind and instance, so keyed resources use [`Expr::Key`]).
    pub label: Expr,
    /// `Some` for one instance per key (`for_each`).
    pub keys: Option<Keys>,
    pub args: Vec<(String, Expr)>,
    pub tags: Tags,
    pub depends_on: Vec<ResId>,
    /// Values computed per instance and named, referred to as [`Expr::Var`]: Python binds them
    /// in the loop (a long subscript is hard to read), Terraform writes them in place.
    pub lets: Vec<(&'static str, Expr)>,
    /// Annotations for Terraform's scanners (checkov skips, with their reasons).
    pub notes: Vec<String>,
    /// Why an argument has its value, written just before it: `(argument, comment)`.
    pub comments: Vec<(String, String)>,
    /// Attributes changed outside iacgen after creation that a plan must not revert
    /// (Terraform's `ignore_changes`, Pulumi's `ignore_changes` option), and why.
    pub ignore_changes: Option<(Vec<&'static str>, String)>,
    /// A replacement is created before the old object is deleted (Terraform's
    /// `create_before_destroy`; Pulumi replaces create-first by default). Needs a unique name
    /// (a prefix) for the two to live side by side.
    pub create_first: bool,
    /// Arguments written once, when the object is created, and kept out of the state where
    /// the target can (see [`Resource::write_only`]).
    pub write_only: Vec<String>,
    /// Pulumi's name for the resource when it is not the label: a name stacks already hold
    /// (a changed name is a new URN, so Pulumi would replace the object).
    pub pulumi_name: Option<Expr>,
    /// Arguments that start a group of related ones: Terraform leaves a blank line before each.
    pub groups: Vec<String>,
    /// Zero or one instance: none when this holds (Terraform `count = <cond> ? 0 : 1`, an
    /// `if not` in Python). For addresses that are `[0]` in existing states.
    pub count_unless: Option<Expr>,
    /// Rules over several inputs checked before the resource is planned, as Terraform
    /// conditions written by iacgen and their messages (`lifecycle { precondition }`). Terraform
    /// only: Pulumi's stack config comes from iacgen, which validated the spec, so the Pulumi
    /// renderer ignores them.
    pub preconditions: Vec<(String, String)>,
    /// More attributes ignored when the boolean input `.0` holds (see
    /// [`Resource::ignore_changes_if`]).
    pub ignore_changes_if: Option<(&'static str, Vec<&'static str>)>,
    /// [`Resource::pulumi_name`] is used as it is for every instance of a keyed resource (it
    /// is unique per instance already): no `-<key>` is added.
    pub pulumi_exact: bool,
}

/// Which resource: kind and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResId {
    pub kind: &'static str,
    pub name: String,
}

/// The instances of a keyed resource: one per element of `over` (a set or a map), named by
/// `key` (and `value` for a map's values) in the resource's expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Keys {
    pub over: Expr,
    /// The name of the key (`az`, `service`), in Pulumi's loops and in [`Expr::Key`].
    pub key: &'static str,
    /// The name of the value when the resource uses it ([`Expr::Value`]).
    pub value: Option<&'static str>,
    /// Only the elements for which this holds.
    pub filter: Option<Expr>,
}

/// The tags of a resource.
#[derive(Debug, Clone)]
pub enum Tags {
    /// The type takes no tags.
    None,
    /// The environment's tags, `Name` (the label) and these extra ones.
    Named(Vec<(&'static str, &'static str)>),
}

/// A value, target-neutral.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Expr>),
    /// Text with values in it.
    Tmpl(Vec<Part>),
    /// A component input (`name`, `vpc_cidr`).
    Input(String),
    Local(String),
    /// A variable of the enclosing [`Expr::ForList`], or one of the resource's `lets`.
    Var(&'static str),
    Fact(Fact),
    /// The key of the instance being described.
    Key,
    /// The value of the instance being described (see [`Keys::value`]).
    Value,
    /// `value.attr`
    Attr(Box<Expr>, String),
    /// An attribute of another resource; of its instance `at` when it is keyed.
    Ref {
        res: ResId,
        at: Option<Box<Expr>>,
        attr: String,
    },
    /// Every instance of a keyed resource, as keys over which another resource is keyed.
    All(ResId),
    /// The list of an attribute of every instance of a keyed resource; `var` names one.
    Values {
        res: ResId,
        var: &'static str,
        attr: String,
    },
    /// An attribute of every instance of a keyed resource, by key.
    ByKey {
        res: ResId,
        key: &'static str,
        var: &'static str,
        attr: String,
    },
    /// Lists joined.
    Concat(Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
    /// `cond ? then : otherwise`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    ForList(Box<ForList>),
    /// A list used as a set of keys.
    ToSet(Box<Expr>),
    /// An IAM policy document as JSON text.
    Policy(Box<Policy>),
    /// No value: the provider's default.
    Null,
    /// An object (a map with fields of any type): Terraform `{ a = 1 }`, a Python dict.
    Object(Vec<(String, Expr)>),
    /// A field of an object value (a local, an input, an element of a map): Terraform
    /// `x.field`, Python `x["field"]`. A resource's attribute is [`Expr::Attr`].
    Field(Box<Expr>, String),
    /// A nested block, as the value of the argument that names it: Terraform writes
    /// `name { ... }`, Pulumi passes a dict. Only as an argument of a resource or a block.
    Block(Vec<(String, Expr)>),
    /// Repeated nested blocks of one name (each an [`Expr::Block`]): Terraform writes the
    /// block once per element, Pulumi passes a list under the plural name
    /// (`load_balancer` → `load_balancers`, see `pulumi::types::plural`). A block the provider
    /// allows more than once is `Blocks` even when written once, so Pulumi gets a list.
    Blocks(Vec<Expr>),
    /// One nested block per element of `keys.over` (Terraform `dynamic`, a list comprehension
    /// in Python): the content refers to the element as [`Expr::Var`] of `keys.key` and
    /// `keys.value`.
    Dynamic(Box<Keys>, Vec<(String, Expr)>),
    /// The first value unless it is null, else the second (Terraform `coalesce`).
    Coalesce(Box<Expr>, Box<Expr>),
    /// The environment's tags with `Name` set to this value, as a value (the tags of a
    /// nested block; a resource's own tags are [`Resource::tags`]).
    Tagged(Box<Expr>),
    /// The single nested block `name` of a value: Terraform `x.name[0]`, Python `x.name`
    /// (pulumi-aws flattens a block allowed at most once).
    One(Box<Expr>, String),
    /// Element `i` of the repeated nested block `name`: Terraform `x.name[i]`, Python
    /// `x.<plural name>[i]`.
    Nth(Box<Expr>, String, i64),
    /// A map built element by element (Terraform `{ for ... : k => v }`, a dict comprehension).
    ForMap(Box<ForMap>),
    /// The keys of a map (Terraform `keys(m)`; in Python iterating the dict gives them).
    MapKeys(Box<Expr>),
    /// A list of maps merged into one (Terraform `merge(list...)`).
    MergeAll(Box<Expr>),
    /// The text, or when it is longer than `max` characters its start and a hash of the whole
    /// (as `model::naming::shorten`): unique and stable within a name limit.
    Shorten(Box<Expr>, i64),
    /// A value the provider types as a string (a flag, a version number): Terraform converts
    /// it, Python gets the string (`.apply(str)` for a resource attribute).
    ToStr(Box<Expr>),
    /// `value` only when `cond` holds. As the one resource of a policy [`Statement`] it makes
    /// the whole statement conditional: Terraform writes a `dynamic "statement"` whose
    /// `for_each` is empty otherwise, Python splices the statement into the list or not.
    /// `value` is the statement's list of resources.
    When(Box<Expr>, Box<Expr>),
    /// The number of elements of a list or map: Terraform `length(x)`, Python `len(x)`.
    Length(Box<Expr>),
    /// The distinct values of a map, sorted: Terraform `sort(distinct(values(x)))`, Python
    /// the same of the values as one output (a component's map values are outputs).
    SortedValues(Box<Expr>),
    /// A value as a JSON document: Terraform `jsonencode(v)`, Python
    /// `pulumi.Output.json_dumps(v)` (the value may hold outputs).
    Json(Box<Expr>),
    /// The elements of the lists the loop yields, in order: Terraform `flatten([for ...])`,
    /// Python `sum([...], [])`.
    Flatten(Box<ForList>),
    /// The keys of a map, sorted.
    SortedKeys(Box<Expr>),
    /// The values of a map, in key order.
    MapValues(Box<Expr>),
    /// Whether the map (first) has the key (second).
    Has(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// Strings joined with a separator.
    Join(String, Box<Expr>),
    /// The last element of a list.
    Last(Box<Expr>),
    /// A list cut into lists of at most this many elements, in order.
    Chunks(Box<Expr>, i64),
    /// A list as a map from each element's position (from 1, as a string) to the element:
    /// resources keyed by position.
    Numbered(Box<Expr>),
    /// Whether the list (first) holds the value (second): Terraform `contains(l, v)`, Python
    /// `v in l`.
    Contains(Box<Expr>, Box<Expr>),
    /// A map as the list a [`ForList`] with an `index` goes over: the index is each key, the
    /// variable each value (Terraform `for k, v in m`, Python `for k, v in m.items()`).
    Entries(Box<Expr>),
    /// A nested block allowed at most once, present only when `.0` holds: Terraform writes a
    /// `dynamic` block over `[.1]` or nothing, its iterator named `.2`; Python passes the
    /// dict (with [`Expr::Var`] `.2` as `.1`) or `None`.
    BlockIf(Box<Expr>, Box<Expr>, &'static str, Vec<(String, Expr)>),
    /// A [`ForMap`] of only the elements for which the second holds.
    ForMapIf(Box<ForMap>, Box<Expr>),
    /// A map of one entry whose key is a value: Terraform `{ (k) = v }`, Python `{k: v}`.
    Entry(Box<Expr>, Box<Expr>),
    /// A number the value holds as a string (a listener port used as a key): Terraform
    /// converts it, Python `int(...)`.
    ToInt(Box<Expr>),
    /// Attribute `attr` of the one instance, at `key`, of a keyed resource that has at most
    /// one, or null without it: Terraform `one([for <var> in <res> : <var>.<attr>])`, Python
    /// `<res>[key].<attr>`, which needs the instance (an [`Output::when`] says when it exists).
    Sole {
        res: ResId,
        key: Box<Expr>,
        var: &'static str,
        attr: String,
    },
}

/// `key => elt` for each element `key` (and `value`, for a map) of `over`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForMap {
    pub over: Expr,
    pub key: &'static str,
    pub value: Option<&'static str>,
    pub key_expr: Expr,
    pub elt: Expr,
}

/// `elt` for each element `var` (at position `index`) of the list `over` that passes `filter`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForList {
    pub over: Expr,
    pub index: Option<&'static str>,
    pub var: &'static str,
    pub elt: Expr,
    pub filter: Option<Expr>,
}

/// A part of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(String),
    Expr(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    And,
    Or,
    Add,
    Mul,
}

/// An IAM policy document. Terraform writes it as an `aws_iam_policy_document` data source
/// named `id`, placed before the resource that uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub notes: Vec<String>,
    pub statements: Vec<Statement>,
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<&'static str>,
    pub actions: Vec<&'static str>,
    pub resources: Vec<Expr>,
    /// `("Service", [...])`, `("AWS", [...])`
    pub principals: Option<(&'static str, Vec<Expr>)>,
    /// `(test, variable, values)`
    pub conditions: Vec<(&'static str, &'static str, Vec<Expr>)>,
    /// A `Deny` statement (an `Allow` one when false).
    pub deny: bool,
}

/// A component input.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub source: Source,
    pub checks: Vec<Check>,
    /// `Some` for an input only one target has (see [`Input::only`]).
    pub only: Option<Target>,
}

/// A target, for the few things only one of them has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Terraform,
    Pulumi,
}

/// An object type with named fields: Terraform `object({ ... })`, a Python `TypedDict` class
/// named `name` with the docstring `doc`.
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectType {
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [(&'static str, Type)],
}

/// Types of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Str,
    Int,
    StrList,
    StrMap,
    IntMap,
    Bool,
    /// A map of objects whose fields (these) are whole numbers.
    IntObjectMap(&'static [&'static str]),
    /// A number, possibly fractional.
    Num,
    /// A map of objects with these string fields.
    ObjMap(&'static [&'static str]),
    /// A set of strings (Terraform `set(string)`, a Python list).
    StrSet,
    /// A value of the type, or null (Terraform's types always allow null; Python says
    /// `| None`).
    Opt(&'static Type),
    Object(&'static ObjectType),
}

/// Where an input's value comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `<project>-<environment>`, the prefix of every name.
    Name,
    /// The environment's merged tag set.
    Tags,
    /// A per-environment setting: each environment's value.
    Setting(Vec<(String, Value)>),
    /// Outputs of other components, known only during deployment (Pulumi `Output`s).
    Wired(Wire),
    /// A value iacgen writes into the call (Terraform's module block, the Pulumi program's
    /// arguments): the same in every environment.
    Literal(Value),
}

/// A setting's value in one environment.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    StrList(Vec<String>),
    /// Ordered as given (AZ order).
    StrMap(Vec<(String, String)>),
    /// Ordered as given.
    IntMap(Vec<(String, i64)>),
    Bool(bool),
    /// Not set (the provider's or the module's default).
    Null,
    IntObjectMap(Vec<(String, Vec<(&'static str, i64)>)>),
    Num(f64),
    /// An object's fields, in the order of its type.
    Object(Vec<(String, Value)>),
}

/// A rule on an input's value that Terraform checks before planning (Pulumi's stack config
/// comes from iacgen, which validated the spec).
#[derive(Debug, Clone)]
pub enum Check {
    /// A Terraform condition written by iacgen, and its message.
    Terraform(String, String),
    /// A CloudWatch Logs retention value.
    Retention,
}

/// A component output.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub description: String,
    pub value: Expr,
    /// Resources that must exist before anything reading the output is created, though the
    /// value does not refer to them (see [`Output::after`]).
    pub after: Vec<ResId>,
    /// The output exists only when this condition on the inputs holds, and is null otherwise
    /// (see [`Output::when`]).
    pub when: Option<Expr>,
}

impl Component {
    /// Every resource, in order.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.items.iter().filter_map(|item| match item {
            Item::Resource(r) => Some(r),
            Item::Local(_) => None,
        })
    }
}

impl Resource {
    /// A resource with no arguments yet, tagged with its label.
    pub fn new(kind: &'static str, name: &str, label: Expr) -> Self {
        Self {
            kind,
            name: name.to_string(),
            label,
            keys: None,
            args: Vec::new(),
            tags: Tags::Named(Vec::new()),
            depends_on: Vec::new(),
            lets: Vec::new(),
            notes: Vec::new(),
            comments: Vec::new(),
            ignore_changes: None,
            create_first: false,
            write_only: Vec::new(),
            pulumi_name: None,
            groups: Vec::new(),
            count_unless: None,
            preconditions: Vec::new(),
            ignore_changes_if: None,
            pulumi_exact: false,
        }
    }

    pub fn id(&self) -> ResId {
        res(self.kind, &self.name)
    }

    pub fn arg(mut self, name: &str, value: Expr) -> Self {
        self.args.push((name.to_string(), value));
        self
    }

    pub fn keyed(mut self, keys: Keys) -> Self {
        self.keys = Some(keys);
        self
    }

    pub fn untagged(mut self) -> Self {
        self.tags = Tags::None;
        self
    }

    pub fn tags(mut self, extra: Vec<(&'static str, &'static str)>) -> Self {
        self.tags = Tags::Named(extra);
        self
    }

    pub fn after(mut self, other: ResId) -> Self {
        self.depends_on.push(other);
        self
    }

    /// Names a per-instance value `name` ([`Expr::Var`]) in the arguments.
    pub fn let_(mut self, name: &'static str, value: Expr) -> Self {
        self.lets.push((name, value));
        self
    }

    pub fn note(mut self, text: String) -> Self {
        self.notes.push(text);
        self
    }

    /// A comment just before the argument `arg` (for a nested block: before the block).
    pub fn comment(mut self, arg: &str, text: &str) -> Self {
        self.comments.push((arg.to_string(), text.to_string()));
        self
    }

    /// Changes to `attrs` after creation are not reverted, because of `why`.
    pub fn ignore_changes(mut self, attrs: Vec<&'static str>, why: &str) -> Self {
        self.ignore_changes = Some((attrs, why.to_string()));
        self
    }

    /// The comment written before `arg`, if any.
    pub fn comment_of(&self, arg: &str) -> Option<&str> {
        self.comments
            .iter()
            .find(|(a, _)| a == arg)
            .map(|(_, c)| c.as_str())
    }

    /// Replaced create-first (see [`Resource::create_first`]).
    pub fn create_first(mut self) -> Self {
        self.create_first = true;
        self
    }

    /// Pulumi names the resource `name` (see [`Resource::pulumi_name`]).
    pub fn pulumi_name(mut self, name: Expr) -> Self {
        self.pulumi_name = Some(name);
        self
    }
}

impl ResId {
    /// An attribute of the (single) resource.
    pub fn attr(&self, attr: &str) -> Expr {
        Expr::Ref {
            res: self.clone(),
            at: None,
            attr: attr.to_string(),
        }
    }

    /// An attribute of the instance at key `at`.
    pub fn at(&self, at: Expr, attr: &str) -> Expr {
        Expr::Ref {
            res: self.clone(),
            at: Some(Box::new(at)),
            attr: attr.to_string(),
        }
    }
}

impl Keys {
    /// One instance per element of the set (or, for repeated blocks, the list) `over`, named
    /// `key`.
    pub fn set(over: Expr, key: &'static str) -> Self {
        Self {
            over,
            key,
            value: None,
            filter: None,
        }
    }

    /// One instance per entry of the map `over`.
    pub fn map(over: Expr, key: &'static str, value: &'static str) -> Self {
        Self {
            over,
            key,
            value: Some(value),
            filter: None,
        }
    }

    pub fn only(mut self, filter: Expr) -> Self {
        self.filter = Some(filter);
        self
    }
}

impl Input {
    pub fn name() -> Self {
        Self {
            name: "name".to_string(),
            ty: Type::Str,
            description: "Prefix of every resource name: `<project>-<environment>`.".to_string(),
            source: Source::Name,
            checks: Vec::new(),
            only: None,
        }
    }

    pub fn tags() -> Self {
        Self {
            name: "tags".to_string(),
            ty: Type::StrMap,
            description: "Tags for every taggable resource; `Name` is added per resource."
                .to_string(),
            source: Source::Tags,
            checks: Vec::new(),
            only: None,
        }
    }

    pub fn setting(name: &str, ty: Type, description: &str, values: Vec<(String, Value)>) -> Self {
        Self {
            name: name.to_string(),
            ty,
            description: description.to_string(),
            source: Source::Setting(values),
            checks: Vec::new(),
            only: None,
        }
    }

    /// An input whose value iacgen writes into the call (see [`Source::Literal`]).
    pub fn literal(name: &str, ty: Type, description: &str, value: Value) -> Self {
        Self {
            source: Source::Literal(value),
            ..Self::setting(name, ty, description, Vec::new())
        }
    }

    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// A Terraform validation of the input: `condition` (iacgen's own code, naming the
    /// input as `var.<name>`) and its message.
    pub fn validate(self, condition: &str, message: &str) -> Self {
        self.check(Check::Terraform(condition.to_string(), message.to_string()))
    }

    /// Only `target` has the input; the other renders the component without it (the caller
    /// says why, in a comment).
    pub fn only(mut self, target: Target) -> Self {
        self.only = Some(target);
        self
    }

    /// Whether `target` has the input.
    pub fn for_target(&self, target: Target) -> bool {
        self.only.is_none_or(|t| t == target)
    }
}

impl Output {
    pub fn new(name: &str, description: &str, value: Expr) -> Self {
        Self {
            name: name.to_string(),
            description: description.to_string(),
            value,
            after: Vec::new(),
            when: None,
        }
    }
}

/// checkov's CKV_AWS_338 wants a year of log retention. A shorter retention comes from the spec
/// (a deliberate per-environment choice), so the skip names the environments and their values.
pub fn short_retention_note(days_by_env: &[(String, u32)]) -> Option<String> {
    let short: Vec<String> = days_by_env
        .iter()
        .filter(|(_, days)| *days < 365)
        .map(|(env, days)| format!("{env} {days} days"))
        .collect();
    (!short.is_empty()).then(|| {
        format!(
            "checkov:skip=CKV_AWS_338:Retention is chosen per environment in the spec ({}).",
            short.join(", ")
        )
    })
}

// Terse constructors, so descriptions read like the resources they describe.

pub fn res(kind: &'static str, name: &str) -> ResId {
    ResId {
        kind,
        name: name.to_string(),
    }
}

pub fn s(text: impl Into<String>) -> Expr {
    Expr::Str(text.into())
}

pub fn input(name: &str) -> Expr {
    Expr::Input(name.to_string())
}

pub fn local(name: &str) -> Expr {
    Expr::Local(name.to_string())
}

pub fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Expr {
    Expr::List(items.into_iter().map(|i| s(i.as_ref())).collect())
}

pub fn bin(left: Expr, op: Op, right: Expr) -> Expr {
    Expr::Bin(Box::new(left), op, Box::new(right))
}

pub fn cond(test: Expr, then: Expr, otherwise: Expr) -> Expr {
    Expr::Cond(Box::new(test), Box::new(then), Box::new(otherwise))
}

pub fn index(value: Expr, at: Expr) -> Expr {
    Expr::Index(Box::new(value), Box::new(at))
}

/// A nested block of these arguments (see [`Expr::Block`]).
pub fn block(fields: Vec<(&str, Expr)>) -> Expr {
    Expr::Block(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// An object of these fields (see [`Expr::Object`]).
pub fn object(fields: Vec<(&str, Expr)>) -> Expr {
    Expr::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn map_fields(fields: &[(String, Expr)], f: &dyn Fn(&Expr) -> Option<Expr>) -> Vec<(String, Expr)> {
    fields.iter().map(|(k, v)| (k.clone(), v.map(f))).collect()
}

pub fn policy(p: Policy) -> Expr {
    Expr::Policy(Box::new(p))
}

/// A template from text written by iacgen (never user data): `{name}` is the `name` input,
/// `{key}` the instance key, `{region}`/`{account_id}`/`{partition}` the facts; everything
/// else is literal.
pub fn tpl(template: &str) -> Expr {
    template_with(template, "{", &|inner| match inner {
        "key" => Expr::Key,
        "region" => Expr::Fact(Fact::Region),
        "account_id" => Expr::Fact(Fact::AccountId),
        "partition" => Expr::Fact(Fact::Partition),
        other => input(other),
    })
}

/// A template from `text`, in which `open`...`}` is a value that `value` reads from the text
/// between the braces.
pub fn template_with(text: &str, open: &str, value: &dyn Fn(&str) -> Expr) -> Expr {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        if start > 0 {
            parts.push(Part::Lit(rest[..start].to_string()));
        }
        let after = &rest[start + open.len()..];
        let close = after.find('}').unwrap_or(after.len());
        parts.push(Part::Expr(value(&after[..close])));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    Expr::Tmpl(parts)
}

impl Expr {
    pub fn attr(self, attr: &str) -> Expr {
        Expr::Attr(Box::new(self), attr.to_string())
    }

    /// Whether the value depends on the instance (its key or value).
    pub fn per_instance(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Key | Expr::Value));
        found
    }

    /// Calls `f` on this expression and every expression inside it.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::List(items) | Expr::Concat(items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Tmpl(parts) => parts.iter().for_each(|p| {
                if let Part::Expr(e) = p {
                    e.walk(f)
                }
            }),
            Expr::Attr(e, _) | Expr::ToSet(e) => e.walk(f),
            Expr::Ref { at, .. } => {
                if let Some(at) = at {
                    at.walk(f)
                }
            }
            Expr::Index(a, b) | Expr::Bin(a, _, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Cond(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            Expr::ForList(l) => {
                l.over.walk(f);
                l.elt.walk(f);
                if let Some(filter) = &l.filter {
                    filter.walk(f);
                }
            }
            Expr::Policy(p) => {
                for st in &p.statements {
                    st.resources.iter().for_each(|e| e.walk(f));
                    if let Some((_, ps)) = &st.principals {
                        ps.iter().for_each(|e| e.walk(f));
                    }
                    for (_, _, vs) in &st.conditions {
                        vs.iter().for_each(|e| e.walk(f));
                    }
                }
            }
            Expr::Object(fields) | Expr::Block(fields) => {
                fields.iter().for_each(|(_, e)| e.walk(f))
            }
            Expr::Blocks(items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Field(e, _) | Expr::Length(e) | Expr::SortedValues(e) => e.walk(f),
            Expr::When(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Dynamic(keys, fields) => {
                keys.over.walk(f);
                if let Some(filter) = &keys.filter {
                    filter.walk(f);
                }
                fields.iter().for_each(|(_, e)| e.walk(f));
            }
            Expr::Coalesce(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Tagged(e)
            | Expr::One(e, _)
            | Expr::Nth(e, _, _)
            | Expr::MapKeys(e)
            | Expr::MergeAll(e)
            | Expr::Shorten(e, _)
            | Expr::ToStr(e) => e.walk(f),
            Expr::ForMap(m) => {
                m.over.walk(f);
                m.key_expr.walk(f);
                m.elt.walk(f);
            }
            Expr::Json(e)
            | Expr::SortedKeys(e)
            | Expr::MapValues(e)
            | Expr::Not(e)
            | Expr::Join(_, e)
            | Expr::Last(e)
            | Expr::Chunks(e, _)
            | Expr::Numbered(e)
            | Expr::Entries(e)
            | Expr::ToInt(e) => e.walk(f),
            Expr::ForMapIf(m, filter) => {
                Expr::ForMap(m.clone()).walk(f);
                filter.walk(f);
            }
            Expr::Entry(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Contains(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::BlockIf(a, b, _, fields) => {
                a.walk(f);
                b.walk(f);
                fields.iter().for_each(|(_, e)| e.walk(f));
            }
            Expr::Has(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Flatten(l) => Expr::ForList(l.clone()).walk(f),
            Expr::Sole { key, .. } => key.walk(f),
            Expr::Str(_)
            | Expr::Null
            | Expr::Int(_)
            | Expr::Bool(_)
            | Expr::Input(_)
            | Expr::Local(_)
            | Expr::Var(_)
            | Expr::Fact(_)
            | Expr::Key
            | Expr::Value
            | Expr::All(_)
            | Expr::Values { .. }
            | Expr::ByKey { .. } => {}
        }
    }

    /// A copy with every part for which `f` gives a replacement replaced.
    pub fn map(&self, f: &dyn Fn(&Expr) -> Option<Expr>) -> Expr {
        if let Some(e) = f(self) {
            return e;
        }
        let m = |e: &Expr| Box::new(e.map(f));
        let all = |items: &[Expr]| items.iter().map(|e| e.map(f)).collect::<Vec<_>>();
        match self {
            Expr::List(items) => Expr::List(all(items)),
            Expr::Concat(items) => Expr::Concat(all(items)),
            Expr::Tmpl(parts) => Expr::Tmpl(
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Expr(e) => Part::Expr(e.map(f)),
                        lit => lit.clone(),
                    })
                    .collect(),
            ),
            Expr::Attr(e, a) => Expr::Attr(m(e), a.clone()),
            Expr::Field(e, a) => Expr::Field(m(e), a.clone()),
            Expr::Object(fields) => Expr::Object(map_fields(fields, f)),
            Expr::Block(fields) => Expr::Block(map_fields(fields, f)),
            Expr::Blocks(items) => Expr::Blocks(all(items)),
            Expr::Dynamic(keys, fields) => Expr::Dynamic(
                Box::new(Keys {
                    over: keys.over.map(f),
                    filter: keys.filter.as_ref().map(|e| e.map(f)),
                    ..keys.as_ref().clone()
                }),
                map_fields(fields, f),
            ),
            Expr::ToSet(e) => Expr::ToSet(m(e)),
            Expr::Length(e) => Expr::Length(m(e)),
            Expr::SortedValues(e) => Expr::SortedValues(m(e)),
            Expr::When(a, b) => Expr::When(m(a), m(b)),
            Expr::Ref { res, at, attr } => Expr::Ref {
                res: res.clone(),
                at: at.as_ref().map(|e| m(e)),
                attr: attr.clone(),
            },
            Expr::Index(a, b) => Expr::Index(m(a), m(b)),
            Expr::Bin(a, op, b) => Expr::Bin(m(a), *op, m(b)),
            Expr::Cond(a, b, c) => Expr::Cond(m(a), m(b), m(c)),
            Expr::ForList(l) => Expr::ForList(Box::new(ForList {
                over: l.over.map(f),
                elt: l.elt.map(f),
                filter: l.filter.as_ref().map(|e| e.map(f)),
                ..l.as_ref().clone()
            })),
            Expr::Policy(p) => {
                let mut p = p.as_ref().clone();
                for st in &mut p.statements {
                    st.resources = all(&st.resources);
                    if let Some((_, ps)) = &mut st.principals {
                        *ps = all(ps);
                    }
                    for (_, _, vs) in &mut st.conditions {
                        *vs = all(vs);
                    }
                }
                Expr::Policy(Box::new(p))
            }
            Expr::Coalesce(a, b) => Expr::Coalesce(m(a), m(b)),
            Expr::Tagged(e) => Expr::Tagged(m(e)),
            Expr::One(e, b) => Expr::One(m(e), b.clone()),
            Expr::Nth(e, b, i) => Expr::Nth(m(e), b.clone(), *i),
            Expr::MapKeys(e) => Expr::MapKeys(m(e)),
            Expr::MergeAll(e) => Expr::MergeAll(m(e)),
            Expr::Shorten(e, max) => Expr::Shorten(m(e), *max),
            Expr::ToStr(e) => Expr::ToStr(m(e)),
            Expr::ForMap(fm) => Expr::ForMap(Box::new(ForMap {
                over: fm.over.map(f),
                key_expr: fm.key_expr.map(f),
                elt: fm.elt.map(f),
                ..fm.as_ref().clone()
            })),
            Expr::Json(e) => Expr::Json(m(e)),
            Expr::SortedKeys(e) => Expr::SortedKeys(m(e)),
            Expr::MapValues(e) => Expr::MapValues(m(e)),
            Expr::Not(e) => Expr::Not(m(e)),
            Expr::Join(sep, e) => Expr::Join(sep.clone(), m(e)),
            Expr::Last(e) => Expr::Last(m(e)),
            Expr::Chunks(e, n) => Expr::Chunks(m(e), *n),
            Expr::Numbered(e) => Expr::Numbered(m(e)),
            Expr::Contains(a, b) => Expr::Contains(m(a), m(b)),
            Expr::Entries(e) => Expr::Entries(m(e)),
            Expr::ToInt(e) => Expr::ToInt(m(e)),
            Expr::Entry(a, b) => Expr::Entry(m(a), m(b)),
            Expr::ForMapIf(fm, filter) => match Expr::ForMap(fm.clone()).map(f) {
                Expr::ForMap(fm) => Expr::ForMapIf(fm, m(filter)),
                other => other,
            },
            Expr::BlockIf(a, b, it, fields) => Expr::BlockIf(m(a), m(b), it, map_fields(fields, f)),
            Expr::Has(a, b) => Expr::Has(m(a), m(b)),
            Expr::Flatten(l) => match Expr::ForList(l.clone()).map(f) {
                Expr::ForList(l) => Expr::Flatten(l),
                other => other,
            },
            Expr::Sole {
                res,
                key,
                var,
                attr,
            } => Expr::Sole {
                res: res.clone(),
                key: m(key),
                var,
                attr: attr.clone(),
            },
            other => other.clone(),
        }
    }

    /// A field of this object value (see [`Expr::Field`]).
    pub fn field(self, field: &str) -> Expr {
        Expr::Field(Box::new(self), field.to_string())
    }

    /// Whether this is a nested block (or several), which Terraform writes as blocks.
    pub fn is_block(&self) -> bool {
        matches!(
            self,
            Expr::Block(_) | Expr::Blocks(_) | Expr::Dynamic(..) | Expr::BlockIf(..)
        )
    }

    /// The resources this value refers to.
    pub fn refs(&self) -> Vec<ResId> {
        let mut out = Vec::new();
        self.walk(&mut |e| match e {
            Expr::Ref { res, .. }
            | Expr::All(res)
            | Expr::Values { res, .. }
            | Expr::ByKey { res, .. }
            | Expr::Sole { res, .. } => out.push(res.clone()),
            _ => {}
        });
        out
    }
}

impl Resource {
    /// `arg` is written once, when the object is created, and kept out of the state where the
    /// target can: Terraform passes the write-only `<arg>_wo` and `<arg>_wo_version = 1` (a
    /// comment on `<arg>_wo_version` is written before it); Pulumi records every input in its
    /// state, write-only ones included, so it passes `<arg>` (a secret output stays encrypted
    /// there) and ignores later changes to it.
    pub fn write_only(mut self, arg: &str) -> Self {
        self.write_only.push(arg.to_string());
        self
    }
}

/// Whether Terraform opens objects of type `kind` anew in each run and never stores them (an
/// `ephemeral` block, referred to as `ephemeral.<kind>.<name>`): iacgen's random passwords,
/// so that no generated value is in a plan or a state. Pulumi has no ephemeral resources: it
/// creates them as resources (a password's result is a secret output, encrypted in its state).
pub fn ephemeral(kind: &str) -> bool {
    kind == "random_password"
}

/// A data source (Terraform `data "<kind>"`, a Pulumi `get_..._output` call): a resource
/// whose kind starts with `data.`, read rather than managed, untagged.
pub fn data_source(kind: &'static str, name: &str) -> Resource {
    Resource::new(kind, name, Expr::Null).untagged()
}

impl Resource {
    /// Whether this is a [`data_source`].
    pub fn is_data(&self) -> bool {
        self.kind.starts_with("data.")
    }
}

/// A local named `name`, with why it exists.
pub fn local_item(name: &str, comment: Option<&str>, value: Expr) -> Item {
    Item::Local(Local {
        name: name.to_string(),
        comment: comment.map(str::to_string),
        value,
    })
}

/// `value` only when `cond` holds (see [`Expr::When`]).
pub fn when(cond: Expr, value: Expr) -> Expr {
    Expr::When(Box::new(cond), Box::new(value))
}

/// The opposite of a condition made of comparisons, `&&` and `||` (De Morgan), for a target
/// that writes the absent case first (Terraform's `absent ? [] : [x]`).
pub fn negate(cond: &Expr) -> Expr {
    match cond {
        Expr::Bin(a, Op::Eq, b) => bin(a.as_ref().clone(), Op::NotEq, b.as_ref().clone()),
        Expr::Bin(a, Op::NotEq, b) => bin(a.as_ref().clone(), Op::Eq, b.as_ref().clone()),
        Expr::Bin(a, Op::And, b) => bin(negate(a), Op::Or, negate(b)),
        Expr::Bin(a, Op::Or, b) => bin(negate(a), Op::And, negate(b)),
        other => bin(other.clone(), Op::Eq, Expr::Bool(false)),
    }
}

/// Where a wired input's value comes from: other components' outputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// Output `.1` of the component instance `.0` (`module.ecs_cluster.cluster_name`).
    Output(String, String),
    /// The entry at a key of a map.
    Entry(Box<Wire>, String),
    /// A map (or an object) of wires, by key.
    Map(Vec<(String, Wire)>),
    /// The values of a map, as a list (Terraform `values(...)`).
    Values(Box<Wire>),
    /// The environment's setting of this root name, which another component declares (the
    /// cluster's `ecs_log_retention_days`): Terraform `var.<name>`, Pulumi the same config
    /// value as that component's argument. Known before deployment, unlike outputs.
    Setting(String),
    /// No wire for this instance: a value in its place (an empty list, null).
    Literal(Value),
}

impl Input {
    /// An input wired from other components' outputs.
    pub fn wired(name: &str, ty: Type, description: &str, wire: Wire) -> Self {
        Self {
            name: name.to_string(),
            ty,
            description: description.to_string(),
            source: Source::Wired(wire),
            checks: Vec::new(),
            only: None,
        }
    }
}

impl Component {
    /// Whether input `name` is wired (known only during deployment).
    pub fn wired(&self, name: &str) -> bool {
        self.inputs
            .iter()
            .any(|i| i.name == name && matches!(i.source, Source::Wired(_)))
    }
}

pub fn not(e: Expr) -> Expr {
    Expr::Not(Box::new(e))
}

pub fn json(e: Expr) -> Expr {
    Expr::Json(Box::new(e))
}

impl Resource {
    /// Argument `arg` starts a group of related arguments (see [`Resource::groups`]).
    pub fn group(mut self, arg: &str) -> Self {
        self.groups.push(arg.to_string());
        self
    }
}

/// `data.aws_iam_policy_document.<id>`: lets the AWS `service` assume a role; with
/// `same_account`, only on behalf of this account (confused-deputy protection).
pub fn assume_role(id: &str, service: &str, same_account: bool) -> Policy {
    let conditions = if same_account {
        vec![(
            "StringEquals",
            "aws:SourceAccount",
            vec![Expr::Fact(Fact::AccountId)],
        )]
    } else {
        Vec::new()
    };
    Policy {
        id: id.to_string(),
        notes: Vec::new(),
        statements: vec![Statement {
            sid: None,
            actions: vec!["sts:AssumeRole"],
            resources: Vec::new(),
            principals: Some(("Service", vec![s(service)])),
            conditions,
            deny: false,
        }],
    }
}

impl Resource {
    /// No instance when `cond` holds, else one (see [`Resource::count_unless`]).
    pub fn count_unless(mut self, cond: Expr) -> Self {
        self.count_unless = Some(cond);
        self
    }

    /// A Terraform precondition (see [`Resource::preconditions`]).
    pub fn precondition(mut self, condition: &str, message: &str) -> Self {
        self.preconditions
            .push((condition.to_string(), message.to_string()));
        self
    }

    /// `attrs` are ignored too when the boolean input `input` holds. Pulumi's option takes a
    /// value; Terraform's `ignore_changes` must be a literal, so a Terraform module exists per
    /// value of the input and its description lists the attributes in
    /// [`Resource::ignore_changes`] itself (the Terraform renderer ignores this).
    pub fn ignore_changes_if(mut self, input: &'static str, attrs: Vec<&'static str>) -> Self {
        self.ignore_changes_if = Some((input, attrs));
        self
    }

    /// Pulumi names every instance `name`, unique per instance already (see
    /// [`Resource::pulumi_exact`]).
    pub fn pulumi_name_exact(mut self, name: Expr) -> Self {
        self.pulumi_name = Some(name);
        self.pulumi_exact = true;
        self
    }
}

pub fn contains(list: Expr, value: Expr) -> Expr {
    Expr::Contains(Box::new(list), Box::new(value))
}

impl Output {
    /// Whatever reads the output waits for `resource` too: Terraform's output `depends_on`,
    /// in Python the value combined with the resource's `id` (`pulumi.Output.all`).
    pub fn after(mut self, resource: ResId) -> Self {
        self.after.push(resource);
        self
    }

    /// The output exists only when `cond` (on the inputs) holds. Terraform's value is null
    /// otherwise by itself (an [`Expr::Sole`]); Python sets the component's attribute and
    /// registers the output only then, and the program exports `None` for an instance whose
    /// inputs rule it out ([`Component::rules_out`]).
    pub fn when(mut self, cond: Expr) -> Self {
        self.when = Some(cond);
        self
    }
}

impl Component {
    /// Whether the inputs of this instance make `cond` false for certain: `input != null`
    /// when the input is a literal null (in the call, or in place of a wire) or a setting that
    /// is null in every environment.
    pub fn rules_out(&self, cond: &Expr) -> bool {
        let Expr::Bin(left, Op::NotEq, right) = cond else {
            return false;
        };
        let (Expr::Input(name), Expr::Null) = (left.as_ref(), right.as_ref()) else {
            return false;
        };
        self.inputs.iter().any(|i| {
            i.name == *name
                && match &i.source {
                    Source::Literal(Value::Null) | Source::Wired(Wire::Literal(Value::Null)) => {
                        true
                    }
                    // A setting that is null in every environment.
                    Source::Setting(values) => values.iter().all(|(_, v)| *v == Value::Null),
                    _ => false,
                }
        })
    }
}
