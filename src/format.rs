//! Archive and compression formats: the one table of file extensions haul knows, how each is
//! unpacked, and a name without its extension. Pure: no I/O.

/// How a download is packed, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    TarGz,
    TarXz,
    TarZst,
    TarBz2,
    Tar,
    Zip,
    Gz,
    Xz,
    Zst,
    Bz2,
    /// The executable itself.
    Bare,
}

/// Every extension, longest first within a format so that `.tar.gz` wins over `.gz`.
const EXTENSIONS: [(&str, Format); 15] = [
    (".tar.gz", Format::TarGz),
    (".tgz", Format::TarGz),
    (".tar.xz", Format::TarXz),
    (".txz", Format::TarXz),
    (".tar.zst", Format::TarZst),
    (".tzst", Format::TarZst),
    (".tar.bz2", Format::TarBz2),
    (".tbz2", Format::TarBz2),
    (".tbz", Format::TarBz2),
    (".tar", Format::Tar),
    (".zip", Format::Zip),
    (".gz", Format::Gz),
    (".xz", Format::Xz),
    (".zst", Format::Zst),
    (".bz2", Format::Bz2),
];

impl Format {
    pub fn of(name: &str) -> Format {
        Format::split(name).1
    }

    /// The name without its archive or compression extension, and the format it names. Any
    /// name is safe, whatever its characters: the cut is made only where an extension (ASCII)
    /// matched.
    pub fn split(name: &str) -> (&str, Format) {
        EXTENSIONS
            .iter()
            .find_map(|(ext, format)| {
                strip_suffix_ignore_case(name, ext).map(|stem| (stem, *format))
            })
            .unwrap_or((name, Format::Bare))
    }

    /// The name without its archive or compression extension.
    pub fn strip(name: &str) -> &str {
        Format::split(name).0
    }

    /// Zip keeps its index at the end, so it is unpacked from the downloaded file.
    pub fn needs_whole_file(self) -> bool {
        self == Format::Zip
    }

    /// A single file, not an archive.
    pub fn is_single_file(self) -> bool {
        matches!(
            self,
            Format::Gz | Format::Xz | Format::Zst | Format::Bz2 | Format::Bare
        )
    }

    /// A tar archive, compressed or not.
    pub fn is_tar(self) -> bool {
        matches!(
            self,
            Format::TarGz | Format::TarXz | Format::TarZst | Format::TarBz2 | Format::Tar
        )
    }
}

/// `name` without `suffix` (ASCII), compared without regard to case.
pub fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    // Comparing bytes never slices inside a character; when the ASCII suffix matches, `cut` is
    // a character boundary.
    name.as_bytes()[cut..]
        .eq_ignore_ascii_case(suffix.as_bytes())
        .then(|| &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        let cases = [
            ("a.tar.gz", Format::TarGz),
            ("a.TGZ", Format::TarGz),
            ("a.tar.xz", Format::TarXz),
            ("a.tar.zst", Format::TarZst),
            ("a.tar.bz2", Format::TarBz2),
            ("a.tbz", Format::TarBz2),
            ("a.zip", Format::Zip),
            ("a.gz", Format::Gz),
            ("a.xz", Format::Xz),
            ("a.zst", Format::Zst),
            ("a.bz2", Format::Bz2),
            ("a.tar", Format::Tar),
            ("tool-linux-amd64", Format::Bare),
            ("tool.exe", Format::Bare),
        ];
        for (name, format) in cases {
            assert_eq!(Format::of(name), format, "{name}");
        }
    }

    #[test]
    fn strips_extensions_from_any_name() {
        assert_eq!(Format::strip("tool-1.0-linux.tar.gz"), "tool-1.0-linux");
        assert_eq!(Format::strip("TOOL.TGZ"), "TOOL");
        assert_eq!(Format::strip("notes-größe"), "notes-größe");
        assert_eq!(Format::strip("ß"), "ß");
        assert_eq!(Format::strip("x.größe.zip"), "x.größe");
        assert_eq!(Format::split("a.tzst"), ("a", Format::TarZst));
        assert_eq!(strip_suffix_ignore_case("ab€", "€"), Some("ab"));
        assert_eq!(strip_suffix_ignore_case("€", ".zip"), None);
    }
}
