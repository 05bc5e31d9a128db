//! What the observability module (Terraform) and component (Pulumi) describe, independent of
//! the target: what they watch and the dashboard. The targets render these descriptions to HCL
//! or Python.

pub mod dashboard;
pub mod layout;

use crate::model::Platform;

/// What is watched, by spec name.
pub struct Watched<'a> {
    /// ECS services.
    pub services: Vec<&'a str>,
    /// ECS services behind a load balancer (those with a port).
    pub load_balanced: Vec<&'a str>,
    /// EKS node pools.
    pub node_pools: Vec<&'a str>,
}

impl<'a> Watched<'a> {
    pub fn of(platform: &'a Platform) -> Self {
        let ecs = platform.ecs.iter().flat_map(|ecs| ecs.services.iter());
        Self {
            services: ecs.clone().map(|(name, _)| name.as_str()).collect(),
            load_balanced: ecs
                .filter(|(_, svc)| svc.port.is_some())
                .map(|(name, _)| name.as_str())
                .collect(),
            node_pools: platform
                .eks
                .iter()
                .flat_map(|eks| eks.node_pools.keys())
                .map(String::as_str)
                .collect(),
        }
    }
}

/// For the READMEs: what besides the alarms reaches the topic (failed ECS deployments), or
/// nothing when there is no ECS service.
pub fn failed_deployments_note(watched: &Watched) -> &'static str {
    if watched.services.is_empty() {
        ""
    } else {
        " Failed ECS deployments (`SERVICE_DEPLOYMENT_FAILED`, rolled back by the circuit \
         breaker) reach the same topic through an EventBridge rule."
    }
}

/// Who the alarms notify, for the READMEs: the subscribers of the alarm topic, or why nobody.
pub fn who_is_notified(platform: &Platform) -> String {
    let obs = &platform.observability;
    let topic = format!("`{}-<env>-alarms`", platform.project);
    let mut text = if !obs.alarm_emails.is_empty() {
        format!(
            "Alarms notify the SNS topic {topic}, to which {} {} subscribed by e-mail (each \
             address must confirm the e-mail AWS sends after the first apply)",
            obs.alarm_emails
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if obs.alarm_emails.len() == 1 {
                "is"
            } else {
                "are"
            }
        )
    } else if obs.external_alarm_subscribers {
        format!(
            "Alarms notify the SNS topic {topic}, which is subscribed outside iacgen \
             (`external_alarm_subscribers`)"
        )
    } else {
        format!(
            "Alarms notify the SNS topic {topic}, to which NOBODY is subscribed (the spec has \
             no `alarm_emails`): subscribe to it (output `alarm_topic_arn`)"
        )
    };
    if obs.external_alarm_subscribers && !obs.alarm_emails.is_empty() {
        text.push_str(", and outside iacgen");
    }
    text.push('.');
    text
}
