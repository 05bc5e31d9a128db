//! Facts about EC2 instance types that validation and generators share.

/// Whether an instance type runs arm64 (Graviton): `a1`, or a family whose letters after the
/// generation digit include `g` (`m6g`, `c7gn`, `r8gd`; not the x86 GPU family `g5`).
pub fn is_arm_instance(s: &str) -> bool {
    let family = s.split('.').next().unwrap_or("");
    if family == "a1" {
        return true;
    }
    let family = family.split('-').next().unwrap_or("");
    match family.find(|c: char| c.is_ascii_digit()) {
        Some(i) => family[i..]
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .contains('g'),
        None => false,
    }
}

/// The EKS AMI type of a node pool: Amazon Linux 2023 for the pool's architecture (validation
/// rejects pools that mix architectures).
pub fn eks_ami_type(instance_types: &[String]) -> &'static str {
    if instance_types.first().is_some_and(|t| is_arm_instance(t)) {
        "AL2023_ARM_64_STANDARD"
    } else {
        "AL2023_x86_64_STANDARD"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eks_pools_of_graviton_types_get_the_arm_image() {
        let types = |t: &str| vec![t.to_string()];
        assert_eq!(eks_ami_type(&types("m7g.large")), "AL2023_ARM_64_STANDARD");
        assert_eq!(eks_ami_type(&types("m6i.large")), "AL2023_x86_64_STANDARD");
    }

    #[test]
    fn graviton_families_are_arm() {
        for t in [
            "m7g.large",
            "c6gn.xlarge",
            "t4g.small",
            "r8gd.2xlarge",
            "a1.medium",
        ] {
            assert!(is_arm_instance(t), "{t}");
        }
        for t in [
            "m6i.large",
            "m6a.xlarge",
            "g5.xlarge",
            "inf2.xlarge",
            "m7i-flex.large",
        ] {
            assert!(!is_arm_instance(t), "{t}");
        }
    }
}
