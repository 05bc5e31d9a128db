//! `observability`

use super::context::{At, Cx, Table};
use super::values::{boolean, number, per_env, strings, uint};
use crate::model::{Alarms, Observability, PerEnv};

const FIELDS: &[&str] = &[
    "log_retention_days",
    "alarm_emails",
    "external_alarm_subscribers",
    "alarms",
    "dashboard",
];

pub fn observability(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Observability> {
    let defaults = Observability::default();
    let t = Table::new(cx, at, FIELDS)?;
    let log_retention_days = t.or(cx, "log_retention_days", PerEnv::all(365), |cx, at| {
        per_env(cx, at, uint::<u32>)
    });
    let alarm_emails = t.or(cx, "alarm_emails", Vec::new(), strings);
    let external_alarm_subscribers = t.or(
        cx,
        "external_alarm_subscribers",
        defaults.external_alarm_subscribers,
        boolean,
    );
    let alarms = t.or(cx, "alarms", defaults.alarms, alarms);
    let dashboard = t.or(cx, "dashboard", defaults.dashboard, boolean);
    Some(Observability {
        log_retention_days: log_retention_days?,
        alarm_emails: alarm_emails?,
        external_alarm_subscribers: external_alarm_subscribers?,
        alarms: alarms?,
        dashboard: dashboard?,
    })
}

fn alarms(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Alarms> {
    let d = Alarms::default();
    let t = Table::new(
        cx,
        at,
        &[
            "error_rate_percent",
            "error_rate_min_requests",
            "latency_p99_seconds",
            "cpu_percent",
            "memory_percent",
        ],
    )?;
    let error_rate_percent = t.or(cx, "error_rate_percent", d.error_rate_percent, uint::<u32>);
    let error_rate_min_requests = t.or(
        cx,
        "error_rate_min_requests",
        d.error_rate_min_requests,
        uint::<u32>,
    );
    let latency_p99_seconds = t.or(cx, "latency_p99_seconds", d.latency_p99_seconds, number);
    let cpu_percent = t.or(cx, "cpu_percent", d.cpu_percent, uint::<u32>);
    let memory_percent = t.or(cx, "memory_percent", d.memory_percent, uint::<u32>);
    Some(Alarms {
        error_rate_percent: error_rate_percent?,
        error_rate_min_requests: error_rate_min_requests?,
        latency_p99_seconds: latency_p99_seconds?,
        cpu_percent: cpu_percent?,
        memory_percent: memory_percent?,
    })
}
