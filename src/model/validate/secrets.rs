//! `secrets`: descriptions, generation, rotation, recovery windows, replicas.

use super::checker::{Checker, Issue, path};
use super::network::facts;
use super::syntax;
use crate::model::Secret;

/// Secret names: they become Secrets Manager names and Terraform keys.
const SECRET_NAME_MAX: usize = 64;

/// Secrets Manager description limit.
const DESCRIPTION_MAX: usize = 2048;

pub(super) fn check(c: &mut Checker) {
    let secrets = &c.p.secrets;
    for (name, secret) in secrets {
        check_secret(c, name, secret);
    }
}

fn check_secret(c: &mut Checker, name: &str, s: &Secret) {
    let at = |rest: &[&str]| {
        let mut p = path(&["secrets", name]);
        p.extend(rest.iter().map(|s| s.to_string()));
        p
    };
    if let Some(m) = syntax::name("secret name", name, SECRET_NAME_MAX, &['-', '_']) {
        c.push(at(&[]), m);
    }
    let description = s.description.trim();
    if description.is_empty() {
        c.push(
            at(&["description"]),
            "description is empty: say what the secret is for",
        );
    } else if s.description.chars().count() > DESCRIPTION_MAX {
        c.push(
            at(&["description"]),
            format!("description is longer than {DESCRIPTION_MAX} characters"),
        );
    }
    if let Some(generate) = &s.generate
        && !(8..=4096).contains(&generate.length)
    {
        c.push(
            at(&["generate", "length"]),
            format!("length {} is out of range (8 to 4096)", generate.length),
        );
    }
    if let Some(rotation) = &s.rotation {
        if !(1..=1000).contains(&rotation.days) {
            c.push(
                at(&["rotation", "days"]),
                format!(
                    "rotation every {} days is out of range (1 to 1000)",
                    rotation.days
                ),
            );
        }
        if let Some(m) = syntax::lambda_function_arn(&rotation.lambda_arn) {
            c.push(at(&["rotation", "lambda_arn"]), m);
        }
    }
    let window = ["secrets", name, "recovery_window_days"];
    c.shape(&window, &s.recovery_window_days, true);
    c.value(&window, &s.recovery_window_days, |days| {
        (*days != 0 && !(7..=30).contains(days)).then(|| {
            format!("recovery window {days} days is out of range (0 to delete at once, or 7 to 30)")
        })
    });
    replicas(c, name, s);
}

fn replicas(c: &mut Checker, name: &str, s: &Secret) {
    let mut valid = Vec::new();
    for (i, region) in s.replicas.iter().enumerate() {
        let at = path(&["secrets", name, "replicas", &i.to_string()]);
        if let Some(m) = syntax::region(region) {
            c.push(at, m);
        } else if s.replicas[..i].contains(region) {
            c.push(at, format!("replica region {region} is listed twice"));
        } else {
            valid.push((i, region.as_str()));
        }
    }
    let p = c.p;
    c.per_env(p.region.varies(), |env| {
        let Some(home) = facts(p, env).region else {
            return Vec::new();
        };
        valid
            .iter()
            .filter(|(_, region)| *region == home)
            .map(|(i, region)| {
                Issue::at(
                    &["secrets", name, "replicas", &i.to_string()],
                    format!(
                        "{region} is the environment's own region: a replica must be elsewhere"
                    ),
                )
            })
            .collect()
    });
}
