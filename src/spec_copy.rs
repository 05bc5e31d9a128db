//! The spec that the generated repository names must be where it names it.
//!
//! The README, the CI workflow and the other root files name the spec by
//! `repository.spec_file`, relative to the output directory (the repository root). When
//! `generate` reads a spec from elsewhere (`iacgen generate examples/platform.yaml --out
//! infra`), that path would be empty and CI's `iacgen diff` would fail, so the spec is copied
//! there, as one more generated file: the manifest records it, so a later generate from outside
//! replaces a copy nobody edited and refuses (without `--force`) to overwrite one that was
//! edited, exactly as for the code. A spec that is the file at `spec_file` is recorded too, with
//! its own text, so it is never "no longer generated" and deleted. Refused: a spec inside the
//! output directory at another path than `spec_file`, which the files would not name.

use std::path::Path;

/// What the spec adds to the generated tree at `spec_file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecEntry {
    /// The spec is the file at `spec_file`: recorded with its own text.
    InPlace(String),
    /// The spec is outside the output directory: copied to `spec_file`.
    Copy(String),
    /// Nothing names the spec (every root file is switched off) and it is elsewhere.
    None,
}

/// Where `spec` stands against `out/<spec_file>`; `named`: whether generated files name it.
pub fn entry(spec: &Path, out: &Path, spec_file: &str, named: bool) -> Result<SpecEntry, String> {
    let read = || {
        std::fs::read_to_string(spec)
            .map_err(|e| format!("error: cannot read {}: {e}", spec.display()))
    };
    let spec_real = spec
        .canonicalize()
        .map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    let target = out.join(spec_file);
    if target.canonicalize().is_ok_and(|t| t == spec_real) {
        return Ok(SpecEntry::InPlace(read()?));
    }
    if !named {
        return Ok(SpecEntry::None);
    }
    if let Ok(out_real) = out.canonicalize()
        && let Ok(inside) = spec_real.strip_prefix(&out_real)
    {
        let inside = inside.to_string_lossy().replace('\\', "/");
        return Err(format!(
            "error: {spec} is in {out} at `{inside}`, but the generated README and CI name \
             `{spec_file}` (repository.spec_file): set `repository: {{ spec_file: {inside} }}` \
             in the spec, or move it to {target}",
            spec = spec.display(),
            out = out.display(),
            target = target.display(),
        ));
    }
    Ok(SpecEntry::Copy(read()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("elsewhere/p.yaml");
        std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
        std::fs::write(&spec, "version: 1\n").unwrap();
        (dir, spec)
    }

    #[test]
    fn a_spec_outside_is_copied_to_the_path_the_files_name() {
        let (dir, spec) = setup();
        let out = dir.path().join("infra");
        assert_eq!(
            entry(&spec, &out, "platform.yaml", true),
            Ok(SpecEntry::Copy("version: 1\n".into()))
        );
        assert_eq!(
            entry(&spec, &out, "platform.yaml", false),
            Ok(SpecEntry::None)
        );
    }

    #[test]
    fn the_spec_at_its_path_is_kept_even_when_nothing_names_it() {
        let (dir, spec) = setup();
        for named in [true, false] {
            assert_eq!(
                entry(&spec, dir.path(), "elsewhere/p.yaml", named),
                Ok(SpecEntry::InPlace("version: 1\n".into()))
            );
        }
    }

    #[test]
    fn a_spec_inside_at_another_path_is_refused_with_the_setting_to_use() {
        let (dir, spec) = setup();
        let refused = entry(&spec, dir.path(), "platform.yaml", true).unwrap_err();
        assert!(refused.contains("spec_file: elsewhere/p.yaml"), "{refused}");
        assert_eq!(
            entry(&spec, dir.path(), "platform.yaml", false),
            Ok(SpecEntry::None)
        );
    }
}
