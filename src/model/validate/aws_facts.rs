//! Values that are well-formed but that AWS would refuse at apply time: a Region that does not
//! exist (`eu-wset-1`), an Availability Zone the Region does not have, an EKS version past the
//! end of extended support. Checked against `data/aws.toml` (see [`crate::model::aws`]).
//!
//! Only values that passed the syntax rules are checked here, so that a value is reported once.
//! The EKS calendar depends on the day: the caller passes it (the clock in the CLI, a fixed day
//! in tests). [`check`] reports errors, and warns about what still works but will not for long
//! (extended support, standard support ending within [`WARN_DAYS`]).

use super::checker::{Checker, Issue, did_you_mean, list, path};
use super::syntax;
use crate::model::aws::{self, Date, EksVersion, Facts};

/// How long before the end of standard support a version is warned about.
pub const WARN_DAYS: i64 = 90;

/// Errors: unknown Regions and zones, EKS versions EKS no longer runs. Warnings: EKS versions
/// in extended support or near the end of standard support, or newer than the data file knows.
pub(super) fn check(c: &mut Checker, today: Date) {
    let facts = aws::facts();
    let p = c.p;
    c.value(&["region"], &p.region, |r| unknown_region(facts, r));
    if let Some(s3) = &p.backend {
        c.value(&["backend", "s3", "region"], &s3.region, |r| {
            unknown_region(facts, r)
        });
    }
    for (name, secret) in &p.secrets {
        for (i, region) in secret.replicas.iter().enumerate() {
            if let Some(m) = unknown_region(facts, region) {
                c.push(path(&["secrets", name, "replicas", &i.to_string()]), m);
            }
        }
    }
    zones(c, facts);
    if let Some(eks) = &p.eks {
        for (at, prefix, version) in c.written(&["eks", "version"], &eks.version) {
            let Some(minor) = minor_version(version) else {
                continue;
            };
            if let Some(message) = eks_error(facts, minor, today) {
                c.push(at, format!("{prefix}{message}"));
            } else if let Some(message) = eks_warning(facts, minor, today) {
                // Still runs, but costs more or will not for long.
                c.warn(at, format!("{prefix}{message}"));
            }
        }
    }
}

/// A well-formed Region name that is not in the data file.
fn unknown_region(facts: &Facts, name: &str) -> Option<String> {
    if !syntax::is_region(name) || facts.region(name).is_some() {
        return None;
    }
    let names = facts.regions.iter().map(|r| r.name.as_str());
    let hint = did_you_mean(name, names.clone());
    Some(if hint.is_empty() {
        format!(
            "`{name}` is not an AWS region (regions as of {}: {})",
            facts.taken,
            list(names)
        )
    } else {
        format!("`{name}` is not an AWS region{hint}")
    })
}

/// Explicit `network.azs`: letters the Region has, and no more zones than an account sees.
fn zones(c: &mut Checker, facts: &Facts) {
    let p = c.p;
    let Some(azs) = p.network.as_ref().and_then(|n| n.azs.as_ref()) else {
        return;
    };
    let field = ["network", "azs"];
    c.per_env(azs.varies() || p.region.varies(), |env| {
        let (Some(list_), Some(region)) = (
            azs.get(env),
            p.region.get(env).and_then(|r| facts.region(r)),
        ) else {
            return Vec::new();
        };
        let mut issues = Vec::new();
        let mut seen = Vec::new();
        for (i, az) in list_.iter().enumerate() {
            // Only `<region><letter>`: other suffixes are Local Zones or were reported by the
            // network rules, and a repeat is reported there too.
            let Some(letter) = az
                .strip_prefix(region.name.as_str())
                .filter(|rest| rest.chars().count() == 1)
                .and_then(|rest| rest.chars().next())
                .filter(char::is_ascii_lowercase)
            else {
                continue;
            };
            if seen.contains(&letter) {
                continue;
            }
            seen.push(letter);
            if !region.zones.contains(&letter) {
                issues.push(Issue::keyed(
                    &field,
                    &[i.to_string()],
                    format!(
                        "`{az}` is not a zone of {} (zones: {})",
                        region.name,
                        list(region.zone_names())
                    ),
                ));
            }
        }
        let known = seen.iter().filter(|l| region.zones.contains(l)).count();
        if known > region.usable {
            issues.push(Issue::keyed(
                &field,
                &[],
                format!(
                    "{} shows an account {} of its zones ({}): list at most {}",
                    region.name,
                    region.usable,
                    list(region.zone_names()),
                    region.usable
                ),
            ));
        }
        issues
    });
}

/// The `N` of a well-formed `1.N` (the EKS rules report any other shape).
fn minor_version(v: &str) -> Option<u32> {
    let minor = v.strip_prefix("1.")?;
    if minor.is_empty() || !minor.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    minor.parse().ok()
}

/// Where a version stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Support<'a> {
    /// Older than every version of the table: ended before the table was taken.
    Gone,
    Ended(&'a EksVersion),
    Extended(&'a EksVersion),
    Standard(&'a EksVersion),
    /// Newer than the table.
    Unknown,
}

fn support(facts: &Facts, minor: u32, today: Date) -> Support<'_> {
    match facts.eks_version(minor) {
        Some(v) if today >= v.end_of_extended => Support::Ended(v),
        Some(v) if today >= v.end_of_standard => Support::Extended(v),
        Some(v) => Support::Standard(v),
        None if facts.eks_versions.first().is_some_and(|v| minor < v.minor) => Support::Gone,
        None => Support::Unknown,
    }
}

/// `1.32 to 1.35 (standard support: 1.35)`: what EKS offers on `today`.
fn offered(facts: &Facts, today: Date) -> String {
    let live: Vec<&EksVersion> = facts
        .eks_versions
        .iter()
        .filter(|v| v.released <= today && today < v.end_of_extended)
        .collect();
    let standard: Vec<String> = live
        .iter()
        .filter(|v| today < v.end_of_standard)
        .map(|v| v.name())
        .collect();
    let range = match (live.first(), live.last()) {
        (Some(a), Some(b)) if a.minor != b.minor => format!("{} to {}", a.name(), b.name()),
        (Some(a), _) => a.name(),
        _ => return format!("none known as of {today}: update {}", aws::DATA_FILE),
    };
    if standard.is_empty() {
        range
    } else {
        format!("{range} (standard support: {})", list(standard))
    }
}

fn eks_error(facts: &Facts, minor: u32, today: Date) -> Option<String> {
    match support(facts, minor, today) {
        Support::Gone => Some(format!(
            "Kubernetes 1.{minor} is past the end of EKS extended support: EKS offers {}",
            offered(facts, today)
        )),
        Support::Ended(v) => Some(format!(
            "Kubernetes {} reached the end of EKS extended support on {}: EKS no longer creates \
             such clusters and upgrades existing ones itself; EKS offers {}",
            v.name(),
            v.end_of_extended,
            offered(facts, today)
        )),
        _ => None,
    }
}

fn eks_warning(facts: &Facts, minor: u32, today: Date) -> Option<String> {
    match support(facts, minor, today) {
        Support::Extended(v) => Some(format!(
            "Kubernetes {} is in EKS extended support (charged per cluster hour on top of \
             standard support) until {} ({} days left), after which EKS upgrades the cluster \
             itself; EKS offers {}",
            v.name(),
            v.end_of_extended,
            today.days_until(v.end_of_extended),
            offered(facts, today)
        )),
        Support::Standard(v) if today.days_until(v.end_of_standard) <= WARN_DAYS => Some(format!(
            "standard support of Kubernetes {} ends on {} ({} days left); extended support \
             then costs more per cluster hour; EKS offers {}",
            v.name(),
            v.end_of_standard,
            today.days_until(v.end_of_standard),
            offered(facts, today)
        )),
        Support::Unknown => Some(format!(
            "Kubernetes 1.{minor} is newer than the EKS versions iacgen knows ({}, taken {}, \
             newest {}): check that EKS offers it",
            aws::DATA_FILE,
            facts.taken,
            facts
                .eks_versions
                .last()
                .map_or_else(String::new, EksVersion::name)
        )),
        _ => None,
    }
}
