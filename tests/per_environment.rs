//! What teams change per environment and across accounts, in both targets: a service's image
//! per environment, a service whose own pipeline deploys its images, the EKS version per
//! environment, a state backend per environment (bucket, region, key, role, lock table) and a
//! role the AWS provider assumes.

use iacgen::model::Platform;
use iacgen::spec::{Format, load_str, load_str_warned};
use iacgen::tree::Tree;

/// Two environments in two accounts; `backend` and `services` are YAML at the top level and
/// under `ecs.services` (indented by 4); `roles` adds a `role_arn` to each environment.
fn spec(backend: &str, roles: bool, services: &str) -> String {
    let role = |account: &str| {
        if roles {
            format!(", role_arn: \"arn:aws:iam::{account}:role/terraform\"")
        } else {
            String::new()
        }
    };
    format!(
        "version: 1
project: shop
region: eu-west-1
{backend}
environments:
  staging: {{ account_id: \"222222222222\"{} }}
  prod: {{ account_id: \"333333333333\"{} }}
network:
  cidr: {{ staging: 10.0.0.0/16, prod: 10.1.0.0/16 }}
  az_count: 2
  subnets:
    public: {{ prefix: 24 }}
    private: {{ prefix: 20 }}
ecs:
  services:
{services}",
        role("222222222222"),
        role("333333333333"),
    )
}

/// An ECR image of `account`.
fn ecr(account: &str, tag: &str) -> String {
    format!("{account}.dkr.ecr.eu-west-1.amazonaws.com/api:{tag}")
}

fn load(text: &str) -> Platform {
    load_str(text, Format::Yaml, "p.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The located errors of an invalid `text`.
fn errors(text: &str) -> Vec<String> {
    match load_str(text, Format::Yaml, "p.yaml") {
        Ok(_) => panic!("expected errors:\n{text}"),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

fn terraform(platform: &Platform) -> Tree {
    iacgen::render(platform).unwrap_or_else(|p| panic!("{p:?}"))
}

fn file<'t>(tree: &'t Tree, path: &str) -> &'t str {
    tree.get(path)
        .unwrap_or_else(|| panic!("{path} is not generated"))
}

/// The value of `name = ...` in a tfvars or HCL text (single-line values).
fn attr<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Service `service`'s setting `name` in `terraform.tfvars` (its entry of `services`), as HCL
/// would print a string or null.
fn setting(tfvars: &str, service: &str, name: &str) -> Option<String> {
    let vars: serde_json::Value = hcl::from_str(tfvars).unwrap_or_else(|e| panic!("{e}"));
    match vars.get("services")?.get(service)?.get(name)? {
        serde_json::Value::String(text) => Some(format!("\"{text}\"")),
        serde_json::Value::Null => Some("null".to_string()),
        other => Some(other.to_string()),
    }
}

#[test]
fn a_service_runs_its_own_image_in_each_environment() {
    let rc = ecr("222222222222", "1.4.0-rc1");
    let release = ecr("333333333333", "1.3.2");
    let p = load(&spec(
        "",
        false,
        &format!("    api:\n      image: {{ staging: {rc}, prod: {release} }}\n"),
    ));
    let tree = terraform(&p);
    for (env, image, account) in [
        ("staging", &rc, "222222222222"),
        ("prod", &release, "333333333333"),
    ] {
        let tfvars = file(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            setting(tfvars, "api", "image").as_deref(),
            Some(format!("\"{image}\"").as_str()),
            "{env}"
        );
        // The execution role may pull from the repository of that environment's image.
        assert_eq!(
            setting(tfvars, "api", "image_repository_arn").as_deref(),
            Some(format!("\"arn:aws:ecr:eu-west-1:{account}:repository/api\"").as_str()),
            "{env}"
        );
        // Pulumi: the stack file holds the image, as terraform.tfvars does.
        let stack = pulumi_file(&p, &format!("Pulumi.{env}.yaml"));
        assert!(
            stack.contains(&format!("shop:serviceApiImage: \"{image}\"")),
            "{stack}"
        );
    }
    // The module code is the same for both: only the values differ.
    assert!(!file(&tree, "modules/ecs-service/main.tf").contains("1.4.0"));
}

#[test]
fn a_plain_image_is_the_image_of_every_environment() {
    let image = "nginx:1.27";
    let p = load(&spec(
        "",
        false,
        &format!("    api:\n      image: {image}\n"),
    ));
    let tree = terraform(&p);
    for env in ["staging", "prod"] {
        let tfvars = file(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            setting(tfvars, "api", "image").as_deref(),
            Some("\"nginx:1.27\"")
        );
        // Not in ECR: no repository to pull from, and Pulumi's stack leaves it out.
        assert_eq!(
            setting(tfvars, "api", "image_repository_arn").as_deref(),
            Some("null")
        );
        let stack = pulumi_file(&p, &format!("Pulumi.{env}.yaml"));
        assert!(!stack.contains("serviceApiImageRepositoryArn"), "{stack}");
    }
}

#[test]
fn each_image_is_checked_against_the_accounts_that_run_it() {
    // staging pulls from its own account's ECR; prod from staging's, which needs a policy.
    let text = spec(
        "",
        false,
        &format!(
            "    api:\n      image:\n        staging: {}\n        prod: {}\n",
            ecr("222222222222", "1.4.0-rc1"),
            ecr("222222222222", "1.3.2")
        ),
    );
    let loaded = load_str_warned(&text, Format::Yaml, "p.yaml").unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = loaded
        .warnings
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.contains("ecs.services.api.image"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "p.yaml:19:15: ecs.services.api.image.prod: the image is in the ECR of account \
             222222222222, but prod (333333333333) runs in another account"
        ),
        "{warnings:?}"
    );
    // An empty image is an error where it is written.
    let text = spec(
        "",
        false,
        "    api:\n      image: { staging: nginx, prod: \"\" }\n",
    );
    assert_eq!(
        errors(&text),
        [
            "p.yaml:17:38: ecs.services.api.image.prod: in prod: image is empty: give a container \
          image (like `nginx:1.27`)"
        ]
    );
    // Every environment needs an image.
    let text = spec("", false, "    api:\n      image: { staging: nginx }\n");
    assert_eq!(
        errors(&text),
        ["p.yaml:17:7: ecs.services.api.image: no value for prod: add `prod:` or `default:`"]
    );
}

#[test]
fn a_service_deployed_by_its_pipeline_keeps_the_revision_the_pipeline_deployed() {
    let p = load(&spec(
        "",
        false,
        "    api:\n      image: nginx:1.27\n      deploy: pipeline\n    \
         worker:\n      image: nginx:1.27\n",
    ));
    let tree = terraform(&p);
    let main = file(&tree, "environments/prod/main.tf");
    let source = |call: &str| {
        let block = main
            .split(&format!("module \"{call}\" {{"))
            .nth(1)
            .unwrap_or_else(|| panic!("no module {call}"));
        attr(block, "source").map(str::to_string)
    };
    assert_eq!(
        source("service_api").as_deref(),
        Some("\"../../modules/ecs-service-pipeline\"")
    );
    assert_eq!(
        source("service_worker").as_deref(),
        Some("\"../../modules/ecs-service\"")
    );
    // The next apply does not switch the pipeline's service back to Terraform's revision;
    // iacgen's own service still rolls out what the spec says.
    let pipeline = file(&tree, "modules/ecs-service-pipeline/main.tf");
    let own = file(&tree, "modules/ecs-service/main.tf");
    assert_eq!(
        attr(pipeline, "ignore_changes"),
        Some("[desired_count, task_definition]")
    );
    assert_eq!(attr(own, "ignore_changes"), Some("[desired_count]"));
    // Otherwise the two modules are the same code: the lifecycle is the only difference.
    let code = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#') && !l.contains("ignore_changes"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(code(own), code(pipeline));
    // Pulumi: one component class; the pipeline's service ignores its task definition.
    let program = pulumi_file(&p, "__main__.py");
    let call = |instance: &str| {
        program
            .split(&format!("{instance} = EcsService("))
            .nth(1)
            .and_then(|rest| rest.split("\n\n").next())
            .unwrap_or_else(|| panic!("no {instance}"))
            .to_string()
    };
    assert!(call("service_api").contains("pipeline_deploys=True"));
    assert!(call("service_worker").contains("pipeline_deploys=False"));
    let component = pulumi_file(&p, "components/ecs_service.py");
    let lines: Vec<&str> = component.lines().map(str::trim).collect();
    assert!(
        lines.windows(2).any(|w| w
            == [
                "[\"desired_count\", \"task_definition\"]",
                "if args.pipeline_deploys"
            ]),
        "{component}"
    );
    // Only `iacgen` or `pipeline`.
    let text = spec(
        "",
        false,
        "    api:\n      image: nginx\n      deploy: manual\n",
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("p.yaml:18:15: ecs.services.api.deploy: unknown value `manual`"),
        "{errs:?}"
    );
}

const BACKEND: &str = "backend:
  s3:
    bucket: { staging: shop-staging-state, prod: shop-prod-state }
    region: { default: eu-west-1, prod: eu-central-1 }
    key: { prod: legacy/shop.tfstate }
    role_arn: { prod: \"arn:aws:iam::999999999999:role/state\" }
    dynamodb_table: { staging: shop-locks }";

#[test]
fn each_environment_keeps_its_state_where_the_spec_says() {
    let p = load(&spec(BACKEND, false, "    api:\n      image: nginx\n"));
    let tree = terraform(&p);
    let staging = file(&tree, "environments/staging/backend.tf");
    assert_eq!(attr(staging, "bucket"), Some("\"shop-staging-state\""));
    assert_eq!(
        attr(staging, "key"),
        Some("\"shop/staging/terraform.tfstate\"")
    );
    assert_eq!(attr(staging, "region"), Some("\"eu-west-1\""));
    assert_eq!(attr(staging, "dynamodb_table"), Some("\"shop-locks\""));
    assert_eq!(attr(staging, "use_lockfile"), Some("true"));
    assert!(!staging.contains("assume_role"), "{staging}");
    let prod = file(&tree, "environments/prod/backend.tf");
    assert_eq!(attr(prod, "bucket"), Some("\"shop-prod-state\""));
    assert_eq!(attr(prod, "key"), Some("\"legacy/shop.tfstate\""));
    assert_eq!(attr(prod, "region"), Some("\"eu-central-1\""));
    assert_eq!(attr(prod, "dynamodb_table"), None);
    assert!(
        prod.contains(
            "assume_role = {\n      role_arn = \"arn:aws:iam::999999999999:role/state\"\n    }"
        ),
        "{prod}"
    );
    // Pulumi: one project file cannot name two backends; each stack's URL is in the README,
    // the role through an AWS profile (Pulumi's S3 backend cannot assume one itself).
    let project = pulumi_file(&p, "Pulumi.yaml");
    assert!(!project.contains("backend"), "{project}");
    let readme = pulumi_file(&p, "README.md");
    assert!(
        readme.contains("| staging | `s3://shop-staging-state/shop?region=eu-west-1` |"),
        "{readme}"
    );
    assert!(
        readme.contains(
            "| prod | `s3://shop-prod-state/shop?region=eu-central-1&profile=shop-prod-state` |"
        ),
        "{readme}"
    );
    assert!(
        readme
            .contains("[profile shop-prod-state]\nrole_arn = arn:aws:iam::999999999999:role/state"),
        "{readme}"
    );
    // The generated README says where each environment's state is.
    let root_readme = file(&tree, "README.md");
    assert!(
        root_readme.contains(
            "`s3://shop-prod-state/legacy/shop.tfstate` as `arn:aws:iam::999999999999:role/state`"
        ),
        "{root_readme}"
    );
}

#[test]
fn an_environment_a_key_prefix_does_not_name_keeps_the_project() {
    let backend = "backend:\n  s3: { bucket: shop-state, region: eu-west-1, key_prefix: { staging: team-a } }";
    let tree = terraform(&load(&spec(
        backend,
        false,
        "    api:\n      image: nginx\n",
    )));
    let key = |env: &str| {
        attr(
            file(&tree, &format!("environments/{env}/backend.tf")),
            "key",
        )
        .map(str::to_string)
    };
    assert_eq!(
        key("staging").as_deref(),
        Some("\"team-a/staging/terraform.tfstate\"")
    );
    assert_eq!(
        key("prod").as_deref(),
        Some("\"shop/prod/terraform.tfstate\"")
    );
}

#[test]
fn two_environments_never_share_a_state_object() {
    let backend = "backend:\n  s3: { bucket: shop-state, region: eu-west-1, key: shop.tfstate }";
    assert_eq!(
        errors(&spec(backend, false, "    api:\n      image: nginx\n")),
        [
            "p.yaml:5:53: backend.s3.key: staging and prod would keep their state in the same \
          object `s3://shop-state/shop.tfstate`: give each environment a key of its own"
        ]
    );
}

#[test]
fn backend_values_are_checked_where_they_are_written() {
    let backend = "backend:
  s3:
    bucket: { staging: Shop_State, prod: shop-state }
    region: { staging: eu-west-1 }
    role_arn: { prod: arn:aws:iam::999999999999:user/state }
    dynamodb_table: { staging: \"t\" }";
    let errs = errors(&spec(backend, false, "    api:\n      image: nginx\n"));
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(
        errs[0].starts_with("p.yaml:6:24: backend.s3.bucket.staging: in staging: bucket name"),
        "{errs:#?}"
    );
    assert_eq!(
        errs[1],
        "p.yaml:7:5: backend.s3.region: no value for prod: add `prod:` or `default:`"
    );
    assert_eq!(
        errs[2],
        "p.yaml:8:23: backend.s3.role_arn.prod: in prod: \
         `arn:aws:iam::999999999999:user/state` is not an IAM role ARN (like \
         `arn:aws:iam::123456789012:role/terraform`)"
    );
    assert!(
        errs[3].starts_with(
            "p.yaml:9:32: backend.s3.dynamodb_table.staging: in staging: `t` is not a \
             DynamoDB table name"
        ),
        "{errs:#?}"
    );
}

#[test]
fn the_provider_assumes_the_role_of_each_environment() {
    let p = load(&spec("", true, "    api:\n      image: nginx\n"));
    let tree = terraform(&p);
    for (env, account) in [("staging", "222222222222"), ("prod", "333333333333")] {
        let providers = file(&tree, &format!("environments/{env}/providers.tf"));
        assert!(
            providers.contains(
                "  assume_role {\n    role_arn     = var.assume_role_arn\n    session_name = \"iacgen-${var.environment}\"\n  }"
            ),
            "{providers}"
        );
        let role = format!("arn:aws:iam::{account}:role/terraform");
        let tfvars = file(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            attr(tfvars, "assume_role_arn"),
            Some(format!("\"{role}\"").as_str())
        );
        let stack = pulumi_file(&p, &format!("Pulumi.{env}.yaml"));
        assert!(
            stack.contains(&format!(
                "aws:assumeRoles:\n    - {{\"roleArn\":\"{role}\",\"sessionName\":\"iacgen-{env}\"}}"
            )),
            "{stack}"
        );
    }
    // The generated README says which role each environment's provider assumes.
    let readme = file(&tree, "README.md");
    assert!(
        readme.contains(
            "| prod | eu-west-1 | `333333333333` as `arn:aws:iam::333333333333:role/terraform` |"
        ),
        "{readme}"
    );
    // Without a role, no assume_role and no variable.
    let tree = terraform(&load(&spec("", false, "    api:\n      image: nginx\n")));
    let providers = file(&tree, "environments/prod/providers.tf");
    assert!(!providers.contains("assume_role"), "{providers}");
}

#[test]
fn the_provider_role_must_be_in_the_environments_account() {
    let text = spec("", true, "    api:\n      image: nginx\n")
        .replace("333333333333:role/terraform", "222222222222:role/terraform");
    assert_eq!(
        errors(&text),
        [
            "p.yaml:7:49: environments.prod.role_arn: the role is in account 222222222222 but \
          environment prod is account 333333333333: the provider may only run against \
          333333333333, so assume a role of that account \
          (`arn:aws:iam::333333333333:role/<name>`)"
        ]
    );
    let text = spec("", true, "    api:\n      image: nginx\n")
        .replace("arn:aws:iam::333333333333:role/terraform", "terraform");
    assert_eq!(
        errors(&text),
        [
            "p.yaml:7:49: environments.prod.role_arn: `terraform` is not an IAM role ARN (like \
          `arn:aws:iam::123456789012:role/terraform`)"
        ]
    );
}

#[test]
fn the_eks_version_may_differ_per_environment() {
    let text = spec("", false, "    api:\n      image: nginx\n").replace(
        "ecs:\n",
        "eks:
  version: { staging: \"1.35\", prod: \"1.34\" }
  allow_no_admins: true
  node_pools:
    system: { instance_types: [m6i.large] }
ecs:\n",
    );
    let p = load(&text);
    let tree = terraform(&p);
    for (env, version) in [("staging", "1.35"), ("prod", "1.34")] {
        let tfvars = file(&tree, &format!("environments/{env}/terraform.tfvars"));
        assert_eq!(
            attr(tfvars, "kubernetes_version"),
            Some(format!("\"{version}\"").as_str()),
            "{env}"
        );
        let stack = pulumi_file(&p, &format!("Pulumi.{env}.yaml"));
        assert!(
            stack.contains(&format!("shop:kubernetesVersion: \"{version}\"")),
            "{stack}"
        );
    }
    let errs = errors(&text.replace("\"1.34\"", "latest"));
    assert_eq!(
        errs,
        [
            "p.yaml:15:37: eks.version.prod: in prod: version `latest` is not a Kubernetes minor \
          version (like `1.33`)"
        ]
    );
}

/// A file of the Pulumi project of `platform`.
fn pulumi_file(platform: &Platform, path: &str) -> String {
    let tree = iacgen::pulumi::compile(platform);
    tree.get(path)
        .unwrap_or_else(|| panic!("pulumi/{path} is not generated"))
        .to_string()
}

/// A state in which the pipelines of both services of `examples/platform.yaml` deployed a
/// revision of their own: `iacgen plan` (as `terraform plan`) leaves the worker's alone, whose
/// pipeline owns its revision, and reports the api's, whose image iacgen deploys.
#[test]
fn plan_leaves_a_pipeline_deployed_revision_alone() {
    use iacgen::state::{self, Action, PlanOptions};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let platform = iacgen::spec::load_file(&root.join("examples/platform.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let tree = terraform(&platform);
    let text = std::fs::read_to_string(root.join("tests/fixtures/applied/platform.dev.tfstate"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    // The family of each module's task definition, from the task definition itself: the
    // shared tf-fake-apply leaves a service's `task_definition` empty when the service ignores
    // changes to it (it fills the ARN, unknown at the first plan, in a later one, which
    // ignore_changes then skips; a real apply sets it at creation).
    let families: std::collections::BTreeMap<String, String> = doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "aws_ecs_task_definition")
        .filter_map(|r| {
            let arn = r["instances"][0]["attributes"]["arn"].as_str()?;
            let (family, _) = arn.rsplit_once(':')?;
            Some((r["module"].as_str()?.to_string(), family.to_string()))
        })
        .collect();
    let mut deployed = 0;
    for resource in doc["resources"].as_array_mut().into_iter().flatten() {
        if resource["type"] == "aws_ecs_service" {
            let module = resource["module"].as_str().unwrap_or_default().to_string();
            for instance in resource["instances"].as_array_mut().into_iter().flatten() {
                let family = families
                    .get(&module)
                    .unwrap_or_else(|| panic!("no task definition in {module}"));
                instance["attributes"]["task_definition"] =
                    serde_json::json!(format!("{family}:7"));
                deployed += 1;
            }
        }
    }
    assert_eq!(deployed, 2);
    let state = state::read(doc.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let report =
        state::plan(&tree, "dev", &state, PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let action = |address: &str| {
        report
            .planned
            .iter()
            .find(|p| p.address.to_string() == address)
            .map(|p| p.action)
            .unwrap_or_else(|| panic!("{address} not planned"))
    };
    assert_eq!(
        action("module.service_worker.aws_ecs_service.this"),
        Action::Unchanged,
        "{}",
        report.to_text()
    );
    assert_ne!(
        action("module.service_api.aws_ecs_service.this"),
        Action::Unchanged,
        "{}",
        report.to_text()
    );
}
