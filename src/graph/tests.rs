use super::*;
use crate::spec::{Format as SpecFormat, load_str};

fn platform(text: &str) -> Platform {
    load_str(text, SpecFormat::Yaml, "p.yaml").unwrap()
}

fn example() -> Platform {
    platform(include_str!("../../examples/platform.yaml"))
}

fn label(g: &Graph, id: &str) -> String {
    g.node(id)
        .unwrap_or_else(|| panic!("no node {id}"))
        .label
        .join("\n")
}

fn has_edge(g: &Graph, from: &str, to: &str) -> bool {
    g.edges.iter().any(|e| e.from == from && e.to == to)
}

#[test]
fn every_service_pool_and_secret_is_a_node() {
    let p = example();
    for env in p.env_names() {
        let g = build(&p, env).unwrap();
        for name in p.ecs.as_ref().unwrap().services.keys() {
            assert!(label(&g, &format!("svc:{name}")).contains(name.as_str()));
        }
        for name in p.eks.as_ref().unwrap().node_pools.keys() {
            assert!(has_edge(&g, &format!("pool:{name}"), "eks"), "{name}");
        }
        for name in p.secrets.keys() {
            assert!(
                label(&g, &format!("secret:{name}")).contains(&format!("payments-{env}/{name}"))
            );
        }
    }
}

#[test]
fn secret_readers_have_edges_and_only_they() {
    let p = example();
    let g = build(&p, "prod").unwrap();
    let reads: Vec<(&str, &str)> = g
        .edges
        .iter()
        .filter(|e| e.to.starts_with("secret:"))
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(reads, [("svc:api", "secret:db_password")]);
    assert!(
        g.edges
            .iter()
            .filter(|e| e.to.starts_with("secret:"))
            .all(|e| e.dashed)
    );
}

#[test]
fn tiers_list_their_zones_and_cidrs_per_environment() {
    let p = example();
    let dev = build(&p, "dev").unwrap();
    let prod = build(&p, "prod").unwrap();
    assert_eq!(dev.title, "payments-dev (us-east-1)");
    let private = label(&prod, "subnets:private");
    assert_eq!(private.lines().count(), 3, "{private}");
    assert!(private.starts_with("us-east-1a: 10.30."), "{private}");
    assert_eq!(label(&dev, "subnets:private").lines().count(), 2);
    for tier in ["public", "private", "database"] {
        assert!(
            prod.groups.iter().any(|g| g.id == format!("tier:{tier}")),
            "{tier}"
        );
    }
    assert!(label(&dev, "nat").contains("one, in us-east-1a"));
    assert!(label(&prod, "nat").contains("one per AZ: 3"));
    assert!(has_edge(&prod, "subnets:private", "nat") && has_edge(&prod, "nat", "internet"));
}

#[test]
fn load_balancers_sit_in_the_tier_their_scheme_says() {
    let p = example();
    let g = build(&p, "prod").unwrap();
    let lb = g.node("lb:api").unwrap();
    assert_eq!(lb.group.as_deref(), Some("tier:public"));
    assert!(label(&g, "lb:api").contains("internet-facing"));
    assert!(has_edge(&g, "internet", "lb:api") && has_edge(&g, "lb:api", "svc:api"));
    assert!(g.node("lb:worker").is_none(), "no port, no load balancer");

    let internal = platform(include_str!("../../examples/ecs-internal.yaml"));
    let env = internal.env_names().next().unwrap().to_string();
    let g = build(&internal, &env).unwrap();
    let lbs: Vec<&Node> = g.nodes.iter().filter(|n| n.id.starts_with("lb:")).collect();
    assert!(!lbs.is_empty());
    for lb in lbs {
        let text = lb.label.join(" ");
        if text.contains("internal") {
            assert_eq!(lb.group.as_deref(), Some("tier:private"), "{text}");
            assert!(!has_edge(&g, "internet", &lb.id), "{text}");
        }
    }
}

#[test]
fn alarms_go_to_the_topic_and_its_recipients() {
    let p = example();
    let g = build(&p, "staging").unwrap();
    assert!(label(&g, "alarms").contains("5xx rate, p99 latency: api"));
    assert!(label(&g, "alarms").contains("node CPU: apps, system"));
    assert_eq!(label(&g, "topic"), "SNS topic payments-staging-alarms");
    assert!(has_edge(&g, "alarms", "topic") && has_edge(&g, "topic", "emails"));
    assert_eq!(label(&g, "emails"), "oncall@example.com");
    assert!(g.node("dashboard").is_some());
}

#[test]
fn every_edge_joins_two_nodes() {
    for text in [
        include_str!("../../examples/platform.yaml"),
        include_str!("../../examples/minimal.yaml"),
        include_str!("../../examples/eks-public.yaml"),
        include_str!("../../examples/ecs-https.yaml"),
    ] {
        let p = platform(text);
        for env in p.env_names() {
            let g = build(&p, env).unwrap();
            for e in &g.edges {
                assert!(
                    g.node(&e.from).is_some() && g.node(&e.to).is_some(),
                    "{e:?}"
                );
            }
            for n in &g.nodes {
                if let Some(group) = &n.group {
                    assert!(g.groups.iter().any(|x| &x.id == group), "{n:?}");
                }
            }
        }
    }
}

#[test]
fn an_unknown_environment_names_the_known_ones() {
    let err = build(&example(), "prdo").unwrap_err();
    assert_eq!(
        err,
        "unknown environment `prdo` (environments: dev, staging, prod)"
    );
}

/// A graph whose ids and labels hold everything a writer must escape.
fn hostile() -> Graph {
    let mut g = Graph {
        title: "a \"quoted\" title\\".into(),
        ..Graph::default()
    };
    g.group("grp:end", "group \"x\" <b> #1", None);
    g.add(
        "svc:end",
        Shape::Box,
        Some("grp:end"),
        vec!["say \"hi\"".into(), "a|b & <c> #d `e`".into()],
    );
    g.add(
        "svc:a-b.c",
        Shape::Cylinder,
        None,
        vec!["back\\slash \\N \\l".into()],
    );
    g.add("o", Shape::Circle, None, vec!["line\nbreak".into()]);
    g.edge("svc:end", "svc:a-b.c", Some("\"reads\" |x|".into()), true);
    g.edge("svc:a-b.c", "o", None, false);
    g
}

#[test]
fn mermaid_ids_are_plain_and_labels_cannot_break_out() {
    let text = mermaid::render(&hostile());
    for line in text.lines().skip(4) {
        // Outside quoted labels only ids, brackets and arrows remain.
        let outside: String = line.split('"').step_by(2).collect();
        assert!(
            outside
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " _[]()|-.>".contains(c)),
            "{line}"
        );
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
    }
    assert!(
        text.contains(
            "n1_svc_end[\"say #quot;hi#quot;<br/>a#124;b #amp; #lt;c#gt; #35;d #96;e#96;\"]"
        ),
        "{text}"
    );
    assert!(
        text.contains("subgraph n0_grp_end[\"group #quot;x#quot; #lt;b#gt; #35;1\"]"),
        "{text}"
    );
    assert!(
        text.contains("n1_svc_end -.->|\"#quot;reads#quot; #124;x#124;\"| n2_svc_a_b_c"),
        "{text}"
    );
    assert!(text.contains("n3_o((\"line break\"))"), "{text}");
    assert!(
        text.starts_with("---\ntitle: \"a \\\"quoted\\\" title\\\\\"\n---\n"),
        "{text}"
    );
}

#[test]
fn dot_quotes_every_id_and_label() {
    let text = dot::render(&hostile());
    assert!(text.contains("subgraph \"cluster_grp:end\" {"), "{text}");
    assert!(
        text.contains("\"svc:end\" [label=\"say \\\"hi\\\"\\na|b & <c> #d `e`\", shape=box];"),
        "{text}"
    );
    assert!(
        text.contains("\"svc:a-b.c\" [label=\"back\\\\slash \\\\N \\\\l\", shape=cylinder];"),
        "{text}"
    );
    assert!(
        text.contains("\"svc:end\" -> \"svc:a-b.c\" [label=\"\\\"reads\\\" |x|\", style=dashed];"),
        "{text}"
    );
}
