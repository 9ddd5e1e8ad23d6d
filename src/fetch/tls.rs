//! What HTTPS trusts: the operating system's store (through the platform verifier), Mozilla's
//! roots built into haul, and the CA certificates `SSL_CERT_FILE` and `SSL_CERT_DIR` name (a
//! company's private CA). Those two add to the system store, as curl does, instead of
//! replacing it; a variable that names nothing usable is an error, never silently ignored.

use std::path::{Path, PathBuf};

use crate::error::{ExitCode, UserError};

/// Extra trust, as settings found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaEnv {
    /// `SSL_CERT_FILE`: a PEM file of CA certificates.
    pub file: Option<PathBuf>,
    /// `SSL_CERT_DIR`: directories of PEM files (the variable is a path list).
    pub dirs: Vec<PathBuf>,
}

impl CaEnv {
    pub fn is_empty(&self) -> bool {
        self.file.is_none() && self.dirs.is_empty()
    }
}

/// Where one set of extra certificates came from, and how many it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub var: &'static str,
    pub path: PathBuf,
    pub certificates: usize,
}

/// The extra roots and where they came from.
pub struct Extra {
    pub certs: Vec<reqwest::Certificate>,
    pub sources: Vec<Source>,
}

/// Bundles of the system store on Linux and the BSDs, as distributions place them (the list Go
/// and curl use). Read only when `SSL_CERT_FILE` or `SSL_CERT_DIR` is set: the platform
/// verifier then reads those variables instead of the system store, which would drop it.
#[cfg(all(unix, not(target_os = "macos")))]
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
];

/// Read the certificates the variables name. A file that cannot be read or holds no
/// certificate is an error naming the variable.
pub fn extra(ca: &CaEnv) -> Result<Extra, UserError> {
    let mut extra = Extra {
        certs: Vec::new(),
        sources: Vec::new(),
    };
    let files = ca.file.iter().map(|file| cert_file(file));
    let dirs = ca.dirs.iter().map(|dir| cert_dir(dir));
    for found in files.chain(dirs) {
        let (source, certs) = found?;
        extra.sources.push(source);
        extra.certs.extend(certs);
    }
    if !ca.is_empty() {
        extra.certs.extend(system_bundle());
    }
    Ok(extra)
}

/// The certificates of the `SSL_CERT_FILE` bundle `file`, which must hold at least one.
pub fn cert_file(file: &Path) -> Result<(Source, Vec<reqwest::Certificate>), UserError> {
    let certs = read_bundle(file).map_err(|why| problem("SSL_CERT_FILE", file, &why))?;
    if certs.is_empty() {
        return Err(problem(
            "SSL_CERT_FILE",
            file,
            "it holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)",
        ));
    }
    let source = Source {
        var: "SSL_CERT_FILE",
        path: file.to_path_buf(),
        certificates: certs.len(),
    };
    Ok((source, certs))
}

/// The certificates in the `SSL_CERT_DIR` directory `dir`.
pub fn cert_dir(dir: &Path) -> Result<(Source, Vec<reqwest::Certificate>), UserError> {
    let certs = read_dir(dir).map_err(|why| problem("SSL_CERT_DIR", dir, &why))?;
    let source = Source {
        var: "SSL_CERT_DIR",
        path: dir.to_path_buf(),
        certificates: certs.len(),
    };
    Ok((source, certs))
}

#[cfg(all(unix, not(target_os = "macos")))]
fn system_bundle() -> Vec<reqwest::Certificate> {
    SYSTEM_BUNDLES
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .and_then(|bundle| read_bundle(bundle).ok())
        .unwrap_or_default()
}

/// macOS and Windows: the platform verifier asks the system, whatever the variables say.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn system_bundle() -> Vec<reqwest::Certificate> {
    Vec::new()
}

fn problem(var: &str, path: &Path, why: &str) -> UserError {
    let what = if var.ends_with("_DIR") {
        "a directory of CA certificates in PEM form"
    } else {
        "your CA certificates in PEM form (the file a company's IT gives out)"
    };
    UserError::new(format!(
        "`{var}` names `{}`, which haul cannot use",
        path.display()
    ))
    .caused_by(why.to_owned())
    .hint(format!("point `{var}` at {what}, or unset it"))
    .exit(ExitCode::Usage)
}

fn read_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let bytes = std::fs::read(path).map_err(|err| err.to_string())?;
    reqwest::Certificate::from_pem_bundle(&bytes).map_err(|err| err.to_string())
}

/// Every PEM file in `dir` (OpenSSL's hashed names, `.pem`, `.crt`); files that hold no
/// certificate are skipped, a directory with none at all is an error.
fn read_dir(dir: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| err.to_string())?;
    let mut certs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file()
            && let Ok(found) = read_bundle(&path)
        {
            certs.extend(found);
        }
    }
    if certs.is_empty() {
        return Err("it holds no PEM certificate".to_owned());
    }
    Ok(certs)
}

/// Mozilla's roots, built into haul, for machines without a trust store.
pub fn mozilla() -> Vec<reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_file_is_an_error_naming_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let err = extra(&CaEnv {
            file: Some(missing),
            dirs: Vec::new(),
        })
        .err()
        .unwrap();
        assert!(
            err.message.starts_with("`SSL_CERT_FILE` names `"),
            "{}",
            err.message
        );
        assert_eq!(err.exit, ExitCode::Usage);

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = extra(&CaEnv {
            file: Some(empty),
            dirs: Vec::new(),
        })
        .err()
        .unwrap();
        assert!(
            err.causes[0].contains("no PEM certificate"),
            "{:?}",
            err.causes
        );

        let err = extra(&CaEnv {
            file: None,
            dirs: vec![dir.path().to_path_buf()],
        })
        .err()
        .unwrap();
        assert!(
            err.message.starts_with("`SSL_CERT_DIR` names `"),
            "{}",
            err.message
        );
    }

    #[test]
    fn nothing_set_adds_nothing() {
        let extra = extra(&CaEnv::default()).unwrap();
        assert!(extra.certs.is_empty() && extra.sources.is_empty());
        assert!(mozilla().len() > 100);
    }
}
