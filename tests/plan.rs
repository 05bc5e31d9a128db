//! `iacgen plan`: matching a generated environment against hand-made states for each situation
//! (create, unchanged, drifted, moved, not managed, adopt), from the library and from the
//! command line, and against real Terraform with the stub provider when the tools are there.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use iacgen::state::{
    self, Action, Address, MatchedBy, PlanOptions, PlanReport, State, moves_file, removed_file,
};
use serde_json::{Value, json};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/plan").join(name)
}

fn minimal_spec() -> PathBuf {
    manifest_dir().join("examples/minimal.yaml")
}

fn tree(spec: &Path) -> iacgen::tree::Tree {
    let platform = iacgen::spec::load_file(spec).unwrap_or_else(|e| panic!("{e}"));
    iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn plan_minimal(state: &State, adopt: bool) -> PlanReport {
    state::plan(&tree(&minimal_spec()), "dev", state, PlanOptions { adopt }).unwrap()
}

fn read(name: &str) -> State {
    state::read_file(fixture(name)).unwrap()
}

/// A fixture's JSON with `edit` applied, as a state.
fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> State {
    let mut doc: Value = serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap();
    edit(&mut doc);
    state::read(doc.to_string().as_bytes()).unwrap()
}

fn resource_mut<'a>(doc: &'a mut Value, type_: &str, name: &str) -> &'a mut Value {
    doc["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["type"] == type_ && r["name"] == name && r["mode"] == "managed")
        .unwrap_or_else(|| panic!("no {type_}.{name} in the fixture"))
}

fn addr(s: &str) -> Address {
    Address::parse(s).unwrap()
}

fn planned<'a>(report: &'a PlanReport, address: &str) -> &'a state::Planned {
    report
        .planned
        .iter()
        .find(|p| p.address == addr(address))
        .unwrap_or_else(|| panic!("{address} is not planned"))
}

fn iacgen(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iacgen"));
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_empty_state_creates_every_instance_the_environment_manages() {
    let report = plan_minimal(
        &edited("own-state.tfstate", |d| d["resources"] = json!([])),
        false,
    );
    let inventory = state::inventory(&tree(&minimal_spec()), "dev").unwrap();
    assert_eq!(report.planned.len(), inventory.instances.len());
    assert!(
        report.planned.len() > 15,
        "the network module has a VPC, subnets, NAT, flow logs..."
    );
    assert!(report.planned.iter().all(|p| p.action == Action::Create));
    assert!(report.has_changes());
    assert!(
        report
            .planned
            .iter()
            .any(|p| p.address == addr(r#"module.network.aws_subnet.private["eu-west-1a"]"#))
    );
}

#[test]
fn the_environments_own_state_is_unchanged_and_exits_0() {
    let report = plan_minimal(&read("own-state.tfstate"), false);
    assert!(
        report.planned.iter().all(|p| p.action == Action::Unchanged),
        "{}",
        report.to_text()
    );
    assert!(report.moves().is_empty() && report.not_managed.is_empty());
    assert!(!report.has_changes());

    let out = iacgen(
        &[
            "plan",
            minimal_spec().to_str().unwrap(),
            "--env",
            "dev",
            "--state",
            fixture("own-state.tfstate").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 to create, 19 unchanged, 0 drifted"));
}

#[test]
fn arguments_iacgen_sets_literally_report_drift() {
    let state = edited("own-state.tfstate", |doc| {
        let lg = resource_mut(doc, "aws_cloudwatch_log_group", "flow_logs");
        lg["instances"][0]["attributes"]["retention_in_days"] = json!(30);
        let subnet = resource_mut(doc, "aws_subnet", "private");
        subnet["instances"][0]["attributes"]["cidr_block"] = json!("10.0.4.0/22");
        let vpc = resource_mut(doc, "aws_vpc", "this");
        vpc["instances"][0]["attributes"]["tags"]["Owner"] = json!("someone-else");
        vpc["instances"][0]["attributes"]["tags"]["Extra"] = json!("added by hand");
    });
    let report = plan_minimal(&state, false);
    let drifted: Vec<(String, Vec<String>)> = report
        .planned
        .iter()
        .filter(|p| p.action == Action::Drifted)
        .map(|p| {
            (
                p.address.to_string(),
                p.drift.iter().map(|d| d.argument.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        drifted,
        [
            (
                "module.network.aws_cloudwatch_log_group.flow_logs".to_string(),
                vec!["retention_in_days".to_string()]
            ),
            // Its policy document reads the log group, which has changes: Terraform reads it
            // during apply, so the policy is known only then and the role policy an update.
            (
                "module.network.aws_iam_role_policy.flow_logs".to_string(),
                vec!["policy".to_string()]
            ),
            (
                "module.network.aws_vpc.this".to_string(),
                vec!["tags".to_string()]
            ),
        ]
    );
    let retention = &planned(&report, "module.network.aws_cloudwatch_log_group.flow_logs").drift[0];
    assert_eq!(retention.state, Some(json!(30)));
    assert_eq!(retention.iacgen, Some(json!(365)));
    let text = report.to_text();
    assert!(
        text.contains("retention_in_days: 30 in the state, 365 in iacgen"),
        "{text}"
    );
    assert!(text.contains(r#"tags["Extra"]: "added by hand" in the state, not set in iacgen"#));
    assert!(
        text.contains(r#"tags["Owner"]: "someone-else" in the state, "platform-team" in iacgen"#)
    );
    assert!(report.has_changes());
    // A subnet's CIDR cannot change in place: Terraform replaces the subnet, and so does the
    // report.
    let subnet = planned(
        &report,
        r#"module.network.aws_subnet.private["eu-west-1a"]"#,
    );
    assert_eq!(subnet.action, Action::Replace);
    assert_eq!(state::replaced_by(subnet), ["cidr_block"]);
    assert!(
        text.contains(
            r#"-/+ module.network.aws_subnet.private["eu-west-1a"]: replaced by cidr_block"#
        ),
        "{text}"
    );
    // Its route table association is replaced with it (`subnet_id` is force-new).
    let association = planned(
        &report,
        r#"module.network.aws_route_table_association.private["eu-west-1a"]"#,
    );
    assert_eq!(state::replaced_by(association), ["subnet_id"]);
    assert_eq!(report.summary().replace, 2);
}

#[test]
fn a_hand_written_root_in_the_same_state_is_moved_into_the_modules() {
    let report = plan_minimal(&read("hand-written-root.tfstate"), false);
    let moves: Vec<(String, String)> = report
        .moves()
        .into_iter()
        .map(|(from, to)| (from.to_string(), to.to_string()))
        .collect();
    for (from, to) in [
        ("aws_vpc.main", "module.network.aws_vpc.this"),
        (
            "aws_subnet.private[0]",
            r#"module.network.aws_subnet.private["eu-west-1a"]"#,
        ),
        (
            "aws_subnet.public[0]",
            r#"module.network.aws_subnet.public["eu-west-1a"]"#,
        ),
        // Named only through what refers to them: the NAT gateway's allocation, the alias's
        // key, the association's route table.
        ("aws_eip.nat", r#"module.network.aws_eip.nat["eu-west-1a"]"#),
        ("aws_kms_key.logs", "module.network.aws_kms_key.logs"),
        (
            "aws_route_table.public",
            "module.network.aws_route_table.public",
        ),
        (
            "aws_route.nat[0]",
            r#"module.network.aws_route.private_nat["eu-west-1a"]"#,
        ),
    ] {
        assert!(
            moves.contains(&(from.to_string(), to.to_string())),
            "{from} -> {to} missing from {moves:#?}"
        );
    }
    assert_eq!(
        moves.len(),
        19,
        "every hand-written resource but the bucket moves"
    );
    assert_eq!(
        planned(&report, "module.network.aws_vpc.this")
            .state
            .as_ref()
            .unwrap()
            .matched_by,
        MatchedBy::Identity
    );
    assert_eq!(
        planned(&report, r#"module.network.aws_eip.nat["eu-west-1a"]"#)
            .state
            .as_ref()
            .unwrap()
            .matched_by,
        MatchedBy::Reference
    );
    // Drift is reported across the move: the old log group keeps 30 days.
    assert!(
        planned(&report, "module.network.aws_cloudwatch_log_group.flow_logs")
            .drift
            .iter()
            .any(|d| d.argument == "retention_in_days")
    );
    assert_eq!(
        report
            .not_managed
            .iter()
            .map(|u| u.address.to_string())
            .collect::<Vec<_>>(),
        ["aws_s3_bucket.legacy_logs"]
    );

    let hcl = moves_file(&report);
    assert!(hcl.contains(
        "moved {\n  from = aws_subnet.private[0]\n  to   = module.network.aws_subnet.private[\"eu-west-1a\"]\n}\n"
    ));
    let body: hcl::Body = hcl::parse(&hcl).unwrap();
    assert_eq!(
        body.blocks().filter(|b| b.identifier() == "moved").count(),
        19
    );
    assert!(!hcl.contains("import"));

    let removed = removed_file(&report);
    assert!(removed.contains(
        "removed {\n  from = aws_s3_bucket.legacy_logs\n\n  lifecycle {\n    destroy = false\n  }\n}\n"
    ));
}

#[test]
fn adopting_another_roots_state_imports_with_each_types_id_and_removes_from_the_old_root() {
    let report = plan_minimal(&read("hand-written-root.tfstate"), true);
    assert!(
        report.moves().is_empty(),
        "another root's state gets imports, not moves"
    );
    let imports: std::collections::BTreeMap<String, String> = report
        .imports()
        .into_iter()
        .map(|(to, id)| (to.to_string(), id.to_string()))
        .collect();
    assert_eq!(imports.len(), 19);
    for (to, id) in [
        ("module.network.aws_vpc.this", "vpc-0a1b2c3d4e5f60001"),
        (
            r#"module.network.aws_route_table_association.private["eu-west-1a"]"#,
            "subnet-0a1b2c3d4e5f60012/rtb-0a1b2c3d4e5f60032",
        ),
        (
            "module.network.aws_route.public_internet",
            "rtb-0a1b2c3d4e5f60031_0.0.0.0/0",
        ),
        (
            "module.network.aws_iam_role_policy.flow_logs",
            "demo-dev-vpc-flow-logs:write-flow-logs",
        ),
        (
            "module.network.aws_cloudwatch_log_group.flow_logs",
            "/aws/vpc/demo-dev/flow-logs",
        ),
        (
            "module.network.aws_iam_role.flow_logs",
            "demo-dev-vpc-flow-logs",
        ),
        (
            r#"module.network.aws_eip.nat["eu-west-1a"]"#,
            "eipalloc-0a1b2c3d4e5f60041",
        ),
        (
            "module.network.aws_kms_key.logs",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        ),
    ] {
        assert_eq!(imports.get(to).map(String::as_str), Some(id), "{to}");
    }
    let hcl = moves_file(&report);
    assert!(hcl.contains(
        "import {\n  to = module.network.aws_subnet.private[\"eu-west-1a\"]\n  id = \"subnet-0a1b2c3d4e5f60012\"\n}\n"
    ));
    // `removed` takes resource addresses, without instance keys.
    let removed = report.removed();
    assert!(removed.contains(&"aws_subnet.private".to_string()));
    assert!(removed.contains(&"aws_vpc.main".to_string()));
    assert!(!removed.iter().any(|r| r.contains('[')));
    assert!(!removed.contains(&"aws_s3_bucket.legacy_logs".to_string()));
    let body: hcl::Body = hcl::parse(&removed_file(&report)).unwrap();
    assert_eq!(body.blocks().count(), removed.len());
}

#[test]
fn show_json_output_is_matched_like_a_state_file() {
    let report = plan_minimal(&read("show-json-root.json"), false);
    let moves: Vec<String> = report
        .moves()
        .iter()
        .map(|(f, t)| format!("{f} -> {t}"))
        .collect();
    assert_eq!(
        moves,
        [
            r#"aws_subnet.private[0] -> module.network.aws_subnet.private["eu-west-1a"]"#,
            r#"aws_subnet.public[0] -> module.network.aws_subnet.public["eu-west-1a"]"#,
            "aws_vpc.main -> module.network.aws_vpc.this",
        ]
    );
}

#[test]
fn an_ambiguous_identity_is_not_guessed_but_a_reference_settles_it() {
    let with_twin = |keep_others: bool| {
        edited("hand-written-root.tfstate", move |doc| {
            let vpc = resource_mut(doc, "aws_vpc", "main").clone();
            let mut twin = vpc.clone();
            twin["name"] = json!("twin");
            twin["instances"][0]["attributes"]["id"] = json!("vpc-0ffffffffffffffff");
            let resources = doc["resources"].as_array_mut().unwrap();
            if !keep_others {
                resources.clear();
                resources.push(vpc);
            }
            resources.push(twin);
        })
    };
    // Two VPCs with iacgen's CIDR that agree equally with the configuration: neither is chosen.
    let report = plan_minimal(&with_twin(false), false);
    assert_eq!(
        planned(&report, "module.network.aws_vpc.this").action,
        Action::Create
    );
    let unmanaged: Vec<String> = report
        .not_managed
        .iter()
        .map(|u| u.address.to_string())
        .collect();
    assert_eq!(unmanaged, ["aws_vpc.main", "aws_vpc.twin"]);
    // With the subnets (matched by their CIDRs) in the state, their `vpc_id` names the VPC.
    let report = plan_minimal(&with_twin(true), false);
    let vpc = planned(&report, "module.network.aws_vpc.this")
        .state
        .clone()
        .unwrap();
    assert_eq!(vpc.address, addr("aws_vpc.main"));
    assert_eq!(vpc.matched_by, MatchedBy::Reference);
    assert!(
        report
            .not_managed
            .iter()
            .any(|u| u.address == addr("aws_vpc.twin"))
    );
}

#[test]
fn the_same_address_in_another_roots_state_must_also_have_the_same_name() {
    let state = edited("own-state.tfstate", |doc| {
        let lg = resource_mut(doc, "aws_cloudwatch_log_group", "flow_logs");
        lg["instances"][0]["attributes"]["name"] = json!("/aws/vpc/someone-else/flow-logs");
        // Its ARN says so too: the flow log, which writes to the ARN of demo-dev's group,
        // does not name this one.
        lg["instances"][0]["attributes"]["arn"] =
            json!("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/someone-else/flow-logs");
    });
    let address = "module.network.aws_cloudwatch_log_group.flow_logs";
    // In the environment's own state the address decides: Terraform would replace it.
    let own = plan_minimal(&state, false);
    let lg = planned(&own, address);
    assert_eq!(lg.action, Action::Replace);
    assert_eq!(lg.drift[0].argument, "name");
    // Another root's log group with another name is another log group.
    let adopted = plan_minimal(&state, true);
    assert_eq!(planned(&adopted, address).action, Action::Create);
    assert!(
        adopted
            .not_managed
            .iter()
            .any(|u| u.address == addr(address))
    );
}

#[test]
fn count_indexed_instances_move_to_the_for_each_key_with_the_same_cidr() {
    // Two private subnets where iacgen has one: the one with iacgen's CIDR moves, whatever its
    // index; the other is not managed.
    let state = edited("hand-written-root.tfstate", |doc| {
        let subnets = resource_mut(doc, "aws_subnet", "private");
        let mut other = subnets["instances"][0].clone();
        other["index_key"] = json!(0);
        other["attributes"]["id"] = json!("subnet-0ffffffffffffff01");
        other["attributes"]["cidr_block"] = json!("10.0.12.0/22");
        subnets["instances"][0]["index_key"] = json!(1);
        subnets["instances"]
            .as_array_mut()
            .unwrap()
            .insert(0, other);
    });
    let report = plan_minimal(&state, false);
    let subnet = planned(
        &report,
        r#"module.network.aws_subnet.private["eu-west-1a"]"#,
    );
    assert_eq!(
        subnet.state.as_ref().unwrap().address,
        addr("aws_subnet.private[1]")
    );
    assert!(
        report
            .not_managed
            .iter()
            .any(|u| u.address == addr("aws_subnet.private[0]"))
    );
}

#[test]
fn the_command_line_reads_stdin_writes_blocks_and_exits_2_on_changes() {
    let dir = tempfile::tempdir().unwrap();
    let moves = dir.path().join("moves.tf");
    let removed = dir.path().join("removed.tf");
    let state = std::fs::read(fixture("hand-written-root.tfstate")).unwrap();
    let out = iacgen(
        &[
            "plan",
            minimal_spec().to_str().unwrap(),
            "--env",
            "dev",
            "--state",
            "-",
            "--write-moves",
            moves.to_str().unwrap(),
            "--write-removed",
            removed.to_str().unwrap(),
        ],
        Some(&state),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("aws_vpc.main -> module.network.aws_vpc.this"),
        "{stdout}"
    );
    assert!(stdout.contains("19 moved, 1 not managed by iacgen"));
    assert!(stdout.contains("Wrote 19 `moved` block(s)"));
    let written = std::fs::read_to_string(&moves).unwrap();
    assert_eq!(written.matches("moved {").count(), 19);
    assert!(
        std::fs::read_to_string(&removed)
            .unwrap()
            .contains("from = aws_s3_bucket.legacy_logs")
    );

    let out = iacgen(
        &[
            "plan",
            minimal_spec().to_str().unwrap(),
            "--env",
            "dev",
            "--state",
            fixture("hand-written-root.tfstate").to_str().unwrap(),
            "--json",
            "--adopt",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["import"], 19);
    assert_eq!(report["summary"]["not_managed"], 1);
    let vpc = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "module.network.aws_vpc.this")
        .unwrap();
    assert_eq!(vpc["state_address"], "aws_vpc.main");
    assert_eq!(vpc["matched_by"], "identity");
    assert_eq!(vpc["import_id"], "vpc-0a1b2c3d4e5f60001");
    assert_eq!(vpc["action"], "drifted");
    assert_eq!(vpc["drift"][0]["argument"], "tags");
}

#[test]
fn unreadable_states_and_unknown_environments_exit_1_with_a_message() {
    let spec = minimal_spec();
    let spec = spec.to_str().unwrap();
    let corpus = manifest_dir().join("tests/fixtures/state");
    for (file, expected) in [
        ("v3-legacy.tfstate", "version 3"),
        ("empty.tfstate", "empty"),
        ("broken.json", "JSON"),
        ("garbage.bin", "binary"),
    ] {
        let path = corpus.join(file);
        let out = iacgen(
            &[
                "plan",
                spec,
                "--env",
                "dev",
                "--state",
                path.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(1), "{file}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(file), "{file}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(&expected.to_lowercase()),
            "{file}: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = iacgen(
        &[
            "plan",
            spec,
            "--env",
            "prod",
            "--state",
            fixture("own-state.tfstate").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(r#"no environment "prod" (environments: dev)"#));
    let out = iacgen(&["plan", spec, "--env", "dev", "--state", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("standard input"));
}

#[test]
fn an_eks_cluster_node_group_and_asg_tag_are_matched_by_name_with_their_drift() {
    let spec = manifest_dir().join("examples/eks-single-pool.yaml");
    let state = read("eks-hand-written.tfstate");
    let report = state::plan(&tree(&spec), "dev", &state, PlanOptions::default()).unwrap();
    let node_group = planned(&report, r#"module.eks.aws_eks_node_group.this["default"]"#);
    assert_eq!(
        node_group.moved_from(false),
        Some(&addr("aws_eks_node_group.workers"))
    );
    let drift: Vec<&str> = node_group
        .drift
        .iter()
        .map(|d| d.argument.as_str())
        .collect();
    for argument in [
        "instance_types",
        "scaling_config.max_size",
        "tags",
        "node_role_arn",
    ] {
        assert!(drift.contains(&argument), "{argument} not in {drift:?}");
    }
    let instance_types = node_group
        .drift
        .iter()
        .find(|d| d.argument == "instance_types")
        .unwrap();
    assert_eq!(instance_types.state, Some(json!(["t3.medium"])));
    assert_eq!(instance_types.iacgen, Some(json!(["t3.large"])));
    // The Auto Scaling group tag is named by the group that the matched node group records.
    assert_eq!(
        planned(
            &report,
            r#"module.eks.aws_autoscaling_group_tag.node["default/Name"]"#
        )
        .moved_from(false),
        Some(&addr("aws_autoscaling_group_tag.name"))
    );

    let adopted = state::plan(&tree(&spec), "dev", &state, PlanOptions { adopt: true }).unwrap();
    let imports: Vec<(String, String)> = adopted
        .imports()
        .into_iter()
        .map(|(to, id)| (to.to_string(), id.to_string()))
        .collect();
    assert_eq!(
        imports,
        [
            (
                r#"module.eks.aws_autoscaling_group_tag.node["default/Name"]"#.to_string(),
                "eks-sandbox-dev-default-28c5a7f2-0c4e-8a1b-3d2f-5e6a7b8c9d0e,Name".to_string()
            ),
            (
                r#"module.eks.aws_eks_addon.this["coredns"]"#.to_string(),
                "sandbox-dev:coredns".to_string()
            ),
            (
                "module.eks.aws_eks_cluster.this".to_string(),
                "sandbox-dev".to_string()
            ),
            (
                r#"module.eks.aws_eks_node_group.this["default"]"#.to_string(),
                "sandbox-dev:sandbox-dev-default".to_string()
            ),
        ]
    );
}

#[test]
fn files_added_by_hand_next_to_the_generated_ones_count_with_out() {
    // The README's autoscaler opt-out: an override file that ignores the desired size.
    let spec = manifest_dir().join("examples/eks-single-pool.yaml");
    let out = tempfile::tempdir().unwrap();
    iacgen::output::generate(&tree(&spec), out.path(), false).unwrap();
    std::fs::write(
        out.path().join("modules/eks/autoscaler_override.tf"),
        "resource \"aws_eks_node_group\" \"this\" {\n  lifecycle {\n    ignore_changes = [scaling_config[0].desired_size]\n  }\n}\n",
    )
    .unwrap();
    let args = |with_out: bool| {
        let mut args = vec![
            "plan".to_string(),
            spec.display().to_string(),
            "--env".into(),
            "dev".into(),
            "--state".into(),
            fixture("eks-hand-written.tfstate").display().to_string(),
        ];
        if with_out {
            args.extend(["--out".to_string(), out.path().display().to_string()]);
        }
        args
    };
    let run = |with_out| {
        let args = args(with_out);
        let out = iacgen(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let without = run(false);
    assert!(
        without.contains("scaling_config.desired_size: 2 in the state, 1 in iacgen"),
        "{without}"
    );
    let with = run(true);
    assert!(!with.contains("scaling_config.desired_size"), "{with}");
    assert!(
        with.contains("scaling_config.max_size: 5 in the state, 3 in iacgen"),
        "{with}"
    );
}

#[test]
fn every_resource_type_the_modules_emit_has_an_import_id_format() {
    let mut missing = std::collections::BTreeSet::new();
    for (spec, tree, envs) in example_trees_all() {
        for env in envs {
            let inventory = state::inventory(&tree, &env).unwrap();
            assert!(
                inventory.unexpanded.is_empty(),
                "{spec} ({env}): instances known only after apply: {:?}",
                inventory.unexpanded
            );
            for inst in &inventory.instances {
                if !state::has_known_format(&inst.address.type_) {
                    missing.insert(inst.address.type_.clone());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add the import ID format (AWS provider docs, \"Import\") of: {missing:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real Terraform (../shared/tools, stub AWS provider): the generated root plus the written
// blocks against the old state moves everything and destroys nothing.

fn run_tool(tools: &Path, tool: &str, args: &[&Path]) -> (i32, String) {
    let out = Command::new(tools.join("bin").join(tool))
        .args(args)
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    (out.status.code().unwrap_or(-1), all)
}

#[test]
fn terraform_moves_the_hand_written_root_and_destroys_nothing() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("environments/dev");
    iacgen::output::generate(&tree(&minimal_spec()), out.path(), false).unwrap();
    let state_file = fixture("hand-written-root.tfstate");
    let run = iacgen(
        &[
            "plan",
            minimal_spec().to_str().unwrap(),
            "--env",
            "dev",
            "--state",
            state_file.to_str().unwrap(),
            "--write-moves",
            root.join("moves.tf").to_str().unwrap(),
            "--write-removed",
            root.join("removed.tf").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let (code, plan) = run_tool(
        &tools,
        "tf-plan",
        &[
            Path::new("--root"),
            out.path(),
            &root,
            Path::new("--state"),
            &state_file,
        ],
    );
    assert_eq!(code, 0, "{plan}");
    assert!(
        plan.contains("# aws_route.internet has moved to module.network.aws_route.public_internet"),
        "{plan}"
    );
    assert!(plan.contains("has moved to"), "{plan}");
    assert!(plan.contains("0 to add"), "{plan}");
    assert!(plan.contains("0 to destroy"), "{plan}");
}

#[test]
fn terraform_accepts_the_imports_and_the_old_root_forgets_without_destroying() {
    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("environments/dev");
    let old_root = out.path().join("old-root");
    std::fs::create_dir_all(&old_root).unwrap();
    iacgen::output::generate(&tree(&minimal_spec()), out.path(), false).unwrap();
    let state_file = fixture("hand-written-root.tfstate");
    let run = iacgen(
        &[
            "plan",
            minimal_spec().to_str().unwrap(),
            "--env",
            "dev",
            "--state",
            state_file.to_str().unwrap(),
            "--adopt",
            "--write-moves",
            root.join("imports.tf").to_str().unwrap(),
            "--write-removed",
            old_root.join("removed.tf").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    // Every `to` exists in the configuration (terraform validate checks import targets). The
    // stub provider imports objects as `{id}` only, so a full plan of the new root cannot run.
    let (code, validate) = run_tool(
        &tools,
        "tf-validate",
        &[Path::new("--root"), out.path(), &root],
    );
    assert_eq!(code, 0, "{validate}");
    // The old root keeps only what iacgen does not manage.
    std::fs::write(
        old_root.join("main.tf"),
        "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 6.0\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_s3_bucket\" \"legacy_logs\" {\n  bucket = \"demo-legacy-logs\"\n}\n",
    )
    .unwrap();
    let (code, plan) = run_tool(
        &tools,
        "tf-plan",
        &[&old_root, Path::new("--state"), &state_file],
    );
    assert_eq!(code, 0, "{plan}");
    assert!(plan.contains("0 to destroy"), "{plan}");
}

// ---------------------------------------------------------------------------------------------
// The shared corpus of real-world states ($IACGEN_CORPUS or ../shared/corpus).

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/corpus"));
    if dir.join("expected.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "state corpus not found at {} (set IACGEN_CORPUS)",
        dir.display()
    );
    eprintln!("note: no state corpus at {}; skipping", dir.display());
    None
}

/// Every readable state of the corpus, with its path.
fn corpus_states(dir: &Path) -> Vec<(String, State)> {
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    expected["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "reject")
        .filter_map(|f| {
            let path = f["path"].as_str().unwrap();
            state::read_file(dir.join(path))
                .ok()
                .map(|s| (path.to_string(), s))
        })
        .collect()
}

/// The smallest and the fullest example (every module), with their environments.
fn example_trees() -> Vec<(String, iacgen::tree::Tree, Vec<String>)> {
    example_trees_of(&["minimal.yaml", "platform.yaml"])
}

/// Every example spec, with its environments.
fn example_trees_all() -> Vec<(String, iacgen::tree::Tree, Vec<String>)> {
    let mut names: Vec<String> = std::fs::read_dir(manifest_dir().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    example_trees_of(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

fn example_trees_of(names: &[&str]) -> Vec<(String, iacgen::tree::Tree, Vec<String>)> {
    let mut out = Vec::new();
    for name in names {
        let spec = manifest_dir().join("examples").join(name);
        let platform = iacgen::spec::load_file(&spec).unwrap();
        let envs = platform.env_names().map(str::to_string).collect();
        let tree = iacgen::render(&platform).unwrap();
        out.push((spec.display().to_string(), tree, envs));
    }
    out
}

#[test]
fn every_corpus_state_against_every_example_accounts_for_every_instance() {
    let Some(dir) = corpus_dir() else { return };
    let states = corpus_states(&dir);
    assert!(
        states.len() > 30,
        "the corpus has dozens of readable states"
    );
    let trees = example_trees();
    for (path, state) in &states {
        let existing = match &state.plan {
            Some(plan) if matches!(state.format, state::Format::ShowJsonPlan { .. }) => plan
                .prior_state
                .clone()
                .unwrap_or_else(|| State::new(state::Format::StateV4)),
            _ => state.clone(),
        };
        let managed: Vec<&Address> = existing.managed().map(|r| &r.address).collect();
        for (spec, tree, envs) in &trees {
            let env = &envs[0];
            let adopted = state::plan(tree, env, state, PlanOptions { adopt: true }).unwrap();
            // The same matches read as the state's own: moves instead of imports.
            let own = PlanReport {
                adopt: false,
                ..adopted.clone()
            };
            for report in [adopted, own] {
                let context = format!("{path} against {spec} ({env}, adopt {})", report.adopt);
                // Each state instance is matched, not managed, or not compared: exactly once.
                let mut seen: Vec<&Address> = report
                    .planned
                    .iter()
                    .filter_map(|p| p.state.as_ref().map(|m| &m.address))
                    .chain(report.not_managed.iter().map(|u| &u.address))
                    .chain(report.not_compared.iter().flat_map(|n| &n.state_instances))
                    .collect();
                seen.sort();
                let mut all = managed.clone();
                all.sort();
                assert_eq!(seen, all, "{context}");
                for p in &report.planned {
                    if let Some(m) = &p.state {
                        assert_eq!(m.address.type_, p.address.type_, "{context}");
                        if let Some(Ok(id)) = &m.import_id {
                            assert!(!id.is_empty(), "{context}: {}", p.address);
                        }
                    }
                }
                hcl::parse(&moves_file(&report))
                    .unwrap_or_else(|e| panic!("{context}: moves file: {e}"));
                hcl::parse(&removed_file(&report))
                    .unwrap_or_else(|e| panic!("{context}: removed file: {e}"));
                let _ = report.to_text();
                let _ = report.to_json();
            }
        }
    }
}

#[test]
fn a_real_world_hand_written_vpc_moves_into_the_network_module_and_nothing_is_destroyed() {
    let Some(dir) = corpus_dir() else { return };
    let state_file = dir.join("tfstate/packt-windows-containers/vpc.tfstate");
    let spec = fixture("packt-vpc.yaml");
    let report = state::plan(
        &tree(&spec),
        "dev",
        &state::read_file(&state_file).unwrap(),
        PlanOptions::default(),
    )
    .unwrap();
    let moves: Vec<String> = report
        .moves()
        .iter()
        .map(|(f, t)| format!("{f} -> {t}"))
        .collect();
    for expected in [
        "aws_vpc.vpc -> module.network.aws_vpc.this",
        r#"aws_subnet.private_subnets["us-east-1b"] -> module.network.aws_subnet.private["us-east-1b"]"#,
        r#"aws_nat_gateway.nat_gateway -> module.network.aws_nat_gateway.this["us-east-1a"]"#,
        r#"aws_eip.eip_natgateway -> module.network.aws_eip.nat["us-east-1a"]"#,
        // One shared private route table; iacgen has one per AZ: the first AZ keeps it.
        r#"aws_route_table.private_subnets_route_table -> module.network.aws_route_table.private["us-east-1a"]"#,
    ] {
        assert!(
            moves.iter().any(|m| m == expected),
            "{expected} missing from {moves:#?}"
        );
    }
    assert!(report.not_managed.is_empty(), "{}", report.to_text());
    // The second AZ's association will point at its new route table.
    let assoc = planned(
        &report,
        r#"module.network.aws_route_table_association.private["us-east-1b"]"#,
    );
    assert_eq!(assoc.action, Action::Drifted);
    assert_eq!(assoc.drift[0].argument, "route_table_id");
    assert_eq!(
        assoc.drift[0].after_apply_from,
        Some(addr(
            r#"module.network.aws_route_table.private["us-east-1b"]"#
        ))
    );

    let Some(tools) = support::terraform_tools() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let root = out.path().join("environments/dev");
    iacgen::output::generate(&tree(&spec), out.path(), false).unwrap();
    std::fs::write(root.join("moves.tf"), moves_file(&report)).unwrap();
    let (code, plan) = run_tool(
        &tools,
        "tf-plan",
        &[
            Path::new("--root"),
            out.path(),
            &root,
            Path::new("--state"),
            &state_file,
        ],
    );
    assert_eq!(code, 0, "{plan}");
    assert!(plan.contains("has moved to"), "{plan}");
    // The hand-written route tables hold their routes inline: iacgen imports them rather than
    // creating them again (an apply would fail on the existing route). The stub provider's
    // import returns only the ID (the real provider reads route_table_id and
    // destination_cidr_block back from `rtb-..._CIDR`), so its plan replaces exactly those.
    assert!(!report.inline.is_empty(), "{}", report.to_text());
    for (address, _) in &report.inline {
        assert!(
            plan.contains(&format!("# {address} must be replaced")),
            "{plan}"
        );
    }
    assert_eq!(
        plan.matches("must be replaced").count(),
        report.inline.len(),
        "{plan}"
    );
    // What iacgen reports matches what Terraform plans (the stub adds each imported route
    // again as it replaces it).
    let s = report.summary();
    let n = report.inline.len();
    assert!(
        plan.contains(&format!(
            "Plan: {n} to import, {} to add, {} to change, {n} to destroy.",
            s.create + n,
            s.drifted
        )),
        "{plan}\n{}",
        report.to_text()
    );
}
