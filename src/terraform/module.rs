//! A generated module and how environment roots call it.

use super::interface::{Output, Variable};
use crate::hcl::{Body, Expr, ex};
use std::rc::Rc;

/// One reusable module under `modules/<dir>/`, with what each root passes to it.
pub struct Module {
    /// Directory under `modules/`. Several calls may share one directory (one `ecs-service`
    /// call per service); their module code must then be identical.
    pub dir: String,
    /// Name of the `module` block in roots (`network`, `service_api`, ...).
    pub name: String,
    /// Prefix of the root variables that carry this call's settings, so two calls of one
    /// module do not collide (`""` for single-call modules, `"service_api_"` and so on).
    pub var_prefix: String,
    /// For a module called once per service: the root map variable that holds every call's
    /// settings, and this call's entry in it. `None`: the call has variables of its own.
    pub group: Option<Group>,
    /// One sentence for the module README.
    pub summary: String,
    /// `main.tf`, shared by the calls of one directory (a platform of many services has one
    /// `ecs-service` body, not one per call).
    pub main: Rc<Body>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
}

/// Calls of one module directory whose settings a root holds in one map variable, an entry per
/// call: adding a service then adds an entry to `terraform.tfvars`, not a dozen variables with
/// their validations to `variables.tf`.
#[derive(Debug, Clone)]
pub struct Group {
    /// The root variable (`services`).
    pub var: String,
    /// This call's key in it (the service's name).
    pub key: String,
    /// What one entry configures, for descriptions (`ECS service`).
    pub noun: String,
}

impl Module {
    /// The root variable that carries input `input` of this call: the call's prefix and the
    /// input's name, except kept values (`<call>_kept`, as single-call modules have no prefix).
    pub fn root_var(&self, input: &str) -> String {
        if input == super::kept::KEPT_VAR {
            super::kept::root_var_name(&self.name)
        } else {
            format!("{}{}", self.var_prefix, input)
        }
    }

    /// The group entry that carries input `input`, if this call is in a group. Kept values
    /// stay in a variable of their own (see [`Module::root_var`]): few calls have them.
    pub fn group_for(&self, input: &str) -> Option<&Group> {
        self.group
            .as_ref()
            .filter(|_| input != super::kept::KEPT_VAR)
    }

    /// What the root passes for setting `input`: `var.<root_var>`, or the entry's attribute.
    pub fn setting_ref(&self, input: &str) -> Expr {
        match self.group_for(input) {
            // Built, not parsed: the key is the user's service name.
            Some(group) => Expr::Traversal(Box::new(
                hcl::expr::Traversal::builder(ex("var"))
                    .attr(group.var.as_str())
                    .index(Expr::String(group.key.clone()))
                    .attr(input)
                    .build(),
            )),
            None => ex(&format!("var.{}", self.root_var(input))),
        }
    }
}

/// Each environment's value of a setting. A list, not a map: there are a few environments, and
/// a platform of thousands of services holds tens of thousands of these.
#[derive(Debug, Clone, Default)]
pub struct PerEnv(Vec<(String, Expr)>);

impl PerEnv {
    /// The value in environment `env`, if it has one.
    pub fn get(&self, env: &str) -> Option<&Expr> {
        self.0.iter().find(|(e, _)| e == env).map(|(_, v)| v)
    }

    /// Every environment's value, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Expr)> {
        self.0.iter().map(|(e, v)| (e, v))
    }
}

impl FromIterator<(String, Expr)> for PerEnv {
    fn from_iter<I: IntoIterator<Item = (String, Expr)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A module variable and where a root gets its value.
pub struct Input {
    pub var: Variable,
    pub source: Source,
}

/// Where a root gets a module input from.
pub enum Source {
    /// A root variable of the same name whose value per environment goes to `terraform.tfvars`.
    Setting(PerEnv),
    /// An expression in the root, e.g. `local.name` or `module.network.vpc_id`.
    Wired(Expr),
}

impl Input {
    /// A per-environment setting: declared in the root and set in its `terraform.tfvars`.
    pub fn setting(var: Variable, values: PerEnv) -> Self {
        Self {
            var,
            source: Source::Setting(values),
        }
    }

    /// An input the root wires from its own locals or another module's outputs.
    pub fn wired(var: Variable, expr: Expr) -> Self {
        Self {
            var,
            source: Source::Wired(expr),
        }
    }
}

impl Input {
    /// `name`, wired to the root's `local.name` (`<project>-<environment>`).
    pub fn name() -> Self {
        Self::wired(
            Variable::new(
                "name",
                "string",
                &crate::describe::Input::name().description,
            ),
            ex("local.name"),
        )
    }

    /// `tags`, wired to the root's `var.tags` (the environment's merged tag set).
    pub fn tags() -> Self {
        Self::wired(
            Variable::new(
                "tags",
                "map(string)",
                &crate::describe::Input::tags().description,
            ),
            ex("var.tags"),
        )
    }
}
