//! The shapes of strings: names, AWS identifiers and ARNs, Kubernetes labels, emails.
//!
//! Each check returns `None` when the string is fine, or a message saying what is wrong and
//! what would be valid.

/// CloudWatch Logs retention periods, in days.
pub(super) const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// A CloudWatch retention problem, listing the allowed values.
pub(super) fn retention(days: u32) -> Option<String> {
    (!LOG_RETENTION_DAYS.contains(&days)).then(|| {
        format!(
            "{days} days is not a CloudWatch Logs retention period (valid: {})",
            super::checker::list(LOG_RETENTION_DAYS.iter().map(u32::to_string))
        )
    })
}

/// Names of the platform's own things: `[a-z][a-z0-9<extra>]*`, at most `max` characters.
/// `what` is e.g. "project name"; `extra` the punctuation allowed after the first letter.
pub(super) fn name(what: &str, s: &str, max: usize, extra: &[char]) -> Option<String> {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c));
    let punct = list_chars(extra);
    if !first_ok || !rest_ok {
        return Some(format!(
            "`{s}` is not a valid {what}: use lowercase letters, digits and {punct}, starting \
             with a letter"
        ));
    }
    let len = s.chars().count();
    (len > max).then(|| format!("{what} `{s}` is {len} characters long (at most {max})"))
}

fn list_chars(chars: &[char]) -> String {
    let quoted: Vec<String> = chars.iter().map(|c| format!("`{c}`")).collect();
    match quoted.as_slice() {
        [] => "nothing else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// AWS region names like `eu-west-1` or `us-gov-west-1`.
pub(super) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (country, words) = match parts.as_slice() {
        [country, "gov", area, number] => (*country, [*area, *number]),
        [country, area, number] => (*country, [*area, *number]),
        _ => return false,
    };
    let [area, number] = words;
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_lowercase())
        && !area.is_empty()
        && area.chars().all(|c| c.is_ascii_lowercase())
        && number.len() == 1
        && number.chars().all(|c| c.is_ascii_digit())
}

pub(super) fn region(s: &str) -> Option<String> {
    (!is_region(s)).then(|| format!("`{s}` is not an AWS region name (like `eu-west-1`)"))
}

pub(super) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

/// The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`, with a
/// partition `aws` or `aws-<something>`.
struct Arn<'s> {
    service: &'s str,
    region: &'s str,
    account: &'s str,
    resource: &'s str,
}

fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut parts = s.splitn(6, ':');
    let (arn, partition) = (parts.next()?, parts.next()?);
    let partition_ok = partition
        .strip_prefix("aws")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
    if arn != "arn" || !partition_ok {
        return None;
    }
    Some(Arn {
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// IAM role and user ARNs: `arn:aws:iam::123456789012:role/name` (paths allowed).
pub(super) fn iam_principal_arn(s: &str) -> Option<String> {
    let ok = parse_arn(s).is_some_and(|arn| {
        let name = arn
            .resource
            .strip_prefix("role/")
            .or_else(|| arn.resource.strip_prefix("user/"));
        arn.service == "iam"
            && arn.region.is_empty()
            && is_account_id(arn.account)
            && name.is_some_and(|n| {
                !n.is_empty()
                    && !n.ends_with('/')
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
            })
    });
    (!ok).then(|| {
        format!(
            "`{s}` is not an IAM role or user ARN (like `arn:aws:iam::123456789012:role/admin`)"
        )
    })
}

/// An IAM role ARN (`arn:aws:iam::123456789012:role/terraform`, paths allowed); returns the
/// role's account.
pub(super) fn iam_role_arn(s: &str) -> Result<&str, String> {
    parse_arn(s)
        .filter(|arn| {
            let name = arn.resource.strip_prefix("role/");
            arn.service == "iam"
                && arn.region.is_empty()
                && is_account_id(arn.account)
                && name.is_some_and(|n| {
                    !n.is_empty()
                        && !n.ends_with('/')
                        && n.len() <= 512
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
                })
        })
        .map(|arn| arn.account)
        .ok_or_else(|| {
            format!(
                "`{s}` is not an IAM role ARN (like `arn:aws:iam::123456789012:role/terraform`)"
            )
        })
}

/// ACM certificate ARNs; returns the certificate's region.
pub(super) fn acm_certificate_arn(s: &str) -> Result<&str, String> {
    parse_arn(s)
        .filter(|arn| {
            arn.service == "acm"
                && is_region(arn.region)
                && is_account_id(arn.account)
                && arn
                    .resource
                    .strip_prefix("certificate/")
                    .is_some_and(|id| !id.is_empty())
        })
        .map(|arn| arn.region)
        .ok_or_else(|| {
            format!(
                "`{s}` is not an ACM certificate ARN (like \
                 `arn:aws:acm:us-east-1:123456789012:certificate/<id>`)"
            )
        })
}

/// Lambda function ARNs, optionally with a version or alias.
pub(super) fn lambda_function_arn(s: &str) -> Option<String> {
    lambda_function_location(s).err()
}

/// The region and account of a Lambda function ARN, or why it is not one.
pub(super) fn lambda_function_location(s: &str) -> Result<(&str, &str), String> {
    let location = parse_arn(s).and_then(|arn| {
        let mut rest = arn.resource.splitn(3, ':');
        let kind = rest.next();
        let function = rest.next().unwrap_or("");
        let qualifier = rest.next();
        let ok = arn.service == "lambda"
            && is_region(arn.region)
            && is_account_id(arn.account)
            && kind == Some("function")
            && !function.is_empty()
            && function
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && qualifier.is_none_or(|q| {
                !q.is_empty()
                    && q.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "$-_".contains(c))
            });
        ok.then_some((arn.region, arn.account))
    });
    location.ok_or_else(|| {
        format!(
            "`{s}` is not a Lambda function ARN (like \
             `arn:aws:lambda:us-east-1:123456789012:function:rotate`)"
        )
    })
}

/// S3 general purpose bucket names.
pub(super) fn bucket_name(s: &str) -> Option<String> {
    let len = s.len();
    let why = if !(3..=63).contains(&len) {
        format!("is {len} characters long (3 to 63)")
    } else if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        "may contain only lowercase letters, digits, `.` and `-`".to_string()
    } else if !s.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !s.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        "must start and end with a letter or digit".to_string()
    } else if s.contains("..") {
        "may not contain `..`".to_string()
    } else if s.parse::<std::net::Ipv4Addr>().is_ok() {
        "may not look like an IP address".to_string()
    } else if let Some(p) = ["xn--", "sthree-", "amzn-s3-demo-"]
        .into_iter()
        .find(|p| s.starts_with(p))
    {
        format!("may not start with `{p}` (reserved by AWS)")
    } else if let Some(suffix) = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        .into_iter()
        .find(|x| s.ends_with(x))
    {
        format!("may not end with `{suffix}` (reserved by AWS)")
    } else {
        return None;
    };
    Some(format!("bucket name `{s}` {why}"))
}

/// Tag keys: AWS allows letters, digits, spaces and `_ . : / = + - @`, at most 128 characters,
/// and reserves the `aws:` prefix.
pub(super) fn tag_key(key: &str) -> Option<String> {
    let len = key.chars().count();
    if key.is_empty() {
        Some("tag key is empty".to_string())
    } else if len > 128 {
        Some(format!(
            "tag key `{key}` is {len} characters long (at most 128)"
        ))
    } else if key.to_ascii_lowercase().starts_with("aws:") {
        Some(format!(
            "tag key `{key}`: keys starting with `aws:` are reserved for AWS"
        ))
    } else if !key.chars().all(tag_char) {
        Some(format!(
            "tag key `{key}` may contain only letters, digits, spaces and `_ . : / = + - @`"
        ))
    } else {
        None
    }
}

/// Tag values: the characters of keys, at most 256, may be empty.
pub(super) fn tag_value(key: &str, value: &str) -> Option<String> {
    let len = value.chars().count();
    if len > 256 {
        Some(format!(
            "the value of tag `{key}` is {len} characters long (at most 256)"
        ))
    } else if !value.chars().all(tag_char) {
        Some(format!(
            "the value of tag `{key}` may contain only letters, digits, spaces and \
             `_ . : / = + - @`"
        ))
    } else {
        None
    }
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

/// Kubernetes label (and taint) keys: an optional DNS subdomain prefix and `/`, then a name of
/// at most 63 characters, alphanumeric at both ends, with `-`, `_`, `.` inside.
pub(super) fn label_key(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        p.len() <= 253
            && p.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    });
    (!prefix_ok || name.is_empty() || !label_text(name)).then(|| {
        format!(
            "`{key}` is not a Kubernetes label key: an optional DNS prefix and `/`, then at most \
             63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit"
        )
    })
}

/// Kubernetes label (and taint) values: empty, or like a key's name part.
pub(super) fn label_value(value: &str) -> Option<String> {
    (!value.is_empty() && !label_text(value)).then(|| {
        format!(
            "`{value}` is not a Kubernetes label value: at most 63 letters, digits, `-`, `_` or \
             `.`, starting and ending with a letter or digit"
        )
    })
}

fn label_text(s: &str) -> bool {
    s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// EC2 instance types: `<family>.<size>`, e.g. `m6i.large`, `m7i-flex.xlarge`, `u-6tb1.metal`.
pub(super) fn instance_type(s: &str) -> Option<String> {
    let ok = s.split_once('.').is_some_and(|(family, size)| {
        family.starts_with(|c: char| c.is_ascii_lowercase())
            && family.chars().any(|c| c.is_ascii_digit())
            && family
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !size.is_empty()
            && size
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    (!ok).then(|| format!("`{s}` is not an EC2 instance type (like `m6i.large`)"))
}

/// Container environment variable names.
pub(super) fn env_var_name(s: &str) -> Option<String> {
    let ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!ok).then(|| {
        format!(
            "`{s}` is not an environment variable name: use letters, digits and `_`, not \
             starting with a digit"
        )
    })
}

/// VPC endpoint service names as written in the spec: `s3`, `ecr.api`, `execute-api`.
pub(super) fn endpoint_service(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    (!ok)
        .then(|| format!("`{s}` is not a VPC endpoint service name (like `s3`, `ecr.api`, `logs`)"))
}

/// A plausible email address: one `@`, something before it, a dotted domain after it.
pub(super) fn email(s: &str) -> Option<String> {
    let ok = s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty())
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    (!ok).then(|| format!("`{s}` is not an email address"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ec2::is_arm_instance;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-7",
            "cn-north-1",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "us-east",
            "US-EAST-1",
            "us-east-12",
            "useast1",
            "u-east-1",
            "us-gov-west",
            "",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn graviton_instances() {
        for arm in [
            "m6g.large",
            "c7gn.xlarge",
            "r8gd.2xlarge",
            "a1.medium",
            "t4g.micro",
            "g5g.xlarge",
            "im4gn.large",
            "x2gd.large",
        ] {
            assert!(is_arm_instance(arm), "{arm}");
        }
        for x86 in [
            "m6i.large",
            "g5.xlarge",
            "m7i-flex.large",
            "c5n.large",
            "p4d.24xlarge",
            "inf2.xlarge",
            "r7iz.large",
        ] {
            assert!(!is_arm_instance(x86), "{x86}");
        }
    }

    #[test]
    fn arns() {
        assert!(iam_principal_arn("arn:aws:iam::123456789012:role/team/admin").is_none());
        assert!(iam_principal_arn("arn:aws-us-gov:iam::123456789012:user/alice").is_none());
        assert!(iam_principal_arn("arn:aws:iam::123456789012:group/admins").is_some());
        assert!(iam_principal_arn("arn:aws:iam::12345:role/x").is_some());
        assert_eq!(
            acm_certificate_arn("arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"),
            Ok("eu-west-1")
        );
        assert!(acm_certificate_arn("arn:aws:acm:eu-west-1:123456789012:cert/abc").is_err());
        assert!(
            lambda_function_arn("arn:aws:lambda:us-east-1:111111111111:function:rotate-db")
                .is_none()
        );
        assert!(
            lambda_function_arn("arn:aws:lambda:us-east-1:111111111111:function:rotate:live")
                .is_none()
        );
        assert!(lambda_function_arn("arn:aws:lambda:us-east-1:111111111111:layer:x").is_some());
    }

    #[test]
    fn buckets() {
        assert!(bucket_name("acme-terraform-state").is_none());
        assert!(bucket_name("my.bucket.name").is_none());
        assert!(bucket_name("ab").is_some());
        assert!(bucket_name("Acme").is_some());
        assert!(bucket_name("-acme").is_some());
        assert!(bucket_name("a..b").is_some());
        assert!(bucket_name("192.168.5.4").is_some());
        assert!(bucket_name("xn--acme").is_some());
        assert!(bucket_name("acme-s3alias").is_some());
    }

    #[test]
    fn labels() {
        assert!(label_key("role").is_none());
        assert!(label_key("node.kubernetes.io/role").is_none());
        assert!(label_key("CriticalAddonsOnly").is_none());
        assert!(label_key("").is_some());
        assert!(label_key("bad key").is_some());
        assert!(label_key("Example.com/x").is_some());
        assert!(label_key(&"a".repeat(64)).is_some());
        assert!(label_value("").is_none());
        assert!(label_value("true").is_none());
        assert!(label_value("-x").is_some());
    }

    #[test]
    fn names_and_misc() {
        assert!(name("project name", "payments", 24, &['-']).is_none());
        assert_eq!(
            name("project name", "Payments", 24, &['-']).as_deref(),
            Some(
                "`Payments` is not a valid project name: use lowercase letters, digits and `-`, \
                 starting with a letter"
            )
        );
        assert!(name("secret name", "db_password", 64, &['-', '_']).is_none());
        assert!(instance_type("m6i.large").is_none());
        assert!(instance_type("u-6tb1.metal").is_none());
        assert!(instance_type("large").is_some());
        assert!(env_var_name("LOG_LEVEL").is_none());
        assert!(env_var_name("1X").is_some());
        assert!(endpoint_service("ecr.api").is_none());
        assert!(endpoint_service("ECR").is_some());
        assert!(endpoint_service("ecr..api").is_some());
        assert!(email("oncall@example.com").is_none());
        assert!(email("oncall@example").is_some());
        assert!(email("on call@example.com").is_some());
        assert!(tag_key("aws:cloudformation").is_some());
        assert!(tag_key("AWS:x").is_some());
        assert!(tag_key("Cost Center").is_none());
        assert!(retention(365).is_none());
        assert!(retention(0).is_some());
    }
}
