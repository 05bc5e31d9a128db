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
                  Exit codes: 0 success, 1 error (nothing written), 2 changes found (diff, plan).",
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
    /// Match an environment against an existing Terraform state: what Terraform would create,
    /// keep, change or move, and the `moved` / `import` / `removed` blocks to adopt it
    #[command(after_help = "Examples:\n  \
        terraform state pull | iacgen plan platform.yaml --env prod --state -\n  \
        iacgen plan platform.yaml --env prod --state old.tfstate --write-moves environments/prod/moves.tf\n  \
        iacgen plan platform.yaml --env prod --state old-root.tfstate --adopt \\\n      \
        --write-moves environments/prod/imports.tf --write-removed ../old-root/forget.tf\n  \
        iacgen plan platform.yaml --env prod --state vpc.tfstate --state eks.tfstate \\\n      \
        --write-moves environments/prod/adopt.tf --write-removed ../eks/forget.tf\n\n\
        The state is a terraform.tfstate (format version 4, as `terraform state pull` prints it) \
        or `terraform show -json` output. Resources are matched by address, then by what names \
        them (CIDR blocks, names, ...). Without --adopt the (first) state is the environment's \
        own: resources found under another address get `moved` blocks. With --adopt the state \
        belongs to another root that the environment replaces: they get `import` blocks here, \
        and the old root forgets them with `removed` blocks (destroy = false; whole module calls \
        for a module-based root) or `terraform state rm` commands. With several --state (one per \
        component), all adopt into this environment: what the second and later states hold is \
        imported, and each of their roots gets what it must forget (one --write-removed per \
        such state, in order).\n\n\
        The report counts as `terraform plan` does: a drift on a force-new argument (a subnet's \
        CIDR, a cluster's role, ...) is a replacement naming the argument, and so is what it \
        takes with it; a new ECS task definition revision is reported as a rolling deployment \
        with its container changes.\n\n\
        Refused (exit 1, nothing written): a state of another region, or of another account than \
        environments.<env>.account_id; a state matching under 20% of both its instances and the \
        environment's (--allow-low-match proceeds).\n\n\
        Exit codes: 0 nothing to do, 2 changes, 1 error.")]
    Plan {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// The environment to compare
        #[arg(long, value_name = "ENV")]
        env: String,
        /// The state: a terraform.tfstate, `terraform show -json` output, or `-` for stdin.
        /// Repeat it for a platform split over several states (one per component): all of
        /// them adopt into this environment, and what is found in the second and later ones
        /// is imported
        #[arg(long, value_name = "FILE", required = true)]
        state: Vec<PathBuf>,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
        /// The state belongs to another root that this environment replaces: import its objects
        /// instead of moving them
        #[arg(long)]
        adopt: bool,
        /// Write `moved` blocks, and `import` blocks for what is imported (everything with
        /// --adopt; what the second and later states hold), to FILE, for the environment root
        #[arg(long, value_name = "FILE")]
        write_moves: Option<PathBuf>,
        /// Write `removed` blocks to FILE: with --adopt or several states, what each old root
        /// must forget (give FILE once per such state, in order; where Terraform would refuse a
        /// `removed` block, the file lists `terraform state rm` commands); otherwise for the
        /// resources of the state
        /// iacgen does not manage, so Terraform forgets rather than destroys them
        #[arg(long, value_name = "FILE")]
        write_removed: Vec<PathBuf>,
        /// The generated repository on disk: `.tf` files added by hand in its module and
        /// environment directories (`*_override.tf` among them) count as Terraform counts them
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Proceed even when the state matches so little of the environment (under 20% of
        /// both) that it is probably another platform's
        #[arg(long)]
        allow_low_match: bool,
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

/// What the root of one old state must forget, for people.
fn print_forget(f: &iacgen::state::Forget, path: &Path, written: Option<&PathBuf>) {
    let label = state_label(path);
    if f.is_empty() {
        println!("\nThe root of {label} keeps all its objects.");
        return;
    }
    println!("\nThe root of {label} must forget what this environment imports:");
    for r in &f.removed {
        println!(
            "  removed {{ from = {} }} (destroy = false), and delete {}",
            r.from, r.delete
        );
    }
    if !f.state_rm.is_empty() {
        println!("  run there (these share a module call or resource with what it keeps):");
        for c in f.commands() {
            println!("    {c}");
        }
    }
    match written {
        Some(file) => println!("  Wrote {}.", file.display()),
        None => println!("  --write-removed FILE writes its `removed` blocks."),
    }
}

fn forget_json(forgets: &[iacgen::state::Forget], paths: &[PathBuf]) -> serde_json::Value {
    serde_json::Value::Array(
        forgets
            .iter()
            .map(|f| {
                serde_json::json!({
                    "state": state_label(&paths[f.source]),
                    "removed": f.removed.iter().map(|r| serde_json::json!({
                        "from": r.from,
                        "delete": r.delete,
                    })).collect::<Vec<_>>(),
                    "state_rm": f.state_rm.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// How the messages name a state: its path, or standard input for `-`.
fn state_label(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

fn read_state(path: &Path) -> Result<iacgen::state::State, String> {
    if path.as_os_str() == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("error: cannot read the state from standard input: {e}"))?;
        iacgen::state::read(&bytes).map_err(|e| format!("error: standard input: {e}"))
    } else {
        iacgen::state::read_file(path).map_err(|e| match e {
            iacgen::state::StateError::Io { .. } => format!("error: {e}"),
            e => format!("error: {}: {e}", path.display()),
        })
    }
}

/// Adds the `.tf` files of the repository at `out` that iacgen does not generate but Terraform
/// reads with the generated ones: those in the environment's root and in every module directory.
fn add_files_on_disk(tree: &mut iacgen::tree::Tree, out: &Path, env: &str) -> Result<(), String> {
    let root = format!("environments/{env}");
    let dirs: std::collections::BTreeSet<String> = tree
        .paths()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .filter(|dir| dir == &root || dir.starts_with("modules/"))
        .collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(out.join(&dir)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tf"))
            .collect();
        names.sort();
        for name in names {
            let path = format!("{dir}/{name}");
            if tree.get(&path).is_some() {
                continue;
            }
            let text = std::fs::read_to_string(out.join(&path))
                .map_err(|e| format!("error: cannot read {}: {e}", out.join(&path).display()))?;
            tree.insert(path, text);
        }
    }
    Ok(())
}

fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents)
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Plan {
            spec,
            env,
            state,
            json,
            adopt,
            write_moves,
            write_removed,
            out,
            allow_low_match,
        } => {
            let mut tree = render(&spec, Target::Terraform)?;
            if let Some(out) = &out {
                add_files_on_disk(&mut tree, out, &env)?;
            }
            if state.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
                return Err("error: --state - (standard input) can be given once".to_string());
            }
            let states = state
                .iter()
                .map(|p| read_state(p))
                .collect::<Result<Vec<_>, _>>()?;
            let options = iacgen::state::PlanOptions { adopt };
            let report = iacgen::state::plan_states(&tree, &env, &states, options)
                .map_err(|e| format!("error: {}: {e}", spec.display()))?;
            // Nothing is written for a state of another region, account or platform.
            let platform = load(&spec)?;
            let account_id = platform
                .environments
                .iter()
                .find(|e| e.name == env)
                .and_then(|e| e.account_id.as_deref());
            let expected = iacgen::state::Expected {
                env: &env,
                region: platform.region.get(&env).map_or("", String::as_str),
                account_id,
            };
            for (path, s) in state.iter().zip(&states) {
                iacgen::state::check_origin(s, &expected).map_err(|e| {
                    format!("error: {}: {e}\nerror: nothing written", state_label(path))
                })?;
            }
            if !allow_low_match {
                iacgen::state::check_coverage(&report).map_err(|e| {
                    let which = state
                        .iter()
                        .map(|p| state_label(p))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("error: {which}: {e}\nerror: nothing written")
                })?;
            }
            // Several states, or adopting: each old root forgets what this environment imports.
            let forgets = if adopt || states.len() > 1 {
                Some(iacgen::state::forget(&report, states.len()))
            } else {
                None
            };
            match &forgets {
                Some(f) if !write_removed.is_empty() && write_removed.len() != f.len() => {
                    let which: Vec<String> =
                        f.iter().map(|f| state_label(&state[f.source])).collect();
                    return Err(format!(
                        "error: --write-removed is given {} time(s); give it once for each state                          whose root must forget what this environment imports ({}: {}), in that                          order\nerror: nothing written",
                        write_removed.len(),
                        f.len(),
                        which.join(", ")
                    ));
                }
                None if write_removed.len() > 1 => {
                    return Err(
                        "error: --write-removed is given more than once for one state\n\
                         error: nothing written"
                            .to_string(),
                    );
                }
                _ => {}
            }
            if let Some(path) = &write_moves {
                write_file(path, &iacgen::state::moves_file(&report))?;
            }
            match &forgets {
                Some(f) => {
                    for (path, f) in write_removed.iter().zip(f) {
                        write_file(path, &iacgen::state::forget_file(&report, f))?;
                    }
                }
                None => {
                    if let Some(path) = write_removed.first() {
                        write_file(path, &iacgen::state::removed_file(&report))?;
                    }
                }
            }
            if json {
                let mut doc = report.to_json();
                if let Some(f) = &forgets {
                    doc["forget"] = forget_json(f, &state);
                }
                println!("{doc:#}");
            } else {
                print!("{}", report.to_text());
                if let Some(path) = &write_moves {
                    let moved = report.moves().len();
                    let imports = report.imports().len();
                    let what = match (moved, imports) {
                        (_, 0) => format!("{moved} `moved`"),
                        (0, _) => format!("{imports} `import`"),
                        _ => format!("{moved} `moved` and {imports} `import`"),
                    };
                    println!("Wrote {what} block(s) to {}.", path.display());
                }
                match &forgets {
                    Some(forgets) => {
                        for (i, f) in forgets.iter().enumerate() {
                            print_forget(f, &state[f.source], write_removed.get(i));
                        }
                    }
                    None => {
                        if let Some(path) = write_removed.first() {
                            println!(
                                "Wrote {} `removed` block(s) to {}.",
                                report.removed().len(),
                                path.display()
                            );
                        }
                    }
                }
            }
            Ok(if report.has_changes() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
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
