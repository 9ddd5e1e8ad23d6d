//! How this copy of haul was installed: by cargo-dist's installer (its receipt says where), by a
//! package manager (the directory it runs from says which), by `cargo install`, or by hand.
//!
//! [`classify`] is pure. The I/O is reading the facts it needs ([`Installation::detect`]) and
//! rewriting the receipt's version after a self update; nothing here touches the executable.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

use crate::paths::canonical;
use crate::settings::Settings;

/// The fields haul reads from cargo-dist's install receipt (`haul-receipt.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Receipt {
    pub install_prefix: PathBuf,
    /// `flat` (the binary sits in the prefix), or `hierarchical` / `cargo-home` (in `bin/`).
    #[serde(default)]
    pub install_layout: String,
    /// The version the installer (or the last `haul self update`) put there.
    pub version: String,
    /// Whether the installer added the install dir to PATH in the shell profiles.
    #[serde(default)]
    pub modify_path: bool,
}

impl Receipt {
    /// The directory the installer put `haul` in.
    pub fn install_dir(&self) -> PathBuf {
        match self.install_layout.as_str() {
            "hierarchical" | "cargo-home" => self.install_prefix.join("bin"),
            _ => self.install_prefix.clone(),
        }
    }
}

/// What was found at the receipt's path.
#[derive(Debug)]
pub enum ReceiptState {
    Missing,
    Found(Receipt),
    /// There is a file, but haul cannot read it; the text says why.
    Unreadable(String),
}

/// How haul came to be where it runs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// cargo-dist's installer: the receipt names the directory haul runs from.
    Installer,
    /// A package manager owns the file; it, not haul, must update it.
    PackageManager {
        name: &'static str,
        /// How to update instead, for a person: "`brew upgrade haul`".
        update: &'static str,
    },
    /// `cargo install`: cargo's records would go stale if haul replaced itself.
    Cargo,
    /// haul installed it as one of its tools (`haul install haul-cli/haul`, or a project's
    /// `haul sync`): the file is in haul's store, whose record vouches for its bytes.
    Store,
    /// Anything else: an archive unpacked by hand, a copy, a build.
    Manual,
}

impl Method {
    /// A stable name for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Method::Installer => "installer",
            Method::PackageManager { .. } => "package-manager",
            Method::Cargo => "cargo",
            Method::Store => "haul",
            Method::Manual => "manual",
        }
    }

    /// Who installed haul, for a sentence: "installed by Homebrew".
    pub fn by(&self) -> &'static str {
        match self {
            Method::Installer => "haul's installer",
            Method::PackageManager { name, .. } => name,
            Method::Cargo => "`cargo install`",
            Method::Store => "haul itself (as one of its tools)",
            Method::Manual => "hand (no package manager or installer receipt)",
        }
    }

    /// How to update haul when it must not replace itself.
    pub fn update_instead(&self) -> Option<&'static str> {
        match self {
            Method::PackageManager { update, .. } => Some(update),
            Method::Cargo => Some("`cargo install --locked haul`"),
            Method::Store => Some(
                "`haul upgrade haul` (for a project's haul, the version in haul.toml, then `haul sync`)",
            ),
            Method::Installer | Method::Manual => None,
        }
    }
}

/// What [`classify`] looks at, gathered by [`Installation::detect`]. Paths are canonical where
/// they exist, so links and `..` do not hide a match.
#[derive(Debug, Default)]
pub struct Facts {
    /// The running executable.
    pub exe: PathBuf,
    /// The directory the receipt names, when there is a receipt.
    pub receipt_dir: Option<PathBuf>,
    /// `$CARGO_HOME/bin`.
    pub cargo_bin: Option<PathBuf>,
    /// Whether cargo's install records list a package named haul.
    pub cargo_lists_haul: bool,
    /// The directory of haul's store that holds the installed tools (`HAUL_HOME/tools`).
    pub store_tools: Option<PathBuf>,
}

/// Package managers recognised by the path of the file they installed: a marker found anywhere
/// in the path, or (`true`) only at its start. Matched in lower case with `/` separators.
const PACKAGE_MANAGERS: [(&str, bool, &str, &str); 10] = [
    ("/cellar/", false, "Homebrew", BREW),
    ("/opt/homebrew/", true, "Homebrew", BREW),
    ("/home/linuxbrew/", true, "Homebrew", BREW),
    (
        "/nix/store/",
        true,
        "Nix",
        "your Nix configuration (`nix profile upgrade haul`)",
    ),
    ("/snap/", true, "snap", "`sudo snap refresh haul`"),
    ("/scoop/apps/", false, "Scoop", "`scoop update haul`"),
    (
        "/winget/packages/",
        false,
        "winget",
        "`winget upgrade haul`",
    ),
    ("/chocolatey/", false, "Chocolatey", "`choco upgrade haul`"),
    ("/usr/bin/", true, SYSTEM, SYSTEM_UPDATE),
    ("/usr/sbin/", true, SYSTEM, SYSTEM_UPDATE),
];
const BREW: &str = "`brew upgrade haul`";
const SYSTEM: &str = "the system's package manager";
const SYSTEM_UPDATE: &str = "the system's package manager (`apt`, `dnf`, `pacman`, `apk`, …)";

/// How haul was installed, from the facts alone.
pub fn classify(facts: &Facts) -> Method {
    let exe_dir = facts.exe.parent();
    if facts.receipt_dir.is_some() && facts.receipt_dir.as_deref() == exe_dir {
        return Method::Installer;
    }
    // Replaced in place, the store's copy would no longer be the bytes its record vouches for.
    if facts
        .store_tools
        .as_ref()
        .is_some_and(|tools| facts.exe.starts_with(tools))
    {
        return Method::Store;
    }
    let path = facts
        .exe
        .to_string_lossy()
        .replace('\\', "/")
        .to_lowercase();
    for (marker, at_start, name, update) in PACKAGE_MANAGERS {
        if (at_start && path.starts_with(marker)) || (!at_start && path.contains(marker)) {
            return Method::PackageManager { name, update };
        }
    }
    if facts.cargo_lists_haul && facts.cargo_bin.is_some() && facts.cargo_bin.as_deref() == exe_dir
    {
        return Method::Cargo;
    }
    Method::Manual
}

/// This copy of haul: where it runs from, its receipt, and how it was installed.
#[derive(Debug)]
pub struct Installation {
    /// The running executable as the system names it (for messages).
    pub exe: PathBuf,
    /// The same with links resolved: the file a self update replaces.
    pub real_exe: PathBuf,
    pub receipt_path: Option<PathBuf>,
    pub receipt: ReceiptState,
    pub method: Method,
}

impl Installation {
    pub fn detect(settings: &Settings) -> Result<Installation> {
        let exe = std::env::current_exe().context("finding the running haul executable")?;
        let real_exe = canonical(&exe);
        let receipt = settings
            .receipt_path
            .as_deref()
            .map_or(ReceiptState::Missing, read_receipt);
        let cargo_bin = settings.cargo_home.as_ref().map(|home| home.join("bin"));
        let cargo_lists_haul = settings.cargo_home.as_ref().is_some_and(|home| {
            [".crates2.json", ".crates.toml"].iter().any(|name| {
                std::fs::read_to_string(home.join(name)).is_ok_and(|text| text.contains("\"haul "))
            })
        });
        let facts = Facts {
            exe: real_exe.clone(),
            receipt_dir: match &receipt {
                ReceiptState::Found(receipt) => Some(canonical(&receipt.install_dir())),
                _ => None,
            },
            cargo_bin: cargo_bin.as_deref().map(canonical),
            cargo_lists_haul,
            store_tools: Some(canonical(&settings.paths.home.join("tools"))),
        };
        Ok(Installation {
            method: classify(&facts),
            exe,
            real_exe,
            receipt_path: settings.receipt_path.clone(),
            receipt,
        })
    }

    /// The directory haul is installed in: the receipt's, else the one it runs from.
    pub fn install_dir(&self) -> PathBuf {
        match (&self.method, &self.receipt) {
            (Method::Installer, ReceiptState::Found(receipt)) => receipt.install_dir(),
            _ => self.exe.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }
}

pub fn read_receipt(path: &Path) -> ReceiptState {
    match std::fs::read_to_string(path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(receipt) => ReceiptState::Found(receipt),
            Err(err) => ReceiptState::Unreadable(err.to_string()),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => ReceiptState::Missing,
        Err(err) => ReceiptState::Unreadable(err.to_string()),
    }
}

/// Record `version` in the receipt after a self update, keeping every other field as the
/// installer wrote it; replaced in one rename. Returns what the user should know of it: the
/// owner it could not keep.
pub fn set_receipt_version(path: &Path, version: &str) -> Result<Option<String>> {
    let text = fs_err::read_to_string(path)?;
    let mut receipt: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("reading the install receipt `{}`", path.display()))?;
    let Some(fields) = receipt.as_object_mut() else {
        anyhow::bail!(
            "the install receipt `{}` is not a JSON object",
            path.display()
        );
    };
    fields.insert("version".to_owned(), version.into());
    // A receipt kept as a link (a dotfiles repository) is updated where it leads, and keeps
    // its mode: the installer writes it so.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let was = fs_err::metadata(&path)?;
    let mode = was.permissions();
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing the install receipt in `{}`", dir.display()))?;
    file.as_file().set_permissions(mode)?;
    // And its owner (root updating another user's haul leaves the receipt theirs), set on the
    // new file itself before it takes the receipt's place: never by a path, which whoever
    // owns the directory could turn into a link meanwhile.
    let note = keep_owner(file.as_file(), &was, &path);
    serde_json::to_writer(&mut file, &receipt)?;
    file.persist(&path)
        .with_context(|| format!("replacing the install receipt `{}`", path.display()))?;
    Ok(note)
}

/// Give the receipt's new copy `file` the owner the receipt had (`was`); what the user should
/// know when it cannot (root's update in a user namespace, say).
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, was: &std::fs::Metadata, path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let new = file.metadata().ok()?;
    if (new.uid(), new.gid()) == (was.uid(), was.gid()) {
        return None;
    }
    std::os::unix::fs::fchown(file, Some(was.uid()), Some(was.gid()))
        .err()
        .map(|err| {
            format!(
                "the install receipt `{}` was owned by user {} (group {}) and is now owned by user {} (group {}): its owner could not be kept ({err})",
                path.display(),
                was.uid(),
                was.gid(),
                new.uid(),
                new.gid()
            )
        })
}

/// Files have no owner to keep here.
#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _was: &std::fs::Metadata, _path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A receipt as cargo-dist 0.34's shell installer writes it.
    const RECEIPT: &str = r#"{"install_prefix":"/home/me/.local/bin","install_layout":"flat","binaries":["haul"],"cdylibs":[],"cstaticlibs":[],"source":{"release_type":"github","owner":"haul-cli","name":"haul","app_name":"haul"},"version":"0.1.0","provider":{"source":"cargo-dist","version":"0.34.0"},"binary_aliases":{},"modify_path":true}"#;

    /// A receipt kept as a link is updated where it leads, keeping its mode (it was replaced
    /// by an owner-only file, the link and the file it led to left behind).
    #[cfg(unix)]
    #[test]
    fn a_linked_receipt_is_updated_where_it_leads() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("dotfiles-receipt.json");
        std::fs::write(&kept, RECEIPT).unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o644)).unwrap();
        // Another user's (where this runs as root, as an update by root may).
        let _ = std::os::unix::fs::chown(&kept, Some(65534), Some(65534));
        let owner = |path: &Path| {
            use std::os::unix::fs::MetadataExt as _;
            let meta = std::fs::metadata(path).unwrap();
            (meta.uid(), meta.gid())
        };
        let before = owner(&kept);
        let link = dir.path().join("haul-receipt.json");
        std::os::unix::fs::symlink(&kept, &link).unwrap();
        set_receipt_version(&link, "0.2.0").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        let receipt: Receipt =
            serde_json::from_str(&std::fs::read_to_string(&kept).unwrap()).unwrap();
        assert_eq!(receipt.version, "0.2.0");
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        assert_eq!(owner(&kept), before);
    }

    #[test]
    fn reads_cargo_dist_receipts() {
        let receipt: Receipt = serde_json::from_str(RECEIPT).unwrap();
        assert_eq!(receipt.version, "0.1.0");
        assert!(receipt.modify_path);
        assert_eq!(receipt.install_dir(), Path::new("/home/me/.local/bin"));
        for layout in ["cargo-home", "hierarchical"] {
            let text = RECEIPT.replace(
                r#""install_prefix":"/home/me/.local/bin","install_layout":"flat""#,
                &format!(r#""install_prefix":"/home/me/.cargo","install_layout":"{layout}""#),
            );
            let receipt: Receipt = serde_json::from_str(&text).unwrap();
            assert_eq!(
                receipt.install_dir(),
                Path::new("/home/me/.cargo/bin"),
                "{layout}"
            );
        }
    }

    fn facts(exe: &str) -> Facts {
        Facts {
            exe: PathBuf::from(exe),
            ..Facts::default()
        }
    }

    #[test]
    fn classifies_by_where_haul_runs_from() {
        let cases = [
            ("/opt/homebrew/Cellar/haul/0.2.0/bin/haul", "Homebrew"),
            ("/usr/local/Cellar/haul/0.2.0/bin/haul", "Homebrew"),
            ("/home/linuxbrew/.linuxbrew/bin/haul", "Homebrew"),
            ("/nix/store/abc-haul-0.2.0/bin/haul", "Nix"),
            ("/snap/haul/12/bin/haul", "snap"),
            (r"C:\Users\me\scoop\apps\haul\current\haul.exe", "Scoop"),
            (
                r"C:\Users\me\AppData\Local\Microsoft\WinGet\Packages\haul_x\haul.exe",
                "winget",
            ),
            (
                r"C:\ProgramData\chocolatey\lib\haul\tools\haul.exe",
                "Chocolatey",
            ),
            ("/usr/bin/haul", "the system's package manager"),
        ];
        for (exe, want) in cases {
            match classify(&facts(exe)) {
                Method::PackageManager { name, .. } => assert_eq!(name, want, "{exe}"),
                other => panic!("{exe}: {other:?}"),
            }
        }
        for exe in [
            "/usr/local/bin/haul",
            "/home/me/bin/haul",
            "/tmp/x/usr/bin/haul",
        ] {
            assert_eq!(classify(&facts(exe)), Method::Manual, "{exe}");
        }
    }

    #[test]
    fn a_haul_in_the_store_is_haul_s_own() {
        let mut f = facts("/home/me/.local/share/haul/tools/haul/0.1.0/haul-x/haul");
        assert_eq!(classify(&f), Method::Manual);
        f.store_tools = Some(PathBuf::from("/home/me/.local/share/haul/tools"));
        assert_eq!(classify(&f), Method::Store);
        assert!(Method::Store.update_instead().is_some());
        f.exe = PathBuf::from("/home/me/.local/bin/haul");
        assert_eq!(classify(&f), Method::Manual);
    }

    #[test]
    fn the_receipt_wins_when_it_names_the_directory() {
        let mut f = facts("/home/me/.cargo/bin/haul");
        f.cargo_bin = Some(PathBuf::from("/home/me/.cargo/bin"));
        f.cargo_lists_haul = true;
        assert_eq!(classify(&f), Method::Cargo);
        f.receipt_dir = Some(PathBuf::from("/home/me/.cargo/bin"));
        assert_eq!(classify(&f), Method::Installer);
        // A receipt for another directory says nothing about this copy.
        f.receipt_dir = Some(PathBuf::from("/home/me/.local/bin"));
        assert_eq!(classify(&f), Method::Cargo);
        f.cargo_lists_haul = false;
        assert_eq!(classify(&f), Method::Manual);
    }

    #[test]
    fn only_installer_and_manual_copies_replace_themselves() {
        assert_eq!(Method::Installer.update_instead(), None);
        assert_eq!(Method::Manual.update_instead(), None);
        assert_eq!(
            Method::Cargo.update_instead(),
            Some("`cargo install --locked haul`")
        );
        let brew = classify(&facts("/usr/local/Cellar/haul/1/bin/haul"));
        assert_eq!(brew.update_instead(), Some("`brew upgrade haul`"));
    }

    #[test]
    fn setting_the_version_keeps_the_other_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("haul-receipt.json");
        std::fs::write(&path, RECEIPT).unwrap();
        set_receipt_version(&path, "0.2.0").unwrap();
        let after: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut want: serde_json::Value = serde_json::from_str(RECEIPT).unwrap();
        want["version"] = "0.2.0".into();
        assert_eq!(after, want);
        assert!(matches!(read_receipt(&path), ReceiptState::Found(r) if r.version == "0.2.0"));
        assert!(matches!(
            read_receipt(&dir.path().join("none.json")),
            ReceiptState::Missing
        ));
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(read_receipt(&path), ReceiptState::Unreadable(_)));
    }
}
