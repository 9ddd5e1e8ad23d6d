//! The command-line interface: clap definitions (the options every command takes are
//! [`Flags`], which settings reads), and (in `candidates`) the values dynamic completion
//! offers.
//!
//! Values here are raw; `settings` turns them (with the environment and config file) into
//! the plain settings that commands receive.

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::settings::Flags;
use candidates::{catalog, installed};

mod candidates;

const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   failure
  2   usage error
  3   some of several tools failed (the others were installed)
  4   verification failed (checksum mismatch, or no checksum with --require-checksum)
  10  a newer release exists (`haul self update --check`, `haul outdated --exit-code`)
  130 interrupted (Ctrl-C)
  143 stopped by SIGTERM (as Ctrl-C)";

/// Install DevOps command-line tools straight from their release downloads.
#[derive(Debug, Parser)]
#[command(name = "haul", version, about, max_term_width = 100, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: Flags,
}

// The options every command takes ([`Flags`]), before or after the command's name (`haul -q
// install …` and `haul install -q …`). They are not clap `global` arguments, which clap copies
// into every subcommand at each start; each command that runs defines them for itself (see
// `Deferred`), and `Flags::merge` combines the levels.
impl Flags {
    /// These options with those given at a deeper level (after a command's name) added: a flag
    /// given anywhere is set, and a value given further right wins, as it would for one
    /// command. `--quiet` and `--verbose` conflict wherever each was given.
    pub fn merge(self, inner: &[&Flags]) -> Result<Flags, clap::Error> {
        let mut out = self;
        for level in inner {
            out.quiet |= level.quiet;
            out.verbose |= level.verbose;
            out.offline |= level.offline;
            if level.color.is_some() {
                out.color = level.color;
            }
            if level.bin_dir.is_some() {
                out.bin_dir.clone_from(&level.bin_dir);
            }
        }
        if out.quiet && out.verbose {
            use clap::CommandFactory;
            return Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                "the argument '--quiet' cannot be used with '--verbose'",
            ));
        }
        Ok(out)
    }
}

/// A subcommand's arguments, and the [`Flags`] given after its name, defined only when
/// that subcommand runs (clap's [`clap::Command::defer`]): `haul --version` and `haul which`
/// do not build the definitions of every other command, which is most of what start-up
/// costs. Help, completions and man pages see the whole tree.
#[derive(Debug)]
pub struct Deferred<T> {
    pub args: T,
    pub global: Flags,
}

impl<T> std::ops::Deref for Deferred<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.args
    }
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Ok(Deferred {
            args: T::from_arg_matches(matches)?,
            global: Flags::from_arg_matches(matches)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.args.update_from_arg_matches(matches)?;
        self.global.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| Flags::augment_args(T::augment_args(cmd)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| Flags::augment_args_for_update(T::augment_args_for_update(cmd)))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Install one or more tools, concurrently
    #[command(visible_alias = "i", after_help = INSTALL_EXAMPLES)]
    Install(Deferred<InstallArgs>),

    /// Remove tools: their files, their links in the bin dir and their records
    #[command(visible_alias = "rm")]
    Uninstall(Deferred<UninstallArgs>),

    /// List installed tools
    #[command(visible_alias = "ls")]
    List(Deferred<ListArgs>),

    /// Installed tools with a newer release (exit 10 with --exit-code when there is one)
    #[command(after_help = OUTDATED_EXAMPLES)]
    Outdated(Deferred<OutdatedArgs>),

    /// Move tools to the newest release their requirement allows (all when none is named)
    #[command(visible_alias = "up", after_help = UPGRADE_EXAMPLES)]
    Upgrade(Deferred<UpgradeArgs>),

    /// Make the previously active version of a tool active again
    #[command(after_help = ROLLBACK_EXAMPLES)]
    Rollback(Deferred<RollbackArgs>),

    /// Run a version of a tool, installing it into the store first if needed, without changing
    /// the active one
    #[command(after_help = EXEC_EXAMPLES)]
    Exec(Deferred<ExecArgs>),

    /// Remove stored versions that are neither active nor linked into the bin-dir of a project
    /// that is still there, and cached downloads of versions no longer stored
    #[command(after_help = PRUNE_EXAMPLES)]
    Prune(Deferred<PruneArgs>),

    /// The download cache
    Cache(CacheArgs),

    /// Start a project: write a commented haul.toml here
    #[command(after_help = INIT_EXAMPLES)]
    Init(Deferred<InitArgs>),

    /// Add tools to the project's haul.toml (comments and formatting kept)
    #[command(after_help = ADD_EXAMPLES)]
    Add(Deferred<AddArgs>),

    /// Remove tools from the project's haul.toml (comments and formatting kept)
    #[command(after_help = REMOVE_EXAMPLES)]
    Remove(Deferred<RemoveArgs>),

    /// Resolve haul.toml for every platform and write haul.lock
    #[command(after_help = LOCK_EXAMPLES)]
    Lock(Deferred<LockArgs>),

    /// Install exactly what haul.lock pins for this platform
    #[command(after_help = SYNC_EXAMPLES)]
    Sync(Deferred<SyncArgs>),

    /// Download every locked file for every locked platform into DIR, laid out by URL
    #[command(after_help = MIRROR_EXAMPLES)]
    Mirror(Deferred<MirrorArgs>),

    /// Print a CycloneDX 1.6 inventory (JSON) of the locked tools, or the installed ones
    #[command(after_help = SBOM_EXAMPLES)]
    Sbom(Deferred<SbomArgs>),

    /// Show where a tool comes from and which asset haul would pick on every platform
    Info(Deferred<InfoArgs>),

    /// Search the built-in catalog (every tool when no word is given)
    #[command(visible_alias = "s")]
    Search(Deferred<SearchArgs>),

    /// Print the path of an installed tool's executable (exit 1 when it is not installed)
    Which(Deferred<WhichArgs>),

    /// Print a shell snippet that puts haul's bin dir on PATH
    #[command(after_help = ENV_EXAMPLES)]
    Env(Deferred<EnvArgs>),

    /// Print the script that registers haul's completions with a shell
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(Deferred<CompletionsArgs>),

    /// Manage haul itself
    #[command(name = "self")]
    Self_(SelfArgs),

    /// Show how haul is installed and what is wrong with the setup (exit 1 when something is)
    Doctor(Deferred<DoctorArgs>),
}

impl Command {
    /// The [`Flags`] given after the command's name, outermost first.
    pub fn globals(&self) -> Vec<&Flags> {
        match self {
            Command::Install(a) => vec![&a.global],
            Command::Uninstall(a) => vec![&a.global],
            Command::List(a) => vec![&a.global],
            Command::Outdated(a) => vec![&a.global],
            Command::Upgrade(a) => vec![&a.global],
            Command::Rollback(a) => vec![&a.global],
            Command::Exec(a) => vec![&a.global],
            Command::Prune(a) => vec![&a.global],
            Command::Init(a) => vec![&a.global],
            Command::Add(a) => vec![&a.global],
            Command::Remove(a) => vec![&a.global],
            Command::Lock(a) => vec![&a.global],
            Command::Sync(a) => vec![&a.global],
            Command::Mirror(a) => vec![&a.global],
            Command::Sbom(a) => vec![&a.global],
            Command::Info(a) => vec![&a.global],
            Command::Search(a) => vec![&a.global],
            Command::Which(a) => vec![&a.global],
            Command::Env(a) => vec![&a.global],
            Command::Completions(a) => vec![&a.global],
            Command::Doctor(a) => vec![&a.global],
            Command::Cache(c) => match &c.command {
                CacheCommand::Dir(a) => vec![&c.global, &a.global],
                CacheCommand::Clean(a) => vec![&c.global, &a.global],
            },
            Command::Self_(c) => match &c.command {
                SelfCommand::Update(a) => vec![&c.global, &a.global],
            },
        }
    }

    /// Whether the command prints JSON on stdout (then no progress bars are drawn).
    pub fn prints_json(&self) -> bool {
        match self {
            Command::Install(args) => args.json,
            Command::List(args) => args.json,
            Command::Info(args) => args.json,
            Command::Search(args) => args.json,
            Command::Doctor(args) => args.json,
            Command::Outdated(args) => args.json,
            Command::Upgrade(args) => args.json,
            Command::Prune(args) => args.json,
            Command::Sync(args) => args.json,
            Command::Sbom(_) => true,
            Command::Init(_)
            | Command::Add(_)
            | Command::Remove(_)
            | Command::Lock(_)
            | Command::Mirror(_)
            | Command::Rollback(_)
            | Command::Exec(_)
            | Command::Cache(_)
            | Command::Uninstall(_)
            | Command::Which(_)
            | Command::Env(_)
            | Command::Completions(_)
            | Command::Self_(_) => false,
        }
    }

    /// Whether the command runs when the config file cannot be used (it reports or repairs).
    pub fn runs_without_config(&self) -> bool {
        matches!(
            self,
            Command::Doctor(_) | Command::Uninstall(_) | Command::Completions(_)
        )
    }
}

const INIT_EXAMPLES: &str = "\
Examples:
  haul init                 write haul.toml here
  haul add kubectl@1.31 helm terraform
  haul lock && haul sync";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write haul.toml even when there is one
    #[arg(short, long)]
    pub force: bool,
}

const ADD_EXAMPLES: &str = "\
Examples:
  haul add kubectl@1.31 helm@3.16   a series each
  haul add sharkdp/fd terraform     the latest release
  haul add jq@1.7.1                 exactly 1.7.1";

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Tools: a catalog name or OWNER/REPO, with @REQUIREMENT (default: latest)
    #[arg(required = true, value_name = "TOOL[@VERSION]", value_parser = names_a_tool, add = ArgValueCandidates::new(catalog))]
    pub tools: Vec<String>,
}

const REMOVE_EXAMPLES: &str = "\
Examples:
  haul remove helm terraform";

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Tools, as haul.toml names them
    #[arg(required = true, value_name = "TOOL")]
    pub tools: Vec<String>,
}

const LOCK_EXAMPLES: &str = "\
Examples:
  haul lock                    lock what changed in haul.toml; keep the rest
  haul lock --upgrade          move every tool to the newest its requirement allows
  haul lock --upgrade helm     only helm";

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Move locked versions forward within their requirements: these tools, or every one
    #[arg(long, value_name = "TOOL", num_args = 0..)]
    pub upgrade: Option<Vec<String>>,

    /// How many tools to resolve at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

const SYNC_EXAMPLES: &str = "\
Examples:
  haul sync            install what haul.lock pins (locking first when haul.toml changed)
  haul sync --frozen   in CI: fail, naming the differences, when haul.lock is not current";

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Fail when haul.lock does not match haul.toml, instead of locking again
    #[arg(long)]
    pub frozen: bool,

    /// How many tools to download at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

const MIRROR_EXAMPLES: &str = "\
Examples:
  haul mirror /srv/mirror       then serve /srv/mirror over HTTP and, on each machine:
  HAUL_MIRRORS=\"https://github.com/=https://mirror.example/github.com/\" haul sync";

#[derive(Debug, Args)]
pub struct MirrorArgs {
    /// The directory to fill (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,

    /// How many files to download at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

const SBOM_EXAMPLES: &str = "\
Examples:
  haul sbom > sbom.cdx.json             the project's locked tools (this platform's files)
  haul sbom --installed                 the tools installed on this machine";

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// The installed tools, even inside a project
    #[arg(long)]
    pub installed: bool,

    /// The platform whose locked files to list (default: this machine's)
    #[arg(long, value_name = "PLATFORM")]
    pub target: Option<String>,
}

const OUTDATED_EXAMPLES: &str = "\
Examples:
  haul outdated                  every installed tool
  haul outdated helm kubectl     these only
  haul outdated --json           for scripts
  haul outdated --exit-code      exit 10 when something is outdated (cron, CI)";

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// The tools to check (every installed tool when none is named)
    #[arg(value_name = "TOOL", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tools: Vec<String>,

    /// Exit 10 when a tool is outdated (0 when none is)
    #[arg(long)]
    pub exit_code: bool,

    /// How many tools to check at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

const UPGRADE_EXAMPLES: &str = "\
Examples:
  haul upgrade                   every tool, within its requirement (helm@3.16 stays on 3.16.x)
  haul upgrade helm --latest     helm's newest release, whatever was asked before
  haul upgrade --dry-run         what would change";

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The tools to upgrade (every installed tool when none is named)
    #[arg(value_name = "TOOL", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tools: Vec<String>,

    /// Move to the newest release whatever the requirement, and record `latest` as the new one
    #[arg(long)]
    pub latest: bool,

    /// Only print what would change (on stderr; not with `--json`)
    #[arg(long, conflicts_with = "json")]
    pub dry_run: bool,

    /// Refuse to install anything that no checksum covers
    #[arg(long, overrides_with = "no_require_checksum")]
    pub require_checksum: bool,

    /// Accept downloads no checksum covers, even when the config requires checksums
    #[arg(long, overrides_with = "require_checksum")]
    pub no_require_checksum: bool,

    /// How many tools to download at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

const ROLLBACK_EXAMPLES: &str = "\
Examples:
  haul rollback helm     the version active before the last change
  haul rollback helm     again: forward to where it was";

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The tool (name, alias, OWNER/REPO or an executable's name)
    #[arg(value_name = "TOOL", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tool: String,
}

const EXEC_EXAMPLES: &str = "\
Examples:
  haul exec helm@3.15.4 -- version      run helm 3.15.4 (installed into the store if needed)
  haul exec kubectl -- get pods         the active version
  haul exec terraform@1.9 -- plan       the newest 1.9.x";

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The tool and, optionally, its version: TOOL or TOOL@VERSION
    #[arg(value_name = "TOOL[@VERSION]", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tool: String,

    /// The executable to run, among those the tool was installed with (`haul install TOOL
    /// --bin A --bin B` installs several)
    #[arg(long = "bin", value_name = "NAME")]
    pub bin: Option<String>,

    /// Run a prerelease when it is the newest the version allows (an exact tag always may
    /// name one)
    #[arg(long)]
    pub pre: bool,

    /// Refuse to store a version that no checksum covers
    #[arg(long, overrides_with = "no_require_checksum")]
    pub require_checksum: bool,

    /// Accept a download no checksum covers, even when the config requires checksums
    #[arg(long, overrides_with = "require_checksum")]
    pub no_require_checksum: bool,

    /// Arguments for the tool (after `--`)
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<std::ffi::OsString>,
}

const PRUNE_EXAMPLES: &str = "\
Examples:
  haul prune --dry-run   what would go, with sizes
  haul prune             remove it";

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Only list what would be removed, with sizes
    #[arg(long)]
    pub dry_run: bool,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

// `haul cache …`: its subcommand, and the `Flags` given between the two names.
#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,

    #[command(flatten)]
    pub global: Flags,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the cache's path
    Dir(Deferred<NoArgs>),
    /// Empty the cache, except the downloads of stored versions (`--all`: those too)
    Clean(Deferred<CacheCleanArgs>),
}

// A command that takes no arguments of its own.
#[derive(Debug, Args)]
pub struct NoArgs {}

#[derive(Debug, Args)]
pub struct CacheCleanArgs {
    /// Remove the downloads of stored versions too
    #[arg(long)]
    pub all: bool,
}

// `haul self …`: its subcommand, and the `Flags` given between the two names.
#[derive(Debug, Args)]
pub struct SelfArgs {
    #[command(subcommand)]
    pub command: SelfCommand,

    #[command(flatten)]
    pub global: Flags,
}

#[derive(Debug, Subcommand)]
pub enum SelfCommand {
    /// Replace this haul with the newest release (or `--version`), verified, in place
    #[command(after_help = SELF_UPDATE_EXAMPLES)]
    Update(Deferred<SelfUpdateArgs>),
}

const SELF_UPDATE_EXAMPLES: &str = "\
Examples:
  haul self update                  the newest release, after a question on a terminal
  haul self update --yes            no question
  haul self update --check          exit 10 when a newer release exists, 0 when up to date
  haul self update --version 0.3.1  exactly that release, older ones included";

#[derive(Debug, Args)]
pub struct SelfUpdateArgs {
    /// Only say whether a newer release exists: exit 0 when up to date, 10 when there is one
    #[arg(long)]
    pub check: bool,

    /// Move to this release (0.3.1, v0.3.1 or 0.3 for the newest 0.3.x), even an older one
    #[arg(long, value_name = "VERSION", value_parser = not_blank)]
    pub version: Option<String>,

    /// Do not ask before replacing haul (haul never asks when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repair what can be repaired: half-done changes (completed, or undone when they failed),
    /// broken links, versions whose files are gone, damaged records, leftovers
    #[arg(long)]
    pub fix: bool,

    /// Print the report as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

const INSTALL_EXAMPLES: &str = "\
Examples:
  haul install kubectl helm terraform k9s catalog names
  haul install sharkdp/fd                 newest release of a GitHub repository
  haul install cli/cli@2.50.0 --bin gh    an exact version; the executable is `gh`
  haul install helm@3.16                  newest 3.16.x
  haul install jqlang/jq@jq-1.6           any exact tag
  haul install junegunn/fzf BurntSushi/ripgrep --jobs 4";

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Tools to install: a catalog name or OWNER/REPO, optionally with @VERSION (1.2.3, v1.2.3,
    /// 1.2, latest or any tag)
    #[arg(required = true, value_name = "TOOL[@VERSION]", value_parser = names_a_tool, add = ArgValueCandidates::new(catalog))]
    pub tools: Vec<String>,

    /// Install prereleases too (an exact tag always may name one)
    #[arg(long)]
    pub pre: bool,

    /// Pick the asset whose name matches this regular expression instead of choosing automatically
    #[arg(long, value_name = "REGEX", value_parser = not_blank)]
    pub asset: Option<String>,

    /// The executable to install from the release (repeatable), as NAME or NAME=LINK to link it
    /// under another name; also tells haul which tool of a release that ships several is wanted
    #[arg(long = "bin", value_name = "NAME[=LINK]")]
    pub bins: Vec<String>,

    /// Install for another platform: a name such as linux-aarch64 or a Rust target triple
    #[arg(long, value_name = "PLATFORM")]
    pub target: Option<String>,

    /// Refuse to install anything that no checksum covers
    #[arg(long, overrides_with = "no_require_checksum")]
    pub require_checksum: bool,

    /// Accept downloads no checksum covers, even when the config requires checksums
    #[arg(long, overrides_with = "require_checksum")]
    pub no_require_checksum: bool,

    /// Reinstall even when that version is installed, replace another tool of the same name,
    /// and replace files in the bin dir that haul did not create
    #[arg(short, long)]
    pub force: bool,

    /// How many tools to download at once (default: `jobs` in the config file, else 16)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Tools to remove (name, alias, OWNER/REPO or an executable's name); TOOL@VERSION removes
    /// that stored version only
    #[arg(required = true, value_name = "TOOL[@VERSION]", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tools: Vec<String>,

    /// Remove a version even when it is the active one (the previous one becomes active)
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every stored version, not only the active one of each tool
    #[arg(short, long)]
    pub all: bool,

    /// Print the list as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The tool: a catalog name or OWNER/REPO, optionally with @VERSION
    #[arg(value_name = "TOOL[@VERSION]", value_parser = names_a_tool, add = ArgValueCandidates::new(catalog))]
    pub tool: String,

    /// Consider prereleases too
    #[arg(long)]
    pub pre: bool,

    /// Show the pick for this platform only (a name or a Rust target triple)
    #[arg(long, value_name = "PLATFORM")]
    pub target: Option<String>,

    /// Pick the asset whose name matches this regular expression
    #[arg(long, value_name = "REGEX", value_parser = not_blank)]
    pub asset: Option<String>,

    /// The executable wanted, for releases that ship several tools
    #[arg(long = "bin", value_name = "NAME")]
    pub bins: Vec<String>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A word to look for in names, aliases, tags and descriptions
    #[arg(value_name = "WORD")]
    pub word: Option<String>,

    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WhichArgs {
    /// The installed tool (name, alias, OWNER/REPO or an executable's name)
    #[arg(value_name = "TOOL", value_parser = names_a_tool, add = ArgValueCandidates::new(installed))]
    pub tool: String,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The shell to print for (default: from $SHELL, or PowerShell on Windows)
    #[arg(long, value_enum)]
    pub shell: Option<EnvShell>,
}

const ENV_EXAMPLES: &str = "\
Examples:
  eval \"$(haul env)\"                               sh, bash, zsh, ksh, dash
  haul env --shell fish | source                   fish
  haul env --shell nu | save -f ~/.config/nushell/haul.nu   nushell (then `source` it in config.nu)
  eval \"`haul env --shell tcsh`\"                   tcsh, csh
  haul env --shell powershell | Invoke-Expression  PowerShell";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvShell {
    Sh,
    Bash,
    Zsh,
    Ksh,
    Dash,
    Fish,
    Nu,
    Tcsh,
    Csh,
    Powershell,
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  haul completions bash > ~/.local/share/bash-completion/completions/haul
  haul completions zsh > \"${fpath[1]}/_haul\"
  haul completions fish > ~/.config/fish/completions/haul.fish
  haul completions powershell >> $PROFILE
The script asks haul at each TAB, so it offers installed tools and catalog names.";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl CompletionShell {
    pub fn name(self) -> &'static str {
        match self {
            CompletionShell::Bash => "bash",
            CompletionShell::Zsh => "zsh",
            CompletionShell::Fish => "fish",
            CompletionShell::Powershell => "powershell",
            CompletionShell::Elvish => "elvish",
        }
    }
}

/// A tool as typed: one that names none (`''`, `@1.0`) is a usage error, as a malformed name
/// is, never a tool that is "not installed".
fn names_a_tool(text: &str) -> Result<String, String> {
    let name = text.split_once('@').map_or(text, |(name, _)| name);
    if name.trim().is_empty() {
        Err("it names no tool".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

/// A value that says something: a blank one (`--version ''`, `--asset ''`) is a usage error,
/// never taken for "the newest" or "any asset".
fn not_blank(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("it is empty".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

/// A `--flag` / `--no-flag` pair: `Some(true)`, `Some(false)`, or `None` when neither was given
/// (the config decides).
pub fn flag_pair(on: bool, off: bool) -> Option<bool> {
    match (on, off) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Color;
    use clap::CommandFactory;
    use std::path::PathBuf;

    #[test]
    fn cli_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn install_requires_a_tool() {
        let err = Cli::try_parse_from(["haul", "install"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn self_update_is_nested() {
        let cli =
            Cli::try_parse_from(["haul", "self", "update", "--check", "--version", "0.2"]).unwrap();
        let Command::Self_(SelfArgs {
            command: SelfCommand::Update(args),
            ..
        }) = cli.command
        else {
            panic!("not `self update`");
        };
        assert!(args.check && !args.yes);
        assert_eq!(args.version.as_deref(), Some("0.2"));
        assert!(Cli::try_parse_from(["haul", "self"]).is_err());
    }

    /// The merged options of `haul ARGS...`.
    fn options(args: &[&str]) -> Result<Flags, clap::Error> {
        let Cli { command, global } =
            Cli::try_parse_from(std::iter::once("haul").chain(args.iter().copied()))?;
        global.merge(&command.globals())
    }

    #[test]
    fn options_go_before_or_after_the_command() {
        for args in [
            &["-q", "--offline", "list"][..],
            &["list", "-q", "--offline"],
            &["-q", "list", "--offline"],
            &["cache", "-q", "--offline", "dir"],
            &["cache", "dir", "-q", "--offline"],
            &["self", "-q", "update", "--offline"],
        ] {
            let got = options(args).unwrap();
            assert!(got.quiet && got.offline && !got.verbose, "{args:?}");
        }
        // A value given further right wins, as for one command.
        let got = options(&[
            "--bin-dir",
            "/a",
            "--color",
            "never",
            "list",
            "--bin-dir",
            "/b",
        ])
        .unwrap();
        assert_eq!(got.bin_dir, Some(PathBuf::from("/b")));
        assert_eq!(got.color, Some(Color::Never));
        // --quiet and --verbose conflict wherever each was given.
        for args in [
            &["-q", "-v", "list"][..],
            &["list", "-q", "-v"],
            &["-q", "list", "-v"],
            &["cache", "-v", "clean", "-q"],
        ] {
            let err = options(args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{args:?}"
            );
        }
    }

    #[test]
    fn jobs_must_be_positive() {
        assert!(Cli::try_parse_from(["haul", "install", "a/b", "-j", "0"]).is_err());
        assert!(Cli::try_parse_from(["haul", "install", "a/b", "-j", "4"]).is_ok());
    }
}
