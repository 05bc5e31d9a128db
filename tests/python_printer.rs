//! The Python printer on arbitrary text: every string the generators put into the program
//! (spec names, tags, descriptions) must come back from Python exactly as it went in, whether
//! it is a plain literal, literal text in an f-string, a dict key or an item of a call long
//! enough to be split over lines; and the printed module must be what black prints.

use iacgen::pulumi::print;
use iacgen::pulumi::py::{self, DictItem, Expr, Module};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::PathBuf;
use std::process::Command;

/// Text with what needs escaping: both quotes, braces, backslashes, line breaks, control and
/// separator characters, plus arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\"'{}\\\\\n\r\t\u{0}-\u{1f}\u{7f}\u{85}\u{2028}\u{2029}\u{feff}a-z é€😀]{0,24}",
        any::<String>(),
    ]
}

/// One module holding every string of `values` four ways, and a `values` list that collects
/// them back in order (each literal once, each f-string with `x = ""`).
fn module_for(values: &[String]) -> Module {
    let mut body = vec![py::assign("x", py::s(""))];
    let mut collected = Vec::new();
    for (i, v) in values.iter().enumerate() {
        body.push(py::assign(&format!("plain_{i}"), py::s(v.clone())));
        body.push(py::assign(
            &format!("formatted_{i}"),
            py::fstr(vec![py::lit(v), py::part(py::name("x")), py::lit(v)]),
        ));
        body.push(py::assign(
            &format!("keyed_{i}"),
            Expr::Dict(vec![DictItem::Pair(py::s(v.clone()), py::int(i as i64))]),
        ));
        body.push(py::assign(
            &format!("called_{i}"),
            py::call(
                py::path("list"),
                vec![py::list([
                    py::s(v.clone()),
                    py::s(v.clone()),
                    py::s(v.clone()),
                ])],
                vec![],
            ),
        ));
        collected.push(py::name(&format!("plain_{i}")));
        collected.push(py::name(&format!("formatted_{i}")));
        collected.push(
            py::call(
                py::path("list"),
                vec![py::name(&format!("keyed_{i}"))],
                vec![],
            )
            .index(py::int(0)),
        );
        collected.push(py::name(&format!("called_{i}")).index(py::int(2)));
    }
    body.push(py::assign("values", py::list(collected)));
    Module {
        doc: "Printer round trip.".to_string(),
        imports: vec![],
        body,
    }
}

/// The values a module from [`module_for`] must give back.
fn expected(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| [v.clone(), format!("{v}{v}"), v.clone(), v.clone()])
        .collect()
}

/// Runs `source` with Python and returns its `values`, or Python's error.
fn evaluate(source: &str) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("program.py");
    std::fs::write(&file, source).map_err(|e| e.to_string())?;
    let script = "import json, runpy, sys\n\
                  ns = runpy.run_path(sys.argv[1])\n\
                  sys.stdout.write(json.dumps(ns['values']))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// black 25.11 from .ci/run's cached venv (or `$IACGEN_BLACK`), when installed.
fn black() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("IACGEN_BLACK") {
        return Some(PathBuf::from(path));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let path = cache.join("iacgen-ci/black-25.11.0/bin/black");
    path.is_file().then_some(path)
}

/// `Err` with black's diff when black would reformat `source`.
fn black_agrees(black: &PathBuf, source: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("program.py");
    std::fs::write(&file, source).map_err(|e| e.to_string())?;
    let out = Command::new(black)
        .args(["--check", "--diff", "-q"])
        .arg(&file)
        .output()
        .map_err(|e| format!("{}: {e}", black.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

#[test]
fn arbitrary_text_survives_python_and_black() {
    let black = black();
    if black.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs black first (.ci/run)"
        );
        eprintln!("note: black not installed; checking the round trip only");
    }
    // Few cases of many strings each: one Python (and black) process per case.
    // `PROPTEST_CASES=500` for a longer run.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    let result = runner.run(&prop::collection::vec(text(), 1..40), |values| {
        let source = print::module(&module_for(&values));
        let back = evaluate(&source).map_err(|e| TestCaseError::fail(format!("{e}\n{source}")))?;
        prop_assert_eq!(back, expected(&values), "{}", source);
        if let Some(black) = &black {
            black_agrees(black, &source).map_err(TestCaseError::fail)?;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn a_quote_in_a_name_cannot_end_the_string() {
    // The classic injection: text that closes the literal and continues as code.
    let values = vec![r#"x" + __import__("os").getcwd() + "y"#.to_string()];
    let source = print::module(&module_for(&values));
    assert_eq!(evaluate(&source), Ok(expected(&values)), "{source}");
}

/// The committed reference program (the complete example, every component) is what black
/// prints: a long line that only an example reaches (a keyed resource's attribute in a call's
/// arguments) is found here and not first in CI's black step.
#[test]
fn the_reference_program_is_what_black_prints() {
    let Some(black) = black() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs black first (.ci/run)"
        );
        eprintln!("note: black not installed; skipping the reference program");
        return;
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/pulumi");
    let out = Command::new(&black)
        .args(["--check", "--diff", "-q"])
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", black.display()));
    assert!(
        out.status.success(),
        "black would reformat reference/pulumi:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
