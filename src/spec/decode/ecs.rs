//! `ecs`

use super::context::{At, Cx, Table};
use super::eks::capacity;
use super::values::{boolean, choice, map_of, per_env, string, string_map, strings, uint};
use crate::model::{
    AccessLogs, Architecture, Autoscaling, Capacity, DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
    Deploy, Ecs, LoadBalancer, PerEnv, Service,
};
use std::collections::BTreeMap;

const SERVICE_FIELDS: &[&str] = &[
    "image",
    "cpu",
    "memory",
    "port",
    "desired",
    "load_balancer",
    "autoscaling",
    "environment",
    "secrets",
    "command",
    "architecture",
    "capacity",
    "health_check_grace_period_seconds",
    "exec",
    "writable_paths",
    "deploy",
];

/// CPU target of autoscaling that names no target: below the default 80% CPU alarm.
const DEFAULT_CPU_TARGET: u32 = 70;

pub fn ecs(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Ecs> {
    let t = Table::new(cx, at, &["services"])?;
    let services = t.required(cx, "services", |cx, at| map_of(cx, at, service));
    Some(Ecs {
        services: services?,
    })
}

fn service(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Service> {
    let t = Table::new(cx, at, SERVICE_FIELDS)?;
    let count = |cx: &mut Cx<'_>, at: &At<'_>| per_env(cx, at, uint::<u32>);
    let image = t.required(cx, "image", |cx, at| per_env(cx, at, string));
    let deploy = t.or(cx, "deploy", Deploy::Iacgen, |cx, at| {
        choice(
            cx,
            at,
            &[("iacgen", Deploy::Iacgen), ("pipeline", Deploy::Pipeline)],
        )
    });
    let cpu = t.or(cx, "cpu", PerEnv::all(256), count);
    let memory = t.or(cx, "memory", PerEnv::all(512), count);
    let port = t.optional(cx, "port", port);
    let desired = t.or(cx, "desired", PerEnv::all(1), count);
    let load_balancer = t.optional(cx, "load_balancer", load_balancer);
    let autoscaling = t.optional(cx, "autoscaling", autoscaling);
    let environment = t.or(cx, "environment", BTreeMap::new(), string_map);
    let secrets = t.or(cx, "secrets", Vec::new(), strings);
    let command = t.or(cx, "command", Vec::new(), strings);
    let architecture = t.or(cx, "architecture", Architecture::X86_64, |cx, at| {
        choice(
            cx,
            at,
            &[
                ("x86_64", Architecture::X86_64),
                ("arm64", Architecture::Arm64),
            ],
        )
    });
    let capacity = t.or(cx, "capacity", Capacity::OnDemand, capacity);
    let grace = t.or(
        cx,
        "health_check_grace_period_seconds",
        DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
        uint::<u32>,
    );
    let exec = t.or(cx, "exec", false, boolean);
    let writable_paths = t.or(cx, "writable_paths", Vec::new(), strings);
    // A port gets a load balancer (internal unless told otherwise); no port, none.
    let load_balancer = match (&port, load_balancer) {
        (Some(Some(_)), Some(lb)) => Some(Some(lb.unwrap_or_else(default_load_balancer))),
        (Some(None), Some(Some(_))) => t.get("load_balancer").and_then(|lb| {
            cx.invalid(
                &lb,
                "a load balancer needs a `port`: add `port` or remove `load_balancer`",
            )
        }),
        (Some(None), Some(None)) => Some(None),
        // The port or the load balancer itself is invalid and already reported.
        (None, _) | (_, None) => None,
    };
    Some(Service {
        image: image?,
        deploy: deploy?,
        cpu: cpu?,
        memory: memory?,
        port: port?,
        desired: desired?,
        load_balancer: load_balancer?,
        autoscaling: autoscaling?,
        environment: environment?,
        secrets: secrets?,
        command: command?,
        architecture: architecture?,
        capacity: capacity?,
        health_check_grace_period_seconds: grace?,
        exec: exec?,
        writable_paths: writable_paths?,
    })
}

fn default_load_balancer() -> LoadBalancer {
    LoadBalancer {
        public: false,
        health_check_path: "/".to_string(),
        certificate_arn: None,
        access_logs: None,
    }
}

fn load_balancer(cx: &mut Cx<'_>, at: &At<'_>) -> Option<LoadBalancer> {
    let t = Table::new(
        cx,
        at,
        &[
            "public",
            "health_check_path",
            "certificate_arn",
            "access_logs",
        ],
    )?;
    let public = t.or(cx, "public", false, boolean);
    let health_check_path = t.or(cx, "health_check_path", "/".to_string(), string);
    let certificate_arn = t.optional(cx, "certificate_arn", |cx, at| per_env(cx, at, string));
    let access_logs = t.optional(cx, "access_logs", access_logs);
    Some(LoadBalancer {
        public: public?,
        health_check_path: health_check_path?,
        certificate_arn: certificate_arn?,
        access_logs: access_logs?,
    })
}

fn access_logs(cx: &mut Cx<'_>, at: &At<'_>) -> Option<AccessLogs> {
    let t = Table::new(cx, at, &["bucket", "prefix"])?;
    let bucket = t.required(cx, "bucket", |cx, at| per_env(cx, at, string));
    let prefix = t.optional(cx, "prefix", string);
    Some(AccessLogs {
        bucket: bucket?,
        prefix: prefix?,
    })
}

fn autoscaling(cx: &mut Cx<'_>, at: &At<'_>) -> Option<Autoscaling> {
    let t = Table::new(cx, at, &["min", "max", "cpu_target", "memory_target"])?;
    let count = |cx: &mut Cx<'_>, at: &At<'_>| per_env(cx, at, uint::<u32>);
    let min = t.required(cx, "min", count);
    let max = t.required(cx, "max", count);
    let cpu_target = t.optional(cx, "cpu_target", uint::<u32>);
    let memory_target = t.optional(cx, "memory_target", uint::<u32>);
    let (cpu_target, memory_target) = match (cpu_target?, memory_target?) {
        (None, None) => (Some(DEFAULT_CPU_TARGET), None),
        targets => targets,
    };
    Some(Autoscaling {
        min: min?,
        max: max?,
        cpu_target,
        memory_target,
    })
}

/// A TCP port: 1–65535, the range SPEC.md gives and validation checks, in one message.
fn port(cx: &mut Cx<'_>, at: &At<'_>) -> Option<u16> {
    match &at.node.value {
        crate::spec::document::Value::Int(i) if !(1..=65535).contains(i) => {
            cx.invalid(at, format!("port {i} is out of range (1–65535)"))
        }
        _ => uint::<u16>(cx, at),
    }
}
