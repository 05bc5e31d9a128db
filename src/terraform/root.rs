//! `environments/<env>/`: the root module of one environment, calling the shared modules.

use super::interface::{Output, Variable, replace_reference};
use super::module::Input;
use super::module::{Module, Source};
use crate::hcl::{
    Body, Expr, Item, Part, Printer, block, ex, obj, print_body, print_expr, s, strings, template,
};
use crate::model::{Platform, tags};
use std::borrow::Cow;

/// The Terraform and provider versions every root and module requires. 6.9 is the first AWS
/// provider with the EKS cluster's `deletion_protection`.
pub const TERRAFORM_VERSION: &str = ">= 1.11";
pub const AWS_PROVIDER_VERSION: &str = "~> 6.9";

/// A provider besides `aws` that some generated code needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Provider {
    /// Local name, also the prefix of its resource types (`random` for `random_password`).
    pub name: &'static str,
    pub source: &'static str,
    pub version: &'static str,
}

/// The other providers iacgen may use. `random` 3.7 brought the ephemeral `random_password`.
const OTHER_PROVIDERS: [Provider; 1] = [Provider {
    name: "random",
    source: "hashicorp/random",
    version: "~> 3.7",
}];

/// The other providers whose resources, data sources or ephemeral resources appear in `bodies`
/// (at top level, where Terraform declares them), in a stable order.
pub fn providers_used<'a>(bodies: impl IntoIterator<Item = &'a Body>) -> Vec<&'static Provider> {
    let mut types = Vec::new();
    for body in bodies {
        for item in &body.items {
            if let Item::Block(b) = item
                && matches!(b.ident.as_str(), "resource" | "data" | "ephemeral")
                && let Some(kind) = b.labels.first()
            {
                types.push(kind.clone());
            }
        }
    }
    OTHER_PROVIDERS
        .iter()
        .filter(|p| types.iter().any(|t| t.split('_').next() == Some(p.name)))
        .collect()
}

/// `versions.tf` for a root or a module: Terraform, the AWS provider and `others`.
pub fn versions_file(others: &[&Provider]) -> Body {
    let mut providers = Body::new().attr(
        "aws",
        obj([
            ("source", s("hashicorp/aws")),
            ("version", s(AWS_PROVIDER_VERSION)),
        ]),
    );
    for p in others {
        providers = providers.attr(
            p.name,
            obj([("source", s(p.source)), ("version", s(p.version))]),
        );
    }
    Body::new().block(block(
        "terraform",
        &[],
        Body::new()
            .attr("required_version", s(TERRAFORM_VERSION))
            .blank()
            .block(block("required_providers", &[], providers)),
    ))
}

/// The files of `environments/<env>/`, each handed to `put` (with its path relative to that
/// directory) as soon as it is printed.
pub fn files(
    platform: &Platform,
    env: &str,
    modules: &[Module],
    put: &mut dyn FnMut(&str, String),
) {
    let environment = platform.environment(env);
    let account = environment.and_then(|e| e.account_id.clone());

    // Root variables: the environment's identity, then every module setting once.
    let mut own: Vec<(Variable, Expr)> = vec![
        (
            Variable::new(
                "project",
                "string",
                "Project name; the first part of every resource name.",
            )
            .check(
                r#"can(regex("^[a-z][a-z0-9-]{0,23}$", var.project))"#,
                "project must match [a-z][a-z0-9-]* and have at most 24 characters.",
            ),
            s(&platform.project),
        ),
        (
            Variable::new(
                "environment",
                "string",
                "Environment name; the second part of every resource name.",
            )
            .check(
                r#"can(regex("^[a-z][a-z0-9-]{0,23}$", var.environment))"#,
                "environment must match [a-z][a-z0-9-]* and have at most 24 characters.",
            ),
            s(env),
        ),
        (
            Variable::new("region", "string", "AWS region of this environment.").check(
                r#"can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))"#,
                "region must be an AWS region name such as us-east-1.",
            ),
            s(platform.region.get(env).cloned().unwrap_or_default()),
        ),
    ];
    if let Some(account) = &account {
        own.push((
            Variable::new(
                "allowed_account_ids",
                "list(string)",
                "The only AWS account IDs Terraform may run against in this environment.",
            )
            .check(
                r#"alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])"#,
                "Every account ID must have 12 digits.",
            ),
            strings([account.clone()]),
        ));
    }
    let role = environment.and_then(|e| e.role_arn.clone());
    if let Some(role) = &role {
        own.push((
            Variable::new(
                "assume_role_arn",
                "string",
                "IAM role of this environment's account that the AWS provider assumes.",
            )
            .check(
                r#"can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.assume_role_arn))"#,
                "assume_role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/terraform.",
            ),
            s(role),
        ));
    }
    own.push((
        Variable::new("tags", "map(string)", "Tags on every taggable resource: the spec's, the environment's and the automatic Environment, Project and ManagedBy."),
        obj(tags::tag_set(platform, env).into_iter().map(|(k, v)| (k, s(v)))),
    ));
    let groups = groups(modules, env);
    let group_vars: Vec<Variable> = groups.iter().map(Group::variable).collect();
    let mut vars: Vec<RootVar> = own
        .iter()
        .map(|(var, value)| RootVar::Own(var, value))
        .collect();
    // Where each module's settings start in `vars`, for headings in terraform.tfvars.
    let mut headings: Vec<(usize, String)> = Vec::new();
    // Names declared so far: a set, as a platform of many services declares many thousands.
    let mut declared: std::collections::HashSet<String> =
        own.iter().map(|(v, _)| v.name.clone()).collect();
    for module in modules {
        if let Some(g) = &module.group
            && declared.insert(g.var.clone())
            && let Some(i) = groups.iter().position(|x| x.var == g.var)
        {
            headings.push((
                vars.len(),
                format!(
                    "{}: an entry per {} (modules/{})",
                    g.var, groups[i].noun, module.dir
                ),
            ));
            vars.push(RootVar::Group(&groups[i], &group_vars[i]));
        }
        headings.push((
            vars.len(),
            format!("module \"{}\" (modules/{})", module.name, module.dir),
        ));
        for input in &module.inputs {
            if let Source::Setting(values) = &input.source
                && module.group_for(&input.var.name).is_none()
            {
                let name = module.root_var(&input.var.name);
                if declared.insert(name.clone()) {
                    vars.push(RootVar::Setting {
                        name,
                        input,
                        value: values.get(env),
                    });
                }
            }
        }
    }

    // Each file is printed as it is built, a block at a time: with many services the roots
    // are most of the output, and their syntax trees would be several times its size.
    let mut main = Printer::new();
    let mut locals = Body::new().attr("name", ex(r#""${var.project}-${var.environment}""#));
    // Each group's calls by key, which its output in outputs.tf iterates: adding a service
    // adds a line here, beside its call, and none to outputs.tf.
    for group in &groups {
        locals = locals.attr(
            group.var,
            obj(modules
                .iter()
                .filter_map(|m| {
                    m.group
                        .as_ref()
                        .filter(|g| g.var == group.var)
                        .map(|g| (m, g))
                })
                .map(|(m, g)| (g.key.clone(), ex(&format!("module.{}", m.name))))),
        );
    }
    main.block(block("locals", &[], locals));
    for module in modules {
        let mut call = Body::new()
            .attr("source", s(format!("../../modules/{}", module.dir)))
            .blank();
        for input in &module.inputs {
            let value = match &input.source {
                Source::Setting(_) => module.setting_ref(&input.var.name),
                Source::Wired(expr) => expr.clone(),
            };
            call = call.attr(&input.var.name, value);
        }
        main.block(block("module", &[&module.name], call));
    }
    put("main.tf", main.finish());

    let mut outputs_tf = Printer::new();
    let mut grouped: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for m in modules {
        match &m.group {
            Some(g) => {
                if grouped.insert(&g.var)
                    && let Some(group) = groups.iter().find(|x| x.var == g.var)
                {
                    outputs_tf.block(group.output(&m.outputs).to_block());
                }
            }
            None => {
                for o in &m.outputs {
                    let output = Output::new(
                        &format!("{}{}", m.var_prefix, o.name),
                        &o.description,
                        ex(&format!("module.{}.{}", m.name, o.name)),
                    );
                    outputs_tf.block(output.to_block());
                }
            }
        }
    }
    put("outputs.tf", outputs_tf.finish());

    let mut provider = Body::new().attr("region", ex("var.region"));
    if account.is_some() {
        provider = provider.attr("allowed_account_ids", ex("var.allowed_account_ids"));
    }
    if role.is_some() {
        provider = provider.blank().block(block(
            "assume_role",
            &[],
            Body::new()
                .attr("role_arn", ex("var.assume_role_arn"))
                .attr("session_name", ex(r#""iacgen-${var.environment}""#)),
        ));
    }

    let others = providers_used(modules.iter().map(|m| &*m.main));
    put("versions.tf", print_body(&versions_file(&others)));
    put(
        "providers.tf",
        print_body(&Body::new().block(block("provider", &["aws"], provider))),
    );
    put("backend.tf", print_body(&backend(platform, env)));
    let mut variables_tf = Printer::new();
    for var in &vars {
        variables_tf.block(var.variable().to_block());
    }
    put("variables.tf", variables_tf.finish());
    put("terraform.tfvars", tfvars(&vars, &headings));
    put("terraform.tfvars.example", tfvars_example(env, &vars));
}

/// A variable of a root: its own (the environment's identity and tags) or a module setting,
/// renamed with the call's prefix.
enum RootVar<'a> {
    Own(&'a Variable, &'a Expr),
    Setting {
        name: String,
        input: &'a Input,
        /// This environment's value (null when the setting has none here).
        value: Option<&'a Expr>,
    },
    /// The map variable of a group of calls, and its declaration.
    Group(&'a Group<'a>, &'a Variable),
}

impl RootVar<'_> {
    fn name(&self) -> &str {
        match self {
            RootVar::Own(var, _) => &var.name,
            RootVar::Setting { name, .. } => name,
            RootVar::Group(_, var) => &var.name,
        }
    }

    /// The declaration, with references to the variable in its checks renamed.
    fn variable(&self) -> Cow<'_, Variable> {
        match self {
            RootVar::Own(var, _) => Cow::Borrowed(*var),
            RootVar::Setting { name, input, .. } => {
                let mut var = input.var.clone();
                var.rename(name);
                Cow::Owned(var)
            }
            RootVar::Group(_, var) => Cow::Borrowed(*var),
        }
    }

    fn var(&self) -> &Variable {
        match self {
            RootVar::Own(var, _) => var,
            RootVar::Setting { input, .. } => &input.var,
            RootVar::Group(_, var) => var,
        }
    }

    fn value(&self) -> Expr {
        match self {
            RootVar::Own(_, value) => (*value).clone(),
            RootVar::Setting { value, .. } => value.cloned().unwrap_or(Expr::Null),
            RootVar::Group(group, _) => group.value(),
        }
    }
}

/// The calls of one module directory whose settings one root map variable holds.
struct Group<'a> {
    /// The variable's name (`services`).
    var: &'a str,
    dir: &'a str,
    noun: &'a str,
    /// The settings, in the order the first call that has each declares them, and how many
    /// calls have each (one that not every call has is optional).
    attrs: Vec<(&'a Input, usize)>,
    /// Each call's key and its settings' values in this environment.
    entries: Vec<Entry<'a>>,
}

/// A call's key in its group and its settings (name, this environment's value).
type Entry<'a> = (&'a str, Vec<(&'a str, Option<&'a Expr>)>);

/// The name a group's conditions give one entry (`for name, service in var.services`).
const ENTRY: &str = "service";

/// The groups of `modules`' calls, in the order of their first calls.
fn groups<'a>(modules: &'a [Module], env: &str) -> Vec<Group<'a>> {
    let mut groups: Vec<Group> = Vec::new();
    for module in modules {
        let Some(g) = &module.group else { continue };
        let i = match groups.iter().position(|x| x.var == g.var) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    var: &g.var,
                    dir: &module.dir,
                    noun: &g.noun,
                    attrs: Vec::new(),
                    entries: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[i];
        let mut settings = Vec::new();
        for input in &module.inputs {
            if let Source::Setting(values) = &input.source
                && module.group_for(&input.var.name).is_some()
            {
                match group
                    .attrs
                    .iter_mut()
                    .find(|(a, _)| a.var.name == input.var.name)
                {
                    Some((_, count)) => *count += 1,
                    None => group.attrs.push((input, 1)),
                }
                settings.push((input.var.name.as_str(), values.get(env)));
            }
        }
        group.entries.push((&g.key, settings));
    }
    groups
}

impl Group<'_> {
    fn optional(&self, count: usize) -> bool {
        count < self.entries.len()
    }

    /// `map(object({...}))` with every setting's own type and checks, applied to each entry.
    fn variable(&self) -> Variable {
        let mut ty = String::from("map(object({\n");
        for (input, count) in &self.attrs {
            let attr_ty = input.var.ty();
            if self.optional(*count) {
                ty.push_str(&format!("{} = optional({attr_ty})\n", input.var.name));
            } else {
                ty.push_str(&format!("{} = {attr_ty}\n", input.var.name));
            }
        }
        ty.push_str("}))");
        let described: Vec<String> = self
            .attrs
            .iter()
            .map(|(input, _)| {
                format!(
                    "`{}`: {}",
                    input.var.name,
                    input.var.description.trim_end_matches('.')
                )
            })
            .collect();
        let description = format!(
            "Settings of each {} (modules/{}), by its name. {}.",
            self.noun,
            self.dir,
            described.join("; ")
        );
        let names: Vec<&str> = self
            .attrs
            .iter()
            .map(|(input, _)| input.var.name.as_str())
            .collect();
        let mut var = Variable::new(self.var, &ty, &description);
        for (input, count) in &self.attrs {
            for (condition, message) in input.var.checks() {
                let mut one = match crate::hcl::retarget_vars(&condition, &names, ENTRY) {
                    Some(one) => print_expr(&one),
                    // A template in the condition: its text is rewritten instead.
                    None => names.iter().fold(print_expr(&condition), |text, name| {
                        replace_reference(&text, &format!("var.{name}"), &format!("{ENTRY}.{name}"))
                    }),
                };
                if self.optional(*count) {
                    one = format!("{ENTRY}.{} == null ? true : ({one})", input.var.name);
                }
                let message = message.unwrap_or("Invalid value.");
                let failing = format!(
                    "join(\", \", [for name, {ENTRY} in var.{} : name if !({one})])",
                    self.var
                );
                let message = template(vec![
                    Part::Lit(format!("{} ({}: ", message.trim_end_matches('.'), self.var)),
                    Part::Interp(ex(&failing)),
                    Part::Lit(").".to_string()),
                ]);
                var = var.check_with(
                    &format!("alltrue([for name, {ENTRY} in var.{} : {one}])", self.var),
                    &print_expr(&message),
                );
            }
        }
        var
    }

    /// One output for the group's calls: each call's outputs, by its key, read through the
    /// root's local of the calls (`local.services`).
    fn output(&self, outputs: &[Output]) -> Output {
        let described: Vec<String> = outputs
            .iter()
            .map(|o| format!("`{}`: {}", o.name, o.description.trim_end_matches('.')))
            .collect();
        let fields: Vec<String> = outputs
            .iter()
            .map(|o| format!("{} = {ENTRY}.{}", o.name, o.name))
            .collect();
        Output::new(
            self.var,
            &format!(
                "The identifiers of each {}, by its name. {}.",
                self.noun,
                described.join("; ")
            ),
            ex(&format!(
                "{{ for name, {ENTRY} in local.{} : name => {{\n{}\n}} }}",
                self.var,
                fields.join("\n")
            )),
        )
    }

    /// Every entry's settings in this environment (null where it has none).
    fn value(&self) -> Expr {
        obj(self.entries.iter().map(|(key, settings)| {
            (
                key.to_string(),
                obj(settings
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.cloned().unwrap_or(Expr::Null)))),
            )
        }))
    }
}

fn backend(platform: &Platform, env: &str) -> Body {
    // Backend settings cannot come from variables: each root spells out its own location.
    let location = platform.backend.as_ref().and_then(|s3| s3.location(env));
    let backend = match &location {
        Some(state) => {
            let mut body = Body::new()
                .attr("bucket", s(&state.bucket))
                .attr("key", s(&state.key))
                .attr("region", s(&state.region))
                .attr("encrypt", true)
                .attr("use_lockfile", true);
            if let Some(table) = &state.dynamodb_table {
                body = body.attr("dynamodb_table", s(table));
            }
            if let Some(role) = &state.role_arn {
                body = body.attr("assume_role", obj([("role_arn", s(role))]));
            }
            block("backend", &["s3"], body)
        }
        None => block(
            "backend",
            &["local"],
            Body::new().attr("path", s("terraform.tfstate")),
        ),
    };
    let body = Body::new().block(backend);
    let comment = match &location {
        Some(state) => match (&state.dynamodb_table, &state.role_arn) {
            (Some(_), _) => {
                "Remote state in S3, locked with S3 native locking and the DynamoDB table (Terraform deprecates the table)."
            }
            (None, Some(_)) => {
                "Remote state in S3 (read and written with the role it assumes), locked with S3 native locking."
            }
            (None, None) => {
                "Remote state in S3, one object per environment, locked with S3 native locking."
            }
        },
        None => "Local state: add `backend.s3` to the spec to keep state in S3 instead.",
    };
    Body::new()
        .comment(comment)
        .block(block("terraform", &[], body))
}

/// `terraform.tfvars`: the environment's values, grouped under a heading per module that has
/// settings.
fn tfvars(vars: &[RootVar], headings: &[(usize, String)]) -> String {
    let mut file = Printer::new();
    for (i, var) in vars.iter().enumerate() {
        // The last heading that starts here wins: modules without settings get none.
        if let Some((_, title)) = headings.iter().rev().find(|(start, _)| *start == i) {
            file.blank();
            file.comment(title);
        }
        file.attr(var.name(), var.value());
    }
    file.finish()
}

/// `terraform.tfvars.example`: every variable with its description, type and this
/// environment's value, all as comments.
fn tfvars_example(env: &str, vars: &[RootVar]) -> String {
    let mut file = Printer::new();
    file.comment(&format!(
        "Variables of the {env} environment, with their types and example values."
    ));
    file.comment(
        "terraform.tfvars holds the values iacgen generated from the spec; edit the spec and",
    );
    file.comment(
        "regenerate rather than editing it. Uncomment lines here for a local override file.",
    );
    for var in vars {
        let decl = var.var();
        file.blank();
        match var {
            RootVar::Group(group, _) => {
                file.comment(&format!(
                    "{} (map of objects: an entry per {}, by its name)",
                    var.name(),
                    group.noun
                ));
                file.comment(&format!(
                    "  Settings of each {} (modules/{}):",
                    group.noun, group.dir
                ));
                for (input, count) in &group.attrs {
                    let optional = if group.optional(*count) {
                        ", optional"
                    } else {
                        ""
                    };
                    let ty = input.var.type_text();
                    match ty.split_once('\n') {
                        // A type over several lines goes below the description.
                        Some((first, _)) => {
                            let kind = first.split('(').next().unwrap_or(first);
                            file.comment(&format!(
                                "    {} ({kind}{optional}): {}",
                                input.var.name, input.var.description
                            ));
                            for line in ty.lines() {
                                file.comment(&format!("      {line}"));
                            }
                        }
                        None => file.comment(&format!(
                            "    {} ({ty}{optional}): {}",
                            input.var.name, input.var.description
                        )),
                    }
                }
            }
            _ => {
                file.comment(&format!("{} ({})", var.name(), decl.type_text()));
                file.comment(&format!("  {}", decl.description));
            }
        }
        let example = print_body(&Body::new().attr(var.name(), var.value()));
        for line in example.lines() {
            file.comment(line);
        }
    }
    file.finish()
}
