//! Matching by relationship: objects that a platform names however it likes (an ECS cluster
//! `shop`, a target group `api-2025…` from a `name_prefix`, a role from a `name_prefix`) are
//! found through what refers to them, never by a name iacgen would derive.
//!
//! A service is the anchor: the state's ECS service whose task definition runs a container
//! named as iacgen's service (or the only service, when both sides have one). From a matched
//! object, each link follows a state attribute to the object it names:
//!
//! - service → its cluster (`cluster`), task definition (`task_definition`), target groups
//!   (`load_balancer[*].target_group_arn`) and tasks' security group
//!   (`network_configuration[*].security_groups`);
//! - task definition → execution and task roles (`execution_role_arn`, `task_role_arn`), the
//!   log group of its container (`awslogs-group`) and its secrets (`secrets[*].valueFrom`, each
//!   the iacgen secret whose key spells the environment variable's name);
//! - target group → the listener whose default action forwards to it (same port as iacgen's);
//!   listener → its load balancer; load balancer → its security group; cluster → the log group
//!   of its execute-command configuration and its capacity providers;
//! - service → the alarms on it (same `ServiceName` dimension and metric), alarm → the SNS topic
//!   it notifies (`alarm_actions`);
//! - flow log → the log group it writes to (`log_destination`) and its role (`iam_role_arn`).
//!
//! iacgen's side of each link is the instance of the target type in the same module instance
//! as the source (by resource name where a module has two of that type: a service's
//! `execution` and `task` roles, its `service` and `load_balancer` security groups), else the
//! only one of that type in the environment.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::address::{Address, IndexKey, Mode};
use super::instance::ResourceInstance;
use super::inventory::{Inventory, ManagedInstance};

/// Proposals `(iacgen address, state index)` from the matches so far (`matches`: iacgen
/// address → state index) and the state objects not taken yet.
pub(crate) fn proposals(
    inventory: &Inventory,
    state: &[&ResourceInstance],
    matches: &BTreeMap<Address, usize>,
    taken: &[bool],
) -> Vec<(Address, usize)> {
    let ctx = Ctx {
        inventory,
        state,
        matches,
        taken,
    };
    let mut out = ctx.anchor_services();
    for (address, index) in matches {
        let Some(inst) = inventory.instances.iter().find(|i| &i.address == address) else {
            continue;
        };
        let s = state[*index];
        match address.type_.as_str() {
            "aws_ecs_service" => {
                for v in strings(s.attribute("cluster")) {
                    ctx.link(
                        &mut out,
                        inst,
                        "aws_ecs_cluster",
                        None,
                        &["arn", "name"],
                        &v,
                    );
                }
                for v in strings(s.attribute("task_definition")) {
                    ctx.link(
                        &mut out,
                        inst,
                        "aws_ecs_task_definition",
                        None,
                        &["arn"],
                        &v,
                    );
                    ctx.link(&mut out, inst, "aws_ecs_task_definition", None, &["id"], &v);
                }
                for v in nested(s.attribute("load_balancer"), "target_group_arn") {
                    ctx.link(&mut out, inst, "aws_lb_target_group", None, &["arn"], &v);
                }
                for v in nested(s.attribute("network_configuration"), "security_groups") {
                    let to = Some("service");
                    ctx.link(&mut out, inst, "aws_security_group", to, &["id"], &v);
                }
                ctx.alarms(&mut out, inst, s);
            }
            "aws_ecs_task_definition" => {
                for v in strings(s.attribute("execution_role_arn")) {
                    let to = Some("execution");
                    ctx.link(&mut out, inst, "aws_iam_role", to, &["arn"], &v);
                }
                for v in strings(s.attribute("task_role_arn")) {
                    ctx.link(&mut out, inst, "aws_iam_role", Some("task"), &["arn"], &v);
                }
                for container in containers(s) {
                    let group = container
                        .pointer("/logConfiguration/options/awslogs-group")
                        .and_then(Json::as_str);
                    if let Some(group) = group {
                        let to = "aws_cloudwatch_log_group";
                        ctx.link(&mut out, inst, to, None, &["name"], group);
                    }
                    ctx.secrets(&mut out, &container);
                }
            }
            "aws_lb_target_group" => ctx.listener(&mut out, inst, s),
            "aws_lb_listener" => {
                for v in strings(s.attribute("load_balancer_arn")) {
                    ctx.link(&mut out, inst, "aws_lb", None, &["arn"], &v);
                }
            }
            "aws_lb" => {
                for v in strings(s.attribute("security_groups")) {
                    let to = Some("load_balancer");
                    ctx.link(&mut out, inst, "aws_security_group", to, &["id"], &v);
                }
            }
            "aws_ecs_cluster" => {
                if let Some(name) = s.attribute("name").and_then(Json::as_str) {
                    let to = "aws_ecs_cluster_capacity_providers";
                    ctx.link(&mut out, inst, to, None, &["cluster_name"], name);
                }
                let group = s
                    .attributes()
                    .pointer("/configuration/0/execute_command_configuration/0/log_configuration/0/cloud_watch_log_group_name")
                    .and_then(Json::as_str);
                if let Some(group) = group {
                    let to = "aws_cloudwatch_log_group";
                    ctx.link(&mut out, inst, to, None, &["name"], group);
                }
            }
            "aws_flow_log" => {
                // The log group it writes to and the role it writes with, whatever their names.
                for v in strings(s.attribute("log_destination")) {
                    let to = "aws_cloudwatch_log_group";
                    ctx.link(&mut out, inst, to, None, &["arn"], v.trim_end_matches(":*"));
                }
                for v in strings(s.attribute("iam_role_arn")) {
                    ctx.link(&mut out, inst, "aws_iam_role", None, &["arn"], &v);
                }
            }
            "aws_cloudwatch_metric_alarm" => {
                for v in strings(s.attribute("alarm_actions")) {
                    ctx.link(&mut out, inst, "aws_sns_topic", None, &["arn"], &v);
                }
            }
            _ => {}
        }
    }
    out
}

struct Ctx<'a> {
    inventory: &'a Inventory,
    state: &'a [&'a ResourceInstance],
    matches: &'a BTreeMap<Address, usize>,
    taken: &'a [bool],
}

impl Ctx<'_> {
    fn matched(&self, address: &Address) -> bool {
        self.matches.contains_key(address)
    }

    /// Free state objects of `type_`.
    fn free(&self, type_: &str) -> impl Iterator<Item = usize> + '_ {
        let type_ = type_.to_string();
        (0..self.state.len()).filter(move |i| {
            !self.taken[*i]
                && self.state[*i].address.mode == Mode::Managed
                && self.state[*i].address.type_ == type_
        })
    }

    /// iacgen's unmatched instance of `type_` that `from` relates to: in the same module
    /// instance (named `name` when given), else the only one in the environment.
    fn ours(&self, from: &ManagedInstance, type_: &str, name: Option<&str>) -> Option<&Address> {
        let of_type = |i: &&ManagedInstance| {
            i.address.type_ == type_ && name.is_none_or(|n| i.address.name == n)
        };
        let local: Vec<&ManagedInstance> = self
            .inventory
            .instances
            .iter()
            .filter(of_type)
            .filter(|i| i.address.module == from.address.module)
            .collect();
        let pick = match local.as_slice() {
            [one] => Some(*one),
            [] => match self
                .inventory
                .instances
                .iter()
                .filter(|i| i.address.type_ == type_)
                .collect::<Vec<_>>()
                .as_slice()
            {
                [one] => Some(*one),
                _ => None,
            },
            _ => None,
        };
        pick.map(|i| &i.address).filter(|a| !self.matched(a))
    }

    /// Proposes iacgen's `type_` instance related to `from` for the free state object whose
    /// attribute (one of `keys`) is `value`.
    fn link(
        &self,
        out: &mut Vec<(Address, usize)>,
        from: &ManagedInstance,
        type_: &str,
        name: Option<&str>,
        keys: &[&str],
        value: &str,
    ) {
        let Some(ours) = self.ours(from, type_, name) else {
            return;
        };
        let found: Vec<usize> = self
            .free(type_)
            .filter(|i| {
                keys.iter().any(|k| {
                    self.state[*i].attribute(k).and_then(Json::as_str) == Some(value)
                        || (*k == "arn" && same_revision_arn(self.state[*i], value))
                })
            })
            .collect();
        if let [one] = found.as_slice() {
            out.push((ours.clone(), *one));
        }
    }

    /// iacgen's unmatched ECS services, each with the state service that runs its container;
    /// when each side has exactly one service left, those two.
    fn anchor_services(&self) -> Vec<(Address, usize)> {
        let ours: Vec<&ManagedInstance> = self
            .inventory
            .instances
            .iter()
            .filter(|i| i.address.type_ == "aws_ecs_service" && !self.matched(&i.address))
            .collect();
        let free: Vec<usize> = self.free("aws_ecs_service").collect();
        let mut out = Vec::new();
        for inst in &ours {
            let Some(container) = service_key(&inst.address) else {
                continue;
            };
            let runs: Vec<usize> = free
                .iter()
                .copied()
                .filter(|i| {
                    self.task_definition_of(self.state[*i]).is_some_and(|td| {
                        containers(td).iter().any(|c| {
                            c.get("name")
                                .and_then(Json::as_str)
                                .is_some_and(|n| normalize(n) == container)
                        })
                    })
                })
                .collect();
            if let [one] = runs.as_slice() {
                out.push((inst.address.clone(), *one));
            }
        }
        if out.is_empty()
            && let ([inst], [one]) = (ours.as_slice(), free.as_slice())
        {
            out.push((inst.address.clone(), *one));
        }
        out
    }

    /// The state's task definition a state service runs.
    fn task_definition_of(&self, service: &ResourceInstance) -> Option<&ResourceInstance> {
        let wanted = service.attribute("task_definition")?.as_str()?;
        self.state.iter().copied().find(|s| {
            s.address.type_ == "aws_ecs_task_definition"
                && (s.attribute("arn").and_then(Json::as_str) == Some(wanted)
                    || same_revision_arn(s, wanted))
        })
    }

    /// A container's secrets: the iacgen secret whose key spells the variable's name.
    fn secrets(&self, out: &mut Vec<(Address, usize)>, container: &Json) {
        let Some(Json::Array(secrets)) = container.get("secrets") else {
            return;
        };
        for secret in secrets {
            let (Some(name), Some(from)) = (
                secret.get("name").and_then(Json::as_str),
                secret.get("valueFrom").and_then(Json::as_str),
            ) else {
                continue;
            };
            let ours: Vec<&Address> = self
                .inventory
                .instances
                .iter()
                .map(|i| &i.address)
                .filter(|a| a.type_ == "aws_secretsmanager_secret" && !self.matched(a))
                .filter(|a| match &a.index {
                    Some(IndexKey::Str(key)) => normalize(key) == normalize(name),
                    _ => false,
                })
                .collect();
            // `valueFrom` is the secret's ARN, or with a JSON key `ARN:key::`.
            let found: Vec<usize> = self
                .free("aws_secretsmanager_secret")
                .filter(|i| {
                    self.state[*i]
                        .attribute("arn")
                        .and_then(Json::as_str)
                        .is_some_and(|arn| from == arn || from.starts_with(&format!("{arn}:")))
                })
                .collect();
            if let ([ours], [one]) = (ours.as_slice(), found.as_slice()) {
                out.push(((*ours).clone(), *one));
            }
        }
    }

    /// The state listener that forwards to the matched target group `s`, on the port of
    /// iacgen's listener in the same module.
    fn listener(
        &self,
        out: &mut Vec<(Address, usize)>,
        from: &ManagedInstance,
        s: &ResourceInstance,
    ) {
        let Some(arn) = s.attribute("arn").and_then(Json::as_str) else {
            return;
        };
        for ours in self.inventory.instances.iter().filter(|i| {
            i.address.type_ == "aws_lb_listener"
                && i.address.module == from.address.module
                && !self.matched(&i.address)
        }) {
            let port = ours.arguments.get("port").and_then(scalar);
            let found: Vec<usize> = self
                .free("aws_lb_listener")
                .filter(|i| {
                    let l = self.state[*i];
                    let forwards = l.attribute("default_action").is_some_and(|actions| {
                        nested(Some(actions), "target_group_arn")
                            .iter()
                            .any(|t| t == arn)
                    });
                    let same_port = match (&port, l.attribute("port").and_then(scalar)) {
                        (Some(a), Some(b)) => *a == b,
                        _ => true,
                    };
                    forwards && same_port
                })
                .collect();
            if let [one] = found.as_slice() {
                out.push((ours.address.clone(), *one));
            }
        }
    }

    /// The alarms on the matched service `s`: iacgen's alarm whose `ServiceName` dimension is
    /// iacgen's service name, with the state alarm on the state service's name and the same
    /// metric.
    fn alarms(
        &self,
        out: &mut Vec<(Address, usize)>,
        from: &ManagedInstance,
        s: &ResourceInstance,
    ) {
        let (Some(ours_name), Some(theirs_name)) = (
            from.arguments.get("name").and_then(Json::as_str),
            s.attribute("name").and_then(Json::as_str),
        ) else {
            return;
        };
        let theirs_cluster = s
            .attribute("cluster")
            .and_then(Json::as_str)
            .map(|c| c.rsplit('/').next().unwrap_or(c));
        for ours in self.inventory.instances.iter().filter(|i| {
            i.address.type_ == "aws_cloudwatch_metric_alarm"
                && !self.matched(&i.address)
                && i.arguments
                    .get("dimensions")
                    .and_then(|d| d.get("ServiceName"))
                    .and_then(Json::as_str)
                    == Some(ours_name)
        }) {
            let metric = |v: &Json| {
                (
                    v.get("metric_name")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                    v.get("namespace")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                )
            };
            let wanted = metric(&Json::Object(ours.arguments.clone()));
            if wanted.0.is_none() {
                continue;
            }
            let found: Vec<usize> = self
                .free("aws_cloudwatch_metric_alarm")
                .filter(|i| {
                    let a = self.state[*i].attributes();
                    let dims = a.get("dimensions");
                    let on_service = dims
                        .and_then(|d| d.get("ServiceName"))
                        .and_then(Json::as_str)
                        == Some(theirs_name);
                    let on_cluster = match (
                        dims.and_then(|d| d.get("ClusterName"))
                            .and_then(Json::as_str),
                        theirs_cluster,
                    ) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    };
                    on_service && on_cluster && metric(a) == wanted
                })
                .collect();
            if let [one] = found.as_slice() {
                out.push((ours.address.clone(), *one));
            }
        }
    }
}

/// The service name iacgen gives a service module call (`module.service_api_v2` → `api_v2`),
/// normalized as container names are compared.
fn service_key(address: &Address) -> Option<String> {
    let step = address.module.0.last()?;
    Some(normalize(
        step.name.strip_prefix("service_").unwrap_or(&step.name),
    ))
}

/// Names compared without case and with `-` and `_` alike (`API_TOKEN`, `api-token`).
fn normalize(s: &str) -> String {
    s.to_ascii_lowercase().replace('-', "_")
}

/// A task definition named by `family:revision` or by its ARN with a revision.
fn same_revision_arn(s: &ResourceInstance, value: &str) -> bool {
    if s.address.type_ != "aws_ecs_task_definition" {
        return false;
    }
    let family = s.attribute("family").and_then(Json::as_str);
    let revision = s.attribute("revision").and_then(scalar);
    match (family, revision) {
        (Some(f), Some(r)) => value == format!("{f}:{r}") || value.ends_with(&format!("/{f}:{r}")),
        _ => false,
    }
}

/// The containers of a state task definition (`container_definitions` is JSON text).
fn containers(td: &ResourceInstance) -> Vec<Json> {
    match td.attribute("container_definitions") {
        Some(Json::String(text)) => match serde_json::from_str::<Json>(text) {
            Ok(Json::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A string, or the strings of a list.
fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) if !s.is_empty() => vec![s.clone()],
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// `key` of each object in a list of nested blocks (a string or a list of strings each).
fn nested(v: Option<&Json>, key: &str) -> Vec<String> {
    match v {
        Some(Json::Array(blocks)) => blocks.iter().flat_map(|b| strings(b.get(key))).collect(),
        _ => Vec::new(),
    }
}

fn scalar(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state(type_: &str, name: &str, attrs: Json) -> ResourceInstance {
        ResourceInstance::new(Address::managed(type_, name), attrs)
    }

    #[test]
    fn a_task_definition_is_named_by_family_and_revision_or_its_arn() {
        let td = state(
            "aws_ecs_task_definition",
            "x",
            json!({"family": "api", "revision": 3, "arn": "arn:aws:ecs:r:1:task-definition/api:3"}),
        );
        assert!(same_revision_arn(&td, "api:3"));
        assert!(same_revision_arn(
            &td,
            "arn:aws:ecs:r:1:task-definition/api:3"
        ));
        assert!(!same_revision_arn(&td, "api:2"));
    }

    #[test]
    fn secret_keys_and_variable_names_compare_alike() {
        assert_eq!(normalize("API_TOKEN"), normalize("api-token"));
        let a = Address::parse(r#"module.service_ledger_api.aws_ecs_service.this"#).unwrap();
        assert_eq!(service_key(&a).as_deref(), Some("ledger_api"));
    }

    #[test]
    fn nested_lists_of_strings_are_flattened() {
        let v = json!([{"security_groups": ["sg-1", "sg-2"]}, {"security_groups": "sg-3"}]);
        assert_eq!(
            nested(Some(&v), "security_groups"),
            ["sg-1", "sg-2", "sg-3"]
        );
    }
}
