//! The `iacgen` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 error, 2 changes found).

use clap::{CommandFactory, Parser, Subcommand};
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
                  Exit codes: 0 success, 1 error (nothing written), 2 changes found (diff).",
    after_help = "Example (a new repository):\n  iacgen init infra --project payments\n  \
                  cd infra && iacgen generate platform.yaml --out ."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the Terraform repository for a spec
    #[command(
        after_help = "Example:\n  iacgen generate examples/platform.yaml --out infra\n\n\
        Every file is written or none is: a spec error or a failed write leaves the output \
        directory as it was. Files iacgen does not generate are left alone."
    )]
    Generate {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// Output directory (created if missing)
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Overwrite or delete generated files even if they were edited by hand since
        #[arg(long)]
        force: bool,
        /// What to generate: Terraform (modules/, environments/) or a Pulumi Python project
        /// (pulumi/); both can live in one output directory
        #[arg(long, value_enum, default_value_t = Target::Terraform)]
        target: Target,
    },
    /// Show what `generate` would change in the output directory, as a unified diff
    #[command(
        after_help = "Example (CI: fail when the committed code is stale):\n  \
        iacgen diff platform.yaml --out . --stat\n\n\
        Exit codes: 0 nothing would change, 2 something would, 1 error. Files edited by hand \
        since the last generate are marked as such."
    )]
    Diff {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// The directory `generate` writes to
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Print one line per changed file instead of the diff
        #[arg(long)]
        stat: bool,
        /// Colour the diff: auto (on a terminal, unless NO_COLOR is set), always or never
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Which generated output to compare: terraform or pulumi
        #[arg(long, value_enum, default_value_t = Target::Terraform)]
        target: Target,
    },
    /// Check a spec and report every problem, without writing anything
    #[command(after_help = "Example:\n  iacgen validate examples/platform.yaml\n\n\
        Problems are printed as FILE:LINE:COLUMN: FIELD: MESSAGE, all of them in one run; the \
        exit code is 1 when there is any.")]
    Validate {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
    },
    /// Start a repository: write a commented starter platform.yaml and its JSON Schema
    #[command(
        after_help = "Example:\n  iacgen init infra --project payments --region eu-west-1\n  \
        cd infra && iacgen generate platform.yaml --out .\n\n\
        The starter is the smallest useful platform (one environment and its network); every \
        other section is there, commented out. An existing platform.yaml is never overwritten, \
        nor is an existing platform.schema.json."
    )]
    Init {
        /// Directory of the new repository (created if missing)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Project name (default: made from the directory's name)
        #[arg(long)]
        project: Option<String>,
        /// AWS region of the environments
        #[arg(long, default_value = "us-east-1")]
        region: String,
    },
    /// Print the JSON Schema of the spec, for editors that complete and check specs
    #[command(after_help = "Example:\n  iacgen schema > platform.schema.json\n\n\
        With the schema beside it, a spec whose first line is\n  \
        # yaml-language-server: $schema=platform.schema.json\n\
        gets completion, descriptions and checks in editors that use yaml-language-server \
        (VS Code's YAML extension, Neovim, Helix, ...).")]
    Schema,
    /// Print a shell completion script
    #[command(after_help = "Examples:\n  \
        iacgen completions bash > ~/.local/share/bash-completion/completions/iacgen\n  \
        iacgen completions zsh > \"${fpath[1]}/_iacgen\"\n  \
        iacgen completions fish > ~/.config/fish/completions/iacgen.fish")]
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Target {
    Terraform,
    Pulumi,
}

impl Target {
    /// Where this target's files (and its manifest) live inside the output directory.
    fn dir(self, out: &Path) -> PathBuf {
        match self {
            Target::Terraform => out.to_path_buf(),
            Target::Pulumi => out.join(iacgen::pulumi::DIR),
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
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
        format!(
            "{}\nerror: {} is not a valid spec",
            text.trim_end(),
            spec.display()
        )
    })
}

fn render(spec: &Path, target: Target) -> Result<iacgen::tree::Tree, String> {
    let platform = load(spec)?;
    let rendered = match target {
        Target::Terraform => iacgen::render(&platform),
        Target::Pulumi => iacgen::render_pulumi(&platform),
    };
    rendered.map_err(|problems| {
        problems
            .iter()
            .map(|p| format!("{}: {p}", spec.display()))
            .collect::<Vec<_>>()
            .join("\n")
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
                if platform.environments.len() == 1 {
                    ""
                } else {
                    "s"
                },
                platform.env_names().collect::<Vec<_>>().join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            spec,
            out,
            stat,
            color,
            target,
        } => {
            let tree = render(&spec, target)?;
            let changes = iacgen::output::changes(&tree, &target.dir(&out))
                .map_err(|e| format!("error: {e}"))?;
            if changes.is_empty() {
                println!("{}: up to date with {}", out.display(), spec.display());
                return Ok(ExitCode::SUCCESS);
            }
            if stat {
                print!("{}", iacgen::output::stat(&changes));
            } else {
                print!(
                    "{}",
                    iacgen::output::unified_diff(&changes, color.enabled())
                );
            }
            Ok(ExitCode::from(2))
        }
        Command::Init {
            dir,
            project,
            region,
        } => {
            let written = iacgen::init::init(&dir, project.as_deref(), &region)
                .map_err(|e| format!("error: {e}"))?;
            println!("  created   {}", written.spec.display());
            match &written.schema {
                Some(schema) => println!("  created   {}", schema.display()),
                None => println!(
                    "  kept      {} (refresh it with `iacgen schema`)",
                    dir.join(iacgen::init::SCHEMA_FILE).display()
                ),
            }
            // Generated files name the spec relative to the repository root: run from there.
            let cd = match dir.as_os_str().to_str() {
                Some(".") | Some("") => String::new(),
                _ => format!("cd {} && ", dir.display()),
            };
            println!(
                "project {}: next, {cd}iacgen generate platform.yaml --out .",
                written.project
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            print!("{}", iacgen::spec::schema_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "iacgen", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            spec,
            out,
            force,
            target,
        } => {
            let tree = render(&spec, target)?;
            let summary = iacgen::output::generate(&tree, &target.dir(&out), force)
                .map_err(|e| format!("error: {e}"))?;
            for path in &summary.created {
                println!("  created   {path}");
            }
            for path in &summary.changed {
                println!("  changed   {path}");
            }
            for path in &summary.removed {
                println!("  removed   {path}");
            }
            println!(
                "{}: {} created, {} changed, {} removed, {} unchanged",
                out.display(),
                summary.created.len(),
                summary.changed.len(),
                summary.removed.len(),
                summary.unchanged.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
