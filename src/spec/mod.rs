//! The spec file: YAML, TOML or JSON → located document → [`crate::model::Platform`].
