//! A picture of one environment: what runs where and what talks to what, built from the model
//! (not from the generated code) as a target-neutral [`Graph`], then written as Mermaid
//! ([`mermaid`], for the generated README and GitHub) or Graphviz dot ([`dot`]).
//!
//! The graph holds what a reviewer asks first: the network tiers with their zones and subnet
//! CIDRs and how private subnets reach the internet (NAT), the EKS cluster and its node pools,
//! the ECS services and their load balancers (internet-facing or internal), the secrets and the
//! services that read them, and where alarms go. Ids here are free text (`svc:api`); each writer
//! turns them into ids its syntax accepts and escapes every label.

pub mod dot;
pub mod mermaid;

use crate::model::{NatMode, Platform, Tier, cidr, naming, regions};

/// What a node is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A thing that runs (service, node pool, gateway).
    Box,
    /// A managed control plane or cluster.
    Rounded,
    /// Stored data (secrets).
    Cylinder,
    /// Outside the platform (the internet, e-mail recipients).
    Circle,
    /// A list of subnets.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    /// Lines of the label.
    pub label: Vec<String>,
    pub shape: Shape,
    /// The group it is drawn in, if any.
    pub group: Option<String>,
}

/// A box around nodes (the VPC, a subnet tier, Secrets Manager, CloudWatch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    /// Dashed: a permission or a notification rather than traffic.
    pub dashed: bool,
}

/// One environment's picture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Graph {
    pub title: String,
    /// Parents before children.
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    fn group(&mut self, id: &str, label: impl Into<String>, parent: Option<&str>) {
        self.groups.push(Group {
            id: id.to_string(),
            label: label.into(),
            parent: parent.map(str::to_string),
        });
    }

    fn add(&mut self, id: &str, shape: Shape, group: Option<&str>, label: Vec<String>) {
        self.nodes.push(Node {
            id: id.to_string(),
            label,
            shape,
            group: group.map(str::to_string),
        });
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, dashed: bool) {
        self.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            label,
            dashed,
        });
    }
}

/// The format `iacgen graph` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

/// The diagram of `env` in `format`; `Err` names the environments when `env` is not one.
pub fn render(platform: &Platform, env: &str, format: Format) -> Result<String, String> {
    let graph = build(platform, env)?;
    Ok(match format {
        Format::Mermaid => mermaid::render(&graph),
        Format::Dot => dot::render(&graph),
    })
}

/// The group id of a tier.
pub fn tier_group(tier: Tier) -> String {
    format!("tier:{}", tier.name())
}

/// The graph of `env` of a validated platform.
pub fn build(platform: &Platform, env: &str) -> Result<Graph, String> {
    if platform.environment(env).is_none() {
        let names: Vec<&str> = platform.env_names().collect();
        return Err(format!(
            "unknown environment `{env}` (environments: {})",
            names.join(", ")
        ));
    }
    let prefix = naming::resource_prefix(&platform.project, env);
    let region = platform.region.get(env).cloned().unwrap_or_default();
    let mut g = Graph {
        title: format!("{prefix} ({region})"),
        ..Graph::default()
    };
    let tiers = network(&mut g, platform, env, &region);
    let has = |tier: Tier| tiers.contains(&tier);
    // Where workloads run: private subnets (validation requires them for EKS and ECS).
    let private = has(Tier::Private).then(|| tier_group(Tier::Private));
    let private = private.as_deref();
    let public = has(Tier::Public).then(|| tier_group(Tier::Public));
    eks(&mut g, platform, env, &prefix, private);
    ecs(&mut g, platform, env, &prefix, private, public.as_deref());
    secrets(&mut g, platform, &prefix);
    observability(&mut g, platform, &prefix);
    Ok(g)
}

/// The VPC, a group per tier with its subnets, NAT and endpoints; returns the tiers present.
fn network(g: &mut Graph, platform: &Platform, env: &str, region: &str) -> Vec<Tier> {
    let Some(net) = &platform.network else {
        return Vec::new();
    };
    let vpc_cidr = net.cidr.get(env).map(|c| c.trunc().to_string());
    g.group("vpc", format!("VPC {}", vpc_cidr.unwrap_or_default()), None);
    let azs = regions::azs(net, region, env);
    let subnets = cidr::subnet_cidrs(net, env, azs.len()).unwrap_or_default();
    let tiers: Vec<Tier> = subnets.keys().copied().collect();
    for (tier, cidrs) in &subnets {
        let group = tier_group(*tier);
        g.group(&group, format!("{} subnets", tier.name()), Some("vpc"));
        let mut label = Vec::new();
        for (az, cidr) in azs.iter().zip(cidrs) {
            label.push(format!("{az}: {cidr}"));
        }
        g.add(
            &format!("subnets:{}", tier.name()),
            Shape::Note,
            Some(&group),
            label,
        );
    }
    let has_public = subnets.contains_key(&Tier::Public);
    if has_public {
        g.add("internet", Shape::Circle, None, vec!["Internet".into()]);
        g.edge(
            "subnets:public",
            "internet",
            Some("internet gateway".into()),
            false,
        );
    }
    let nat = net.nat.get(env).copied().unwrap_or(NatMode::None);
    if has_public && nat != NatMode::None && subnets.contains_key(&Tier::Private) {
        let label = match nat {
            NatMode::Single => format!("NAT gateway (one, in {})", azs.first().map_or("", |a| a)),
            _ => format!("NAT gateways (one per AZ: {})", azs.len()),
        };
        g.add(
            "nat",
            Shape::Box,
            Some(&tier_group(Tier::Public)),
            vec![label],
        );
        g.edge("subnets:private", "nat", Some("egress".into()), false);
        g.edge("nat", "internet", None, false);
    }
    if !net.endpoints.is_empty() && subnets.contains_key(&Tier::Private) {
        g.add(
            "endpoints",
            Shape::Box,
            Some(&tier_group(Tier::Private)),
            vec!["VPC endpoints".into(), net.endpoints.join(", ")],
        );
    }
    if net.flow_logs.enabled {
        let days = net
            .flow_logs
            .retention_days
            .as_ref()
            .unwrap_or(&platform.observability.log_retention_days)
            .get(env)
            .copied()
            .unwrap_or_default();
        g.add(
            "flow_logs",
            Shape::Note,
            Some("vpc"),
            vec![format!("flow logs to CloudWatch Logs, kept {days} days")],
        );
    }
    tiers
}

fn eks(g: &mut Graph, platform: &Platform, env: &str, prefix: &str, group: Option<&str>) {
    let Some(eks) = &platform.eks else { return };
    let access = if eks.endpoint_public_access {
        "public and private API endpoint"
    } else {
        "private API endpoint"
    };
    g.add(
        "eks",
        Shape::Rounded,
        group,
        vec![
            format!("EKS cluster {prefix}"),
            format!(
                "Kubernetes {}",
                eks.version.get(env).map_or("?", String::as_str)
            ),
            access.into(),
        ],
    );
    if eks.endpoint_public_access && g.node("internet").is_some() {
        g.edge("internet", "eks", Some("kubectl".into()), false);
    }
    for (name, pool) in &eks.node_pools {
        let id = format!("pool:{name}");
        let size = |v: &crate::model::PerEnv<u32>| v.get(env).copied().unwrap_or_default();
        let capacity = match pool.capacity {
            crate::model::Capacity::OnDemand => "on-demand",
            crate::model::Capacity::Spot => "spot",
        };
        g.add(
            &id,
            Shape::Box,
            group,
            vec![
                format!("node pool {name}"),
                format!("{} ({capacity})", pool.instance_types.join(", ")),
                format!(
                    "{} to {} nodes, {} wanted",
                    size(&pool.min),
                    size(&pool.max),
                    size(&pool.desired)
                ),
            ],
        );
        g.edge(&id, "eks", Some("joins".into()), false);
    }
}

fn ecs(
    g: &mut Graph,
    platform: &Platform,
    env: &str,
    prefix: &str,
    private: Option<&str>,
    public: Option<&str>,
) {
    let Some(ecs) = platform.ecs.as_ref().filter(|e| !e.services.is_empty()) else {
        return;
    };
    g.add(
        "ecs",
        Shape::Rounded,
        private,
        vec![format!("ECS cluster {prefix}"), "Fargate".into()],
    );
    for (name, svc) in &ecs.services {
        let id = format!("svc:{name}");
        let cpu = svc.cpu.get(env).copied().unwrap_or_default();
        let memory = svc.memory.get(env).copied().unwrap_or_default();
        let desired = svc.desired.get(env).copied().unwrap_or_default();
        let mut label = vec![
            format!("service {name}"),
            format!("{cpu} CPU units, {memory} MiB, {desired} task(s)"),
        ];
        if let Some(port) = svc.port {
            label.push(format!("port {port}"));
        }
        g.add(&id, Shape::Box, private, label);
        g.edge("ecs", &id, Some("runs".into()), false);
        let (Some(lb), Some(port)) = (&svc.load_balancer, svc.port) else {
            continue;
        };
        let lb_id = format!("lb:{name}");
        let scheme = if lb.public {
            "internet-facing"
        } else {
            "internal"
        };
        let listener = if lb.certificate_arn.is_some() {
            "HTTPS 443"
        } else {
            "HTTP 80"
        };
        let group = if lb.public { public } else { private };
        g.add(
            &lb_id,
            Shape::Box,
            group,
            vec![
                format!("load balancer {name}"),
                format!("{scheme}, {listener}"),
                format!("health check {}", lb.health_check_path),
            ],
        );
        if lb.public && g.node("internet").is_some() {
            g.edge("internet", &lb_id, Some(listener.into()), false);
        }
        g.edge(&lb_id, &id, Some(format!("HTTP {port}")), false);
    }
}

fn secrets(g: &mut Graph, platform: &Platform, prefix: &str) {
    if platform.secrets.is_empty() {
        return;
    }
    g.group("secrets", "Secrets Manager", None);
    for (name, secret) in &platform.secrets {
        let id = format!("secret:{name}");
        let mut label = vec![format!("{prefix}/{name}")];
        label.push(match (&secret.generate, &secret.rotation) {
            (_, Some(rotation)) => format!("rotated every {} days", rotation.days),
            (Some(_), None) => "generated at apply".into(),
            (None, None) => "set out of band".into(),
        });
        if !secret.replicas.is_empty() {
            label.push(format!("replicated to {}", secret.replicas.join(", ")));
        }
        g.add(&id, Shape::Cylinder, Some("secrets"), label);
    }
    for (name, svc) in platform.ecs.iter().flat_map(|e| e.services.iter()) {
        for secret in &svc.secrets {
            g.edge(
                &format!("svc:{name}"),
                &format!("secret:{secret}"),
                Some("reads".into()),
                true,
            );
        }
    }
}

/// Alarms, their SNS topic and recipients, the dashboard; mirrors when the observability
/// module exists (something to watch or someone to tell).
fn observability(g: &mut Graph, platform: &Platform, prefix: &str) {
    let obs = &platform.observability;
    let watched = crate::observability::Watched::of(platform);
    if watched.services.is_empty() && platform.eks.is_none() && obs.alarm_emails.is_empty() {
        return;
    }
    g.group("cloudwatch", "CloudWatch", None);
    let mut label = vec!["alarms".to_string()];
    if !watched.load_balanced.is_empty() {
        label.push(format!(
            "5xx rate, p99 latency: {}",
            watched.load_balanced.join(", ")
        ));
    }
    if !watched.services.is_empty() {
        label.push(format!("CPU, memory: {}", watched.services.join(", ")));
    }
    if !watched.node_pools.is_empty() {
        label.push(format!("node CPU: {}", watched.node_pools.join(", ")));
    }
    g.add("alarms", Shape::Box, Some("cloudwatch"), label);
    let topic = format!("{prefix}-alarms");
    g.add(
        "topic",
        Shape::Box,
        None,
        vec![format!("SNS topic {topic}")],
    );
    g.edge("alarms", "topic", Some("notify".into()), true);
    if !obs.alarm_emails.is_empty() {
        g.add("emails", Shape::Circle, None, obs.alarm_emails.clone());
        g.edge("topic", "emails", Some("e-mail".into()), true);
    }
    if obs.dashboard {
        g.add(
            "dashboard",
            Shape::Box,
            Some("cloudwatch"),
            vec![format!("dashboard {prefix}")],
        );
    }
}

#[cfg(test)]
mod tests;
