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
    /// One sentence for the module README.
    pub summary: String,
    /// `main.tf`, shared by the calls of one directory (a platform of many services has one
    /// `ecs-service` body, not one per call).
    pub main: Rc<Body>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
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
