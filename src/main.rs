//! The `iacgen` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 success, 1 error, 2 changes found).

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use cli::stdout::{Stdout, progress};
use iacgen::spec_copy::{self, SpecEntry};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// generate and plan build and drop millions of small syntax-tree nodes; mimalloc does that in
// about a quarter less time than the system allocator at a thousand services.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "iacgen",
    version = env!("IACGEN_VERSION"),
    about = "Compile a typed platform spec into a Terraform repository or a Pulumi program",
    long_about = "iacgen reads a platform spec (YAML, TOML or JSON; see docs/spec.md) and writes a \
                  Terraform repository: reusable modules under modules/ and one root per \
                  environment under environments/<env>/ (or, with generate --target pulumi, a \
                  Pulumi Python project under pulumi/).\n\n\
                  Exit codes: 0 success, 1 error (nothing written; a usage error too), 2 changes \
                  found (diff, plan).",
    after_help = "Example (a new repository):\n  iacgen init infra --project payments\n  \
                  cd infra && iacgen generate platform.yaml --out ."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print nothing on standard output but what was asked for (a report in --format json or
    /// github, a schema, a completion script): the exit code is the answer. Errors still go to
    /// standard error
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Write the Terraform repository (or the Pulumi project) for a spec
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
        /// text: a unified diff (or --stat); json: one object listing every changed file with
        /// its diff
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
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
        iacgen plan platform.yaml --env prod --state old.tfstate --write-kept && iacgen generate platform.yaml --out .\n  \
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
        Arguments of matched objects whose change would replace them (names from a name_prefix, \
        a node group's role, ...) are listed \"to keep\"; --write-kept records them in \
        <spec name>.kept.yaml beside the spec, which generate, diff, validate and plan read.\n\n\
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
        /// text: the report for a person; json: the same as one JSON object; github: the text
        /// report plus workflow commands (a notice with the counts, a warning for each resource
        /// Terraform would destroy)
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// The same as --format json (kept for scripts written before --format)
        #[arg(long, conflicts_with = "format")]
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
        /// Write an override file (name it `*_override.tf`, in the environment root) naming the
        /// security group rules that exist inline in adopted security groups, so that Terraform
        /// does not create them again
        #[arg(long, value_name = "FILE")]
        write_kept_inline: Option<PathBuf>,
        /// Record the values of existing objects that iacgen must keep (names from a
        /// `name_prefix`, a node group's role, ...: changing them would replace the object) in
        /// the kept-values file beside the spec (`<spec name>.kept.yaml`), which generate, diff,
        /// validate and plan read; run `iacgen generate` afterwards
        #[arg(long)]
        write_kept: bool,
        /// Let Terraform destroy this instance of the state that the spec has no place for
        /// (repeatable); without it, --write-moves needs --write-removed to keep such objects
        #[arg(long, value_name = "ADDRESS")]
        allow_destroy: Vec<String>,
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
    #[command(after_help = "Examples:\n  iacgen validate examples/platform.yaml\n  \
        iacgen validate platform.yaml --format github   # in a GitHub Actions step\n\n\
        Problems are printed as FILE:LINE:COLUMN: FIELD: MESSAGE; the exit code is 1 when there \
        is any. One run reports every problem of the document's structure (unknown fields, \
        wrong types, missing required fields) and of its values (sizes, references, CIDRs, \
        names); a rule that reads a top-level section with a structural problem waits until \
        that section is fixed.")]
    Validate {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// text: problems on standard error; json: one object on standard output
        /// ({spec, valid, environments, problems: [{file, line, column, field, message}]});
        /// github: one `::error file=...,line=...,col=...::` workflow command per problem, so
        /// GitHub marks the spec's lines
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
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
    /// Print a diagram of one environment: network tiers, the EKS cluster and its pools, ECS
    /// services and their load balancers, secrets and who reads them, alarms
    #[command(after_help = "Examples:\n  \
        iacgen graph platform.yaml --env prod > prod.mmd\n  \
        iacgen graph platform.yaml --env prod --format dot | dot -Tsvg > prod.svg\n\n\
        Mermaid is what GitHub renders in Markdown (```mermaid blocks); the generated README has \
        one diagram per environment.")]
    Graph {
        /// The spec file (.yaml, .yml, .toml or .json)
        spec: PathBuf,
        /// The environment to draw
        #[arg(long, value_name = "ENV")]
        env: String,
        /// Diagram language
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Github,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
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

    fn name(self) -> &'static str {
        match self {
            Target::Terraform => "terraform",
            Target::Pulumi => "pulumi",
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are answers (0); anything else is a usage error: 1, as for
            // every other error, because 2 means "changes found" for diff and plan.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let mut out = Stdout::new(cli.quiet);
    match run(cli.command, &mut out) {
        Ok(code) => code,
        Err(Failure::Message(message)) => {
            cli::stdout::error(message);
            ExitCode::from(1)
        }
        Err(Failure::Reported) => ExitCode::from(1),
    }
}

/// Why a command failed (exit code 1).
enum Failure {
    /// For standard error.
    Message(String),
    /// Already reported on standard output, in the format the user asked for.
    Reported,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

/// Reads and checks a spec; its problems are reported as `format` asks: text on standard
/// error, JSON or GitHub workflow commands on standard output.
fn load(
    spec: &Path,
    format: ReportFormat,
    out: &mut Stdout,
) -> Result<iacgen::model::Platform, Failure> {
    progress(
        out.quiet(),
        format_args!("iacgen: reading {}", spec.display()),
    );
    let today = iacgen::model::aws::Date::today();
    let (platform, warnings) =
        iacgen::spec::load_file_with_warnings(spec, today).map_err(|errors| match format {
            ReportFormat::Text => Failure::Message(format!(
                "{}\nerror: {} is not a valid spec",
                errors.to_string().trim_end(),
                spec.display()
            )),
            ReportFormat::Json => {
                let json = cli::report::validate_json(&spec.display().to_string(), Err(&errors));
                match out.line(format_args!("{json:#}")) {
                    Ok(()) => Failure::Reported,
                    Err(e) => Failure::Message(e),
                }
            }
            ReportFormat::Github => match out.print(&cli::report::problems_github(&errors)) {
                Ok(()) => Failure::Reported,
                Err(e) => Failure::Message(e),
            },
        })?;
    for w in &warnings {
        eprintln!(
            "{}:{}:{}: warning: {}: {}",
            w.file, w.line, w.column, w.path, w.message
        );
    }
    Ok(platform)
}

fn render(
    spec: &Path,
    target: Target,
    format: ReportFormat,
    out: &mut Stdout,
) -> Result<(iacgen::model::Platform, iacgen::tree::Tree), Failure> {
    let platform = load(spec, format, out)?;
    let kept = load_kept(spec, &platform)?;
    let tree = render_with(spec, &platform, &kept, target)?;
    Ok((platform, tree))
}

/// The fingerprint of what `generate` reads (see `output::inputs_fingerprint`): this program,
/// the target, the spec's and the output's paths, the spec and its kept values. `None` when
/// one of them cannot be read, which only costs the fast path.
fn generation_inputs(spec: &Path, dir: &Path, target: Target) -> Option<String> {
    // The program by its size and modification time (each build writes it anew): hashing
    // its bytes would cost more than the run it saves for a small spec.
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let built = exe
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let program = format!(
        "{} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        exe.len(),
        built.as_secs(),
        built.subsec_nanos()
    );
    let spec_path = std::fs::canonicalize(spec).ok()?;
    let spec_bytes = std::fs::read(spec).ok()?;
    let kept = match std::fs::read(iacgen::spec::kept_path(spec)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => b"no kept values".to_vec(),
        Err(_) => return None,
    };
    // Absolute, not canonical: the same whether or not the directory exists yet, so that the
    // run after the first generate into a new directory finds nothing changed.
    let out = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    Some(iacgen::output::inputs_fingerprint(&[
        program.as_bytes(),
        format!("{target:?}").as_bytes(),
        spec_path.to_string_lossy().as_bytes(),
        out.to_string_lossy().as_bytes(),
        &spec_bytes,
        &kept,
    ]))
}

/// The kept values beside the spec (`<spec name>.kept.yaml`), none when there is no such file.
fn load_kept(
    spec: &Path,
    platform: &iacgen::model::Platform,
) -> Result<iacgen::model::kept::Kept, String> {
    iacgen::load_kept(spec, platform).map_err(|errors| {
        let text = errors.to_string();
        format!(
            "{}\nerror: {} is not a valid kept-values file",
            text.trim_end(),
            iacgen::spec::kept_path(spec).display()
        )
    })
}

fn render_with(
    spec: &Path,
    platform: &iacgen::model::Platform,
    kept: &iacgen::model::kept::Kept,
    target: Target,
) -> Result<iacgen::tree::Tree, String> {
    let rendered = match target {
        Target::Terraform => iacgen::render_kept(platform, kept),
        Target::Pulumi => iacgen::render_pulumi(platform),
    };
    rendered.map_err(|problems| problem_lines(spec, &problems))
}

/// One `SPEC: problem` line per problem.
fn problem_lines(spec: &Path, problems: &[iacgen::model::validate::Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {p}", spec.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Adds the spec to the Terraform tree at `repository.spec_file` (see `iacgen::spec_copy`):
/// its own text when it is that file, a copy when it is outside the output directory. Returns
/// the path when it is a copy. The Pulumi project names no spec.
fn with_spec(
    tree: &mut dyn iacgen::tree::FileSink,
    platform: &iacgen::model::Platform,
    spec: &Path,
    dir: &Path,
    target: Target,
) -> Result<Option<String>, String> {
    if matches!(target, Target::Pulumi) {
        return Ok(None);
    }
    let r = &platform.repository;
    // The root files that name the spec (README, workflow, pre-commit, tflint, .gitignore).
    let named = r.readme || r.github_workflow || r.pre_commit || r.tflint || r.gitignore;
    Ok(match spec_copy::entry(spec, dir, &r.spec_file, named)? {
        SpecEntry::InPlace(text) => {
            tree.put(r.spec_file.clone(), text);
            None
        }
        SpecEntry::Copy(text) => {
            tree.put(r.spec_file.clone(), text);
            Some(r.spec_file.clone())
        }
        SpecEntry::None => None,
    })
}

/// What the root of one old state must forget, for people.
fn print_forget(f: &iacgen::state::Forget, path: &Path, written: Option<&PathBuf>) -> String {
    use std::fmt::Write as _;
    let label = state_label(path);
    let mut text = String::new();
    if f.is_empty() {
        let _ = writeln!(text, "\nThe root of {label} keeps all its objects.");
        return text;
    }
    let _ = writeln!(
        text,
        "\nThe root of {label} must forget what this environment imports:"
    );
    for r in &f.removed {
        let _ = writeln!(
            text,
            "  removed {{ from = {} }} (destroy = false), and delete {}",
            r.from, r.delete
        );
    }
    if !f.state_rm.is_empty() {
        let _ = writeln!(
            text,
            "  run there (these share a module call or resource with what it keeps):"
        );
        for c in f.commands() {
            let _ = writeln!(text, "    {c}");
        }
    }
    let _ = match written {
        Some(file) => writeln!(text, "  Wrote {}.", file.display()),
        None => writeln!(text, "  --write-removed FILE writes its `removed` blocks."),
    };
    text
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

fn run(command: Command, out: &mut Stdout) -> Result<ExitCode, Failure> {
    match command {
        Command::Plan {
            spec,
            env,
            state,
            format,
            json,
            adopt,
            write_moves,
            write_removed,
            write_kept_inline,
            write_kept,
            allow_destroy,
            out: dir,
            allow_low_match,
        } => {
            let format = if json { ReportFormat::Json } else { format };
            let platform = load(&spec, format, out)?;
            let mut kept = load_kept(&spec, &platform)?;
            if state.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
                return Err("error: --state - (standard input) can be given once"
                    .to_string()
                    .into());
            }
            let labels: Vec<String> = state.iter().map(|p| state_label(p)).collect();
            progress(
                out.quiet(),
                format_args!("iacgen: reading the state {}", labels.join(", ")),
            );
            let states = state
                .iter()
                .map(|p| read_state(p))
                .collect::<Result<Vec<_>, _>>()?;
            // Nothing is written for a state of another region, account or platform.
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
            let options = iacgen::state::PlanOptions { adopt };
            // Kept values change the code, and so what matches (a role's policy attachments
            // once its name is kept): plan again until nothing more is to be kept.
            let mut rounds = 0;
            let mut report = loop {
                let mut tree = iacgen::render_env(&platform, &kept, &env)
                    .map_err(|problems| problem_lines(&spec, &problems))?;
                if let Some(dir) = &dir {
                    add_files_on_disk(&mut tree, dir, &env)?;
                }
                let report = iacgen::state::plan_states(&tree, &env, &states, options)
                    .map_err(|e| format!("error: {}: {e}", spec.display()))?;
                rounds += 1;
                if !write_kept || report.keep.is_empty() || rounds == 4 {
                    break report;
                }
                kept = report.kept_with(&kept);
            };
            if !allow_low_match {
                iacgen::state::check_coverage(&report).map_err(|e| {
                    format!("error: {}: {e}\nerror: nothing written", labels.join(", "))
                })?;
            }
            let allowed = |a: &iacgen::state::Address| {
                allow_destroy
                    .iter()
                    .any(|x| *x == a.to_string() || *x == a.resource().to_string())
            };
            let destroyed: Vec<String> = report
                .not_managed
                .iter()
                .filter(|u| !allowed(&u.address))
                .map(|u| u.address.to_string())
                .collect();
            if !adopt
                && states.len() == 1
                && write_moves.is_some()
                && write_removed.is_empty()
                && !destroyed.is_empty()
            {
                return Err(format!(
                    "error: Terraform would destroy {} object(s) of the state that the spec has no \
                     place for:\n  {}\nKeep them with --write-removed FILE (`removed` blocks, \
                     destroy = false), or allow each with --allow-destroy ADDRESS. Nothing written.",
                    destroyed.len(),
                    destroyed.join("\n  ")
                )
                .into());
            }
            report.not_managed.retain(|u| !allowed(&u.address));
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
                        "error: --write-removed is given {} time(s); give it once for each state \
                         whose root must forget what this environment imports ({}: {}), in that \
                         order\nerror: nothing written",
                        write_removed.len(),
                        f.len(),
                        which.join(", ")
                    )
                    .into());
                }
                None if write_removed.len() > 1 => {
                    return Err(
                        "error: --write-removed is given more than once for one state\n\
                         error: nothing written"
                            .to_string()
                            .into(),
                    );
                }
                _ => {}
            }
            if write_kept {
                let path = iacgen::spec::kept_path(&spec);
                write_file(&path, &iacgen::spec::kept_yaml(&kept))?;
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
            if let Some(path) = &write_kept_inline {
                write_file(path, &iacgen::state::kept_inline_file(&report))?;
            }
            match format {
                ReportFormat::Json => {
                    let mut doc = report.to_json();
                    if let Some(f) = &forgets {
                        doc["forget"] = forget_json(f, &state);
                    }
                    out.line(format_args!("{doc:#}"))?;
                }
                ReportFormat::Github => {
                    out.note(report.to_text().trim_end())?;
                    out.print(&cli::report::plan_github(&report))?;
                }
                ReportFormat::Text => out.note(report.to_text().trim_end())?,
            }
            if format != ReportFormat::Json {
                if let Some(path) = &write_moves {
                    let moved = report.moves().len();
                    let imports = report.imports().len() + report.inline_imports().len();
                    let what = match (moved, imports) {
                        (_, 0) => format!("{moved} `moved`"),
                        (0, _) => format!("{imports} `import`"),
                        _ => format!("{moved} `moved` and {imports} `import`"),
                    };
                    out.note(format_args!("Wrote {what} block(s) to {}.", path.display()))?;
                }
                if let Some(path) = &write_kept_inline {
                    out.note(format_args!(
                        "Wrote {} security group rule(s) kept inline to {}.",
                        report.kept_inline().len(),
                        path.display()
                    ))?;
                }
                match &forgets {
                    Some(forgets) => {
                        for (i, f) in forgets.iter().enumerate() {
                            out.note(
                                print_forget(f, &state[f.source], write_removed.get(i)).trim_end(),
                            )?;
                        }
                    }
                    None => {
                        if let Some(path) = write_removed.first() {
                            out.note(format_args!(
                                "Wrote {} `removed` block(s) to {}.",
                                report.removed().len(),
                                path.display()
                            ))?;
                        }
                    }
                }
                if write_kept {
                    out.note(format_args!(
                        "Wrote {} kept value(s) to {}; run `iacgen generate` to use them.",
                        kept.len(),
                        iacgen::spec::kept_path(&spec).display()
                    ))?;
                }
            }
            Ok(if report.has_changes() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Validate { spec, format } => {
            let platform = load(&spec, format, out)?;
            let kept = load_kept(&spec, &platform)?;
            let names: Vec<String> = platform.env_names().map(str::to_string).collect();
            match format {
                ReportFormat::Json => {
                    let json = cli::report::validate_json(&spec.display().to_string(), Ok(names));
                    out.line(format_args!("{json:#}"))?;
                }
                ReportFormat::Text | ReportFormat::Github => out.note(format_args!(
                    "{}: valid ({} environment{}: {})",
                    spec.display(),
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ))?,
            }
            if !kept.is_empty() && format != ReportFormat::Json {
                out.note(format_args!(
                    "{}: {} kept value(s)",
                    iacgen::spec::kept_path(&spec).display(),
                    kept.len()
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            spec,
            out: dir,
            stat,
            format,
            color,
            target,
        } => {
            let (platform, mut tree) = render(&spec, target, ReportFormat::Text, out)?;
            with_spec(&mut tree, &platform, &spec, &dir, target)?;
            let changes = iacgen::output::changes(&tree, &target.dir(&dir))
                .map_err(|e| format!("error: {e}"))?;
            if format == DiffFormat::Json {
                let json = cli::report::diff_json(
                    &spec.display().to_string(),
                    &dir.display().to_string(),
                    target.name(),
                    &changes,
                );
                out.line(format_args!("{json:#}"))?;
            } else if changes.is_empty() {
                out.note(format_args!(
                    "{}: up to date with {}",
                    dir.display(),
                    spec.display()
                ))?;
            } else if !out.quiet() {
                if stat {
                    out.print(&iacgen::output::stat(&changes))?;
                } else {
                    out.print(&iacgen::output::unified_diff(&changes, color.enabled()))?;
                }
            }
            Ok(if changes.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Init {
            dir,
            project,
            region,
        } => {
            let written = iacgen::init::init(&dir, project.as_deref(), &region)
                .map_err(|e| format!("error: {e}"))?;
            out.note(format_args!("  created   {}", written.spec.display()))?;
            match &written.schema {
                Some(schema) => out.note(format_args!("  created   {}", schema.display()))?,
                None => out.note(format_args!(
                    "  kept      {} (refresh it with `iacgen schema`)",
                    dir.join(iacgen::init::SCHEMA_FILE).display()
                ))?,
            }
            // Generated files name the spec relative to the repository root: run from there.
            let cd = match dir.as_os_str().to_str() {
                Some(".") | Some("") => String::new(),
                _ => format!("cd {} && ", dir.display()),
            };
            out.note(format_args!(
                "project {}: next, {cd}iacgen generate platform.yaml --out .",
                written.project
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph { spec, env, format } => {
            let platform = load(&spec, ReportFormat::Text, out)?;
            let format = match format {
                GraphFormat::Mermaid => iacgen::graph::Format::Mermaid,
                GraphFormat::Dot => iacgen::graph::Format::Dot,
            };
            let text = iacgen::graph::render(&platform, &env, format)
                .map_err(|e| format!("error: {}: --env: {e}", spec.display()))?;
            out.print(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            out.print(&iacgen::spec::schema_json())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "iacgen", &mut script);
            out.print(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            spec,
            out: dir,
            force,
            target,
        } => {
            let platform = load(&spec, ReportFormat::Text, out)?;
            let kept = load_kept(&spec, &platform)?;
            // The same inputs as the last generate, and its files as it wrote them: nothing
            // to compile or write (the spec was still read and checked above).
            let inputs = generation_inputs(&spec, &dir, target);
            if let Some(unchanged) = inputs
                .as_deref()
                .and_then(|i| iacgen::output::unchanged(&target.dir(&dir), i))
            {
                out.note(format_args!(
                    "{}: 0 created, 0 changed, 0 removed, {unchanged} unchanged (the spec, its \
                     kept values and iacgen are those of the last generate)",
                    dir.display()
                ))?;
                return Ok(ExitCode::SUCCESS);
            }
            let write_error = |e: iacgen::output::OutputError| format!("error: {e}");
            progress(
                out.quiet(),
                format_args!("iacgen: writing {}", target.dir(&dir).display()),
            );
            // Each file is compared with the disk and staged as it is made; nothing moves into
            // the output directory before the whole generation is known to be safe to write.
            let mut generation =
                iacgen::output::Generation::new(&target.dir(&dir)).map_err(write_error)?;
            match target {
                Target::Terraform => iacgen::render_kept_into(&platform, &kept, &mut generation)
                    .map_err(|problems| problem_lines(&spec, &problems))?,
                Target::Pulumi => {
                    for (path, contents, owned) in render_with(&spec, &platform, &kept, target)? {
                        generation.add(&path, contents, owned.as_deref());
                    }
                }
            }
            let copied = with_spec(&mut generation, &platform, &spec, &dir, target)?;
            let summary = generation
                .finish(force, inputs.as_deref())
                .map_err(write_error)?;
            for path in &summary.created {
                out.note(format_args!("  created   {path}"))?;
            }
            for path in &summary.changed {
                out.note(format_args!("  changed   {path}"))?;
            }
            for path in &summary.removed {
                out.note(format_args!("  removed   {path}"))?;
            }
            if let Some(spec_file) = copied
                && (summary.created.contains(&spec_file) || summary.changed.contains(&spec_file))
            {
                // On stderr even with --quiet: the spec to edit from now on is the copy.
                cli::stdout::error(format_args!(
                    "note: copied {} to {}: the README and CI name it as the spec, so edit that \
                     file from now on",
                    spec.display(),
                    dir.join(&spec_file).display()
                ));
            }
            out.note(format_args!(
                "{}: {} created, {} changed, {} removed, {} unchanged",
                dir.display(),
                summary.created.len(),
                summary.changed.len(),
                summary.removed.len(),
                summary.unchanged.len()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
