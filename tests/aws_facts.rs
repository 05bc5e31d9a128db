//! Values that only `terraform apply` would refuse, caught by `iacgen validate`: Regions, zones
//! and EKS versions checked against `data/aws.toml`. Each test starts from a valid spec, breaks
//! one thing, and checks the located message (`file:line:col: field: message`). The EKS
//! calendar is judged on a fixed day, so these tests do not change with the clock.

use iacgen::model::aws::{Date, facts};
use iacgen::spec::{Format, load_str_with_warnings};

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A valid spec with `region`, `azs` (YAML flow list or empty for none) and EKS `version`.
fn spec(region: &str, azs: &str, version: &str) -> String {
    let azs = if azs.is_empty() {
        String::new()
    } else {
        format!("  azs: {azs}\n")
    };
    format!(
        "version: 1\nproject: demo\nregion: {region}\nenvironments:\n  dev: {{}}\n\
         network:\n  cidr: 10.0.0.0/16\n{azs}\
         eks:\n  version: \"{version}\"\n  admins: [arn:aws:iam::123456789012:role/admin]\n  node_pools:\n    system: {{ instance_types: [m6i.large] }}\n\
         observability:\n  alarm_emails: [ops@example.com]\n"
    )
}

/// Errors of `text` on `today`, one string each; empty when valid.
fn errors(text: &str, today: &str) -> Vec<String> {
    match load_str_with_warnings(text, Format::Yaml, "p.yaml", day(today)) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// Warnings of a valid `text` on `today`.
fn warnings(text: &str, today: &str) -> Vec<String> {
    match load_str_with_warnings(text, Format::Yaml, "p.yaml", day(today)) {
        Ok((_, w)) => w.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("expected a valid spec, got:\n{e}"),
    }
}

const TODAY: &str = "2026-12-07";

#[test]
fn a_valid_spec_has_no_errors_and_no_warnings() {
    let text = spec("eu-west-1", "[eu-west-1a, eu-west-1c]", "1.35");
    assert_eq!(errors(&text, TODAY), Vec::<String>::new());
    assert_eq!(warnings(&text, TODAY), Vec::<String>::new());
}

#[test]
fn a_mistyped_region_gets_a_suggestion_and_nothing_else() {
    // The zones name the intended region: the typo is the one problem, not three.
    let text = spec("eu-wset-1", "[eu-west-1a, eu-west-1b]", "1.35");
    assert_eq!(
        errors(&text, TODAY),
        ["p.yaml:3:9: region: `eu-wset-1` is not an AWS region; did you mean `eu-west-1`?"]
    );
}

#[test]
fn an_unknown_region_far_from_any_lists_the_regions() {
    let text = spec("xx-nowhere-9", "", "1.35");
    let errs = errors(&text, TODAY);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let taken = facts().taken.to_string();
    assert!(
        errs[0].starts_with(&format!(
            "p.yaml:3:9: region: `xx-nowhere-9` is not an AWS region (regions as of {taken}: \
             af-south-1, "
        )),
        "{}",
        errs[0]
    );
    assert!(errs[0].contains("us-west-2"), "{}", errs[0]);
}

#[test]
fn backend_and_replica_regions_are_checked_too() {
    let text = format!(
        "{}backend:\n  s3: {{ bucket: acme-state, key_prefix: demo, region: us-eats-1 }}\n\
         secrets:\n  db: {{ description: db, replicas: [eu-central-1, ap-southeast-9] }}\n",
        spec("us-east-1", "", "1.35")
    );
    let errs = errors(&text, TODAY);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "p.yaml:16:55: backend.s3.region: `us-eats-1` is not an AWS region; did you mean \
             `us-east-1`?"
        ),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with(
            "p.yaml:18:51: secrets.db.replicas[1]: `ap-southeast-9` is not an AWS region"
        ),
        "{errs:?}"
    );
}

#[test]
fn a_zone_the_region_does_not_have_lists_its_zones() {
    let text = spec("us-east-2", "[us-east-2a, us-east-2d]", "1.35");
    assert_eq!(
        errors(&text, TODAY),
        [
            "p.yaml:8:21: network.azs[1]: `us-east-2d` is not a zone of us-east-2 (zones: \
             us-east-2a, us-east-2b, us-east-2c)"
        ]
    );
    // ca-central-1 has no `c`; us-east-1 has six.
    assert_eq!(
        errors(
            &spec("ca-central-1", "[ca-central-1a, ca-central-1c]", "1.35"),
            TODAY
        )
        .len(),
        1
    );
    assert!(
        errors(
            &spec("us-east-1", "[us-east-1e, us-east-1f]", "1.35"),
            TODAY
        )
        .is_empty()
    );
}

#[test]
fn no_more_zones_than_an_account_sees() {
    // us-west-1 has zones a, b and c, but one account sees two of them.
    let text = spec("us-west-1", "[us-west-1a, us-west-1b, us-west-1c]", "1.35");
    assert_eq!(
        errors(&text, TODAY),
        [
            "p.yaml:8:3: network.azs: us-west-1 shows an account 2 of its zones (us-west-1a, \
             us-west-1b, us-west-1c): list at most 2"
        ]
    );
}

#[test]
fn default_zones_skip_letters_new_accounts_do_not_get() {
    let text = spec("ap-northeast-1", "", "1.35");
    let (platform, _) = load_str_with_warnings(&text, Format::Yaml, "p.yaml", day(TODAY)).unwrap();
    let net = platform.network.as_ref().unwrap();
    assert_eq!(
        iacgen::model::regions::azs(net, "ap-northeast-1", "dev"),
        ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    );
}

#[test]
fn eks_version_past_extended_support_is_refused() {
    // 1.31's extended support ends on 2026-11-26.
    let text = spec("eu-west-1", "", "1.31");
    assert!(errors(&text, "2026-11-25").is_empty());
    assert_eq!(
        errors(&text, "2026-11-26"),
        [
            "p.yaml:9:12: eks.version: Kubernetes 1.31 reached the end of EKS extended support \
             on 2026-11-26: EKS no longer creates such clusters and upgrades existing ones \
             itself; EKS offers 1.32 to 1.35 (standard support: 1.34, 1.35)"
        ]
    );
    assert_eq!(
        errors(&spec("eu-west-1", "", "1.21"), TODAY),
        [
            "p.yaml:9:12: eks.version: Kubernetes 1.21 is past the end of EKS extended \
             support: EKS offers 1.32 to 1.35 (standard support: 1.35)"
        ]
    );
}

#[test]
fn eks_version_in_extended_support_is_a_warning() {
    // 1.33: standard support until 2026-07-29, extended until 2027-07-29.
    let text = spec("eu-west-1", "", "1.33");
    assert!(errors(&text, TODAY).is_empty());
    assert_eq!(
        warnings(&text, TODAY),
        [
            "p.yaml:9:12: eks.version: Kubernetes 1.33 is in EKS extended support (charged per \
             cluster hour on top of standard support) until 2027-07-29 (234 days left), after \
             which EKS upgrades the cluster itself; EKS offers 1.32 to 1.35 (standard support: \
             1.35)"
        ]
    );
}

#[test]
fn end_of_standard_support_within_90_days_is_a_warning() {
    // 1.35: standard support until 2027-03-27.
    let text = spec("eu-west-1", "", "1.35");
    assert!(warnings(&text, "2026-12-26").is_empty(), "91 days before");
    assert_eq!(
        warnings(&text, "2026-12-27"),
        [
            "p.yaml:9:12: eks.version: standard support of Kubernetes 1.35 ends on 2027-03-27 \
             (90 days left); extended support then costs more per cluster hour; EKS offers 1.32 \
             to 1.35 (standard support: 1.35)"
        ]
    );
}

#[test]
fn a_version_newer_than_the_data_file_is_a_warning_not_an_error() {
    let newest = facts().eks_versions.last().unwrap().minor;
    let text = spec("eu-west-1", "", &format!("1.{}", newest + 1));
    assert!(errors(&text, TODAY).is_empty());
    let w = warnings(&text, TODAY);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("is newer than the EKS versions iacgen knows (data/aws.toml"),
        "{w:?}"
    );
}

#[test]
fn the_cli_prints_warnings_on_stderr_and_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    // Past 1.28's end of extended support whatever the clock says (2025-11-26).
    std::fs::write(&path, spec("eu-west-1", "", "1.28")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iacgen"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            ":9:12: eks.version: Kubernetes 1.28 reached the end of EKS extended support"
        ),
        "{stderr}"
    );
}
