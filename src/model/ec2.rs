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
