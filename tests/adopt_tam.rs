//! Adopting terraform-aws-modules (TAM) platforms: spec + `iacgen plan --write-kept` +
//! `generate` + `plan --write-moves --write-removed`, then the real `terraform plan` (stub
//! provider) of the generated root against the TAM state, judged by `adopt-judge`: nothing
//! destroyed, nothing replaced, no second copy, no route or rule created twice.
//!
//! Platforms: `shared/corpus/tam/eks-two-pools` (per-AZ NAT, two node groups with their own
//! roles, KMS, a secret with a name prefix), `tests/fixtures/adopt/tam-single-nat` (one NAT
//! gateway and TAM's shared private route table, a database tier with its DB subnet group) and
//! `tests/fixtures/adopt/tam-per-az` (one NAT gateway per AZ, TAM's database route tables, a
//! private endpoint with an admin access entry, an on-demand and a tainted spot node group).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(path: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/adopt").join(path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn iacgen(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .args(args)
        .output()
        .unwrap()
}

fn p(s: &str) -> &Path {
    Path::new(s)
}

/// The Terraform tools (`$IACGEN_TOOLS` or ../shared/tools); required in CI.
fn tools() -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/tools"));
    if dir.join("bin/tf-plan").is_file() && dir.join("bin/adopt-judge").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the Terraform tools are needed in CI: {} (run its setup.sh, or set IACGEN_TOOLS)",
        dir.display()
    );
    eprintln!("note: no Terraform tools under {}; skipping", dir.display());
    None
}

/// The TAM corpus state `name` (`$IACGEN_CORPUS` or ../shared/corpus); required in CI.
fn corpus_state(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("IACGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/corpus"));
    let state = dir.join("tam").join(name).join("terraform.tfstate");
    if state.is_file() {
        return Some(state);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "TAM state not found at {} (set IACGEN_CORPUS)",
        state.display()
    );
    eprintln!("note: no TAM state at {}; skipping", state.display());
    None
}

fn state_json(state: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(state).unwrap()).unwrap()
}

/// Attributes of every managed instance of `type_` in the state.
fn instances(state: &Value, type_: &str) -> Vec<Value> {
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed" && r["type"] == type_)
        .flat_map(|r| r["instances"].as_array().unwrap().clone())
        .map(|i| i["attributes"].clone())
        .collect()
}

/// A spec copied into a fresh directory with the generated repository under `out/`.
struct Adoption {
    dir: tempfile::TempDir,
    env: String,
    state: PathBuf,
}

impl Adoption {
    fn new(spec: &Path, env: &str, state: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(spec, dir.path().join("platform.yaml")).unwrap();
        Self {
            dir,
            env: env.to_string(),
            state: state.to_path_buf(),
        }
    }

    fn spec(&self) -> PathBuf {
        self.dir.path().join("platform.yaml")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn root(&self) -> PathBuf {
        self.out().join("environments").join(&self.env)
    }

    fn plan(&self, extra: &[&Path]) -> Output {
        let spec = self.spec();
        let mut args: Vec<&Path> = vec![
            p("plan"),
            &spec,
            p("--env"),
            p(&self.env),
            p("--state"),
            &self.state,
        ];
        args.extend(extra);
        iacgen(&args)
    }

    /// `plan --write-kept`, `generate`, `plan --write-moves --write-removed`: what the README's
    /// adoption section tells a user to run. Returns the kept-values file and the last report.
    fn run(&self) -> (String, String) {
        let kept = self.plan(&[p("--write-kept")]);
        assert_eq!(kept.status.code(), Some(2), "{}", text(&kept.stderr));
        let kept_file = std::fs::read_to_string(self.dir.path().join("platform.kept.yaml"))
            .expect("--write-kept writes platform.kept.yaml beside the spec");
        let generate = iacgen(&[p("generate"), &self.spec(), p("--out"), &self.out()]);
        assert!(generate.status.success(), "{}", text(&generate.stderr));
        let moves = self.root().join("moves.tf");
        let removed = self.root().join("removed.tf");
        let run = self.plan(&[p("--write-moves"), &moves, p("--write-removed"), &removed]);
        assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
        (kept_file, text(&run.stdout))
    }

    /// The real plan of the generated root against the state, and adopt-judge's verdict.
    fn judge(&self, tools: &Path, region: &str, account: &str) -> (i32, String) {
        let plan_json = self.dir.path().join("plan.json");
        let plan = Command::new(tools.join("bin/tf-plan"))
            .args([
                p("--root"),
                &self.out(),
                &self.root(),
                p("--state"),
                &self.state,
            ])
            .args([p("--json"), &plan_json])
            .env("STUB_PROVIDER_REGION", region)
            .env("STUB_PROVIDER_ACCOUNT_ID", account)
            .output()
            .unwrap();
        let plan_text = format!("{}{}", text(&plan.stdout), text(&plan.stderr));
        assert_eq!(plan.status.code(), Some(0), "{plan_text}");
        // What `iacgen plan` says of the generated repository is what Terraform then plans.
        let out = self.out();
        let report = self.plan(&[p("--out"), &out, p("--json")]);
        assert_eq!(report.status.code(), Some(2), "{}", text(&report.stderr));
        support::assert_iacgen_counts_are_terraforms(
            &serde_json::from_slice(&report.stdout).unwrap(),
            &serde_json::from_slice(&std::fs::read(&plan_json).unwrap()).unwrap(),
            &plan_text,
        );
        let judge = Command::new(tools.join("bin/adopt-judge"))
            .args([&plan_json, &self.state])
            .output()
            .unwrap();
        let verdict = format!("{}{}", text(&judge.stdout), text(&judge.stderr));
        (
            judge.status.code().unwrap_or(-1),
            format!("{verdict}\n{plan_text}"),
        )
    }
}

const ZEROS: &str = "destroy=0 replace=0 second-copies=0 routes-already-inline=0 sg-rules-that-exist=0 unreported-rollouts=0";

#[test]
fn eks_two_pools_keeps_what_would_replace_and_terraform_destroys_and_replaces_nothing() {
    let Some(state) = corpus_state("eks-two-pools") else {
        return;
    };
    let adoption = Adoption::new(&fixture("eks-two-pools/platform.yaml"), "staging", &state);
    let (kept, report) = adoption.run();

    // Matched by relationship, kept by value: the cluster's role is the one its role_arn names,
    // whatever TAM called it; each node group keeps its name, the spot group its own role.
    let old = state_json(&state);
    let cluster = &instances(&old, "aws_eks_cluster")[0];
    let role_arn = cluster["role_arn"].as_str().unwrap();
    let role = instances(&old, "aws_iam_role")
        .into_iter()
        .find(|r| r["arn"] == role_arn)
        .unwrap();
    assert!(
        kept.contains(&format!(
            "\"aws_iam_role.cluster.name\": \"{}\"",
            role["name"].as_str().unwrap()
        )),
        "{kept}"
    );
    for group in instances(&old, "aws_eks_node_group") {
        let pool = group["labels"]["workload"].as_str().unwrap();
        let pool = if pool == "batch" { "spot" } else { pool };
        assert!(
            kept.contains(&format!(
                "\"aws_eks_node_group.this[{pool}].node_group_name\": \"{}\"",
                group["node_group_name"].as_str().unwrap()
            )),
            "{pool}: {kept}"
        );
    }
    // Each launch template keeps TAM's node security group: unset, Terraform would clear it
    // (a new template version, and every node rolled).
    for template in instances(&old, "aws_launch_template") {
        let pool = template["name"]
            .as_str()
            .unwrap()
            .split('-')
            .next()
            .unwrap();
        let groups: Vec<&str> = template["vpc_security_group_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert!(
            kept.contains(&format!(
                "\"aws_launch_template.node[{pool}].vpc_security_group_ids\": \"{}\"",
                groups.join(",")
            )),
            "{pool}: {kept}"
        );
    }
    let secret = &instances(&old, "aws_secretsmanager_secret")[0];
    assert!(kept.contains(secret["name"].as_str().unwrap()), "{kept}");
    // With the kept values generated, nothing is left to keep and no stateful object is new.
    assert!(!report.contains("To keep"), "{report}");
    for stateful in [
        "aws_eks_node_group",
        "aws_iam_role.",
        "aws_launch_template",
        "aws_security_group.",
        "module.eks.aws_kms_key.secrets",
        "aws_secretsmanager_secret.",
        "aws_secretsmanager_secret_version",
    ] {
        assert!(
            !report
                .lines()
                .any(|l| l.starts_with("  + ") && l.contains(stateful)),
            "{stateful} would be created:\n{report}"
        );
    }

    // TAM's control plane is in the intra subnets; the spec says so
    // (`eks.control_plane_subnets: intra`), and the cluster keeps them.
    let main = std::fs::read_to_string(adoption.out().join("modules/eks/main.tf")).unwrap();
    assert!(
        main.contains("subnet_ids              = var.control_plane_subnet_ids"),
        "{main}"
    );
    assert!(
        main.contains(
            "split(\n    \",\",\n    var.kept[\"aws_launch_template.node[${each.key}].vpc_security_group_ids\"],"
        ),
        "{main}"
    );

    let Some(tools) = tools() else { return };
    let (code, verdict) = adoption.judge(&tools, "eu-west-1", "111111111111");
    assert!(verdict.contains(ZEROS), "{verdict}");
    assert_eq!(code, 0, "{verdict}");
    let plan = state_json(&adoption.dir.path().join("plan.json"));
    let cluster = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rc| rc["type"] == "aws_eks_cluster")
        .unwrap();
    let subnets = |when: &str| cluster["change"][when]["vpc_config"][0]["subnet_ids"].clone();
    assert_eq!(subnets("after"), subnets("before"), "{verdict}");
    assert_eq!(subnets("before"), cluster_subnets(&old), "{verdict}");
    for template in plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rc| rc["type"] == "aws_launch_template")
    {
        let groups = |when: &str| template["change"][when]["vpc_security_group_ids"].clone();
        assert_eq!(groups("after"), groups("before"), "{verdict}");
    }
}

/// The subnet IDs of the state's EKS cluster.
fn cluster_subnets(state: &Value) -> Value {
    instances(state, "aws_eks_cluster")[0]["vpc_config"][0]["subnet_ids"].clone()
}

#[test]
fn write_moves_refuses_to_let_terraform_destroy_what_the_spec_has_no_place_for() {
    let Some(state) = corpus_state("eks-two-pools") else {
        return;
    };
    let adoption = Adoption::new(&fixture("eks-two-pools/platform.yaml"), "staging", &state);
    let moves = adoption.dir.path().join("moves.tf");
    let run = adoption.plan(&[p("--write-moves"), &moves]);
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    assert!(
        err.contains("Terraform would destroy")
            && err.contains("module.eks.aws_security_group.node[0]")
            && err.contains("--allow-destroy ADDRESS"),
        "{err}"
    );
    assert!(!moves.exists(), "nothing is written");
}

#[test]
fn tam_single_nat_with_a_database_tier_is_adopted_without_destroying_or_replacing() {
    let state = fixture("tam-single-nat/terraform.tfstate");
    let adoption = Adoption::new(&fixture("tam-single-nat/platform.yaml"), "dev", &state);
    let (kept, report) = adoption.run();

    // The DB subnet group is the one holding the database subnets, whatever its name.
    let old = state_json(&state);
    let group = &instances(&old, "aws_db_subnet_group")[0];
    assert!(
        kept.contains(&format!(
            "\"aws_db_subnet_group.database.name\": \"{}\"",
            group["name"].as_str().unwrap()
        )),
        "{kept}"
    );
    assert!(!report.contains("To keep"), "{report}");
    assert!(
        !report
            .lines()
            .any(|l| l.starts_with("  + ") && l.contains("aws_db_subnet_group")),
        "{report}"
    );

    let Some(tools) = tools() else { return };
    let (code, verdict) = adoption.judge(&tools, "us-east-2", "222222222222");
    assert!(verdict.contains(ZEROS), "{verdict}");
    assert_eq!(code, 0, "{verdict}");
}

#[test]
fn tam_per_az_nat_with_a_database_route_table_and_two_node_groups_is_adopted_without_loss() {
    let state = fixture("tam-per-az/terraform.tfstate");
    let adoption = Adoption::new(&fixture("tam-per-az/platform.yaml"), "prod", &state);
    let (kept, report) = adoption.run();

    // Each NAT gateway and private route table is its AZ's, found by the subnet it sits in
    // and the NAT gateway its default route leads to.
    let old = state_json(&state);
    for (i, nat) in instances(&old, "aws_nat_gateway").iter().enumerate() {
        let subnet = instances(&old, "aws_subnet")
            .into_iter()
            .find(|s| s["id"] == nat["subnet_id"])
            .unwrap();
        let az = subnet["availability_zone"].as_str().unwrap();
        assert!(
            report.contains(&format!(
                "module.vpc.aws_nat_gateway.this[{i}] -> module.network.aws_nat_gateway.this[\"{az}\"]"
            )),
            "{report}"
        );
    }
    // Each node group keeps its name; the spot group keeps its own role (iacgen's node role is
    // the first group's); the admin's access entry is found by its principal.
    for group in instances(&old, "aws_eks_node_group") {
        let pool = group["labels"]["role"].as_str().unwrap();
        assert!(
            kept.contains(&format!(
                "\"aws_eks_node_group.this[{pool}].node_group_name\": \"{}\"",
                group["node_group_name"].as_str().unwrap()
            )),
            "{pool}: {kept}"
        );
        if group["capacity_type"] == "SPOT" {
            assert!(
                kept.contains(&format!(
                    "\"aws_eks_node_group.this[{pool}].node_role_arn\": \"{}\"",
                    group["node_role_arn"].as_str().unwrap()
                )),
                "{kept}"
            );
        }
    }
    assert!(
        report.contains("module.eks.aws_eks_access_entry.this[\"platform\"] -> module.eks.aws_eks_access_entry.admin[\"arn:aws:iam::444444444444:role/platform-admin\"]"),
        "{report}"
    );
    // TAM's second database route table (one per NAT gateway) has no place in iacgen's one
    // database table: it is kept in AWS, not destroyed.
    assert!(
        report.contains("  - module.vpc.aws_route_table.database[1] "),
        "{report}"
    );
    assert!(!report.contains("To keep"), "{report}");
    for stateful in [
        "aws_eks_node_group",
        "aws_eks_access_entry",
        "aws_iam_role.",
        "aws_launch_template",
        "aws_security_group.",
        "aws_nat_gateway",
        "aws_route_table.",
        "aws_db_subnet_group",
        "module.eks.aws_kms_key.secrets",
    ] {
        assert!(
            !report
                .lines()
                .any(|l| l.starts_with("  + ") && l.contains(stateful)),
            "{stateful} would be created:\n{report}"
        );
    }

    let Some(tools) = tools() else { return };
    let (code, verdict) = adoption.judge(&tools, "ap-southeast-2", "444444444444");
    assert!(verdict.contains(ZEROS), "{verdict}");
    assert_eq!(code, 0, "{verdict}");
}

#[test]
fn a_route_its_table_holds_inline_is_imported_not_created_again() {
    // The single-NAT state without TAM's separate public route: the public route table still
    // holds it inline (`route`), as a hand-written root or a refresh would leave it.
    let mut old = state_json(&fixture("tam-single-nat/terraform.tfstate"));
    old["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| !(r["type"] == "aws_route" && r["name"] == "public_internet_gateway"));
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("inline.tfstate");
    std::fs::write(&state, old.to_string()).unwrap();
    let table = instances(&old, "aws_route_table")
        .into_iter()
        .find(|t| t["tags"]["Name"] == "billing-dev-public")
        .unwrap();
    let adoption = Adoption::new(&fixture("tam-single-nat/platform.yaml"), "dev", &state);
    let (_, report) = adoption.run();
    let id = format!("{}_0.0.0.0/0", table["id"].as_str().unwrap());
    assert!(
        report.contains(&format!(
            "< module.network.aws_route.public_internet (import {id:?})"
        )),
        "{report}"
    );
    let moves = std::fs::read_to_string(adoption.root().join("moves.tf")).unwrap();
    assert!(
        moves.contains(&format!(
            "import {{\n  to = module.network.aws_route.public_internet\n  id = {id:?}\n}}"
        )),
        "{moves}"
    );
    // The real provider reads route_table_id and destination_cidr_block back from that ID on
    // import; the stub provider returns only the ID, so its plan would show a replacement that
    // Terraform with AWS would not: no tf-plan here.
}
