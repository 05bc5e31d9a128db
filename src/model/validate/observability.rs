//! `observability`: log retention, alarm recipients and thresholds.

use super::checker::{Checker, path};
use super::syntax;

pub(super) fn check(c: &mut Checker) {
    let o = &c.p.observability;
    let retention = ["observability", "log_retention_days"];
    c.shape(&retention, &o.log_retention_days, true);
    c.value(&retention, &o.log_retention_days, |d| syntax::retention(*d));
    for (i, email) in o.alarm_emails.iter().enumerate() {
        let at = path(&["observability", "alarm_emails", &i.to_string()]);
        if let Some(m) = syntax::email(email) {
            c.push(at, m);
        } else if o.alarm_emails[..i].contains(email) {
            c.push(at, format!("`{email}` is listed twice"));
        }
    }
    let a = &o.alarms;
    for (name, value) in [
        ("error_rate_percent", a.error_rate_percent),
        ("cpu_percent", a.cpu_percent),
        ("memory_percent", a.memory_percent),
    ] {
        if !(1..=100).contains(&value) {
            c.push(
                path(&["observability", "alarms", name]),
                format!("{name} {value} is not a percentage (1 to 100)"),
            );
        }
    }
    if a.error_rate_min_requests < 1 {
        c.push(
            path(&["observability", "alarms", "error_rate_min_requests"]),
            "error_rate_min_requests must be at least 1 (requests per 5 minutes)",
        );
    }
    let has_alarms =
        c.p.eks.is_some() || c.p.ecs.as_ref().is_some_and(|ecs| !ecs.services.is_empty());
    if has_alarms && o.alarm_emails.is_empty() && !o.external_alarm_subscribers {
        c.warn(
            path(&["observability", "alarm_emails"]),
            format!(
                "no alarm e-mail: the alarms notify the SNS topic `{}-<env>-alarms`, which \
                 nothing subscribes to, so nobody is told when one fires; add `alarm_emails`, \
                 or subscribe to the topic outside iacgen (output `alarm_topic_arn`) and set \
                 `external_alarm_subscribers: true`",
                c.p.project
            ),
        );
    }
    let latency = a.latency_p99_seconds;
    if !(latency.is_finite() && latency > 0.0) {
        c.push(
            path(&["observability", "alarms", "latency_p99_seconds"]),
            format!("latency_p99_seconds {latency} must be a positive number of seconds"),
        );
    }
}
