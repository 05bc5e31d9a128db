//! `ecs.services`: Fargate sizes, ports, load balancers, autoscaling, variables and secrets.

use super::checker::{Checker, Issue, did_you_mean, list, path};
use super::eks::COMPONENT_NAME_MAX;
use super::network::facts;
use super::syntax;
use crate::model::ecr::ecr_repository_arn;
use crate::model::ecs_service::{EXEC_AGENT_PATHS, volume_name};
use crate::model::tags::tag_set;
use crate::model::{AccessLogs, Autoscaling, LoadBalancer, Service};

pub(super) fn check(c: &mut Checker) {
    let Some(ecs) = &c.p.ecs else { return };
    for (name, service) in &ecs.services {
        check_service(c, name, service);
    }
}

fn field<'a>(service: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut f = vec!["ecs", "services", service];
    f.extend_from_slice(rest);
    f
}

fn check_service(c: &mut Checker, name: &str, s: &Service) {
    if let Some(m) = syntax::name("service name", name, COMPONENT_NAME_MAX, &['-']) {
        c.push(path(&field(name, &[])), m);
    }
    let image_field = field(name, &["image"]);
    c.shape(&image_field, &s.image, true);
    c.value(&image_field, &s.image, |image| {
        if image.trim().is_empty() {
            Some("image is empty: give a container image (like `nginx:1.27`)".to_string())
        } else if image.chars().any(char::is_whitespace) {
            Some(format!("image `{image}` contains whitespace"))
        } else {
            None
        }
    });
    size(c, name, s);
    image_account(c, name, s);
    // arm64 on Fargate Spot is allowed: the ECS API reference (CapacityProviderStrategyItem)
    // documents FARGATE_SPOT for ARM64 on platform 1.4.0+, although an older developer-guide
    // page still says x86_64 only.
    if s.port == Some(0) {
        c.push(
            path(&field(name, &["port"])),
            "port 0 is out of range (1–65535)",
        );
    }
    c.shape(&field(name, &["desired"]), &s.desired, true);
    if s.health_check_grace_period_seconds > 2_147_483_647 {
        c.push(
            path(&field(name, &["health_check_grace_period_seconds"])),
            format!(
                "health_check_grace_period_seconds {} is out of range (0 to 2147483647)",
                s.health_check_grace_period_seconds
            ),
        );
    }
    if let Some(lb) = &s.load_balancer {
        load_balancer(c, name, s, lb);
    }
    if let Some(auto) = &s.autoscaling {
        autoscaling(c, name, auto);
        desired_within_bounds(c, name, s, auto);
    }
    secrets_and_environment(c, name, s);
    writable_paths(c, name, s);
}

/// Each a distinct absolute path below `/`, so each can be its own task volume.
fn writable_paths(c: &mut Checker, name: &str, s: &Service) {
    let mut volumes: Vec<String> = Vec::new();
    for (i, p) in s.writable_paths.iter().enumerate() {
        let at = path(&field(name, &["writable_paths", &i.to_string()]));
        let valid = p.starts_with('/')
            && !p.trim_matches('/').is_empty()
            && p.len() <= 4096
            && !p.split('/').any(|part| part == "." || part == "..")
            && p.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "/-_.".contains(ch));
        if !valid {
            c.push(
                at,
                format!(
                    "writable path `{p}` must be an absolute path below `/` of letters, digits, \
                     `-`, `_` and `.` (like `/tmp` or `/var/cache/nginx`)"
                ),
            );
            continue;
        }
        let volume = volume_name(p);
        if volumes.contains(&volume) {
            c.push(
                at,
                format!(
                    "writable path `{p}` is listed twice (or names the same volume `{volume}`)"
                ),
            );
            continue;
        }
        if s.exec && EXEC_AGENT_PATHS.iter().any(|e| volume_name(e) == volume) {
            c.push(
                at,
                format!("`{p}` is already writable: `exec: true` adds it for the ECS Exec agent"),
            );
            continue;
        }
        volumes.push(volume);
    }
}

/// CPU and memory: a valid Fargate pair in every environment.
fn size(c: &mut Checker, name: &str, s: &Service) {
    let cpu_field = field(name, &["cpu"]);
    let memory_field = field(name, &["memory"]);
    c.shape(&cpu_field, &s.cpu, true);
    c.shape(&memory_field, &s.memory, true);
    c.value(&cpu_field, &s.cpu, |cpu| {
        crate::model::fargate::memory_choice(*cpu)
            .is_none()
            .then(|| {
                format!(
                    "cpu {cpu} is not a Fargate CPU size (valid: {})",
                    list(
                        crate::model::fargate::TASK_SIZES
                            .iter()
                            .map(|(c, _)| c.to_string())
                    )
                )
            })
    });
    c.per_env(s.cpu.varies() || s.memory.varies(), |env| {
        let (Some(cpu), Some(memory)) = (s.cpu.get(env), s.memory.get(env)) else {
            return Vec::new();
        };
        match crate::model::fargate::memory_choice(*cpu) {
            Some(allowed) if !allowed.allows(*memory) => vec![Issue::keyed(
                &memory_field,
                &[],
                format!(
                    "memory {memory} is not valid with cpu {cpu} (valid: {})",
                    allowed.describe()
                ),
            )],
            _ => Vec::new(),
        }
    });
}

fn load_balancer(c: &mut Checker, name: &str, s: &Service, lb: &LoadBalancer) {
    if s.port.is_none() {
        c.push(
            path(&field(name, &["load_balancer"])),
            "a load balancer needs `port`: the port the container listens on",
        );
    }
    let hc = &lb.health_check_path;
    if !hc.starts_with('/') || hc.chars().any(char::is_whitespace) || hc.len() > 1024 {
        c.push(
            path(&field(name, &["load_balancer", "health_check_path"])),
            format!(
                "health_check_path `{hc}` must be a URL path starting with `/`, without spaces, \
                 at most 1024 characters"
            ),
        );
    }
    if let Some(logs) = &lb.access_logs {
        access_logs(c, name, logs);
    }
    if lb.public {
        plain_http_under_compliance(c, name, lb);
    }
    let Some(arns) = &lb.certificate_arn else {
        return;
    };
    let cert_field = field(name, &["load_balancer", "certificate_arn"]);
    if !c.shape(&cert_field, arns, true) {
        return;
    }
    let mut valid = true;
    c.value(&cert_field, arns, |arn| {
        let problem = syntax::acm_certificate_arn(arn).err();
        valid &= problem.is_none();
        problem
    });
    if !valid {
        return;
    }
    let p = c.p;
    c.per_env(p.region.varies() || arns.varies(), |env| {
        let Some(arn) = arns.get(env) else {
            return Vec::new();
        };
        let mut issues = Vec::new();
        let at = |m: String| {
            if arns.varies() {
                Issue::keyed(&cert_field, &[], m)
            } else {
                Issue::at(&cert_field, m)
            }
        };
        let cert_region = syntax::acm_certificate_arn(arn).unwrap_or_default();
        if let Some(region) = facts(p, env).region
            && region != cert_region
        {
            issues.push(at(format!(
                "the certificate is in {cert_region} but the load balancer is in {region}: an ALB \
                 needs a certificate from its own region"
            )));
        }
        let cert_account = arn_account(arn);
        if let Some(account) = p.environment(env).and_then(|e| e.account_id.as_deref())
            && cert_account != Some(account)
        {
            issues.push(at(format!(
                "the certificate belongs to account {} but {env} runs in account {account}: an \
                 ALB can only use a certificate of its own account (give one per environment, \
                 like `certificate_arn: {{ {env}: arn:aws:acm:...:{account}:certificate/... }}`)",
                cert_account.unwrap_or("?")
            )));
        }
        issues
    });
}

fn access_logs(c: &mut Checker, name: &str, logs: &AccessLogs) {
    let bucket_field = field(name, &["load_balancer", "access_logs", "bucket"]);
    c.shape(&bucket_field, &logs.bucket, true);
    c.value(&bucket_field, &logs.bucket, |b| syntax::bucket_name(b));
    if let Some(prefix) = &logs.prefix {
        // Elastic Load Balancing refuses a prefix with `AWSLogs` (it adds that itself) or
        // one that starts or ends with `/`.
        if prefix.is_empty()
            || prefix.starts_with('/')
            || prefix.ends_with('/')
            || prefix.contains("AWSLogs")
            || prefix.chars().any(char::is_whitespace)
        {
            c.push(
                path(&field(name, &["load_balancer", "access_logs", "prefix"])),
                format!(
                    "prefix `{prefix}` must be a key prefix without `/` at either end, without \
                     `AWSLogs` (which Elastic Load Balancing adds) and without spaces, like \
                     `alb/web`"
                ),
            );
        }
    }
}

/// A public load balancer without a certificate serves plain HTTP to the internet: worth a
/// word in an environment tagged `Compliance` (PCI DSS and most others want TLS there).
fn plain_http_under_compliance(c: &mut Checker, name: &str, lb: &LoadBalancer) {
    let lb_field = field(name, &["load_balancer"]);
    let p = c.p;
    for env in c.envs.clone() {
        let tags = tag_set(p, env);
        let Some(compliance) = tags.get(COMPLIANCE_TAG) else {
            continue;
        };
        if lb
            .certificate_arn
            .as_ref()
            .is_some_and(|arns| arns.get(env).is_some())
        {
            continue;
        }
        c.warn(
            path(&lb_field),
            format!(
                "in {env}: a public load balancer without `certificate_arn` serves plain HTTP to \
                 the internet in an environment tagged {COMPLIANCE_TAG}: {compliance}; give it a \
                 certificate (HTTP then only redirects to HTTPS){}",
                if lb.access_logs.is_none() {
                    ", and consider `access_logs`"
                } else {
                    ""
                }
            ),
        );
    }
}

/// The tag key that marks an environment under a compliance regime (any value).
const COMPLIANCE_TAG: &str = "Compliance";

/// The account field of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// An image in another account's ECR works only when that repository's policy lets the
/// environment's account pull; iacgen grants the task execution role its side and cannot see
/// the repository's. A central registry account is common, so this warns rather than refuses.
fn image_account(c: &mut Checker, name: &str, s: &Service) {
    let image_field = field(name, &["image"]);
    // Each written image (the plain one, the `default`, an environment's own) against the
    // accounts of the environments that run it.
    for (at, _, image) in c.written(&image_field, &s.image) {
        let Some(repository) = ecr_repository_arn(image) else {
            continue;
        };
        let Some(registry) = arn_account(&repository).map(str::to_string) else {
            continue;
        };
        let own = at.last().filter(|k| s.image.by_env.contains_key(*k));
        let others: Vec<String> = c
            .envs
            .iter()
            .filter(|env| match own {
                Some(key) => key == *env,
                None => !s.image.by_env.contains_key(**env),
            })
            .filter_map(|env| {
                let account = c.p.environment(env)?.account_id.as_deref()?;
                (account != registry).then(|| format!("{env} ({account})"))
            })
            .collect();
        if others.is_empty() {
            continue;
        }
        c.warn(
            at,
            format!(
                "the image is in the ECR of account {registry}, but {} run{} in another \
                 account: the repository's policy must allow {} to pull (ecr:BatchGetImage, \
                 ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability); iacgen grants \
                 only the task execution role's side",
                list(&others),
                if others.len() == 1 { "s" } else { "" },
                if others.len() == 1 {
                    "that account"
                } else {
                    "those accounts"
                },
            ),
        );
    }
}

fn autoscaling(c: &mut Checker, name: &str, a: &Autoscaling) {
    let min_field = field(name, &["autoscaling", "min"]);
    let max_field = field(name, &["autoscaling", "max"]);
    c.shape(&min_field, &a.min, true);
    c.shape(&max_field, &a.max, true);
    c.per_env(a.min.varies() || a.max.varies(), |env| {
        let (Some(&min), Some(&max)) = (a.min.get(env), a.max.get(env)) else {
            return Vec::new();
        };
        if max < 1 {
            vec![Issue::keyed(
                &max_field,
                &[],
                "autoscaling max must be at least 1",
            )]
        } else if min > max {
            vec![Issue::keyed(
                &min_field,
                &[],
                format!("autoscaling min {min} is above max {max}"),
            )]
        } else {
            Vec::new()
        }
    });
    for (target, value) in [
        ("cpu_target", a.cpu_target),
        ("memory_target", a.memory_target),
    ] {
        if let Some(v) = value
            && !(1..=100).contains(&v)
        {
            c.push(
                path(&field(name, &["autoscaling", target])),
                format!("{target} {v} is not a percentage (1 to 100)"),
            );
        }
    }
}

/// `desired` outside `autoscaling.min..max` is written clamped into the range (the scalable
/// target would move it there at once): say so rather than change the number silently. A
/// warning, not an error: the SPEC.md example itself starts staging below its minimum.
fn desired_within_bounds(c: &mut Checker, name: &str, s: &Service, a: &Autoscaling) {
    let desired_field = field(name, &["desired"]);
    c.per_env(
        s.desired.varies() || a.min.varies() || a.max.varies(),
        |env| {
            let (Some(&desired), Some(&min), Some(&max)) =
                (s.desired.get(env), a.min.get(env), a.max.get(env))
            else {
                return Vec::new();
            };
            if min > max {
                return Vec::new(); // reported at autoscaling.min
            }
            let (bound, written) = if desired < min {
                ("below autoscaling min", min)
            } else if desired > max {
                ("above autoscaling max", max)
            } else {
                return Vec::new();
            };
            vec![
                Issue::keyed(
                    &desired_field,
                    &[],
                    format!(
                        "desired {desired} is {bound} {written}: iacgen writes desired_count = \
                         {written}, as Application Auto Scaling would set it; write {written} \
                         to say so, or change the bounds"
                    ),
                )
                .warning(),
            ]
        },
    );
}

/// The variable name a secret is most likely exposed under, for the clash check.
fn secret_variable(secret: &str) -> String {
    secret.to_ascii_uppercase().replace('-', "_")
}

fn secrets_and_environment(c: &mut Checker, name: &str, s: &Service) {
    let defined = &c.p.secrets;
    for (i, secret) in s.secrets.iter().enumerate() {
        let at = path(&field(name, &["secrets", &i.to_string()]));
        if s.secrets[..i].contains(secret) {
            c.push(at, format!("secret `{secret}` is listed twice"));
        } else if !defined.contains_key(secret) {
            let names = if defined.is_empty() {
                "none".to_string()
            } else {
                list(defined.keys())
            };
            c.push(
                at,
                format!(
                    "unknown secret `{secret}` (defined: {names}){}",
                    did_you_mean(secret, defined.keys().map(String::as_str))
                ),
            );
        }
    }
    for key in s.environment.keys() {
        let at = path(&field(name, &["environment", key]));
        if let Some(m) = syntax::env_var_name(key) {
            c.push(at, m);
        } else if let Some(secret) = s
            .secrets
            .iter()
            .find(|secret| *secret == key || secret_variable(secret) == *key)
        {
            c.push(
                at,
                format!(
                    "`{key}` is also the variable of secret `{secret}`: a variable is either a \
                     plain value or a secret, not both"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::fargate::memory_choice as fargate_memory;

    #[test]
    fn every_fargate_pair_boundary() {
        let edges = [
            (256, 512, 2048, 512),
            (512, 1024, 4096, 1024),
            (1024, 2048, 8192, 1024),
            (2048, 4096, 16384, 1024),
            (4096, 8192, 30720, 1024),
            (8192, 16384, 61440, 4096),
            (16384, 32768, 122880, 8192),
        ];
        for (cpu, min, max, step) in edges {
            let Some(memory) = fargate_memory(cpu) else {
                panic!("cpu {cpu} missing");
            };
            assert!(memory.allows(min) && memory.allows(max), "{cpu}");
            assert!(
                !memory.allows(min - step) && !memory.allows(max + step),
                "{cpu}"
            );
            if cpu != 256 {
                assert!(
                    memory.allows(min + step) && !memory.allows(min + step / 2),
                    "{cpu}"
                );
            }
        }
        assert!(fargate_memory(256).is_some_and(|m| !m.allows(1536)));
        assert!(fargate_memory(3072).is_none());
    }
}
