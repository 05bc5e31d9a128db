//! The Terraform functions the generated modules call, for evaluating their expressions.
//!
//! Only what a plan needs to know values in advance: collections, strings, numbers, encodings
//! and CIDR maths. Functions whose result depends on the outside world (`timestamp`, `file`,
//! `uuid`) are left out on purpose: an expression that calls them is unknown, as it would be
//! to Terraform before apply. `try` and `can` are left out too, because their arguments would be
//! evaluated eagerly here and an unknown first argument must not select the fallback.

use std::collections::BTreeSet;

use hcl::Value;
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::{Map, Number};
use sha2::{Digest, Sha256};

type Result<T> = std::result::Result<T, String>;
type Function = fn(FuncArgs) -> Result<Value>;

/// Declares every supported function in `ctx`.
pub(crate) fn declare(ctx: &mut Context) {
    for (name, func) in TABLE {
        declare_one(ctx, name, *func);
    }
}

/// Declares the supported functions among `names` in `ctx`: a context per expression that
/// declares every function costs more than evaluating most expressions.
pub(crate) fn declare_only<'n>(ctx: &mut Context, names: impl IntoIterator<Item = &'n str>) {
    for name in names {
        if let Ok(i) = TABLE.binary_search_by(|(n, _)| (*n).cmp(name)) {
            declare_one(ctx, TABLE[i].0, TABLE[i].1);
        }
    }
}

fn declare_one(ctx: &mut Context, name: &str, func: Function) {
    ctx.declare_func(
        name,
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(func),
    );
}

/// Every supported function, sorted by name.
const TABLE: &[(&str, Function)] = &[
    ("abs", abs),
    ("alltrue", alltrue),
    ("anytrue", anytrue),
    ("base64decode", base64decode),
    ("base64encode", base64encode),
    ("ceil", ceil),
    ("chomp", chomp),
    ("chunklist", chunklist),
    ("cidrhost", cidrhost),
    ("cidrnetmask", cidrnetmask),
    ("cidrsubnet", cidrsubnet),
    ("coalesce", coalesce),
    ("compact", compact),
    ("concat", concat),
    ("contains", contains),
    ("distinct", distinct),
    ("element", element),
    ("endswith", endswith),
    ("flatten", flatten),
    ("floor", floor),
    ("format", format),
    ("join", join),
    ("jsondecode", jsondecode),
    ("jsonencode", jsonencode),
    ("keys", keys),
    ("length", length),
    ("lookup", lookup),
    ("lower", lower),
    ("max", max),
    ("merge", merge),
    ("min", min),
    ("one", one),
    ("range", range),
    ("regex", regex_fn),
    ("replace", replace),
    ("reverse", reverse),
    ("setintersection", setintersection),
    ("setsubtract", setsubtract),
    ("setunion", setunion),
    ("sha256", sha256),
    ("slice", slice),
    ("sort", sort),
    ("split", split),
    ("startswith", startswith),
    ("strcontains", strcontains),
    ("substr", substr),
    ("sum", sum),
    ("tobool", tobool),
    ("tolist", identity),
    ("tomap", identity),
    ("tonumber", tonumber),
    ("toset", toset),
    ("tostring", tostring),
    ("trim", trim),
    ("trimprefix", trimprefix),
    ("trimspace", trimspace),
    ("trimsuffix", trimsuffix),
    ("upper", upper),
    ("values", values),
    ("zipmap", zipmap),
];

fn arity(args: &FuncArgs, min: usize, max: usize) -> Result<()> {
    if args.len() < min || args.len() > max {
        Err(format!(
            "expected {min} to {max} arguments, got {}",
            args.len()
        ))
    } else {
        Ok(())
    }
}

fn string(v: &Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected a string, got {other}")),
    }
}

fn number(v: &Value) -> Result<f64> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| "not a number".to_string()),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a number")),
        other => Err(format!("expected a number, got {other}")),
    }
}

fn integer(v: &Value) -> Result<i64> {
    let f = number(v)?;
    if f.fract() != 0.0 || !f.is_finite() || f.abs() > 9.0e15 {
        return Err(format!("{f} is not a whole number"));
    }
    Ok(f as i64)
}

fn num(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn list(v: &Value) -> Result<&Vec<Value>> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))
}

fn object(v: &Value) -> Result<&Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| format!("expected a map or object, got {v}"))
}

fn arg(args: &FuncArgs, i: usize) -> Result<&Value> {
    args.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

fn identity(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(args[0].clone())
}

/// Terraform sets of strings are ordered lexically; other sets keep their first-seen order.
fn toset(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    set_of(list(&args[0])?.clone())
}

fn set_of(items: Vec<Value>) -> Result<Value> {
    if items.iter().all(|v| matches!(v, Value::String(_))) {
        let set: BTreeSet<String> = items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        Ok(Value::Array(set.into_iter().map(Value::String).collect()))
    } else {
        let mut out: Vec<Value> = Vec::new();
        for item in items {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }
}

fn tostring(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => string(v).map(Value::String),
    }
}

fn tonumber(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => number(v).map(num),
    }
}

fn tobool(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        other => Err(format!("cannot convert {other} to bool")),
    }
}

/// Object keys in lexical order, as Terraform iterates maps.
fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn merge(args: FuncArgs) -> Result<Value> {
    let mut out = Map::new();
    for v in args.iter() {
        match v {
            Value::Null => {}
            v => {
                for (k, val) in object(v)? {
                    out.insert(k.clone(), val.clone());
                }
            }
        }
    }
    Ok(Value::Object(out))
}

fn keys(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Array(
        sorted(object(&args[0])?)
            .into_iter()
            .map(|(k, _)| Value::String(k.clone()))
            .collect(),
    ))
}

fn values(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Array(
        sorted(object(&args[0])?)
            .into_iter()
            .map(|(_, v)| v.clone())
            .collect(),
    ))
}

fn length(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let n = match &args[0] {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        Value::String(s) => s.chars().count(),
        other => return Err(format!("cannot take the length of {other}")),
    };
    Ok(Value::Number(Number::from(n as u64)))
}

fn concat(args: FuncArgs) -> Result<Value> {
    let mut out = Vec::new();
    for v in args.iter() {
        out.extend(list(v)?.iter().cloned());
    }
    Ok(Value::Array(out))
}

fn flatten(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    fn walk(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    for item in list(&args[0])? {
        walk(item, &mut out);
    }
    Ok(Value::Array(out))
}

fn distinct(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let mut out: Vec<Value> = Vec::new();
    for item in list(&args[0])? {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(out))
}

fn contains(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    Ok(Value::Bool(list(&args[0])?.contains(&args[1])))
}

fn lookup(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 3)?;
    let key = string(&args[1])?;
    match object(&args[0])?.get(&key) {
        Some(v) => Ok(v.clone()),
        None => args
            .get(2)
            .cloned()
            .ok_or_else(|| format!("no key {key:?} and no default")),
    }
}

fn element(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let items = list(&args[0])?;
    let i = integer(&args[1])?;
    if items.is_empty() || i < 0 {
        return Err("element of an empty list or a negative index".into());
    }
    Ok(items[(i as usize) % items.len()].clone())
}

fn one(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    match list(&args[0])?.as_slice() {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        _ => Err("one() of a list with more than one element".into()),
    }
}

fn join(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, usize::MAX)?;
    let sep = string(&args[0])?;
    let mut parts = Vec::new();
    for v in args.iter().skip(1) {
        for item in list(v)? {
            parts.push(string(item)?);
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn split(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let sep = string(&args[0])?;
    let s = string(&args[1])?;
    if sep.is_empty() {
        return Err("split with an empty separator".into());
    }
    Ok(Value::Array(
        s.split(sep.as_str())
            .map(|p| Value::String(p.to_string()))
            .collect(),
    ))
}

/// `replace(s, "/re/", x)` is a regular expression replacement (with `$1` references), any
/// other pattern a plain substring.
fn replace(args: FuncArgs) -> Result<Value> {
    arity(&args, 3, 3)?;
    let s = string(&args[0])?;
    let pattern = string(&args[1])?;
    let with = string(&args[2])?;
    if pattern.len() >= 2 && pattern.starts_with('/') && pattern.ends_with('/') {
        let re = regex::Regex::new(&pattern[1..pattern.len() - 1]).map_err(|e| e.to_string())?;
        Ok(Value::String(
            re.replace_all(&s, with.as_str()).into_owned(),
        ))
    } else if pattern.is_empty() {
        Ok(Value::String(s))
    } else {
        Ok(Value::String(s.replace(&pattern, &with)))
    }
}

fn regex_fn(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let re = regex::Regex::new(&string(&args[0])?).map_err(|e| e.to_string())?;
    let s = string(&args[1])?;
    let caps = re.captures(&s).ok_or("no match")?;
    let names: Vec<_> = re.capture_names().collect();
    if names.iter().skip(1).any(Option::is_some) {
        let mut out = Map::new();
        for name in names.into_iter().flatten() {
            let v = caps.name(name).map(|m| m.as_str().to_string());
            out.insert(name.to_string(), v.map_or(Value::Null, Value::String));
        }
        Ok(Value::Object(out))
    } else if caps.len() > 1 {
        Ok(Value::Array(
            (1..caps.len())
                .map(|i| {
                    caps.get(i)
                        .map_or(Value::Null, |m| Value::String(m.as_str().to_string()))
                })
                .collect(),
        ))
    } else {
        Ok(Value::String(caps[0].to_string()))
    }
}

/// Offsets and lengths count characters; a length of -1 means "to the end".
fn substr(args: FuncArgs) -> Result<Value> {
    arity(&args, 3, 3)?;
    let chars: Vec<char> = string(&args[0])?.chars().collect();
    let len = chars.len() as i64;
    let mut offset = integer(&args[1])?;
    if offset < 0 {
        offset += len;
    }
    let offset = offset.clamp(0, len);
    let count = integer(&args[2])?;
    let end = if count < 0 {
        len
    } else {
        (offset + count).min(len)
    };
    Ok(Value::String(
        chars[offset as usize..end.max(offset) as usize]
            .iter()
            .collect(),
    ))
}

fn str_fn(args: &FuncArgs, f: impl Fn(&str) -> String) -> Result<Value> {
    arity(args, 1, 1)?;
    Ok(Value::String(f(&string(&args[0])?)))
}

fn lower(args: FuncArgs) -> Result<Value> {
    str_fn(&args, str::to_lowercase)
}

fn upper(args: FuncArgs) -> Result<Value> {
    str_fn(&args, str::to_uppercase)
}

fn trimspace(args: FuncArgs) -> Result<Value> {
    str_fn(&args, |s| s.trim().to_string())
}

fn chomp(args: FuncArgs) -> Result<Value> {
    str_fn(&args, |s| s.trim_end_matches(['\n', '\r']).to_string())
}

fn trim(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let cut: Vec<char> = string(&args[1])?.chars().collect();
    Ok(Value::String(
        string(&args[0])?
            .trim_matches(|c| cut.contains(&c))
            .to_string(),
    ))
}

fn trimprefix(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let s = string(&args[0])?;
    let p = string(&args[1])?;
    Ok(Value::String(
        s.strip_prefix(p.as_str()).unwrap_or(&s).to_string(),
    ))
}

fn trimsuffix(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let s = string(&args[0])?;
    let p = string(&args[1])?;
    Ok(Value::String(
        s.strip_suffix(p.as_str()).unwrap_or(&s).to_string(),
    ))
}

fn startswith(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    Ok(Value::Bool(
        string(&args[0])?.starts_with(&string(&args[1])?),
    ))
}

fn endswith(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    Ok(Value::Bool(string(&args[0])?.ends_with(&string(&args[1])?)))
}

fn strcontains(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    Ok(Value::Bool(string(&args[0])?.contains(&string(&args[1])?)))
}

/// `format` with the verbs generated code uses: `%s`, `%d`, `%v`, `%q`, `%%`, with an optional
/// zero-padded width (`%02d`).
fn format(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, usize::MAX)?;
    let spec = string(&args[0])?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            width.push(d);
            chars.next();
        }
        let verb = chars.next().ok_or("format ends with %")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let value = rest.next().ok_or("format has more verbs than arguments")?;
        let text = match verb {
            's' | 'v' => string(value)?,
            'd' => integer(value)?.to_string(),
            'q' => serde_json::to_string(&string(value)?).map_err(|e| e.to_string())?,
            other => return Err(format!("format verb %{other} is not supported")),
        };
        let width: usize = if width.is_empty() {
            0
        } else {
            width.parse().unwrap_or(usize::MAX)
        };
        if width > 1024 {
            return Err("format width too large".into());
        }
        if text.chars().count() < width {
            let pad = if verb == 'd' { '0' } else { ' ' };
            out.extend(std::iter::repeat_n(pad, width - text.chars().count()));
        }
        out.push_str(&text);
    }
    Ok(Value::String(out))
}

fn coalesce(args: FuncArgs) -> Result<Value> {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".to_string())
}

fn compact(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Array(
        list(&args[0])?
            .iter()
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned()
            .collect(),
    ))
}

fn alltrue(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Bool(
        list(&args[0])?.iter().all(|v| v == &Value::Bool(true)),
    ))
}

fn anytrue(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Bool(
        list(&args[0])?.iter().any(|v| v == &Value::Bool(true)),
    ))
}

fn numbers(args: &FuncArgs) -> Result<Vec<f64>> {
    let items: Vec<&Value> = match args.as_slice() {
        [Value::Array(items)] => items.iter().collect(),
        all => all.iter().collect(),
    };
    items.into_iter().map(number).collect()
}

fn min(args: FuncArgs) -> Result<Value> {
    numbers(&args)?
        .into_iter()
        .reduce(f64::min)
        .map(num)
        .ok_or_else(|| "min of nothing".to_string())
}

fn max(args: FuncArgs) -> Result<Value> {
    numbers(&args)?
        .into_iter()
        .reduce(f64::max)
        .map(num)
        .ok_or_else(|| "max of nothing".to_string())
}

fn sum(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(num(numbers(&args)?.into_iter().sum()))
}

fn abs(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(num(number(&args[0])?.abs()))
}

fn ceil(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(num(number(&args[0])?.ceil()))
}

fn floor(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(num(number(&args[0])?.floor()))
}

fn range(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 3)?;
    let (start, end, step) = match args.len() {
        1 => (0, integer(&args[0])?, 1),
        2 => (integer(&args[0])?, integer(&args[1])?, 1),
        _ => (integer(&args[0])?, integer(&args[1])?, integer(&args[2])?),
    };
    if step == 0 || (end - start) / step > 1024 {
        return Err("range too long".into());
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(Value::Number(Number::from(i)));
        i += step;
    }
    Ok(Value::Array(out))
}

fn reverse(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::Array(
        list(&args[0])?.iter().rev().cloned().collect(),
    ))
}

fn sort(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let mut items = list(&args[0])?
        .iter()
        .map(string)
        .collect::<Result<Vec<_>>>()?;
    items.sort();
    Ok(Value::Array(items.into_iter().map(Value::String).collect()))
}

/// `chunklist(list, size)`: the list cut into lists of `size` (the last one shorter).
fn chunklist(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let items = list(&args[0])?;
    let size = integer(&args[1])?;
    if size < 0 {
        return Err("chunklist size must not be negative".into());
    }
    if size == 0 {
        // Terraform: a size of 0 gives the whole list as one chunk.
        return Ok(Value::Array(vec![Value::Array(items.to_vec())]));
    }
    let size = usize::try_from(size).map_err(|_| "chunklist size out of range")?;
    Ok(Value::Array(
        items
            .chunks(size)
            .map(|chunk| Value::Array(chunk.to_vec()))
            .collect(),
    ))
}

fn slice(args: FuncArgs) -> Result<Value> {
    arity(&args, 3, 3)?;
    let items = list(&args[0])?;
    let (a, b) = (integer(&args[1])?, integer(&args[2])?);
    if a < 0 || b < a || b as usize > items.len() {
        return Err("slice indices out of range".into());
    }
    Ok(Value::Array(items[a as usize..b as usize].to_vec()))
}

fn setunion(args: FuncArgs) -> Result<Value> {
    let mut all = Vec::new();
    for v in args.iter() {
        all.extend(list(v)?.iter().cloned());
    }
    set_of(all)
}

fn setintersection(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, usize::MAX)?;
    let first = list(&args[0])?.clone();
    let mut keep = Vec::new();
    for item in first {
        let mut everywhere = true;
        for other in args.iter().skip(1) {
            everywhere &= list(other)?.contains(&item);
        }
        if everywhere {
            keep.push(item);
        }
    }
    set_of(keep)
}

fn setsubtract(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let remove = list(&args[1])?;
    set_of(
        list(&args[0])?
            .iter()
            .filter(|v| !remove.contains(v))
            .cloned()
            .collect(),
    )
}

fn zipmap(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let ks = list(&args[0])?;
    let vs = list(&args[1])?;
    if ks.len() != vs.len() {
        return Err("zipmap of lists of different lengths".into());
    }
    let mut out = Map::new();
    for (k, v) in ks.iter().zip(vs) {
        out.insert(string(k)?, v.clone());
    }
    Ok(Value::Object(out))
}

fn sha256(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let digest = Sha256::digest(string(&args[0])?.as_bytes());
    Ok(Value::String(
        digest.iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64encode(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let bytes = string(&args[0])?.into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Ok(Value::String(out))
}

fn base64decode(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let text = string(&args[0])?;
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|b| *b == c).ok_or("invalid base64")? as u32;
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out)
        .map(Value::String)
        .map_err(|_| "base64decode result is not UTF-8".to_string())
}

fn jsonencode(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    serde_json::to_string(&args[0])
        .map(Value::String)
        .map_err(|e| e.to_string())
}

fn jsondecode(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    let json: serde_json::Value =
        serde_json::from_str(&string(&args[0])?).map_err(|e| e.to_string())?;
    hcl::to_value(json).map_err(|e| e.to_string())
}

fn ipv4(args: &FuncArgs) -> Result<ipnet::Ipv4Net> {
    string(arg(args, 0)?)?
        .parse::<ipnet::Ipv4Net>()
        .map_err(|e| e.to_string())
}

fn cidrsubnet(args: FuncArgs) -> Result<Value> {
    arity(&args, 3, 3)?;
    let net = ipv4(&args)?;
    let newbits = u8::try_from(integer(&args[1])?).map_err(|e| e.to_string())?;
    let num = u32::try_from(integer(&args[2])?).map_err(|e| e.to_string())?;
    let prefix = net.prefix_len() + newbits;
    if prefix > 32 || (newbits < 32 && num >= (1u32 << newbits)) {
        return Err("cidrsubnet out of range".into());
    }
    let base = u32::from(net.network());
    let host_bits = 32 - u32::from(prefix);
    let addr = base | num.checked_shl(host_bits).unwrap_or(0);
    let sub = ipnet::Ipv4Net::new(addr.into(), prefix).map_err(|e| e.to_string())?;
    Ok(Value::String(sub.to_string()))
}

fn cidrhost(args: FuncArgs) -> Result<Value> {
    arity(&args, 2, 2)?;
    let net = ipv4(&args)?;
    let host = integer(&args[1])?;
    let size = 1i64 << (32 - u32::from(net.prefix_len()));
    let host = if host < 0 { size + host } else { host };
    if host < 0 || host >= size {
        return Err("cidrhost out of range".into());
    }
    let addr = u32::from(net.network()) + host as u32;
    Ok(Value::String(std::net::Ipv4Addr::from(addr).to_string()))
}

fn cidrnetmask(args: FuncArgs) -> Result<Value> {
    arity(&args, 1, 1)?;
    Ok(Value::String(ipv4(&args)?.netmask().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    fn eval(code: &str) -> std::result::Result<Value, String> {
        let mut ctx = Context::new();
        declare(&mut ctx);
        let expr: hcl::Expression = code.parse().map_err(|e| format!("{e}"))?;
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    #[test]
    fn collection_functions_follow_terraform() {
        assert_eq!(
            eval(r#"toset(["b", "a", "b"])"#),
            Ok(Value::Array(vec![s("a"), s("b")]))
        );
        assert_eq!(
            eval(r#"keys({ z = 1, a = 2 })"#),
            Ok(Value::Array(vec![s("a"), s("z")]))
        );
        assert_eq!(
            eval(r#"merge({ a = 1, b = 2 }, null, { b = 3 })"#),
            eval("{ a = 1, b = 3 }")
        );
        assert_eq!(
            eval(r#"merge([{ a = 1 }, { b = 2 }]...)"#),
            eval("{ a = 1, b = 2 }")
        );
        assert_eq!(eval(r#"length("abc")"#), Ok(Value::from(3)));
        assert_eq!(eval(r#"lookup({ a = 1 }, "b", 7)"#), Ok(Value::from(7)));
        assert!(eval(r#"lookup({ a = 1 }, "b")"#).is_err());
    }

    #[test]
    fn string_functions_follow_terraform() {
        assert_eq!(eval(r#"replace("abc--", "/[-_]+$/", "")"#), Ok(s("abc")));
        assert_eq!(eval(r#"replace("a.b.c", ".", "-")"#), Ok(s("a-b-c")));
        assert_eq!(eval(r#"substr("hello", 1, 3)"#), Ok(s("ell")));
        assert_eq!(eval(r#"substr("hello", -3, -1)"#), Ok(s("llo")));
        assert_eq!(eval(r#"format("%s-%03d", "a", 7)"#), Ok(s("a-007")));
        assert!(eval(r#"format("%999999999999d", 7)"#).is_err());
        assert_eq!(
            eval(r#"sha256("hello")"#),
            Ok(s(
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
            ))
        );
        assert_eq!(eval(r#"base64encode("hi!?")"#), Ok(s("aGkhPw==")));
        assert_eq!(eval(r#"base64decode("aGkhPw==")"#), Ok(s("hi!?")));
        assert_eq!(
            eval(r#"tonumber(split("/", "10.0.0.0/16")[1])"#),
            Ok(Value::from(16))
        );
    }

    #[test]
    fn cidr_functions_follow_terraform() {
        assert_eq!(
            eval(r#"cidrsubnet("10.0.0.0/16", 8, 2)"#),
            Ok(s("10.0.2.0/24"))
        );
        assert_eq!(eval(r#"cidrhost("10.0.0.0/24", 5)"#), Ok(s("10.0.0.5")));
        assert_eq!(eval(r#"cidrhost("10.0.0.0/24", -1)"#), Ok(s("10.0.0.255")));
        assert!(eval(r#"cidrsubnet("10.0.0.0/16", 8, 256)"#).is_err());
        assert!(eval(r#"cidrhost("not a cidr", 1)"#).is_err());
    }

    #[test]
    fn functions_of_the_outside_world_are_unknown() {
        assert!(eval("timestamp()").is_err());
        assert!(eval(r#"try(local.x, "fallback")"#).is_err());
    }
}

#[cfg(test)]
mod table_tests {
    #[test]
    fn the_table_is_sorted_for_declare_only() {
        assert!(super::TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
