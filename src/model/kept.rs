//! Kept values: arguments of existing objects that iacgen must not change, because changing
//! them would replace the object (a role named from a `name_prefix`, a node group's name, a
//! security group's description, ...).
//!
//! They come from `iacgen plan --write-kept`, live in a file the user commits beside the spec
//! (see `spec::kept`), and reach each module as one `kept` variable set per environment in
//! `terraform.tfvars`. Each value is addressed by the module call and a key naming the resource
//! argument inside that module: `aws_iam_role.cluster.name`, or with the instance key of a
//! `for_each` resource, `aws_eks_node_group.this[general].node_group_name`. A nested block's
//! argument is a dotted path (`launch_template.name`). Nothing here is read from a state: the
//! file is the record.

use std::collections::BTreeMap;
use std::fmt;

/// Arguments iacgen leaves unset because it sets another one instead, which the provider does
/// not accept together with them: `(resource type, kept argument, what iacgen sets instead)`.
/// The two are one choice, so keeping the argument unsets the other (an argument or a nested
/// block) in the generated code, and `iacgen plan` keeps an existing object's value of it when
/// iacgen's own choice would not produce that value:
/// - a node group is named by `node_group_name_prefix`; a group whose name does not start
///   with iacgen's prefix keeps its `node_group_name` (both are force-new);
/// - an ECS service runs on its cluster's capacity providers (`capacity_provider_strategy`);
///   a service started with `launch_type = "FARGATE"` keeps it, since the provider replaces the
///   service (or, in newer versions, refuses without `force_new_deployment`) to move it from a
///   launch type to a capacity provider strategy;
/// - a security group is named by `name_prefix` (so that a replacement can be created first);
///   a group whose name does not start with iacgen's prefix (an adopted one, or one iacgen
///   built before it named groups from a prefix) keeps its `name`.
pub const KEPT_INSTEAD_OF: &[(&str, &str, &str)] = &[
    (
        "aws_eks_node_group",
        "node_group_name",
        "node_group_name_prefix",
    ),
    (
        "aws_ecs_service",
        "launch_type",
        "capacity_provider_strategy",
    ),
    ("aws_security_group", "name", "name_prefix"),
];

/// Arguments iacgen does not set that an existing object may have: a set of strings, which
/// Terraform would clear (an update in place) where the configuration leaves it unset. Kept
/// as one value, the strings joined by `,`, and set back with `split(",", ...)`: a launch
/// template's `vpc_security_group_ids` (terraform-aws-modules puts its node security group
/// there; cleared, the template gets a new version and every node group using it rolls its
/// nodes).
pub const KEPT_LISTS: &[(&str, &str)] = &[("aws_launch_template", "vpc_security_group_ids")];

/// Whether the argument at `path` of `type_` is kept as a list ([`KEPT_LISTS`]).
pub fn is_kept_list(type_: &str, path: &[impl AsRef<str>]) -> bool {
    let [argument] = path else { return false };
    KEPT_LISTS
        .iter()
        .any(|(t, a)| *t == type_ && *a == argument.as_ref())
}

/// The separator of a kept list's elements.
pub const KEPT_LIST_SEPARATOR: &str = ",";

/// What iacgen sets instead of the argument at `path` of `type_`, if anything (see
/// [`KEPT_INSTEAD_OF`]).
pub fn kept_instead_of(type_: &str, path: &[impl AsRef<str>]) -> Option<&'static str> {
    let [argument] = path else { return None };
    KEPT_INSTEAD_OF
        .iter()
        .find(|(t, a, _)| *t == type_ && *a == argument.as_ref())
        .map(|(_, _, instead)| *instead)
}

/// Every kept value: environment → module call name → key → value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    pub environments: BTreeMap<String, BTreeMap<String, BTreeMap<KeptKey, String>>>,
}

/// Which resource argument a kept value replaces, inside one module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeptKey {
    pub type_: String,
    pub name: String,
    /// The `for_each` key of the instance; `None` for a resource without `for_each`.
    pub instance: Option<String>,
    /// The argument, then nested block names before it: `["launch_template", "name"]`.
    pub path: Vec<String>,
}

impl KeptKey {
    /// Parses `TYPE.NAME.ARG`, `TYPE.NAME[KEY].ARG` or `TYPE.NAME.BLOCK.ARG`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let expected = "expected TYPE.NAME.ARGUMENT or TYPE.NAME[KEY].ARGUMENT \
                        (e.g. aws_iam_role.cluster.name, aws_eks_node_group.this[general].node_group_name)";
        let bad = |why: &str| {
            Err(format!(
                "{text:?} is not a kept-value key: {why}; {expected}"
            ))
        };
        let (type_, rest) = match text.split_once('.') {
            Some(parts) => parts,
            None => return bad("no `.`"),
        };
        let (name, instance, rest) = match rest.find(['.', '[']) {
            Some(i) if rest.as_bytes()[i] == b'[' => {
                let Some(close) = rest[i..].find(']').map(|c| c + i) else {
                    return bad("`[` without `]`");
                };
                let Some(after) = rest[close + 1..].strip_prefix('.') else {
                    return bad("no argument after the instance key");
                };
                (&rest[..i], Some(rest[i + 1..close].to_string()), after)
            }
            Some(i) => (&rest[..i], None, &rest[i + 1..]),
            None => return bad("no argument after the resource name"),
        };
        let path: Vec<String> = rest.split('.').map(str::to_string).collect();
        if !is_ident(type_) || !is_ident(name) || !path.iter().all(|p| is_ident(p)) {
            return bad("type, name and argument must be identifiers");
        }
        if let Some(key) = &instance
            && (key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)))
        {
            return bad("an instance key holds letters, digits, `-` and `_` only");
        }
        Ok(Self {
            type_: type_.to_string(),
            name: name.to_string(),
            instance,
            path,
        })
    }

    /// The resource and argument, without the instance key: what a module wraps once for all
    /// its instances.
    pub fn argument(&self) -> (String, String, Vec<String>) {
        (self.type_.clone(), self.name.clone(), self.path.clone())
    }
}

impl fmt::Display for KeptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.type_, self.name)?;
        if let Some(key) = &self.instance {
            write!(f, "[{key}]")?;
        }
        write!(f, ".{}", self.path.join("."))
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Kept {
    pub fn is_empty(&self) -> bool {
        self.environments
            .values()
            .all(|modules| modules.values().all(BTreeMap::is_empty))
    }

    /// The values environment `env` keeps in module call `module`.
    pub fn values(&self, env: &str, module: &str) -> Option<&BTreeMap<KeptKey, String>> {
        self.environments
            .get(env)
            .and_then(|m| m.get(module))
            .filter(|v| !v.is_empty())
    }

    /// Whether any environment keeps something in module call `module`.
    pub fn has_module(&self, module: &str) -> bool {
        self.environments
            .values()
            .any(|m| m.get(module).is_some_and(|v| !v.is_empty()))
    }

    /// The resource arguments some environment keeps in module call `module`.
    pub fn arguments(&self, module: &str) -> Vec<(String, String, Vec<String>)> {
        let mut out: Vec<_> = self
            .environments
            .values()
            .filter_map(|m| m.get(module))
            .flat_map(|v| v.keys().map(KeptKey::argument))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Adds (or replaces) one value.
    pub fn insert(&mut self, env: &str, module: &str, key: KeptKey, value: String) {
        self.environments
            .entry(env.to_string())
            .or_default()
            .entry(module.to_string())
            .or_default()
            .insert(key, value);
    }

    /// How many values are kept in all.
    pub fn len(&self) -> usize {
        self.environments
            .values()
            .flat_map(|m| m.values())
            .map(BTreeMap::len)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_print_back() {
        for text in [
            "aws_iam_role.cluster.name",
            "aws_eks_node_group.this[general].node_group_name",
            "aws_eks_node_group.this[spot-arm].launch_template.name",
        ] {
            assert_eq!(KeptKey::parse(text).map(|k| k.to_string()), Ok(text.into()));
        }
        let key = KeptKey::parse("aws_eks_node_group.this[general].launch_template.name").unwrap();
        assert_eq!(key.instance.as_deref(), Some("general"));
        assert_eq!(key.path, ["launch_template", "name"]);
    }

    #[test]
    fn malformed_keys_say_what_a_key_looks_like() {
        for text in [
            "aws_iam_role",
            "aws_iam_role.cluster",
            "a.b[x",
            "a.b[x]",
            "a.b[\"x\"].c",
            "a.b.c d",
        ] {
            let err = KeptKey::parse(text).unwrap_err();
            assert!(err.contains("TYPE.NAME.ARGUMENT"), "{text}: {err}");
        }
    }
}
