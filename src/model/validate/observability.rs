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
    let latency = a.latency_p99_seconds;
    if !(latency.is_finite() && latency > 0.0) {
        c.push(
            path(&["observability", "alarms", "latency_p99_seconds"]),
            format!("latency_p99_seconds {latency} must be a positive number of seconds"),
        );
    }
}
