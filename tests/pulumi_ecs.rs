//! The ECS components of the Pulumi target (`EcsCluster`, one `EcsService` per service), run
//! under Pulumi's mocks for every example with services: task sizes and architectures, load
//! balancers, listeners and secrets as the spec asks; plus the stack config against the
//! Terraform target's `terraform.tfvars`.

mod support;

use iacgen::model::ecs_service::{call_name, secret_env_name, sizing, writable_volumes};
use iacgen::model::{Architecture, Platform, Service, fargate};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const EXAMPLES: [&str; 6] = [
    "ecs-arm64-spot",
    "ecs-https",
    "ecs-internal",
    "ecs-long-names",
    "ecs-worker",
    "platform",
];

fn example(name: &str) -> Platform {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}.yaml"));
    iacgen::spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every example's platform and mock-run report, run once for all tests (`None` without the
/// tools).
fn reports() -> Option<&'static Vec<(Platform, Value)>> {
    static REPORTS: OnceLock<Option<Vec<(Platform, Value)>>> = OnceLock::new();
    REPORTS
        .get_or_init(|| {
            let tools = support::tools()?;
            Some(
                EXAMPLES
                    .iter()
                    .map(|name| {
                        let platform = example(name);
                        let report = support::mock_run(&tools, &platform);
                        (platform, report)
                    })
                    .collect(),
            )
        })
        .as_ref()
}

/// The resources of `env` whose parent is the component `instance`.
fn children<'a>(report: &'a Value, env: &str, instance: &str) -> Vec<&'a Value> {
    support::resources(report, env)
        .into_iter()
        .filter(|r| {
            r["parent"]
                .as_str()
                .is_some_and(|p| p.ends_with(&format!("::{instance}")))
        })
        .collect()
}

fn of_type<'a>(resources: &[&'a Value], kind: &str) -> Vec<&'a Value> {
    resources
        .iter()
        .copied()
        .filter(|r| r["type"] == kind)
        .collect()
}

/// Every service of every example in every environment, with its component's resources.
fn each_service(mut check: impl FnMut(&Platform, &str, &str, &Service, &[&Value], &Value)) {
    let Some(reports) = reports() else { return };
    for (platform, report) in reports {
        let Some(ecs) = &platform.ecs else { continue };
        for env in platform.env_names() {
            for (name, svc) in &ecs.services {
                let resources = children(report, env, &call_name(name));
                assert!(!resources.is_empty(), "{}: no {name}", platform.project);
                check(platform, env, name, svc, &resources, report);
            }
        }
    }
}

fn json_input(resource: &Value, key: &str) -> Value {
    let text = resource["inputs"][key].as_str().unwrap_or_default();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{key}: {e}: {text}"))
}

/// The statements of a service's execution role policy, by `Sid`.
fn execution_statements(resources: &[&Value]) -> BTreeMap<String, Value> {
    // The task role's `ecs-exec` policy (with `exec: true`) is not the execution role's.
    let policies: Vec<_> = of_type(resources, "aws:iam/rolePolicy:RolePolicy")
        .into_iter()
        .filter(|p| p["inputs"]["name"] != "ecs-exec")
        .collect();
    assert_eq!(policies.len(), 1);
    json_input(policies[0], "policy")["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| (s["Sid"].as_str().unwrap_or_default().to_string(), s.clone()))
        .collect()
}

/// `"a"` or `["a", "b"]` as a set, as IAM reads both.
fn strings(value: &Value) -> BTreeSet<String> {
    match value {
        Value::String(s) => BTreeSet::from([s.clone()]),
        other => other
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    }
}

#[test]
fn every_task_is_a_fargate_size_on_the_spec_architecture() {
    each_service(|platform, env, name, svc, resources, _| {
        let tasks = of_type(resources, "aws:ecs/taskDefinition:TaskDefinition");
        assert_eq!(tasks.len(), 1, "{name}");
        let task = &tasks[0]["inputs"];
        let family = format!("{}-{env}-{name}", platform.project);
        assert_eq!(task["family"], family.as_str());
        let number = |key: &str| {
            task[key]
                .as_str()
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or_else(|| panic!("{name}: {key} = {}", task[key]))
        };
        let (cpu, memory) = (number("cpu"), number("memory"));
        assert_eq!(fargate::check(cpu, memory), Ok(()), "{name} ({env})");
        let spec = sizing(svc, env);
        assert_eq!((cpu, memory), (spec.cpu, spec.memory), "{name} ({env})");
        let architecture = match svc.architecture {
            Architecture::X86_64 => "X86_64",
            Architecture::Arm64 => "ARM64",
        };
        assert_eq!(task["runtimePlatform"]["cpuArchitecture"], architecture);
        assert_eq!(task["runtimePlatform"]["operatingSystemFamily"], "LINUX");
        assert_eq!(
            task["requiresCompatibilities"],
            serde_json::json!(["FARGATE"])
        );

        let containers = json_input(tasks[0], "containerDefinitions");
        let container = &containers[0];
        assert_eq!(
            container["image"],
            svc.image.get(env).expect("image").as_str()
        );
        assert_eq!(container["readonlyRootFilesystem"], true);
        assert_eq!(container["privileged"], false);
        let ports: Vec<u64> = container["portMappings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["containerPort"].as_u64())
            .collect();
        assert_eq!(
            ports,
            svc.port.map(u64::from).into_iter().collect::<Vec<_>>()
        );
        assert_eq!(
            container["logConfiguration"]["options"]["awslogs-group"],
            format!("/ecs/{family}")
        );

        let capacity = if svc.capacity == iacgen::model::Capacity::Spot {
            "FARGATE_SPOT"
        } else {
            "FARGATE"
        };
        let services = of_type(resources, "aws:ecs/service:Service");
        assert_eq!(services.len(), 1);
        let service = &services[0]["inputs"];
        assert_eq!(
            service["capacityProviderStrategies"][0]["capacityProvider"],
            capacity
        );
        assert_eq!(service["networkConfiguration"]["assignPublicIp"], false);
        assert_eq!(service["deploymentCircuitBreaker"]["rollback"], true);
    });
}

#[test]
fn internal_services_get_no_public_load_balancer() {
    each_service(|_, env, name, svc, resources, report| {
        let network = children(report, env, "network");
        let subnets = |tier: &str| -> BTreeSet<String> {
            of_type(&network, "aws:ec2/subnet:Subnet")
                .into_iter()
                .filter(|s| s["inputs"]["tags"]["Tier"] == tier)
                .filter_map(|s| s["id"].as_str().map(str::to_string))
                .collect()
        };
        let vpc_cidr = of_type(&network, "aws:ec2/vpc:Vpc")[0]["inputs"]["cidrBlock"].clone();
        let balancers = of_type(resources, "aws:lb/loadBalancer:LoadBalancer");
        let ingress = of_type(
            resources,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        );
        let Some(lb) = &svc.load_balancer else {
            assert!(
                balancers.is_empty(),
                "{name}: a load balancer without a port"
            );
            assert!(ingress.is_empty(), "{name}: a worker admits traffic");
            assert!(of_type(resources, "aws:lb/listener:Listener").is_empty());
            return;
        };
        assert_eq!(balancers.len(), 1, "{name}");
        let inputs = &balancers[0]["inputs"];
        assert_eq!(inputs["internal"], !lb.public, "{name}");
        let used: BTreeSet<String> = strings(&inputs["subnets"]);
        let tier = if lb.public { "public" } else { "private" };
        assert_eq!(used, subnets(tier), "{name}: load balancer subnets");
        // Clients reach the listeners from anywhere only on a public load balancer.
        for rule in ingress {
            let rule = &rule["inputs"];
            if rule["referencedSecurityGroupId"].is_string() {
                assert_eq!(rule["fromPort"], svc.port.map_or(0, u64::from));
                continue;
            }
            let open = rule["cidrIpv4"] == "0.0.0.0/0";
            assert_eq!(open, lb.public, "{name}: {rule}");
            if !lb.public {
                assert_eq!(rule["cidrIpv4"], vpc_cidr, "{name}");
            }
        }
    });
}

#[test]
fn with_a_certificate_http_only_redirects_to_https() {
    each_service(|_, env, name, svc, resources, _| {
        let Some(lb) = &svc.load_balancer else { return };
        let listeners = of_type(resources, "aws:lb/listener:Listener");
        let by_port = |port: u64| {
            listeners
                .iter()
                .find(|l| l["inputs"]["port"] == port)
                .map(|l| &l["inputs"])
        };
        let http = by_port(80).unwrap_or_else(|| panic!("{name}: no HTTP listener"));
        let action = &http["defaultActions"][0];
        match lb.certificate_arn.as_ref().and_then(|arn| arn.get(env)) {
            Some(certificate) => {
                assert_eq!(listeners.len(), 2, "{name}");
                assert_eq!(action["type"], "redirect", "{name}");
                assert_eq!(action["redirect"]["protocol"], "HTTPS");
                let https = by_port(443).unwrap_or_else(|| panic!("{name}: no HTTPS"));
                assert_eq!(https["protocol"], "HTTPS");
                assert_eq!(https["certificateArn"], certificate.as_str());
                assert!(
                    https["sslPolicy"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("ELBSecurityPolicy-TLS13")),
                    "{name}: {}",
                    https["sslPolicy"]
                );
                assert_eq!(https["defaultActions"][0]["type"], "forward");
            }
            None => {
                assert_eq!(listeners.len(), 1, "{name}");
                assert_eq!(action["type"], "forward", "{name}");
            }
        }
    });
}

#[test]
fn services_wait_for_the_forwarding_listener_and_the_capacity_providers() {
    each_service(|platform, env, name, svc, resources, report| {
        let all = support::resources(report, env);
        let capacity = of_type(
            &all,
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        );
        assert_eq!(capacity.len(), 1, "{}", platform.project);
        let services = of_type(resources, "aws:ecs/service:Service");
        assert_eq!(services.len(), 1, "{name}");
        let depends = strings(&services[0]["dependencies"]);
        let urn = |r: &Value| r["urn"].as_str().unwrap_or_default().to_string();
        assert!(
            depends.contains(&urn(capacity[0])),
            "{name} in {env}: the service does not wait for the capacity providers"
        );
        let Some(lb) = &svc.load_balancer else { return };
        let forwarding_port = if lb.certificate_arn.is_some() {
            443
        } else {
            80
        };
        let listeners = of_type(resources, "aws:lb/listener:Listener");
        let forwarding = listeners
            .iter()
            .find(|l| l["inputs"]["port"] == forwarding_port)
            .unwrap_or_else(|| panic!("{name}: no listener on {forwarding_port}"));
        assert_eq!(forwarding["inputs"]["defaultActions"][0]["type"], "forward");
        assert!(
            depends.contains(&urn(forwarding)),
            "{name} in {env}: the service does not wait for the listener that forwards"
        );
    });
}

#[test]
fn deployments_wait_for_a_steady_state_with_the_specs_grace_period() {
    each_service(|_, env, name, svc, resources, _| {
        let services = of_type(resources, "aws:ecs/service:Service");
        let inputs = &services[0]["inputs"];
        assert_eq!(inputs["waitForSteadyState"], true, "{name} in {env}");
        assert_eq!(inputs["deploymentCircuitBreaker"]["rollback"], true);
        let grace = &inputs["healthCheckGracePeriodSeconds"];
        match &svc.load_balancer {
            Some(_) => assert_eq!(*grace, svc.health_check_grace_period_seconds, "{name}"),
            None => assert!(grace.is_null(), "{name}: {grace}"),
        }
    });
}

#[test]
fn exec_and_writable_paths_as_the_spec_asks() {
    each_service(|_, env, name, svc, resources, _| {
        let services = of_type(resources, "aws:ecs/service:Service");
        assert_eq!(
            services[0]["inputs"]["enableExecuteCommand"], svc.exec,
            "{name} in {env}"
        );
        let volumes = writable_volumes(svc);
        let task = of_type(resources, "aws:ecs/taskDefinition:TaskDefinition");
        let declared: BTreeSet<String> = task[0]["inputs"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["name"].as_str().map(str::to_string))
            .collect();
        assert_eq!(declared, volumes.keys().cloned().collect(), "{name}");
        let container = &json_input(task[0], "containerDefinitions")[0];
        let mounted: BTreeMap<String, String> = container["mountPoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                assert_eq!(m["readOnly"], false);
                (
                    m["sourceVolume"].as_str().unwrap_or_default().to_string(),
                    m["containerPath"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        assert_eq!(mounted, volumes, "{name}");
        assert_eq!(container["readonlyRootFilesystem"], true);
        let task_policies: Vec<_> = of_type(resources, "aws:iam/rolePolicy:RolePolicy")
            .into_iter()
            .filter(|p| p["inputs"]["name"] == "ecs-exec")
            .collect();
        assert_eq!(task_policies.len(), usize::from(svc.exec), "{name}");
        if let Some(policy) = task_policies.first() {
            let actions: BTreeSet<String> = json_input(policy, "policy")["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| strings(&s["Action"]))
                .collect();
            assert!(
                actions.contains("ssmmessages:OpenDataChannel"),
                "{actions:?}"
            );
            assert!(actions.contains("kms:Decrypt"), "{actions:?}");
        }
    });
}

#[test]
fn each_execution_role_reads_exactly_its_own_secrets() {
    let mut checked = 0;
    each_service(|platform, env, name, svc, resources, report| {
        let statements = execution_statements(resources);
        let secret_arns: BTreeMap<String, String> = support::resources(report, env)
            .into_iter()
            .filter(|r| r["type"] == "aws:secretsmanager/secret:Secret")
            .filter_map(|r| {
                Some((
                    r["inputs"]["name"].as_str()?.to_string(),
                    r["id"].as_str()?.to_string(),
                ))
            })
            .collect();
        let own: BTreeSet<String> = svc
            .secrets
            .iter()
            .map(|secret| {
                let physical = format!("{}-{env}/{secret}", platform.project);
                secret_arns
                    .get(&physical)
                    .cloned()
                    .unwrap_or_else(|| panic!("{name}: no secret {physical}"))
            })
            .collect();
        let tasks = of_type(resources, "aws:ecs/taskDefinition:TaskDefinition");
        let containers = json_input(tasks[0], "containerDefinitions");
        let injected: BTreeMap<String, String> = containers[0]["secrets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s["name"].as_str()?.to_string(),
                    s["valueFrom"].as_str()?.to_string(),
                ))
            })
            .collect();
        let env_names: BTreeSet<String> = svc.secrets.iter().map(|s| secret_env_name(s)).collect();
        assert_eq!(
            injected.keys().cloned().collect::<BTreeSet<_>>(),
            env_names,
            "{name}"
        );
        assert_eq!(
            injected.values().cloned().collect::<BTreeSet<_>>(),
            own,
            "{name}"
        );
        match statements.get("ReadSecrets") {
            Some(read) => {
                assert_eq!(strings(&read["Resource"]), own, "{name}");
                assert_eq!(read["Action"], "secretsmanager:GetSecretValue");
                let decrypt = &statements["DecryptSecrets"];
                assert_eq!(
                    decrypt["Condition"]["StringEquals"]["kms:ViaService"],
                    format!(
                        "secretsmanager.{}.amazonaws.com",
                        platform.region.get(env).cloned().unwrap_or_default()
                    )
                );
                checked += 1;
            }
            None => {
                assert!(own.is_empty(), "{name}: cannot read its secrets");
                assert!(!statements.contains_key("DecryptSecrets"), "{name}");
            }
        }
        // Whatever else it may do, the role reads no other secret.
        for (sid, statement) in &statements {
            if sid != "ReadSecrets" {
                assert!(
                    strings(&statement["Action"])
                        .iter()
                        .all(|a| !a.starts_with("secretsmanager:")),
                    "{name}: {sid}"
                );
            }
        }
    });
    if reports().is_some() {
        assert!(checked > 0, "no example service has secrets");
    }
}

/// Adds a copy of `from` named `name` to the platform's services.
fn with_service(platform: &Platform, from: &str, name: &str) -> Platform {
    let mut bigger = platform.clone();
    if let Some(ecs) = &mut bigger.ecs
        && let Some(svc) = ecs.services.get(from).cloned()
    {
        ecs.services.insert(name.to_string(), svc);
    }
    bigger
}

/// Each resource as `(type, name) → inputs` (the URN's name is unique per type).
fn inventory(report: &Value, env: &str) -> BTreeMap<(String, String), Value> {
    support::resources(report, env)
        .into_iter()
        .map(|r| {
            (
                (
                    r["type"].as_str().unwrap_or_default().to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                ),
                r["inputs"].clone(),
            )
        })
        .collect()
}

#[test]
fn adding_a_service_only_adds_its_own_resources() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = example("ecs-arm64-spot");
    let before = support::mock_run(&tools, &platform);
    let after = support::mock_run(&tools, &with_service(&platform, "api", "search"));
    for env in platform.env_names() {
        let old = inventory(&before, env);
        let new = inventory(&after, env);
        for (key, inputs) in &old {
            // The dashboard gains the new service's section and the failed-deployment rule
            // its ARN; nothing else changes.
            if key.0 == "aws:cloudwatch/dashboard:Dashboard"
                || key.0 == "aws:cloudwatch/eventRule:EventRule"
            {
                continue;
            }
            assert_eq!(new.get(key), Some(inputs), "{key:?} changed");
        }
        let added: Vec<&Value> = support::resources(&after, env)
            .into_iter()
            .filter(|r| {
                let key = (
                    r["type"].as_str().unwrap_or_default().to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                );
                !old.contains_key(&key)
            })
            .collect();
        let own = children(&after, env, "service_search");
        // The observability component watches every service: the new one gets its alarms.
        let alarms: Vec<&&Value> = added
            .iter()
            .filter(|r| {
                r["parent"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("::observability"))
            })
            .collect();
        assert!(
            alarms.iter().all(|r| {
                r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
                    && r["name"].as_str().is_some_and(|n| n.contains("-search-"))
            }),
            "observability resources other than the new service's alarms"
        );
        assert_eq!(
            added.len(),
            own.len() + alarms.len(),
            "resources outside service_search"
        );
        // The same kinds of resources as the service it copies.
        let kinds = |resources: Vec<&Value>| {
            let mut kinds: Vec<String> = resources
                .iter()
                .map(|r| r["type"].as_str().unwrap_or_default().to_string())
                .collect();
            kinds.sort();
            kinds
        };
        assert_eq!(kinds(own), kinds(children(&after, env, "service_api")));
    }
}

#[test]
fn an_invalid_task_size_in_the_stack_config_stops_the_run() {
    let Some(tools) = support::tools() else {
        return;
    };
    let platform = example("ecs-arm64-spot");
    let tree = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    iacgen::tree::write(&tree, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let stack: PathBuf = dir.path().join("Pulumi.dev.yaml");
    let text = std::fs::read_to_string(&stack).unwrap_or_else(|e| panic!("{e}"));
    // cpu 1024 needs 2048–8192 MiB.
    let edited = text.replace(
        "thumbs:serviceApiMemory: 2048",
        "thumbs:serviceApiMemory: 512",
    );
    assert_ne!(edited, text);
    std::fs::write(&stack, edited).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(tools.join("bin/pulumi-check"))
        .arg(dir.path())
        .args(["--checker", "none", "-q"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("cpu and memory must be a Fargate task size"),
        "{text}"
    );
}

/// `service_api_cpu` → `serviceApiCpu`
fn camel(snake: &str) -> String {
    let mut parts = snake.split('_');
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

#[test]
fn stack_config_holds_what_terraform_keeps_in_tfvars() {
    for name in EXAMPLES {
        let platform = example(name);
        let terraform = iacgen::render(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        let pulumi = iacgen::render_pulumi(&platform).unwrap_or_else(|p| panic!("{p:?}"));
        for env in platform.env_names() {
            let tfvars = terraform
                .get(&format!("environments/{env}/terraform.tfvars"))
                .unwrap_or_else(|| panic!("{name}: no tfvars for {env}"));
            let tfvars: serde_json::Map<String, Value> =
                hcl::from_str(tfvars).unwrap_or_else(|e| panic!("{name}: {e}"));
            let stack = pulumi
                .get(&format!("Pulumi.{env}.yaml"))
                .unwrap_or_else(|| panic!("{name}: no stack {env}"));
            let stack: Value = serde_saphyr::from_str(stack).unwrap_or_else(|e| panic!("{e}"));
            let mut compared = 0;
            // Terraform keeps each service's settings in one map (`services.api.cpu`), Pulumi
            // under its own keys (`serviceApiCpu`), as the service's call names them.
            let mut settings: Vec<(String, &Value)> = tfvars
                .iter()
                .filter(|(k, _)| k.starts_with("ecs_"))
                .map(|(k, v)| (k.clone(), v))
                .collect();
            for group in ["services", "pipeline_services"] {
                for (service, entry) in tfvars
                    .get(group)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    for (attr, value) in entry.as_object().into_iter().flatten() {
                        let call = service.replace('-', "_");
                        settings.push((format!("service_{call}_{attr}"), value));
                    }
                }
            }
            for (key, value) in settings {
                let config = format!("{}:{}", platform.project, camel(&key));
                // A null setting (an image outside ECR has no repository) is left out of the
                // stack, where `config.get` reads it as None.
                if value.is_null() {
                    assert!(
                        stack["config"].get(&config).is_none(),
                        "{name} ({env}): {config} is set"
                    );
                    continue;
                }
                assert_eq!(
                    &stack["config"][&config], value,
                    "{name} ({env}): {config} differs from {key}"
                );
                compared += 1;
            }
            // Every ECS setting of the stack comes from a Terraform variable.
            let ours = stack["config"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| {
                    let key = k.split_once(':').map_or("", |(_, key)| key);
                    key.starts_with("ecs") || key.starts_with("service")
                })
                .count();
            assert_eq!(ours, compared, "{name} ({env})");
        }
    }
}
