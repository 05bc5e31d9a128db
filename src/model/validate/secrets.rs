//! `secrets`: descriptions, generation, rotation, recovery windows, replicas.

use super::checker::{Checker, Issue, path};
use super::network::facts;
use super::syntax;
use crate::model::{PerEnv, Secret};

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
        rotation_lambda(c, name, &rotation.lambda_arn);
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

/// The rotation Lambda of each environment must be a function ARN in that environment's own
/// account and region: Secrets Manager invokes it from there, `aws_lambda_permission` can only
/// be added by the function's account, and the secret's policy refuses other accounts.
fn rotation_lambda(c: &mut Checker, name: &str, arns: &PerEnv<String>) {
    let field = ["secrets", name, "rotation", "lambda_arn"];
    c.shape(&field, arns, true);
    c.value(&field, arns, |arn| syntax::lambda_function_arn(arn));
    let p = c.p;
    c.per_env(arns.varies() || p.region.varies(), |env| {
        let Some(Ok((region, account))) = arns
            .get(env)
            .map(|arn| syntax::lambda_function_location(arn))
        else {
            return Vec::new();
        };
        let mut issues = Vec::new();
        // An invalid account id is reported at the environment.
        let expected = p
            .environment(env)
            .and_then(|e| e.account_id.as_deref())
            .filter(|id| syntax::is_account_id(id));
        if let Some(expected) = expected
            && expected != account
        {
            issues.push(Issue::keyed(
                &field,
                &[],
                format!(
                    "the rotation Lambda is in account {account} but environment {env} is \
                     account {expected}: give {env} a function of its own account \
                     (`lambda_arn: {{ {env}: arn:aws:lambda:<region>:{expected}:function:<name> }}`)"
                ),
            ));
        }
        if let Some(home) = facts(p, env).region
            && home != region
        {
            issues.push(Issue::keyed(
                &field,
                &[],
                format!(
                    "the rotation Lambda is in {region} but the secret is in {home}: Secrets \
                     Manager invokes a function of the secret's own region"
                ),
            ));
        }
        issues
    });
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
