//! The `iacgen` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 error, 2 changes found).

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iacgen",
    version,
    about = "Compile a typed platform spec into a Terraform repository",
    long_about = "iacgen reads a platform spec (YAML, TOML or JSON; see SPEC.md) and writes a \
                  Terraform repository: reusable modules under modules/ and one root per \
                  environment under environments/<env>/.\n\n\
                  Exit codes: 0 success, 1 error (nothing written), 2 changes found (diff)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the Terraform repository for a spec
    #[command(after_help = "Example:\n  iacgen generate examples/platform.yaml --out infra\n\n\
        Every file is written or none is: a spec error or a failed write leaves the output \
        directory as it was. Files iacgen does not generate are left alone.")]
    Generate {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// Output directory (created if missing)
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check a spec and report every problem, without writing anything
    #[command(after_help = "Example:\n  iacgen validate examples/platform.yaml\n\n\
        Problems are printed as FILE:LINE:COLUMN: FIELD: MESSAGE, all of them in one run; the \
        exit code is 1 when there is any.")]
    Validate {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn load(spec: &Path) -> Result<iacgen::model::Platform, String> {
    iacgen::spec::load_file(spec).map_err(|errors| {
        let text = errors.to_string();
        format!("{}\nerror: {} is not a valid spec", text.trim_end(), spec.display())
    })
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Validate { spec } => {
            let platform = load(&spec)?;
            println!(
                "{}: valid ({} environment{}: {})",
                spec.display(),
                platform.environments.len(),
                if platform.environments.len() == 1 { "" } else { "s" },
                platform.env_names().collect::<Vec<_>>().join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { spec, out } => {
            let platform = load(&spec)?;
            let tree = iacgen::render(&platform).map_err(|problems| {
                problems.iter().map(|p| format!("{}: {p}", spec.display())).collect::<Vec<_>>().join("\n")
            })?;
            let summary = iacgen::tree::write(&tree, &out).map_err(|e| format!("error: {e}"))?;
            for path in &summary.created {
                println!("  created   {path}");
            }
            for path in &summary.changed {
                println!("  changed   {path}");
            }
            println!(
                "{}: {} created, {} changed, {} unchanged",
                out.display(),
                summary.created.len(),
                summary.changed.len(),
                summary.unchanged.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
