//! Why a file could not be read as a Terraform state, worded for the person who passed it:
//! what the file is, and what to do to get a state iacgen can read.

use std::fmt;
use std::path::PathBuf;

/// A file that is not a readable Terraform state.
#[derive(Debug)]
pub enum StateError {
    /// The file could not be read from disk.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Zero bytes, or only whitespace.
    Empty { bytes: usize },
    /// Not text: encrypted or compressed files, UTF-16 text, anything else binary.
    Binary { kind: BinaryKind, head: String },
    /// A JSON envelope around an encrypted state.
    Encrypted(Encryption),
    /// Text that is not UTF-8 (e.g. a state re-saved as Latin-1): position of the first bad byte.
    NotUtf8 { line: usize, column: usize },
    /// Not valid JSON.
    InvalidJson {
        message: String,
        line: usize,
        column: usize,
    },
    /// Valid JSON, but not an object (e.g. an array).
    NotAnObject { found: &'static str },
    /// A JSON object with neither `"version"` nor `"format_version"`.
    NotAState { keys: Vec<String> },
    /// `"version"` is there but is not a whole number.
    InvalidVersion { found: String },
    /// State format versions 1–3, written before Terraform 0.12.
    LegacyFormat {
        version: u64,
        terraform_version: Option<String>,
        serial: Option<u64>,
        /// Resources the legacy state holds, counted over its modules.
        resources: Option<usize>,
    },
    /// State format version 0 (never a JSON format) or newer than 4.
    UnsupportedFormat {
        version: u64,
        terraform_version: Option<String>,
    },
    /// `terraform show -json` output of a major format version other than 0 or 1.
    UnsupportedShowJson { format_version: String },
    /// A state of a supported format whose content is wrong (bad mode, module path, index key,
    /// duplicate instance, wrong JSON types...).
    Invalid {
        message: String,
        /// 1-based line and column, when the problem has a position in the file.
        position: Option<(usize, usize)>,
    },
}

/// What kind of binary content a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryKind {
    /// Encrypted by git-crypt (the repository is locked).
    GitCrypt,
    Gzip,
    /// Terraform's binary state format, used up to Terraform 0.6.
    LegacyBinaryState,
    /// UTF-16 text, as Windows PowerShell's `>` writes it.
    Utf16,
    Other,
}

/// Which tool encrypted a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// OpenTofu's client-side state encryption (also what Terragrunt configures for OpenTofu).
    OpenTofu {
        encryption_version: String,
        /// Key providers named in the envelope's metadata, e.g. `pbkdf2.main`.
        key_providers: Vec<String>,
    },
    /// Mozilla SOPS: the values are encrypted, the `"sops"` key holds the metadata.
    Sops,
}

const HOW_TO_GET_A_STATE: &str = "a Terraform state is the JSON written by \
    `terraform state pull > terraform.tfstate` (or `terraform show -json`)";

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            StateError::Empty { bytes: 0 } => write!(
                f,
                "the state file is empty (0 bytes), which Terraform reads as \"no state yet\"; \
                 if the configuration has been applied, fetch its state with \
                 `terraform state pull > terraform.tfstate`"
            ),
            StateError::Empty { bytes } => write!(
                f,
                "the state file holds only whitespace ({bytes} bytes), not a state; \
                 fetch the state with `terraform state pull > terraform.tfstate`"
            ),
            StateError::Binary { kind, head } => match kind {
                BinaryKind::GitCrypt => write!(
                    f,
                    "the file is encrypted with git-crypt (it starts with \"{head}\"); run \
                     `git-crypt unlock` in its repository, or fetch the state from its backend \
                     with `terraform state pull > terraform.tfstate`"
                ),
                BinaryKind::Gzip => write!(
                    f,
                    "the file is gzip-compressed, not JSON; decompress it first \
                     (`gunzip -c FILE > terraform.tfstate`)"
                ),
                BinaryKind::LegacyBinaryState => write!(
                    f,
                    "the file is in Terraform's binary state format (Terraform 0.6 and earlier); \
                     upgrade it with Terraform 0.6.16, then with Terraform 0.12 or newer \
                     (`terraform state pull > terraform.tfstate` writes format version 4)"
                ),
                BinaryKind::Utf16 => write!(
                    f,
                    "the file is UTF-16 text (Windows PowerShell's `>` writes UTF-16), but a state \
                     is UTF-8 JSON; write it as UTF-8, e.g. \
                     `terraform state pull | Out-File -Encoding utf8 terraform.tfstate`"
                ),
                BinaryKind::Other => write!(
                    f,
                    "the file is binary, not JSON (it starts with \"{head}\"); {HOW_TO_GET_A_STATE}"
                ),
            },
            StateError::Encrypted(Encryption::OpenTofu {
                encryption_version,
                key_providers,
            }) => {
                write!(
                    f,
                    "the state is encrypted by OpenTofu state encryption (envelope \
                     encryption_version \"{encryption_version}\""
                )?;
                if !key_providers.is_empty() {
                    write!(f, ", key provider {}", key_providers.join(", "))?;
                }
                write!(
                    f,
                    ") and iacgen cannot decrypt it; in the configuration that owns it, write a \
                     decrypted copy with `tofu show -json > state.json` and pass that file"
                )
            }
            StateError::Encrypted(Encryption::Sops) => write!(
                f,
                "the state is encrypted with SOPS (it has a top-level \"sops\" key); decrypt it \
                 first: `sops --decrypt --input-type json --output-type json FILE > terraform.tfstate`"
            ),
            StateError::NotUtf8 { line, column } => write!(
                f,
                "the file is not UTF-8 text (a byte that is not UTF-8 at line {line} column \
                 {column}); Terraform writes states as UTF-8, so this copy was probably converted \
                 to another encoding: fetch it again with `terraform state pull > terraform.tfstate`"
            ),
            StateError::InvalidJson {
                message,
                line,
                column,
            } => write!(
                f,
                "the file is not valid JSON: {message} at line {line} column {column}; \
                 {HOW_TO_GET_A_STATE}"
            ),
            StateError::NotAnObject { found } => write!(
                f,
                "the file is JSON {found}, not a Terraform state (a state is a JSON object with \
                 a \"version\" attribute); {HOW_TO_GET_A_STATE}"
            ),
            StateError::NotAState { keys } => {
                write!(
                    f,
                    "the file is a JSON object without a \"version\" attribute, so it is not a \
                     Terraform state"
                )?;
                if !keys.is_empty() {
                    write!(f, " (its top-level keys: {})", keys.join(", "))?;
                }
                write!(f, "; {HOW_TO_GET_A_STATE}")
            }
            StateError::InvalidVersion { found } => write!(
                f,
                "the file's \"version\" is {found}, but a state format version is a whole number \
                 (4 for Terraform 0.12 and later); {HOW_TO_GET_A_STATE}"
            ),
            StateError::LegacyFormat {
                version,
                terraform_version,
                serial,
                resources,
            } => {
                write!(
                    f,
                    "state format version {version} is a legacy format from before Terraform 0.12"
                )?;
                let mut facts = Vec::new();
                if let Some(v) = terraform_version {
                    facts.push(format!("terraform_version {v}"));
                }
                if let Some(s) = serial {
                    facts.push(format!("serial {s}"));
                }
                if let Some(n) = resources {
                    facts.push(format!("{n} resource{}", if *n == 1 { "" } else { "s" }));
                }
                if !facts.is_empty() {
                    write!(f, " (this file: {})", facts.join(", "))?;
                }
                write!(
                    f,
                    "; iacgen reads format version 4 only. Terraform 0.12 or newer upgrades it: \
                     run `terraform init` and then `terraform state pull > terraform.tfstate` in \
                     the configuration that owns this state, and pass the new file"
                )
            }
            StateError::UnsupportedFormat { version: 0, .. } => write!(
                f,
                "the file claims JSON state format version 0, which never existed, so it is not \
                 a valid state; {HOW_TO_GET_A_STATE}"
            ),
            StateError::UnsupportedFormat {
                version,
                terraform_version,
            } => {
                write!(
                    f,
                    "state format version {version} is newer than iacgen understands (it reads \
                     version 4, written by Terraform 0.12 and later"
                )?;
                if let Some(v) = terraform_version {
                    write!(f, "; this file says it was written by Terraform {v}")?;
                }
                write!(f, "); use an iacgen release that supports it")
            }
            StateError::UnsupportedShowJson { format_version } => write!(
                f,
                "`terraform show -json` output with format_version \"{format_version}\" is not \
                 supported (iacgen reads format versions 0.x and 1.x)"
            ),
            StateError::Invalid { message, position } => {
                write!(f, "invalid Terraform state: {message}")?;
                if let Some((line, column)) = position {
                    write!(f, " at line {line} column {column}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for StateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StateError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl StateError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        StateError::Invalid {
            message: message.into(),
            position: None,
        }
    }

    /// A serde error met while reading a state whose JSON is valid: the content has the wrong
    /// shape (a string where a list belongs...).
    pub(crate) fn from_serde(err: &serde_json::Error) -> Self {
        let position = (err.line() > 0).then(|| (err.line(), err.column()));
        StateError::Invalid {
            message: serde_message(err),
            position,
        }
    }
}

/// serde_json's message without its trailing " at line L column C".
pub(crate) fn serde_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}
