//! What a file says about where it can run: its format (ELF, Mach-O, PE, a `#!` script, or
//! something that is no program at all), the architecture(s) it is built for and, for ELF, the
//! dynamic loader it asks for and the newest glibc symbol version it needs (or, for glibc's own
//! `libc.so.6`, defines).
//!
//! Pure: reads from a byte slice or any seekable reader, and only the parts it looks at, so a
//! 100 MiB program costs a few reads. Every offset and count comes from the file, so each is
//! bounds-checked and capped: a damaged or hostile file yields "unknown", never a panic.
//!
//! It lives beside the platform model rather than with unpacking because host detection reads
//! the host's own glibc with it.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};

use super::{Arch, Emulation, Os, Platform};

/// The architecture a program is built for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cpu {
    Is(Arch),
    /// One haul does not install for, named for messages (`riscv64`, `machine 0x1234`).
    Other(String),
}

impl Cpu {
    /// How messages name it: `arm64 (aarch64)`, `x86_64`, `32-bit arm (armv7)`.
    pub fn describe(&self) -> String {
        match self {
            Cpu::Is(Arch::X86_64) => "x86_64".to_owned(),
            Cpu::Is(Arch::Aarch64) => "arm64 (aarch64)".to_owned(),
            Cpu::Is(Arch::Armv7) => "32-bit arm (armv7)".to_owned(),
            Cpu::Is(Arch::I686) => "32-bit x86 (i686)".to_owned(),
            Cpu::Other(name) => name.clone(),
        }
    }

    /// The short name: `aarch64`, `x86_64`, `riscv64`.
    pub fn name(&self) -> &str {
        match self {
            Cpu::Is(arch) => arch.as_str(),
            Cpu::Other(name) => name,
        }
    }

    /// The description with `a` or `an` before it.
    pub fn with_article(&self) -> String {
        let text = self.describe();
        let vowel = text.starts_with(['a', 'e', 'i', 'o', 'u', 'x']);
        format!("{} {text}", if vowel { "an" } else { "a" })
    }
}

/// A glibc symbol version (`GLIBC_2.35`, `GLIBC_2.2.5`), compared numerically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlibcVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GlibcVersion {
    /// `2.35`, `2.2.5`.
    pub fn parse(text: &str) -> Option<GlibcVersion> {
        let mut parts = text.split('.').map(|p| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        });
        let major = parts.next()??;
        let minor = parts.next()??;
        let patch = match parts.next() {
            None => 0,
            Some(p) => p?,
        };
        parts.next().is_none().then_some(GlibcVersion {
            major,
            minor,
            patch,
        })
    }

    /// The version of a symbol version name: `GLIBC_2.35`; `None` for `GLIBC_PRIVATE` and
    /// other libraries' versions (`GLIBCXX_3.4`, `CXXABI_1.3`).
    pub fn of_symbol_version(name: &str) -> Option<GlibcVersion> {
        GlibcVersion::parse(name.strip_prefix("GLIBC_")?)
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// How an ELF program is linked, as far as its program headers tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Linking {
    /// No `PT_INTERP`: the kernel starts it without a loader.
    Static,
    /// Started by this loader (`/lib64/ld-linux-x86-64.so.2`, `/lib/ld-musl-x86_64.so.1`).
    Dynamic { interpreter: String },
    /// The program headers lie outside the bytes given.
    Unknown,
}

/// What `e_type` says an ELF file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfType {
    /// `ET_EXEC`.
    Executable,
    /// `ET_DYN`: a position-independent executable or a shared library.
    Shared,
    /// `ET_REL`: an object file, not linked.
    Relocatable,
    /// `ET_CORE`: a core dump.
    Core,
    Other,
}

/// An ELF file's header and what it needs to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elf {
    /// 32 or 64 (`EI_CLASS`).
    pub bits: u8,
    pub little_endian: bool,
    /// From `e_machine`.
    pub cpu: Cpu,
    /// `EI_OSABI`: 0 (System V) for most Linux builds, 3 for GNU/Linux, 9 for FreeBSD.
    pub os_abi: u8,
    pub kind: ElfType,
    pub linking: Linking,
    /// The libraries it links (`DT_NEEDED`).
    pub needed: Vec<String>,
    /// The newest `GLIBC_x.y` among the versions it needs (`.gnu.version_r`).
    pub glibc_needed: Option<GlibcVersion>,
    /// The newest `GLIBC_x.y` among the versions it defines (`.gnu.version_d`): glibc's own
    /// `libc.so.6` defines one per release that added symbols.
    pub glibc_defined: Option<GlibcVersion>,
    /// Whether every part looked for was within the bytes given. When false (a head that
    /// ends before the dynamic section), `needed` and the glibc versions may be incomplete.
    pub complete: bool,
}

impl Elf {
    /// Whether it starts without a dynamic loader; `None` when the headers were not given.
    #[cfg(test)]
    pub fn is_static(&self) -> Option<bool> {
        match self.linking {
            Linking::Static => Some(true),
            Linking::Dynamic { .. } => Some(false),
            Linking::Unknown => None,
        }
    }

    pub fn interpreter(&self) -> Option<&str> {
        match &self.linking {
            Linking::Dynamic { interpreter } => Some(interpreter),
            _ => None,
        }
    }

    /// The OS the file shows it is built for, when it shows one: the ABI byte or the loader.
    pub fn os(&self) -> Option<Os> {
        const ELFOSABI_LINUX: u8 = 3;
        const ELFOSABI_FREEBSD: u8 = 9;
        let loader = self.interpreter().map(loader_name);
        if self.os_abi == ELFOSABI_FREEBSD || loader.is_some_and(|l| l.starts_with("ld-elf")) {
            Some(Os::FreeBsd)
        } else if self.os_abi == ELFOSABI_LINUX
            || loader.is_some_and(|l| l.starts_with("ld-linux") || l.starts_with("ld-musl"))
        {
            Some(Os::Linux)
        } else {
            None
        }
    }
}

/// The file name of a loader path.
fn loader_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether an interpreter path is glibc's loader (`/lib64/ld-linux-x86-64.so.2`,
/// `/lib/ld-linux-aarch64.so.1`, `/lib/ld-linux-armhf.so.3`, `/lib/ld-linux.so.2`).
pub fn is_glibc_loader(interpreter: &str) -> bool {
    loader_name(interpreter).starts_with("ld-linux")
}

/// Whether an interpreter path is musl's loader (`/lib/ld-musl-x86_64.so.1`).
pub fn is_musl_loader(interpreter: &str) -> bool {
    loader_name(interpreter).starts_with("ld-musl")
}

/// A file that runs, and what it is built for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    Elf(Elf),
    /// Mach-O: one CPU for a thin file, every slice's for a universal ("fat") one.
    MachO {
        cpus: Vec<Cpu>,
        fat: bool,
    },
    /// A Windows executable (`Machine` of the PE header).
    Pe {
        cpu: Cpu,
        dll: bool,
    },
    /// A `#!` script, with its first line.
    Script {
        interpreter: String,
    },
}

/// Why a program does not suit a platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misfit {
    /// Built for another OS: what it is (`a macOS program (Mach-O)`).
    Os { found: String },
    /// Built for another architecture.
    Arch { found: Vec<Cpu> },
    /// A shared library or object file rather than a program.
    NotProgram { found: String },
}

impl Program {
    /// A short description for messages: `a linux program (ELF, x86_64)`.
    pub fn describe(&self) -> String {
        let cpus = |cpus: &[Cpu]| cpus.iter().map(Cpu::name).collect::<Vec<_>>().join(", ");
        match self {
            Program::Elf(elf) => {
                let os = elf.os().map_or("a linux or bsd", |os| match os {
                    Os::FreeBsd => "a freebsd",
                    _ => "a linux",
                });
                format!("{os} program (ELF, {})", elf.cpu.name())
            }
            Program::MachO { cpus: list, fat } => {
                let kind = if *fat { "universal " } else { "" };
                format!("a {kind}macos program (Mach-O, {})", cpus(list))
            }
            Program::Pe { cpu, dll: false } => format!("a windows program (PE, {})", cpu.name()),
            Program::Pe { cpu, dll: true } => format!("a windows dll (PE, {})", cpu.name()),
            Program::Script { interpreter } => format!("a script for `{interpreter}`"),
        }
    }

    /// Whether it runs on `p`: natively, or under an emulation the OS provides (which is
    /// returned); otherwise why not. The same emulations the asset selector allows.
    pub fn fit(&self, p: Platform) -> Result<Option<Emulation>, Misfit> {
        let os_misfit = || Misfit::Os {
            found: self.describe(),
        };
        match self {
            Program::Script { .. } if p.os == Os::Windows => Err(os_misfit()),
            Program::Script { .. } => Ok(None),
            Program::Elf(elf) => {
                if matches!(p.os, Os::MacOs | Os::Windows) || elf.os().is_some_and(|o| o != p.os) {
                    return Err(os_misfit());
                }
                if matches!(elf.kind, ElfType::Relocatable | ElfType::Core) {
                    return Err(Misfit::NotProgram {
                        found: "an object file or core dump (ELF)".to_owned(),
                    });
                }
                if elf.cpu == Cpu::Is(p.arch) {
                    Ok(None)
                } else {
                    Err(Misfit::Arch {
                        found: vec![elf.cpu.clone()],
                    })
                }
            }
            Program::MachO { cpus, .. } => {
                if p.os != Os::MacOs {
                    return Err(os_misfit());
                }
                if cpus.contains(&Cpu::Is(p.arch)) {
                    Ok(None)
                } else if p.arch == Arch::Aarch64 && cpus.contains(&Cpu::Is(Arch::X86_64)) {
                    Ok(Some(Emulation::Rosetta2))
                } else {
                    Err(Misfit::Arch {
                        found: cpus.clone(),
                    })
                }
            }
            Program::Pe { cpu, dll } => {
                if p.os != Os::Windows {
                    return Err(os_misfit());
                }
                if *dll {
                    return Err(Misfit::NotProgram {
                        found: self.describe(),
                    });
                }
                match (cpu, p.arch) {
                    (Cpu::Is(a), h) if *a == h => Ok(None),
                    (Cpu::Is(Arch::I686), Arch::X86_64) => Ok(Some(Emulation::Wow64)),
                    (Cpu::Is(Arch::I686), Arch::Aarch64) => Ok(Some(Emulation::WindowsArm64X86)),
                    (Cpu::Is(Arch::X86_64), Arch::Aarch64) => Ok(Some(Emulation::WindowsArm64X64)),
                    _ => Err(Misfit::Arch {
                        found: vec![cpu.clone()],
                    }),
                }
            }
        }
    }
}

/// What a file is, when it is not a program: named for messages, with the installer label the
/// asset selector uses for OS packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotProgram {
    Deb,
    Rpm,
    Msi,
    /// A xar archive: a macOS installer package.
    Pkg,
    Zip,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
    Tar,
    /// An `ar` archive that is no Debian package: a static library.
    Ar,
    JavaClass,
    Empty,
    Text,
    Unknown,
}

impl NotProgram {
    pub fn describe(self) -> &'static str {
        match self {
            NotProgram::Deb => "a debian package (.deb)",
            NotProgram::Rpm => "an rpm package (.rpm)",
            NotProgram::Msi => "a windows installer package (.msi)",
            NotProgram::Pkg => "a macos installer package (.pkg)",
            NotProgram::Zip => "a zip archive",
            NotProgram::Gzip => "a gzip-compressed file",
            NotProgram::Xz => "an xz-compressed file",
            NotProgram::Zstd => "a zstd-compressed file",
            NotProgram::Bzip2 => "a bzip2-compressed file",
            NotProgram::Tar => "a tar archive",
            NotProgram::Ar => "an ar archive (a static library)",
            NotProgram::JavaClass => "a java class file",
            NotProgram::Empty => "an empty file",
            NotProgram::Text => "a text file without `#!`",
            NotProgram::Unknown => "a file of no format haul knows",
        }
    }

    /// The selector's label for an OS installer package, when it is one.
    pub fn installer(self) -> Option<&'static str> {
        match self {
            NotProgram::Deb => Some(".deb"),
            NotProgram::Rpm => Some(".rpm"),
            NotProgram::Msi => Some(".msi"),
            NotProgram::Pkg => Some(".pkg"),
            _ => None,
        }
    }
}

/// What a file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    Program(Program),
    Other(NotProgram),
}

/// What the first bytes of a file say it is. Whatever lies beyond `head` stays unknown: an
/// ELF file's glibc versions are usually past the first 64 KiB (see [`inspect`]).
pub fn identify(head: &[u8]) -> FileKind {
    let mut source = Slice(head);
    read_kind(&mut source)
}

/// What a whole file is, reading only the parts needed (for ELF: headers, loader, dynamic
/// section, symbol versions).
pub fn inspect<R: Read + Seek>(file: &mut R) -> io::Result<FileKind> {
    let mut source = Seekable {
        inner: file,
        error: None,
    };
    let kind = read_kind(&mut source);
    match source.error {
        Some(err) => Err(err),
        None => Ok(kind),
    }
}

/// Bytes at an offset: a slice, or a seekable reader.
trait Source {
    /// Exactly `len` bytes at `offset`; `None` when the file ends first.
    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>>;
    /// Up to `len` bytes at `offset`, fewer where the file ends; `None` past its end.
    fn read_up_to(&mut self, offset: u64, len: usize) -> Option<Vec<u8>>;
}

struct Slice<'a>(&'a [u8]);

impl Source for Slice<'_> {
    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let start = usize::try_from(offset).ok()?;
        self.0
            .get(start..start.checked_add(len)?)
            .map(<[u8]>::to_vec)
    }

    fn read_up_to(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let start = usize::try_from(offset).ok()?;
        let rest = self.0.get(start..)?;
        Some(rest[..rest.len().min(len)].to_vec())
    }
}

struct Seekable<'a, R> {
    inner: &'a mut R,
    /// The first error other than the file ending early.
    error: Option<io::Error>,
}

impl<R: Read + Seek> Seekable<'_, R> {
    fn note<T>(&mut self, result: io::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => None,
            Err(err) => {
                self.error.get_or_insert(err);
                None
            }
        }
    }
}

impl<R: Read + Seek> Source for Seekable<'_, R> {
    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        if self.error.is_some() {
            return None;
        }
        let mut buf = vec![0u8; len];
        let result = self
            .inner
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.inner.read_exact(&mut buf));
        self.note(result).map(|()| buf)
    }

    fn read_up_to(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        if self.error.is_some() {
            return None;
        }
        let end = self.inner.seek(SeekFrom::End(0));
        let end = self.note(end)?;
        if offset > end {
            return None;
        }
        let mut buf = Vec::with_capacity(len);
        let result = self
            .inner
            .seek(SeekFrom::Start(offset))
            .and_then(|_| (&mut *self.inner).take(len as u64).read_to_end(&mut buf));
        self.note(result).map(|_| buf)
    }
}

/// Reads bounded in size: no part haul looks at is larger.
const MAX_READ: usize = 1 << 20;
/// Loops over counts from the file stop here.
const MAX_ENTRIES: usize = 4096;

fn read_kind(src: &mut impl Source) -> FileKind {
    let Some(magic) = src.read_up_to(0, 8) else {
        return FileKind::Other(NotProgram::Empty);
    };
    if magic.is_empty() {
        return FileKind::Other(NotProgram::Empty);
    }
    let starts = |m: &[u8]| magic.starts_with(m);
    if starts(b"\x7fELF") {
        if let Some(elf) = read_elf(src) {
            return FileKind::Program(Program::Elf(elf));
        }
        return FileKind::Other(NotProgram::Unknown);
    }
    if let Some(program) = read_macho(src, &magic) {
        return FileKind::Program(program);
    }
    if starts(b"MZ") {
        return read_pe(src).map_or(FileKind::Other(NotProgram::Unknown), FileKind::Program);
    }
    if starts(b"#!") {
        let line = src.read_up_to(2, 256).unwrap_or_default();
        let line = line.split(|b| *b == b'\n').next().unwrap_or(&line);
        let interpreter = String::from_utf8_lossy(line).trim().to_owned();
        return FileKind::Program(Program::Script { interpreter });
    }
    FileKind::Other(not_program(src, &magic))
}

fn not_program(src: &mut impl Source, magic: &[u8]) -> NotProgram {
    let starts = |m: &[u8]| magic.starts_with(m);
    if starts(b"!<arch>\n") {
        let member = src.read_up_to(8, 16).unwrap_or_default();
        return if member.starts_with(b"debian-binary") {
            NotProgram::Deb
        } else {
            NotProgram::Ar
        };
    }
    if starts(&[0xed, 0xab, 0xee, 0xdb]) {
        return NotProgram::Rpm;
    }
    if starts(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        return NotProgram::Msi;
    }
    if starts(b"xar!") {
        return NotProgram::Pkg;
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return NotProgram::Zip;
    }
    if starts(&[0x1f, 0x8b]) {
        return NotProgram::Gzip;
    }
    if starts(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        return NotProgram::Xz;
    }
    if starts(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return NotProgram::Zstd;
    }
    if starts(b"BZh") {
        return NotProgram::Bzip2;
    }
    if starts(&[0xca, 0xfe, 0xba, 0xbe]) {
        return NotProgram::JavaClass;
    }
    if src.read_up_to(257, 5).is_some_and(|m| m == b"ustar") {
        return NotProgram::Tar;
    }
    let text = src.read_up_to(0, 512).unwrap_or_default();
    if !text.is_empty()
        && text
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80)
        // A character cut at the end of the sample is still text.
        && std::str::from_utf8(&text).map_or_else(|e| e.error_len().is_none(), |_| true)
    {
        return NotProgram::Text;
    }
    NotProgram::Unknown
}

/// An unsigned integer of `bytes.len()` bytes.
fn uint(bytes: &[u8], little: bool) -> u64 {
    let mut value = 0u64;
    for i in 0..bytes.len() {
        let byte = if little {
            bytes[bytes.len() - 1 - i]
        } else {
            bytes[i]
        };
        value = (value << 8) | u64::from(byte);
    }
    value
}

/// Reads integers of one byte order out of a buffer; out of range reads give `None`.
#[derive(Clone, Copy)]
struct Ints {
    little: bool,
}

impl Ints {
    fn get(self, buf: &[u8], at: usize, len: usize) -> Option<u64> {
        buf.get(at..at.checked_add(len)?)
            .map(|b| uint(b, self.little))
    }
    fn u16(self, buf: &[u8], at: usize) -> Option<u64> {
        self.get(buf, at, 2)
    }
    fn u32(self, buf: &[u8], at: usize) -> Option<u64> {
        self.get(buf, at, 4)
    }
}

const PT_LOAD: u64 = 1;
const PT_DYNAMIC: u64 = 2;
const PT_INTERP: u64 = 3;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_VERDEF: u64 = 0x6fff_fffc;
const DT_VERDEFNUM: u64 = 0x6fff_fffd;
const DT_VERNEED: u64 = 0x6fff_fffe;
const DT_VERNEEDNUM: u64 = 0x6fff_ffff;

fn elf_cpu(machine: u64, bits: u8) -> Cpu {
    let other = |name: &str| Cpu::Other(name.to_owned());
    match (machine, bits) {
        (62, _) => Cpu::Is(Arch::X86_64),
        (183, _) => Cpu::Is(Arch::Aarch64),
        (40, _) => Cpu::Is(Arch::Armv7),
        (3, _) => Cpu::Is(Arch::I686),
        (8, 32) => other("mips"),
        (8, _) => other("mips64"),
        (20, _) => other("powerpc"),
        (21, _) => other("powerpc64"),
        (22, _) => other("s390x"),
        (243, 32) => other("riscv32"),
        (243, _) => other("riscv64"),
        (258, _) => other("loongarch64"),
        (2 | 43, _) => other("sparc"),
        (m, _) => Cpu::Other(format!("ELF machine {m}")),
    }
}

/// One ELF file's layout, for reading the parts past its header.
struct ElfLayout {
    ints: Ints,
    wide: bool,
    /// `PT_LOAD` segments: (virtual address, file offset, size in the file).
    loads: Vec<(u64, u64, u64)>,
}

impl ElfLayout {
    fn word(&self) -> usize {
        if self.wide { 8 } else { 4 }
    }

    /// The file offset of a virtual address.
    fn offset_of(&self, addr: u64) -> Option<u64> {
        self.loads.iter().find_map(|&(vaddr, offset, size)| {
            (addr >= vaddr && addr - vaddr < size).then(|| offset + (addr - vaddr))
        })
    }
}

fn read_elf(src: &mut impl Source) -> Option<Elf> {
    let ident = src.read_at(0, 0x34)?;
    let wide = match ident[4] {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match ident[5] {
        1 => true,
        2 => false,
        _ => return None,
    };
    let ints = Ints { little };
    let header = if wide {
        src.read_at(0, 0x40)?
    } else {
        ident.clone()
    };
    let bits = if wide { 64 } else { 32 };
    let kind = match ints.u16(&header, 0x10)? {
        1 => ElfType::Relocatable,
        2 => ElfType::Executable,
        3 => ElfType::Shared,
        4 => ElfType::Core,
        _ => ElfType::Other,
    };
    let mut elf = Elf {
        bits,
        little_endian: little,
        cpu: elf_cpu(ints.u16(&header, 0x12)?, bits),
        os_abi: ident[7],
        kind,
        linking: Linking::Unknown,
        needed: Vec::new(),
        glibc_needed: None,
        glibc_defined: None,
        complete: false,
    };
    let (phoff, phentsize, phnum) = if wide {
        (
            ints.get(&header, 0x20, 8)?,
            ints.u16(&header, 0x36)?,
            ints.u16(&header, 0x38)?,
        )
    } else {
        (
            ints.u32(&header, 0x1c)?,
            ints.u16(&header, 0x2a)?,
            ints.u16(&header, 0x2c)?,
        )
    };
    let phentsize = usize::try_from(phentsize).ok()?;
    let phnum = usize::try_from(phnum).ok()?;
    let min_entry = if wide { 56 } else { 32 };
    if phnum == 0 {
        elf.linking = Linking::Static;
        elf.complete = true;
        return Some(elf);
    }
    if phentsize < min_entry {
        return Some(elf);
    }
    let Some(table) = src.read_at(phoff, phentsize.checked_mul(phnum)?) else {
        return Some(elf);
    };
    let (layout, interp, dynamic) = segments(&table, phentsize, ints, wide);
    let mut complete = true;
    elf.linking = match interp {
        None => Linking::Static,
        Some((offset, size)) => {
            let size = usize::try_from(size).ok()?.min(4096);
            if let Some(text) = src.read_at(offset, size) {
                let text = text.split(|b| *b == 0).next().unwrap_or(&text);
                Linking::Dynamic {
                    interpreter: String::from_utf8_lossy(text).into_owned(),
                }
            } else {
                complete = false;
                Linking::Unknown
            }
        }
    };
    if let Some((offset, size)) = dynamic {
        complete &= read_dynamic(src, &layout, offset, size, &mut elf).is_some();
    }
    elf.complete = complete;
    Some(elf)
}

/// A segment's place in the file: (offset, size).
type Span = (u64, u64);

/// The program header table read: the loaded segments, `PT_INTERP` and `PT_DYNAMIC`.
fn segments(
    table: &[u8],
    entry_size: usize,
    ints: Ints,
    wide: bool,
) -> (ElfLayout, Option<Span>, Option<Span>) {
    let mut layout = ElfLayout {
        ints,
        wide,
        loads: Vec::new(),
    };
    let (mut interp, mut dynamic) = (None, None);
    for entry in table.chunks_exact(entry_size) {
        // 64-bit: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz; 32-bit: p_type,
        // p_offset, p_vaddr, p_paddr, p_filesz.
        let field = |offset64: usize, offset32: usize| {
            if wide {
                ints.get(entry, offset64, 8)
            } else {
                ints.u32(entry, offset32)
            }
        };
        let (Some(p_type), Some(offset), Some(vaddr), Some(filesz)) =
            (ints.u32(entry, 0), field(8, 4), field(16, 8), field(32, 16))
        else {
            continue;
        };
        match p_type {
            PT_LOAD => layout.loads.push((vaddr, offset, filesz)),
            PT_INTERP => interp = Some((offset, filesz)),
            PT_DYNAMIC => dynamic = Some((offset, filesz)),
            _ => {}
        }
    }
    (layout, interp, dynamic)
}

/// Reads `DT_NEEDED` and the symbol versions; `None` when a part lies outside the file.
fn read_dynamic(
    src: &mut impl Source,
    layout: &ElfLayout,
    offset: u64,
    size: u64,
    elf: &mut Elf,
) -> Option<()> {
    let word = layout.word();
    let entry = 2 * word;
    let size = usize::try_from(size).ok()?.min(MAX_READ);
    let table = src.read_at(offset, size - size % entry)?;
    let mut tags: Vec<(u64, u64)> = Vec::new();
    for chunk in table.chunks_exact(entry) {
        let tag = uint(&chunk[..word], layout.ints.little);
        if tag == DT_NULL {
            break;
        }
        tags.push((tag, uint(&chunk[word..], layout.ints.little)));
    }
    let find = |want: u64| tags.iter().find(|(t, _)| *t == want).map(|&(_, v)| v);
    let Some(strtab) = find(DT_STRTAB).and_then(|a| layout.offset_of(a)) else {
        // Without a string table no name can be read; a static-pie may have none of these.
        return if tags
            .iter()
            .any(|(t, _)| matches!(*t, DT_NEEDED | DT_VERNEED))
        {
            None
        } else {
            Some(())
        };
    };
    let mut ok = true;
    for &(_, name) in tags
        .iter()
        .filter(|(t, _)| *t == DT_NEEDED)
        .take(MAX_ENTRIES)
    {
        match read_str(src, strtab.checked_add(name)?) {
            Some(name) => elf.needed.push(name),
            None => ok = false,
        }
    }
    if let Some(at) = find(DT_VERNEED) {
        let count = find(DT_VERNEEDNUM).unwrap_or(u64::MAX);
        let names = version_needs(src, layout, layout.offset_of(at)?, count, strtab);
        ok &= names.is_some();
        elf.glibc_needed = newest_glibc(&names.unwrap_or_default());
    }
    if let Some(at) = find(DT_VERDEF) {
        let count = find(DT_VERDEFNUM).unwrap_or(u64::MAX);
        let names = version_defs(src, layout, layout.offset_of(at)?, count, strtab);
        ok &= names.is_some();
        elf.glibc_defined = newest_glibc(&names.unwrap_or_default());
    }
    ok.then_some(())
}

fn newest_glibc(names: &[String]) -> Option<GlibcVersion> {
    names
        .iter()
        .filter_map(|n| GlibcVersion::of_symbol_version(n))
        .max()
}

/// The names of the versions an ELF file needs (`Elf_Verneed` and its `Elf_Vernaux` list).
fn version_needs(
    src: &mut impl Source,
    layout: &ElfLayout,
    mut at: u64,
    count: u64,
    strtab: u64,
) -> Option<Vec<String>> {
    let ints = layout.ints;
    let mut names = Vec::new();
    for _ in 0..count.min(MAX_ENTRIES as u64) {
        let need = src.read_at(at, 16)?;
        let (cnt, aux, next) = (
            ints.u16(&need, 2)?,
            ints.u32(&need, 8)?,
            ints.u32(&need, 12)?,
        );
        let mut aux_at = at.checked_add(aux)?;
        for _ in 0..cnt.min(MAX_ENTRIES as u64) {
            let entry = src.read_at(aux_at, 16)?;
            let (name, aux_next) = (ints.u32(&entry, 8)?, ints.u32(&entry, 12)?);
            names.push(read_str(src, strtab.checked_add(name)?)?);
            if aux_next == 0 {
                break;
            }
            aux_at = aux_at.checked_add(aux_next)?;
        }
        if next == 0 {
            break;
        }
        at = at.checked_add(next)?;
    }
    Some(names)
}

/// The names of the versions an ELF file defines (`Elf_Verdef`, each named by its first
/// `Elf_Verdaux`).
fn version_defs(
    src: &mut impl Source,
    layout: &ElfLayout,
    mut at: u64,
    count: u64,
    strtab: u64,
) -> Option<Vec<String>> {
    let ints = layout.ints;
    let mut names = Vec::new();
    for _ in 0..count.min(MAX_ENTRIES as u64) {
        let def = src.read_at(at, 20)?;
        let (aux, next) = (ints.u32(&def, 12)?, ints.u32(&def, 16)?);
        let aux = src.read_at(at.checked_add(aux)?, 8)?;
        names.push(read_str(src, strtab.checked_add(ints.u32(&aux, 0)?)?)?);
        if next == 0 {
            break;
        }
        at = at.checked_add(next)?;
    }
    Some(names)
}

/// A NUL-terminated string of at most 256 bytes.
fn read_str(src: &mut impl Source, at: u64) -> Option<String> {
    let bytes = src.read_up_to(at, 256)?;
    let end = bytes.iter().position(|b| *b == 0)?;
    Some(String::from_utf8_lossy(&bytes[..end]).into_owned())
}

fn macho_cpu(cputype: u64) -> Cpu {
    const ABI64: u64 = 0x0100_0000;
    match cputype {
        7 => Cpu::Is(Arch::I686),
        t if t == 0x7 | ABI64 => Cpu::Is(Arch::X86_64),
        12 => Cpu::Is(Arch::Armv7),
        t if t == 0xc | ABI64 => Cpu::Is(Arch::Aarch64),
        0x0200_000c => Cpu::Other("arm64_32".to_owned()),
        18 => Cpu::Other("powerpc".to_owned()),
        t if t == 0x12 | ABI64 => Cpu::Other("powerpc64".to_owned()),
        t => Cpu::Other(format!("Mach-O cpu type {t:#x}")),
    }
}

fn read_macho(src: &mut impl Source, magic: &[u8]) -> Option<Program> {
    let word = uint(magic.get(..4)?, false);
    let little = match word {
        0xfeed_face | 0xfeed_facf => false,
        0xcefa_edfe | 0xcffa_edfe => true,
        0xcafe_babe | 0xcafe_babf => return read_fat(src, word == 0xcafe_babf),
        _ => return None,
    };
    let cputype = uint(magic.get(4..8)?, little);
    Some(Program::MachO {
        cpus: vec![macho_cpu(cputype)],
        fat: false,
    })
}

/// A universal binary: `nfat_arch` slices, each led by its CPU type. Java class files share
/// the magic; their "count" (the class file version, 45 or more) tells them apart.
fn read_fat(src: &mut impl Source, wide: bool) -> Option<Program> {
    let ints = Ints { little: false };
    let head = src.read_at(0, 8)?;
    let count = ints.u32(&head, 4)?;
    if count == 0 || count >= 45 {
        return None;
    }
    let entry = if wide { 32 } else { 20 };
    let count = usize::try_from(count).ok()?;
    let table = src.read_at(8, entry * count)?;
    let cpus = table
        .chunks_exact(entry)
        .map(|slice| macho_cpu(uint(&slice[..4], false)))
        .collect();
    Some(Program::MachO { cpus, fat: true })
}

fn read_pe(src: &mut impl Source) -> Option<Program> {
    const IMAGE_FILE_DLL: u64 = 0x2000;
    let ints = Ints { little: true };
    let dos = src.read_at(0, 0x40)?;
    let at = ints.u32(&dos, 0x3c)?;
    let header = src.read_at(at, 24)?;
    if !header.starts_with(b"PE\0\0") {
        return None;
    }
    let cpu = match ints.u16(&header, 4)? {
        0x8664 => Cpu::Is(Arch::X86_64),
        // ARM64EC code runs only on Windows on Arm, like arm64.
        0xaa64 | 0xa641 => Cpu::Is(Arch::Aarch64),
        0x14c => Cpu::Is(Arch::I686),
        0x1c4 | 0x1c0 => Cpu::Is(Arch::Armv7),
        0x200 => Cpu::Other("itanium".to_owned()),
        m => Cpu::Other(format!("PE machine {m:#x}")),
    };
    let dll = ints.u16(&header, 22)? & IMAGE_FILE_DLL != 0;
    Some(Program::Pe { cpu, dll })
}

/// Hand-built program headers for tests here and in the modules that check programs.
#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::too_many_lines,
    reason = "fixtures: small files laid out byte by byte in one place"
)]
pub(crate) mod fixtures {
    use super::*;

    /// Builds ELF files byte by byte, in either class and byte order.
    pub(crate) struct ElfBuilder {
        pub wide: bool,
        pub little: bool,
        pub machine: u16,
        pub os_abi: u8,
        pub interp: Option<String>,
        pub needed: Vec<String>,
        /// Version names needed, each from the library named first.
        pub needs: Vec<(String, Vec<String>)>,
        pub defines: Vec<String>,
    }

    impl ElfBuilder {
        pub(crate) fn new(machine: u16) -> Self {
            ElfBuilder {
                wide: true,
                little: true,
                machine,
                os_abi: 0,
                interp: None,
                needed: Vec::new(),
                needs: Vec::new(),
                defines: Vec::new(),
            }
        }

        pub(crate) fn interp(mut self, path: &str) -> Self {
            self.interp = Some(path.to_owned());
            self
        }

        pub(crate) fn needs(mut self, lib: &str, versions: &[&str]) -> Self {
            self.needed.push(lib.to_owned());
            self.needs.push((
                lib.to_owned(),
                versions.iter().map(|v| (*v).to_owned()).collect(),
            ));
            self
        }

        pub(crate) fn defines(mut self, versions: &[&str]) -> Self {
            self.defines = versions.iter().map(|v| (*v).to_owned()).collect();
            self
        }

        /// The file: header, program headers (`PT_LOAD` over the whole file, `PT_INTERP`,
        /// `PT_DYNAMIC`), then the loader path, string table, version tables and dynamic
        /// section, with `padding` zero bytes before the dynamic parts so they can be put past
        /// a head.
        pub(crate) fn build_padded(&self, padding: usize) -> Vec<u8> {
            let mut out = vec![0u8; 0x200];
            let w = if self.wide { 8 } else { 4 };
            let little = self.little;
            let put = |out: &mut Vec<u8>, at: usize, len: usize, value: u64| {
                if out.len() < at + len {
                    out.resize(at + len, 0);
                }
                for i in 0..len {
                    let byte = ((value >> (8 * i)) & 0xff) as u8;
                    let pos = if little { at + i } else { at + len - 1 - i };
                    out[pos] = byte;
                }
            };
            out[..4].copy_from_slice(b"\x7fELF");
            out[4] = if self.wide { 2 } else { 1 };
            out[5] = if little { 1 } else { 2 };
            out[6] = 1;
            out[7] = self.os_abi;
            put(&mut out, 0x10, 2, 2);
            put(&mut out, 0x12, 2, u64::from(self.machine));
            let phoff = if self.wide { 0x40 } else { 0x34 };
            let phentsize = if self.wide { 56 } else { 32 };
            let dynamic = !self.needed.is_empty() || !self.defines.is_empty();
            let phnum = 1 + usize::from(self.interp.is_some()) + usize::from(dynamic);
            if self.wide {
                put(&mut out, 0x20, 8, phoff);
                put(&mut out, 0x36, 2, phentsize);
                put(&mut out, 0x38, 2, phnum as u64);
            } else {
                put(&mut out, 0x1c, 4, phoff);
                put(&mut out, 0x2a, 2, phentsize);
                put(&mut out, 0x2c, 2, phnum as u64);
            }
            // The data, laid out after the headers; the whole file is loaded at 0x400000.
            let base = 0x40_0000u64;
            let interp_at = 0x180usize;
            let mut data_at = 0x200 + padding;
            let mut strtab = vec![0u8];
            let mut string = |s: &str| {
                let at = strtab.len() as u64;
                strtab.extend(s.as_bytes());
                strtab.push(0);
                at
            };
            // Version needs: one Verneed per library, its Vernaux entries after it.
            let mut verneed = Vec::new();
            for (i, (lib, versions)) in self.needs.iter().enumerate() {
                let entry_at = verneed.len();
                let file = string(lib);
                verneed.resize(entry_at + 16, 0);
                let last = i + 1 == self.needs.len();
                let size = 16 + 16 * versions.len();
                let fields = [
                    (0, 2, 1),
                    (2, 2, versions.len() as u64),
                    (4, 4, file),
                    (8, 4, 16),
                    (12, 4, if last { 0 } else { size as u64 }),
                ];
                for (at, len, value) in fields {
                    put(&mut verneed, entry_at + at, len, value);
                }
                for (j, version) in versions.iter().enumerate() {
                    let aux_at = verneed.len();
                    let name = string(version);
                    verneed.resize(aux_at + 16, 0);
                    let next = if j + 1 == versions.len() { 0 } else { 16 };
                    put(&mut verneed, aux_at + 8, 4, name);
                    put(&mut verneed, aux_at + 12, 4, next);
                }
            }
            let mut verdef = Vec::new();
            for (i, version) in self.defines.iter().enumerate() {
                let at = verdef.len();
                let name = string(version);
                verdef.resize(at + 28, 0);
                let next = if i + 1 == self.defines.len() { 0 } else { 28 };
                for (off, len, value) in [(0, 2, 1), (6, 2, 1), (12, 4, 20), (16, 4, next)] {
                    put(&mut verdef, at + off, len, value);
                }
                put(&mut verdef, at + 20, 4, name);
            }
            let needed: Vec<u64> = self.needed.iter().map(|n| string(n)).collect();
            let mut place = |out: &mut Vec<u8>, bytes: &[u8]| {
                let at = data_at;
                if out.len() < at + bytes.len() {
                    out.resize(at + bytes.len(), 0);
                }
                out[at..at + bytes.len()].copy_from_slice(bytes);
                data_at = (at + bytes.len() + 7) & !7;
                at as u64
            };
            let strtab_at = place(&mut out, &strtab);
            let verneed_at = (!verneed.is_empty()).then(|| place(&mut out, &verneed));
            let verdef_at = (!verdef.is_empty()).then(|| place(&mut out, &verdef));
            let mut tags: Vec<(u64, u64)> = needed.iter().map(|&n| (DT_NEEDED, n)).collect();
            tags.push((DT_STRTAB, base + strtab_at));
            if let Some(at) = verneed_at {
                tags.push((DT_VERNEED, base + at));
                tags.push((DT_VERNEEDNUM, self.needs.len() as u64));
            }
            if let Some(at) = verdef_at {
                tags.push((DT_VERDEF, base + at));
                tags.push((DT_VERDEFNUM, self.defines.len() as u64));
            }
            tags.push((DT_NULL, 0));
            let mut table = vec![0u8; tags.len() * 2 * w];
            for (i, (tag, value)) in tags.iter().enumerate() {
                put(&mut table, i * 2 * w, w, *tag);
                put(&mut table, i * 2 * w + w, w, *value);
            }
            let dynamic_at = place(&mut out, &table);
            let total = out.len() as u64;
            // Program headers.
            let mut headers: Vec<(u64, u64, u64)> = vec![(PT_LOAD, 0, total)];
            if let Some(interp) = &self.interp {
                out[interp_at..interp_at + interp.len()].copy_from_slice(interp.as_bytes());
                headers.push((PT_INTERP, interp_at as u64, interp.len() as u64 + 1));
            }
            if dynamic {
                headers.push((PT_DYNAMIC, dynamic_at, table.len() as u64));
            }
            for (i, (p_type, offset, size)) in headers.into_iter().enumerate() {
                let at = phoff as usize + i * phentsize as usize;
                put(&mut out, at, 4, p_type);
                if self.wide {
                    put(&mut out, at + 8, 8, offset);
                    put(&mut out, at + 16, 8, base + offset);
                    put(&mut out, at + 32, 8, size);
                    put(&mut out, at + 40, 8, size);
                } else {
                    put(&mut out, at + 4, 4, offset);
                    put(&mut out, at + 8, 4, base + offset);
                    put(&mut out, at + 16, 4, size);
                    put(&mut out, at + 20, 4, size);
                }
            }
            out
        }

        pub(crate) fn build(&self) -> Vec<u8> {
            self.build_padded(0)
        }
    }

    pub(crate) const EM_X86_64: u16 = 62;
    pub(crate) const EM_AARCH64: u16 = 183;
    pub(crate) const EM_ARM: u16 = 40;

    /// A thin Mach-O header (64-bit, little-endian) for `cputype`.
    pub(crate) fn macho(cputype: u32) -> Vec<u8> {
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(&0xfeed_facf_u32.to_le_bytes());
        out[4..8].copy_from_slice(&cputype.to_le_bytes());
        out[12..16].copy_from_slice(&2u32.to_le_bytes());
        out
    }

    /// A universal Mach-O header listing `cputypes`.
    pub(crate) fn fat(cputypes: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(0xcafe_babe_u32.to_be_bytes());
        out.extend((cputypes.len() as u32).to_be_bytes());
        for (i, cpu) in cputypes.iter().enumerate() {
            out.extend(cpu.to_be_bytes());
            out.extend(0u32.to_be_bytes());
            out.extend((0x4000 * (i as u32 + 1)).to_be_bytes());
            out.extend(0x1000u32.to_be_bytes());
            out.extend(14u32.to_be_bytes());
        }
        out
    }

    pub(crate) const MACHO_X86_64: u32 = 0x0100_0007;
    pub(crate) const MACHO_ARM64: u32 = 0x0100_000c;

    /// A PE file's headers for `machine`.
    pub(crate) fn pe(machine: u16, dll: bool) -> Vec<u8> {
        let mut out = vec![0u8; 0x200];
        out[..2].copy_from_slice(b"MZ");
        out[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        out[0x80..0x84].copy_from_slice(b"PE\0\0");
        out[0x84..0x86].copy_from_slice(&machine.to_le_bytes());
        let flags: u16 = if dll { 0x2022 } else { 0x0022 };
        out[0x96..0x98].copy_from_slice(&flags.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn elf_of(kind: FileKind) -> Elf {
        match kind {
            FileKind::Program(Program::Elf(elf)) => elf,
            other => panic!("not an ELF program: {other:?}"),
        }
    }

    fn v(text: &str) -> GlibcVersion {
        GlibcVersion::parse(text).expect("a version")
    }

    #[test]
    fn glibc_versions_read_and_compare() {
        assert_eq!(v("2.35").to_string(), "2.35");
        assert_eq!(v("2.2.5").to_string(), "2.2.5");
        assert!(v("2.2.5") < v("2.3") && v("2.9") < v("2.10") && v("2.35") < v("3.0"));
        for bad in ["", "2", "2.", "2.x", "2.3.4.5", "-2.3", "2.35 "] {
            assert_eq!(GlibcVersion::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            GlibcVersion::of_symbol_version("GLIBC_2.34"),
            Some(v("2.34"))
        );
        for other in ["GLIBC_PRIVATE", "GLIBCXX_3.4.30", "CXXABI_1.3", "GCC_3.0"] {
            assert_eq!(GlibcVersion::of_symbol_version(other), None, "{other}");
        }
    }

    #[test]
    fn reads_an_elf_of_every_layout() {
        for (wide, little) in [(true, true), (true, false), (false, true), (false, false)] {
            let mut builder = ElfBuilder::new(EM_AARCH64)
                .interp("/lib/ld-linux-aarch64.so.1")
                .needs("libc.so.6", &["GLIBC_2.17", "GLIBC_2.34", "GLIBC_2.28"])
                .needs("libm.so.6", &["GLIBC_2.29"]);
            builder.wide = wide;
            builder.little = little;
            let file = builder.build();
            let elf = elf_of(identify(&file));
            let case = format!("wide={wide} little={little}");
            assert_eq!(elf.bits, if wide { 64 } else { 32 }, "{case}");
            assert_eq!(elf.little_endian, little, "{case}");
            assert_eq!(elf.cpu, Cpu::Is(Arch::Aarch64), "{case}");
            assert_eq!(
                elf.interpreter(),
                Some("/lib/ld-linux-aarch64.so.1"),
                "{case}"
            );
            assert_eq!(elf.is_static(), Some(false), "{case}");
            assert_eq!(elf.needed, ["libc.so.6", "libm.so.6"], "{case}");
            assert_eq!(elf.glibc_needed, Some(v("2.34")), "{case}");
            assert_eq!(elf.glibc_defined, None, "{case}");
            assert!(elf.complete, "{case}");
            assert_eq!(elf.os(), Some(Os::Linux), "{case}");
        }
    }

    #[test]
    fn static_and_musl_programs() {
        let elf = elf_of(identify(&ElfBuilder::new(EM_X86_64).build()));
        assert_eq!(elf.is_static(), Some(true));
        assert_eq!(elf.glibc_needed, None);
        assert_eq!(elf.os(), None);

        let musl = ElfBuilder::new(EM_X86_64)
            .interp("/lib/ld-musl-x86_64.so.1")
            .needs("libc.musl-x86_64.so.1", &[])
            .build();
        let elf = elf_of(identify(&musl));
        assert_eq!(elf.interpreter(), Some("/lib/ld-musl-x86_64.so.1"));
        assert!(is_musl_loader("/lib/ld-musl-x86_64.so.1"));
        assert!(!is_glibc_loader("/lib/ld-musl-x86_64.so.1"));
        assert_eq!(elf.glibc_needed, None);
    }

    #[test]
    fn glibc_itself_defines_its_versions() {
        let libc = ElfBuilder::new(EM_X86_64)
            .defines(&[
                "libc.so.6",
                "GLIBC_2.2.5",
                "GLIBC_2.36",
                "GLIBC_2.4",
                "GLIBC_PRIVATE",
            ])
            .build();
        let elf = elf_of(identify(&libc));
        assert_eq!(elf.glibc_defined, Some(v("2.36")));
        assert_eq!(elf.glibc_needed, None);
    }

    #[test]
    fn a_head_reads_the_header_and_a_reader_the_rest() {
        let file = ElfBuilder::new(EM_X86_64)
            .interp("/lib64/ld-linux-x86-64.so.2")
            .needs("libc.so.6", &["GLIBC_2.35"])
            .build_padded(200_000);
        let head = &file[..64 * 1024];
        let elf = elf_of(identify(head));
        assert_eq!(elf.interpreter(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert!(!elf.complete);
        assert_eq!(elf.glibc_needed, None);

        let whole = elf_of(inspect(&mut io::Cursor::new(&file)).expect("reads"));
        assert!(whole.complete);
        assert_eq!(whole.glibc_needed, Some(v("2.35")));
        assert_eq!(elf_of(identify(&file)), whole);
    }

    #[test]
    fn damaged_files_never_panic() {
        let file = ElfBuilder::new(EM_X86_64)
            .interp("/lib64/ld-linux-x86-64.so.2")
            .needs("libc.so.6", &["GLIBC_2.35"])
            .build();
        // Every truncation, and every byte set to 0xff or 0x7f, in turn.
        for len in 0..file.len() {
            let _ = identify(&file[..len]);
        }
        for at in 0..file.len() {
            for byte in [0xff, 0x7f] {
                let mut bad = file.clone();
                bad[at] = byte;
                let _ = identify(&bad);
                let _ = inspect(&mut io::Cursor::new(&bad));
            }
        }
    }

    #[test]
    fn macho_thin_and_universal() {
        assert_eq!(
            identify(&macho(MACHO_ARM64)),
            FileKind::Program(Program::MachO {
                cpus: vec![Cpu::Is(Arch::Aarch64)],
                fat: false
            })
        );
        let mut big_endian = macho(MACHO_X86_64);
        big_endian[..4].copy_from_slice(&0xfeed_facf_u32.to_be_bytes());
        big_endian[4..8].copy_from_slice(&MACHO_X86_64.to_be_bytes());
        assert_eq!(
            identify(&big_endian),
            FileKind::Program(Program::MachO {
                cpus: vec![Cpu::Is(Arch::X86_64)],
                fat: false
            })
        );
        assert_eq!(
            identify(&fat(&[MACHO_X86_64, MACHO_ARM64])),
            FileKind::Program(Program::MachO {
                cpus: vec![Cpu::Is(Arch::X86_64), Cpu::Is(Arch::Aarch64)],
                fat: true
            })
        );
        // A Java class file has the same magic; its version is no slice count.
        let class = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 65, 0, 0];
        assert_eq!(identify(&class), FileKind::Other(NotProgram::JavaClass));
    }

    #[test]
    fn pe_machines() {
        for (machine, cpu) in [
            (0x8664, Arch::X86_64),
            (0xaa64, Arch::Aarch64),
            (0x14c, Arch::I686),
        ] {
            assert_eq!(
                identify(&pe(machine, false)),
                FileKind::Program(Program::Pe {
                    cpu: Cpu::Is(cpu),
                    dll: false
                })
            );
        }
        assert!(matches!(
            identify(&pe(0x8664, true)),
            FileKind::Program(Program::Pe { dll: true, .. })
        ));
        // A DOS stub alone is no Windows program.
        let mut dos = pe(0x8664, false);
        dos[0x80..0x84].copy_from_slice(b"XX\0\0");
        assert_eq!(identify(&dos), FileKind::Other(NotProgram::Unknown));
    }

    #[test]
    fn scripts_and_other_files() {
        assert_eq!(
            identify(b"#!/usr/bin/env bash\necho hi\n"),
            FileKind::Program(Program::Script {
                interpreter: "/usr/bin/env bash".to_owned()
            })
        );
        let mut deb = b"!<arch>\ndebian-binary   1234".to_vec();
        deb.resize(100, b' ');
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        for (bytes, want) in [
            (&deb[..], NotProgram::Deb),
            (b"!<arch>\nlibfoo.o/       ".as_slice(), NotProgram::Ar),
            (&[0xed, 0xab, 0xee, 0xdb, 3, 0], NotProgram::Rpm),
            (
                &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
                NotProgram::Msi,
            ),
            (b"xar!\0\x1c", NotProgram::Pkg),
            (b"PK\x03\x04\x14\0", NotProgram::Zip),
            (&[0x1f, 0x8b, 8, 0], NotProgram::Gzip),
            (&tar, NotProgram::Tar),
            (b"", NotProgram::Empty),
            (b"just some notes\n", NotProgram::Text),
            (&[0, 1, 2, 3, 0xff, 0xfe], NotProgram::Unknown),
        ] {
            assert_eq!(identify(bytes), FileKind::Other(want), "{want:?}");
        }
        assert_eq!(NotProgram::Deb.installer(), Some(".deb"));
        assert_eq!(NotProgram::Zip.installer(), None);
    }

    #[test]
    fn programs_fit_their_platforms() {
        let p = |s: &str| s.parse::<Platform>().expect("platform");
        let elf = |machine| match identify(&ElfBuilder::new(machine).build()) {
            FileKind::Program(program) => program,
            other @ FileKind::Other(_) => panic!("{other:?}"),
        };
        let program = |bytes: &[u8]| match identify(bytes) {
            FileKind::Program(program) => program,
            other @ FileKind::Other(_) => panic!("{other:?}"),
        };
        assert_eq!(elf(EM_X86_64).fit(p("linux-x86_64")), Ok(None));
        assert_eq!(elf(EM_ARM).fit(p("linux-armv7")), Ok(None));
        assert_eq!(
            elf(EM_AARCH64).fit(p("linux-x86_64")),
            Err(Misfit::Arch {
                found: vec![Cpu::Is(Arch::Aarch64)]
            })
        );
        assert!(matches!(
            elf(EM_X86_64).fit(p("macos-x86_64")),
            Err(Misfit::Os { .. })
        ));
        let mut freebsd = ElfBuilder::new(EM_X86_64);
        freebsd.os_abi = 9;
        let freebsd = program(&freebsd.build());
        assert_eq!(freebsd.fit(p("freebsd-x86_64")), Ok(None));
        assert!(matches!(
            freebsd.fit(p("linux-x86_64")),
            Err(Misfit::Os { .. })
        ));

        let universal = program(&fat(&[MACHO_X86_64, MACHO_ARM64]));
        assert_eq!(universal.fit(p("macos-aarch64")), Ok(None));
        assert_eq!(
            program(&macho(MACHO_X86_64)).fit(p("macos-aarch64")),
            Ok(Some(Emulation::Rosetta2))
        );
        assert!(matches!(
            program(&macho(MACHO_ARM64)).fit(p("macos-x86_64")),
            Err(Misfit::Arch { .. })
        ));
        assert!(matches!(
            program(&macho(MACHO_ARM64)).fit(p("linux-aarch64")),
            Err(Misfit::Os { .. })
        ));

        assert_eq!(
            program(&pe(0x14c, false)).fit(p("windows-x86_64")),
            Ok(Some(Emulation::Wow64))
        );
        assert_eq!(
            program(&pe(0x8664, false)).fit(p("windows-aarch64")),
            Ok(Some(Emulation::WindowsArm64X64))
        );
        assert_eq!(
            program(&pe(0x14c, false)).fit(p("windows-aarch64")),
            Ok(Some(Emulation::WindowsArm64X86))
        );
        assert!(matches!(
            program(&pe(0xaa64, false)).fit(p("windows-x86_64")),
            Err(Misfit::Arch { .. })
        ));
        assert!(matches!(
            program(&pe(0x8664, true)).fit(p("windows-x86_64")),
            Err(Misfit::NotProgram { .. })
        ));
        let script = program(b"#!/bin/sh\n");
        assert_eq!(script.fit(p("linux-aarch64")), Ok(None));
        assert!(matches!(
            script.fit(p("windows-x86_64")),
            Err(Misfit::Os { .. })
        ));
    }

    #[test]
    fn cpus_read_well_in_messages() {
        assert_eq!(Cpu::Is(Arch::Aarch64).with_article(), "an arm64 (aarch64)");
        assert_eq!(Cpu::Is(Arch::X86_64).with_article(), "an x86_64");
        assert_eq!(Cpu::Is(Arch::Armv7).with_article(), "a 32-bit arm (armv7)");
        assert_eq!(
            elf_cpu(243, 64).with_article(),
            "a riscv64",
            "other machines are named"
        );
    }

    #[test]
    fn this_test_binary_reads_like_its_build() {
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let Ok(mut file) = std::fs::File::open(exe) else {
            return;
        };
        let Ok(FileKind::Program(program)) = inspect(&mut file) else {
            panic!("the test binary is a program");
        };
        let host = crate::platform::host::platform();
        assert_eq!(program.fit(host), Ok(None));
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            let Program::Elf(elf) = program else {
                panic!("an ELF file")
            };
            assert!(elf.complete);
            assert!(elf.interpreter().is_some_and(is_glibc_loader));
            assert!(elf.glibc_needed.is_some_and(|g| g >= v("2.2.5")));
            assert!(elf.needed.iter().any(|n| n == "libc.so.6"));
        }
    }
}
