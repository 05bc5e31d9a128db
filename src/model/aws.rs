//! Facts about AWS that validation checks a spec against: the Regions, their Availability Zone
//! letters, and the EKS Kubernetes versions with their support calendar.
//!
//! They live in one data file, `data/aws.toml` (with the day they were taken and their
//! sources), compiled in with `include_str!`, so that updating them is an edit of that file
//! and nothing else. The file is part of iacgen, not user input: a unit test parses it, so a
//! broken edit fails `cargo test` rather than a user's run.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The data file, as compiled in.
pub const DATA_FILE: &str = "data/aws.toml";
const DATA: &str = include_str!("../../data/aws.toml");

/// A calendar day (proleptic Gregorian), enough for support calendars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, or `None`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        (Date::from_days(date.days()) == date).then_some(date)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let m = i64::from(self.month);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::days`].
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days() - self.days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One Region of the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    /// Every zone letter an account may see.
    pub zones: Vec<char>,
    /// The letters used when the spec gives a count but no names, in order.
    pub default_zones: Vec<char>,
    /// How many zones one account sees.
    pub usable: usize,
}

impl Region {
    /// The full zone names (`eu-west-1a`, ...).
    pub fn zone_names(&self) -> Vec<String> {
        self.zones
            .iter()
            .map(|l| format!("{}{l}", self.name))
            .collect()
    }
}

/// One Kubernetes minor version of EKS and its support calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksVersion {
    /// The `N` of `1.N`.
    pub minor: u32,
    pub released: Date,
    pub end_of_standard: Date,
    pub end_of_extended: Date,
}

impl EksVersion {
    pub fn name(&self) -> String {
        format!("1.{}", self.minor)
    }
}

/// The whole data file.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The day the facts were taken.
    pub taken: Date,
    /// Regions sorted by name.
    pub regions: Vec<Region>,
    /// EKS versions, oldest first.
    pub eks_versions: Vec<EksVersion>,
}

impl Facts {
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// The version `1.<minor>`, when the table has it.
    pub fn eks_version(&self, minor: u32) -> Option<&EksVersion> {
        self.eks_versions.iter().find(|v| v.minor == minor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacts {
    taken: String,
    #[allow(dead_code)] // documentation for whoever updates the file
    sources: BTreeMap<String, String>,
    regions: BTreeMap<String, RawRegion>,
    eks: RawEks,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    zones: String,
    default_zones: Option<String>,
    usable: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEks {
    versions: BTreeMap<String, RawEksVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEksVersion {
    released: String,
    end_of_standard: String,
    end_of_extended: String,
}

/// Reads the data file's text; `Err` says what is wrong with it.
fn parse(text: &str) -> Result<Facts, String> {
    let raw: RawFacts = toml::from_str(text).map_err(|e| e.to_string())?;
    let date = |what: &str, text: &str| {
        Date::parse(text).ok_or_else(|| format!("{what}: `{text}` is not a YYYY-MM-DD date"))
    };
    let regions = raw
        .regions
        .into_iter()
        .map(|(name, r)| {
            let zones: Vec<char> = r.zones.chars().collect();
            let default_zones: Vec<char> = r
                .default_zones
                .map_or_else(|| zones.clone(), |d| d.chars().collect());
            if default_zones.iter().any(|l| !zones.contains(l)) {
                return Err(format!("{name}: default_zones must be some of zones"));
            }
            Ok(Region {
                usable: r.usable.unwrap_or(zones.len()),
                name,
                zones,
                default_zones,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut eks_versions = raw
        .eks
        .versions
        .into_iter()
        .map(|(name, v)| {
            let minor = name
                .strip_prefix("1.")
                .and_then(|m| m.parse().ok())
                .ok_or_else(|| format!("eks.versions: `{name}` is not `1.N`"))?;
            Ok(EksVersion {
                minor,
                released: date(&name, &v.released)?,
                end_of_standard: date(&name, &v.end_of_standard)?,
                end_of_extended: date(&name, &v.end_of_extended)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    eks_versions.sort_by_key(|v| v.minor);
    Ok(Facts {
        taken: date("taken", &raw.taken)?,
        regions,
        eks_versions,
    })
}

/// The compiled-in facts.
pub fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| match parse(DATA) {
        Ok(facts) => facts,
        // The file is compiled in and parsed by a unit test: this is a build defect, never
        // something a spec can cause.
        Err(e) => panic!("{DATA_FILE} is invalid: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_is_consistent() {
        let facts = parse(DATA).unwrap();
        assert!(facts.regions.len() >= 30);
        for r in &facts.regions {
            assert!(r.usable >= 2 && r.usable <= r.zones.len(), "{}", r.name);
            assert!(r.default_zones.len() >= r.usable, "{}", r.name);
        }
        for pair in facts.eks_versions.windows(2) {
            assert_eq!(pair[1].minor, pair[0].minor + 1, "no gaps in the EKS table");
        }
        for v in &facts.eks_versions {
            assert!(v.released < v.end_of_standard && v.end_of_standard < v.end_of_extended);
        }
    }

    #[test]
    fn dates_round_trip_and_count_days() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(
            Date::parse("2026-12-31")
                .unwrap()
                .days_until(Date::parse("2027-01-01").unwrap()),
            1
        );
        for bad in ["2023-02-29", "2026-13-01", "2026-1", "x"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_broken_data_file_is_reported() {
        let e =
            parse("taken = \"2026-02-30\"\n[sources]\n[regions]\n[eks.versions]\n").unwrap_err();
        assert!(e.contains("taken"), "{e}");
    }
}
