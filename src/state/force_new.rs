//! Arguments whose change replaces the object (ForceNew / RequiresReplace in the AWS provider,
//! as the provider schema records them: `stub-aws-provider/requires-replace.json` of the shared
//! tools is extracted from it), limited to those iacgen derives itself: names, descriptions,
//! families, paths. When an adopted object has another value, iacgen must keep the existing
//! one (a kept value) rather than replace the object. Arguments that refer to another object
//! (a role ARN, a load balancer ARN) are not here: matching the other object keeps them.

use serde_json::Value as Json;

use super::address::{Address, IndexKey};
use super::plan::{Action, PlanReport};

/// The replacing arguments of `type_` that a kept value can hold.
pub(crate) fn kept_arguments(type_: &str) -> &'static [&'static str] {
    match type_ {
        "aws_ecs_cluster" => &["name"],
        "aws_ecs_service" => &["name"],
        // A new revision is a rolling deployment; keeping the family keeps it the same task.
        "aws_ecs_task_definition" => &["family"],
        "aws_cloudwatch_log_group" => &["name"],
        "aws_iam_role" => &["name", "path"],
        "aws_iam_policy" => &["name", "path"],
        "aws_iam_role_policy" => &["name"],
        "aws_lb" => &["name", "internal", "load_balancer_type"],
        "aws_lb_target_group" => &["name", "port", "protocol", "target_type", "vpc_id"],
        "aws_security_group" => &["name", "description", "vpc_id"],
        "aws_secretsmanager_secret" => &["name"],
        "aws_cloudwatch_metric_alarm" => &["alarm_name"],
        "aws_sns_topic" => &["name"],
        "aws_kms_alias" => &["name"],
        _ => &[],
    }
}

/// A value an adopted object has that iacgen must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptValue {
    /// The module call (the first step of the address), `None` in the root module.
    pub module: Option<String>,
    /// `TYPE.NAME[KEY].ARGUMENT` inside the module, as the kept-values file names it.
    pub key: String,
    pub value: String,
    /// The instance, for messages.
    pub address: Address,
}

impl PlanReport {
    /// Every replacing argument of a matched instance that iacgen would change: the existing
    /// value, to keep. Values known only after apply are not here (they are not compared).
    pub fn kept_values(&self) -> Vec<KeptValue> {
        let mut out = Vec::new();
        for p in &self.planned {
            if p.action != Action::Drifted || p.state.is_none() {
                continue;
            }
            let keep = kept_arguments(&p.address.type_);
            for d in &p.drift {
                if d.after_apply_from.is_some() || !keep.contains(&d.argument.as_str()) {
                    continue;
                }
                let value = match &d.state {
                    Some(Json::String(s)) => s.clone(),
                    Some(Json::Number(n)) => n.to_string(),
                    Some(Json::Bool(b)) => b.to_string(),
                    _ => continue,
                };
                out.push(KeptValue {
                    module: p.address.module.0.first().map(|m| m.name.clone()),
                    key: key(&p.address, &d.argument),
                    value,
                    address: p.address.clone(),
                });
            }
        }
        out
    }
}

/// `aws_lb.this[web].name`: the instance inside its module, and the argument.
fn key(address: &Address, argument: &str) -> String {
    let index = match &address.index {
        Some(IndexKey::Str(k)) => format!("[{k}]"),
        Some(IndexKey::Int(i)) => format!("[{i}]"),
        None => String::new(),
    };
    format!("{}.{}{index}.{argument}", address.type_, address.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_instance_inside_its_module() {
        let a = Address::parse(r#"module.service_web.aws_lb.this["web"]"#).unwrap();
        assert_eq!(key(&a, "name"), "aws_lb.this[web].name");
        let a = Address::parse("module.ecs_cluster.aws_ecs_cluster.this").unwrap();
        assert_eq!(key(&a, "name"), "aws_ecs_cluster.this.name");
    }

    #[test]
    fn only_names_and_their_kin_are_kept() {
        assert!(kept_arguments("aws_security_group").contains(&"description"));
        assert!(!kept_arguments("aws_lb_listener").contains(&"load_balancer_arn"));
    }
}
