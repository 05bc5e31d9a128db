//! Property tests: the loader answers every input, valid or not, without panicking, and each
//! error it returns says something and points inside the file.

use iacgen::spec::{Format, load_str};
use proptest::prelude::*;
use std::path::Path;

const FORMATS: [(Format, &str); 3] = [
    (Format::Yaml, "platform.yaml"),
    (Format::Toml, "platform.toml"),
    (Format::Json, "platform.json"),
];

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/specs")
        .join(name);
    std::fs::read_to_string(path).expect("fixture exists")
}

fn check(text: &str, format: Format) -> Result<(), TestCaseError> {
    if let Err(errors) = load_str(text, format, "fuzz") {
        prop_assert!(!errors.0.is_empty(), "an Err carries at least one error");
        prop_assert_eq!(
            errors.to_string().lines().count(),
            errors.0.len(),
            "one error per line"
        );
        let lines = text.lines().count() + 1;
        for e in &errors.0 {
            prop_assert!(!e.message.trim().is_empty(), "empty message: {e:?}");
            prop_assert!(
                e.line <= lines,
                "line {} past the end ({lines}): {e:?}",
                e.line
            );
            prop_assert!(
                e.line == 0 || e.column >= 1,
                "column 0 on a known line: {e:?}"
            );
        }
    }
    Ok(())
}

/// One edit of the text, by character or by line.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteChar(usize),
    DuplicateChar(usize),
    ReplaceChar(usize, char),
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceLine(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let replacement = prop_oneof![
        Just(' '),
        Just(':'),
        Just('"'),
        Just('['),
        Just('{'),
        Just('-'),
        Just('\n'),
        Just('&'),
        Just('*'),
        any::<char>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteChar),
        any::<usize>().prop_map(Mutation::DuplicateChar),
        (any::<usize>(), replacement).prop_map(|(i, c)| Mutation::ReplaceChar(i, c)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), ".{0,40}").prop_map(|(i, s)| Mutation::ReplaceLine(i, s)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let char_at = |i: usize| i % chars.len().max(1);
    let line_at = |i: usize| i % lines.len().max(1);
    match m {
        Mutation::DeleteChar(i) if !chars.is_empty() => {
            chars.remove(char_at(*i));
        }
        Mutation::DuplicateChar(i) if !chars.is_empty() => {
            let at = char_at(*i);
            chars.insert(at, chars[at]);
        }
        Mutation::ReplaceChar(i, c) if !chars.is_empty() => {
            let at = char_at(*i);
            chars[at] = *c;
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(line_at(*i));
            return lines.join("\n");
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let at = line_at(*i);
            lines.insert(at, lines[at].clone());
            return lines.join("\n");
        }
        Mutation::ReplaceLine(i, s) if !lines.is_empty() => {
            let at = line_at(*i);
            lines[at] = s.clone();
            return lines.join("\n");
        }
        _ => {}
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        for (format, _) in FORMATS {
            check(&text, format)?;
        }
    }

    #[test]
    fn structured_noise_never_panics(text in "[-a-z0-9:{}\\[\\],\"'&*!#|>. \n=]{0,200}") {
        for (format, _) in FORMATS {
            check(&text, format)?;
        }
    }

    #[test]
    fn mutated_examples_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        for (format, file) in FORMATS {
            let text = mutations.iter().fold(example(file), |text, m| apply(&text, m));
            check(&text, format)?;
        }
    }
}

#[test]
fn unmutated_examples_load() {
    for (format, file) in FORMATS {
        let text = example(file);
        if let Err(errors) = load_str(&text, format, file) {
            panic!("{errors}");
        }
    }
}

/// A semantic mistake in `repository` (which no other section's decoding touches), appended to
/// the example whose lines before it are then mutated.
const BAD_REPOSITORY: &str = "repository: { spec_file: /etc/platform.yaml }\n";

proptest! {
    /// However the rest of the spec breaks, the rule about `repository` still runs, so one run
    /// reports it beside the structural errors, unless the mutation made the document
    /// unreadable (an error with no field) or reached `repository` itself.
    #[test]
    fn semantic_errors_survive_structural_ones(
        mutations in prop::collection::vec(mutation(), 1..4)
    ) {
        let base = example("platform.yaml");
        let text = mutations.iter().fold(base, |text, m| apply(&text, m));
        let text = format!("{}\n{BAD_REPOSITORY}", text.trim_end());
        check(&text, Format::Yaml)?;
        let errors = match load_str(&text, Format::Yaml, "fuzz") {
            Ok(_) => return Err(TestCaseError::fail("the bad repository was accepted")),
            Err(errors) => errors.0,
        };
        let readable = errors.iter().all(|e| !e.path.is_empty());
        let untouched = errors.iter().all(|e| !e.path.starts_with("rep"));
        if readable && untouched {
            prop_assert!(
                errors.iter().any(|e| e.path == "repository.spec_file"),
                "the semantic error is missing: {errors:?}\n{text}"
            );
        }
    }
}
