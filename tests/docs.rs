//! The project's own documents link only to files that exist in the repository, so a link
//! works wherever the repository is (a clone, a packaged crate's README on a registry page).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Relative link targets of a Markdown text: `[text](target)`, without `#anchor`.
fn relative_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            links.push(target.to_string());
        }
    }
    links
}

#[test]
fn documents_link_only_to_files_in_the_repository() {
    for doc in ["README.md", "ARCHITECTURE.md", "docs/spec.md"] {
        let path = root().join(doc);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: {e}"));
        let base = path.parent().unwrap_or(Path::new("."));
        for link in relative_links(&text) {
            let target = base.join(&link);
            assert!(
                target.exists(),
                "{doc} links to {link}, which does not exist"
            );
            let inside = target
                .canonicalize()
                .is_ok_and(|t| t.starts_with(root().canonicalize().unwrap()));
            assert!(inside, "{doc} links to {link}, outside the repository");
        }
    }
}

#[test]
fn the_spec_doc_documents_the_fields_iacgen_added() {
    let text = std::fs::read_to_string(root().join("docs/spec.md")).unwrap();
    for field in [
        "repository.spec_file",
        "repository.iacgen",
        "backend.s3.key_prefix",
        "…replicas",
        "…capacity",
        "eks.public_access_cidrs",
    ] {
        assert!(
            text.contains(&format!("`{field}`")),
            "docs/spec.md lacks {field}"
        );
    }
    assert!(text.contains("int 1–65535"));
}
