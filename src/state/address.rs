//! Terraform resource instance addresses, such as
//! `module.a["x"].module.b[0].aws_subnet.private["us-east-1a"]` or `data.aws_region.current`.
//!
//! [`Address`] parses and prints them the way Terraform does (`internal/addrs`): module steps,
//! `data.` for data sources, `type.name`, then an optional index key, with string keys quoted by
//! Terraform's rules (see [`quote`](super::quote)). Ordering follows the parts, with keys ordered as
//! Terraform orders them: no key, then integer keys by value, then string keys.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::quote::{quote, unquote};

/// The key of one instance of a resource or module with `count` (`[0]`) or `for_each` (`["a"]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndexKey {
    Int(i64),
    Str(String),
}

/// Whether a resource is managed (`resource` block), read (`data` block) or opened for one run
/// only (`ephemeral` block, Terraform 1.10+).
///
/// Ephemeral resources never appear among a state's resources, but Terraform records them in
/// the `dependencies` of the objects that used them (`ephemeral.random_password.db`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
    Ephemeral,
}

impl Mode {
    /// The keyword an address of this mode starts with (`data.`, `ephemeral.`), if any.
    pub fn keyword(self) -> Option<&'static str> {
        match self {
            Mode::Managed => None,
            Mode::Data => Some("data"),
            Mode::Ephemeral => Some("ephemeral"),
        }
    }

    /// The mode an address starting with `word.` has, if `word` is such a keyword.
    fn from_keyword(word: &str) -> Option<Mode> {
        [Mode::Data, Mode::Ephemeral]
            .into_iter()
            .find(|m| m.keyword() == Some(word))
    }
}

/// One `module.NAME[KEY]` step of a module instance path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleStep {
    pub name: String,
    pub index: Option<IndexKey>,
}

/// A module instance path such as `module.a["x"].module.b[0]`; empty for the root module.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModulePath(pub Vec<ModuleStep>);

/// The address of a resource instance (or, with no index, of a resource).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    pub module: ModulePath,
    pub mode: Mode,
    pub type_: String,
    pub name: String,
    pub index: Option<IndexKey>,
}

/// Why a string is not a valid address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    /// The text that was parsed.
    pub input: String,
    /// Character position (1-based) of the problem.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid address `{}`: {} (at character {})",
            self.input, self.message, self.column
        )
    }
}

impl std::error::Error for AddressError {}

impl From<i64> for IndexKey {
    fn from(n: i64) -> Self {
        IndexKey::Int(n)
    }
}

impl From<&str> for IndexKey {
    fn from(s: &str) -> Self {
        IndexKey::Str(s.to_string())
    }
}

impl From<String> for IndexKey {
    fn from(s: String) -> Self {
        IndexKey::Str(s)
    }
}

impl fmt::Display for IndexKey {
    /// `[0]` or `["key"]`, as Terraform appends a key to an address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexKey::Int(n) => write!(f, "[{n}]"),
            IndexKey::Str(s) => write!(f, "[{}]", quote(s)),
        }
    }
}

impl ModulePath {
    /// The root module.
    pub fn root() -> Self {
        ModulePath(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This path with one more step: `child("b", Some(0.into()))` on `module.a` is
    /// `module.a.module.b[0]`.
    pub fn child(&self, name: impl Into<String>, index: Option<IndexKey>) -> Self {
        let mut steps = self.0.clone();
        steps.push(ModuleStep {
            name: name.into(),
            index,
        });
        ModulePath(steps)
    }

    /// Parses `module.a["x"].module.b[0]`; the empty string is the root module.
    pub fn parse(s: &str) -> Result<Self, AddressError> {
        let parts = split_parts(s)?;
        let mut steps = Vec::new();
        let mut rest = parts.as_slice();
        while let [keyword, name, tail @ ..] = rest {
            if keyword.ident != "module" || keyword.index.is_some() {
                return Err(keyword.error(s, "expected `module`"));
            }
            steps.push(ModuleStep {
                name: name.ident.to_string(),
                index: name.index.clone(),
            });
            rest = tail;
        }
        if let [last] = rest {
            return Err(last.error(s, "expected `module.NAME`"));
        }
        Ok(ModulePath(steps))
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}", step.name)?;
            if let Some(key) = &step.index {
                write!(f, "{key}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for ModulePath {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModulePath::parse(s)
    }
}

impl Address {
    /// `type_.name` in the root module, with no index.
    pub fn managed(type_: impl Into<String>, name: impl Into<String>) -> Self {
        Address {
            module: ModulePath::root(),
            mode: Mode::Managed,
            type_: type_.into(),
            name: name.into(),
            index: None,
        }
    }

    /// `data.type_.name` in the root module, with no index.
    pub fn data(type_: impl Into<String>, name: impl Into<String>) -> Self {
        Address {
            mode: Mode::Data,
            ..Address::managed(type_, name)
        }
    }

    /// This address with the given instance key.
    pub fn with_index(self, key: impl Into<IndexKey>) -> Self {
        Address {
            index: Some(key.into()),
            ..self
        }
    }

    /// This address inside the given module instance.
    pub fn in_module(self, module: ModulePath) -> Self {
        Address { module, ..self }
    }

    /// The resource this instance belongs to: the same address without its index key.
    pub fn resource(&self) -> Address {
        Address {
            index: None,
            ..self.clone()
        }
    }

    /// Whether both addresses belong to the same resource (index keys aside).
    pub fn same_resource(&self, other: &Address) -> bool {
        self.module == other.module
            && self.mode == other.mode
            && self.type_ == other.type_
            && self.name == other.name
    }

    /// Parses an address as Terraform prints it, e.g. `module.net.aws_subnet.private["a"]`.
    pub fn parse(s: &str) -> Result<Self, AddressError> {
        let parts = split_parts(s)?;
        let mut rest = parts.as_slice();
        let mut steps = Vec::new();
        while let [keyword, name, tail @ ..] = rest {
            if keyword.ident != "module" || keyword.index.is_some() {
                break;
            }
            steps.push(ModuleStep {
                name: name.ident.to_string(),
                index: name.index.clone(),
            });
            rest = tail;
        }
        // `data.` or `ephemeral.` before `TYPE.NAME`; anything else is a managed resource type.
        let lead = rest
            .first()
            .filter(|p| p.index.is_none())
            .and_then(|p| Mode::from_keyword(p.ident));
        let (mode, type_part, name_part) = match (lead, rest) {
            (None, [t, n]) => (Mode::Managed, t, n),
            (Some(mode), [_, t, n]) => (mode, t, n),
            (_, []) => {
                return Err(AddressError {
                    input: s.to_string(),
                    column: s.chars().count() + 1,
                    message: "expected a resource `TYPE.NAME` after the module path".into(),
                });
            }
            (Some(_), [k, ..]) => {
                let message = format!("expected `{}.TYPE.NAME`", k.ident);
                return Err(k.error(s, &message));
            }
            (None, [first, ..]) => {
                return Err(first.error(s, "expected a resource `TYPE.NAME`"));
            }
        };
        if type_part.index.is_some() {
            return Err(type_part.error(s, "an index key belongs after the resource name"));
        }
        Ok(Address {
            module: ModulePath(steps),
            mode,
            type_: type_part.ident.to_string(),
            name: name_part.ident.to_string(),
            index: name_part.index.clone(),
        })
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        if let Some(keyword) = self.mode.keyword() {
            write!(f, "{keyword}.")?;
        }
        write!(f, "{}.{}", self.type_, self.name)?;
        if let Some(key) = &self.index {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Address::parse(s)
    }
}

// Addresses travel as their string form in JSON reports.
impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Address::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One `IDENT` or `IDENT[KEY]` between dots, and where it starts (byte offset).
struct Part<'a> {
    ident: &'a str,
    index: Option<IndexKey>,
    offset: usize,
}

impl Part<'_> {
    fn error(&self, input: &str, message: &str) -> AddressError {
        error_at(input, self.offset, message)
    }
}

fn error_at(input: &str, offset: usize, message: &str) -> AddressError {
    let column = input.get(..offset).map_or(offset, |s| s.chars().count()) + 1;
    AddressError {
        input: input.to_string(),
        column,
        message: message.to_string(),
    }
}

/// Splits `a.b[0].c["x"]` into its dot-separated parts; identifiers follow HCL (Unicode
/// identifier characters, `_`, and `-` after the first character).
fn split_parts(s: &str) -> Result<Vec<Part<'_>>, AddressError> {
    let mut parts = Vec::new();
    let mut pos = 0;
    if s.is_empty() {
        return Ok(parts);
    }
    loop {
        let rest = &s[pos..];
        let len = ident_len(rest);
        if len == 0 {
            return Err(error_at(s, pos, "expected a name"));
        }
        let ident = &rest[..len];
        let start = pos;
        pos += len;
        let index = if s[pos..].starts_with('[') {
            let (key, used) = parse_index(s, pos)?;
            pos += used;
            Some(key)
        } else {
            None
        };
        parts.push(Part {
            ident,
            index,
            offset: start,
        });
        match s[pos..].chars().next() {
            None => return Ok(parts),
            Some('.') => pos += 1,
            Some(_) => return Err(error_at(s, pos, "expected `.` or `[`")),
        }
    }
}

/// Length in bytes of the HCL identifier at the start of `s` (0 if there is none).
fn ident_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return 0,
    }
    for (i, c) in chars {
        if !(c == '-' || unicode_ident::is_xid_continue(c)) {
            return i;
        }
    }
    s.len()
}

/// Parses `[0]` or `["key"]` at byte `pos` of `s`; returns the key and the bytes used.
fn parse_index(s: &str, pos: usize) -> Result<(IndexKey, usize), AddressError> {
    let body = &s[pos + 1..];
    let (key, used) = if body.starts_with('"') {
        let (text, used) = unquote(body).map_err(|e| error_at(s, pos + 1 + e.offset, e.message))?;
        (IndexKey::Str(text), used)
    } else {
        let digits_start = usize::from(body.starts_with('-'));
        let digits = body[digits_start..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 {
            return Err(error_at(
                s,
                pos + 1,
                "an index key is a whole number or a quoted string",
            ));
        }
        let text = &body[..digits_start + digits];
        let n = text
            .parse::<i64>()
            .map_err(|_| error_at(s, pos + 1, "index key is out of range"))?;
        (IndexKey::Int(n), text.len())
    };
    if !body[used..].starts_with(']') {
        return Err(error_at(s, pos + 1 + used, "expected `]`"));
    }
    Ok((key, used + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_nested_module_addresses() {
        let text = r#"module.a["x"].module.b[0].aws_subnet.private["us-east-1a"]"#;
        let addr = Address::parse(text).unwrap();
        assert_eq!(
            addr,
            Address::managed("aws_subnet", "private")
                .with_index("us-east-1a")
                .in_module(
                    ModulePath::root()
                        .child("a", Some("x".into()))
                        .child("b", Some(0.into()))
                )
        );
        assert_eq!(addr.to_string(), text);
        assert_eq!(addr.module.to_string(), r#"module.a["x"].module.b[0]"#);
    }

    #[test]
    fn data_sources_and_root_resources() {
        let addr = Address::parse("data.aws_region.current").unwrap();
        assert_eq!(addr, Address::data("aws_region", "current"));
        assert_eq!(addr.to_string(), "data.aws_region.current");
        let addr = Address::parse("module.vpc.data.aws_iam_policy_document.flow_logs").unwrap();
        assert_eq!(addr.mode, Mode::Data);
        assert_eq!(addr.module.to_string(), "module.vpc");
        // Names may contain hyphens after the first character.
        let addr = Address::parse("module.iam_iam-user.aws_iam_user.this-user[2]").unwrap();
        assert_eq!(addr.name, "this-user");
        assert_eq!(addr.index, Some(IndexKey::Int(2)));
    }

    #[test]
    fn ephemeral_resources_as_terraform_records_them_in_dependencies() {
        let addr = Address::parse("module.db.ephemeral.random_password.master").unwrap();
        assert_eq!(addr.mode, Mode::Ephemeral);
        assert_eq!(addr.type_, "random_password");
        assert_eq!(addr.module.to_string(), "module.db");
        assert_eq!(
            addr.to_string(),
            "module.db.ephemeral.random_password.master"
        );
        assert!(Address::parse("ephemeral.random_password").is_err());
        assert!(Address::parse("ephemeral[0].random_password.x").is_err());
    }

    #[test]
    fn keys_with_escapes_round_trip() {
        let key = "say \"hi\"\n${x}";
        let addr = Address::managed("null_resource", "n").with_index(key);
        let text = addr.to_string();
        assert_eq!(text, r#"null_resource.n["say \"hi\"\n$${x}"]"#);
        assert_eq!(Address::parse(&text).unwrap(), addr);
    }

    #[test]
    fn resource_drops_the_key() {
        let addr = Address::parse(r#"module.m[1].aws_vpc.main["a"]"#).unwrap();
        assert_eq!(addr.resource().to_string(), "module.m[1].aws_vpc.main");
    }

    #[test]
    fn orders_keys_like_terraform() {
        let mut addrs: Vec<Address> = [
            r#"aws_instance.web["b"]"#,
            "aws_instance.web[10]",
            r#"aws_instance.web["a"]"#,
            "aws_instance.web[2]",
            "aws_instance.web",
        ]
        .iter()
        .map(|s| Address::parse(s).unwrap())
        .collect();
        addrs.sort();
        let printed: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [
                "aws_instance.web",
                "aws_instance.web[2]",
                "aws_instance.web[10]",
                r#"aws_instance.web["a"]"#,
                r#"aws_instance.web["b"]"#,
            ]
        );
    }

    #[test]
    fn rejects_malformed_addresses_with_a_position() {
        let cases = [
            ("", 1),
            ("aws_vpc", 1),
            ("aws_vpc.", 9),
            ("module.a", 9),
            ("data.aws_region", 1),
            ("aws_vpc.main[", 14),
            ("aws_vpc.main[x]", 14),
            (r#"aws_vpc.main["a"#, 16),
            ("aws_vpc.main[0", 15),
            ("aws_vpc[0].main", 1),
            ("aws_vpc.main extra", 13),
            ("1aws.main", 1),
            ("aws_vpc.main[99999999999999999999]", 14),
            ("module[0].x.aws_vpc.main", 1),
        ];
        for (text, column) in cases {
            let err = Address::parse(text).expect_err(text);
            assert_eq!(err.column, column, "{text:?}: {err}");
        }
    }

    #[test]
    fn module_paths_parse_on_their_own() {
        assert_eq!(ModulePath::parse("").unwrap(), ModulePath::root());
        let path = ModulePath::parse(r#"module.a["k"].module.b"#).unwrap();
        assert_eq!(path.0.len(), 2);
        assert_eq!(path.to_string(), r#"module.a["k"].module.b"#);
        assert!(ModulePath::parse("module.a.aws_vpc.main").is_err());
        assert!(ModulePath::parse("module").is_err());
    }

    #[test]
    fn serializes_as_the_address_string() {
        let addr = Address::parse(r#"module.x.aws_s3_bucket.logs["a.b"]"#).unwrap();
        let json = serde_json::to_string(&addr).unwrap();
        assert_eq!(json, r#""module.x.aws_s3_bucket.logs[\"a.b\"]""#);
        assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), addr);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn ident() -> impl Strategy<Value = String> {
            "[_a-zA-Z\u{e9}\u{65e5}][_a-zA-Z0-9\u{e9}\u{65e5}-]{0,10}"
        }

        fn key() -> impl Strategy<Value = IndexKey> {
            prop_oneof![
                any::<i64>().prop_map(IndexKey::Int),
                any::<String>().prop_map(IndexKey::Str),
                // Keys made of the characters that need escaping, densely.
                "[\"\\\\$%{}\n\r\t\u{0}\u{200b}\u{a0}a]{0,8}".prop_map(IndexKey::Str),
            ]
        }

        fn address() -> impl Strategy<Value = Address> {
            let step = (ident(), proptest::option::of(key()))
                .prop_map(|(name, index)| ModuleStep { name, index });
            // `data` and `module` cannot be managed resource types: they start other addresses.
            let type_ = ident().prop_filter("reserved", |t| {
                !["data", "ephemeral", "module"].contains(&t.as_str())
            });
            (
                proptest::collection::vec(step, 0..4),
                prop_oneof![Just(Mode::Managed), Just(Mode::Data), Just(Mode::Ephemeral)],
                type_,
                ident(),
                proptest::option::of(key()),
            )
                .prop_map(|(steps, mode, type_, name, index)| Address {
                    module: ModulePath(steps),
                    mode,
                    type_,
                    name,
                    index,
                })
        }

        /// Strings built from address fragments, so that most parser paths are reached.
        fn near_addresses() -> impl Strategy<Value = String> {
            let fragment = prop_oneof![
                Just("module."),
                Just("data."),
                Just("ephemeral."),
                Just("aws_vpc"),
                Just("main"),
                Just("."),
                Just("["),
                Just("]"),
                Just("\""),
                Just("0"),
                Just("-7"),
                Just("\\"),
                Just("\\u00e9"),
                Just("\\n"),
                Just("$"),
                Just("%"),
                Just("{"),
                Just("é"),
            ];
            prop_oneof![
                proptest::collection::vec(fragment, 0..16).prop_map(|parts| parts.concat()),
                "\\PC{0,40}",
            ]
        }

        proptest! {
            #[test]
            fn display_then_parse_gives_the_same_address(addr in address()) {
                let text = addr.to_string();
                prop_assert_eq!(Address::parse(&text), Ok(addr.clone()));
                prop_assert_eq!(ModulePath::parse(&addr.module.to_string()), Ok(addr.module));
            }

            #[test]
            fn parse_never_panics_and_what_it_accepts_prints_back(text in near_addresses()) {
                if let Ok(addr) = Address::parse(&text) {
                    prop_assert_eq!(Address::parse(&addr.to_string()), Ok(addr));
                }
            }
        }
    }
}
