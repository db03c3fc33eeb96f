//! Where output goes: stdout, or a file written whole or not at all
//! (cli.md: a temporary file in the same folder, then a rename), never over
//! an input.

use crate::error::{KsaError, Result};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The named temporary files this process has created and not yet renamed
/// into place. A signal kills the process without running destructors, so
/// `tempfile` cannot remove them then: the handler of `remove_temps_on_signal`
/// does, from this list (docs/hardening.md, "Interrupted runs").
static LIVE_TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_temps() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE_TEMPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forgets a temporary file that has been renamed into place or removed.
fn forget_temp(path: &Path) {
    let mut live = live_temps();
    if let Some(i) = live.iter().rposition(|p| p == path) {
        live.swap_remove(i);
    }
}

/// Makes SIGINT, SIGTERM and SIGHUP remove every live temporary file and end
/// the run with status 128 + the signal number (130 for Ctrl-C) and one
/// `error:` line, so an interrupted run leaves no partial output behind:
/// files already renamed into place are whole, the rest are gone.
///
/// The signals are blocked in the calling thread, and so in every thread it
/// starts later, and one thread waits for them with `sigwait`: the cleanup
/// runs as ordinary code, not in a signal handler. It must be called first
/// thing in `main`, before any other thread exists.
#[cfg(unix)]
pub fn remove_temps_on_signal() {
    // SAFETY: plain libc calls on a sigset_t owned here; the mask is changed
    // before any other thread exists, as pthread_sigmask requires for it to
    // be inherited by all of them.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let waiter = std::thread::Builder::new()
            .name("ksa-signals".into())
            .spawn(move || loop {
                let mut sig: libc::c_int = 0;
                if libc::sigwait(&set, &mut sig) != 0 {
                    continue;
                }
                // Holding the lock until exit stops any other thread from
                // creating a temporary file after the cleanup.
                let live = live_temps();
                for p in live.iter() {
                    let _ = std::fs::remove_file(p);
                }
                let name = match sig {
                    libc::SIGINT => "SIGINT",
                    libc::SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                eprintln!("error: interrupted by {name}; unfinished output files removed");
                std::process::exit(128 + sig);
            });
        if waiter.is_err() {
            // No thread, no cleanup: let the signals act as before.
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn remove_temps_on_signal() {}

/// Refuses an output path that is one of the inputs (cli.md: an input file
/// is never overwritten). `what` says where the path came from, as the
/// message begins with it: `--out`, `--rejects`, `--results-rejects`, or
/// `--skip-invalid writes` for a rejects file ksa named itself.
pub fn check_not_input(what: &str, out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let hint = if what.starts_with("--skip-invalid") {
        let flag = match out.file_name().and_then(|n| n.to_str()) {
            Some("results-rejects.csv") => "--results-rejects",
            _ => "--rejects",
        };
        format!(" (name another file with {flag})")
    } else {
        String::new()
    };
    match input_behind(out, &Inputs::new(inputs)) {
        None => Ok(()),
        Some(_) => Err(KsaError::invalid(format!(
            "{what} {}: that is an input file; ksa never overwrites its inputs{hint}",
            out.display()
        ))),
    }
}

/// The inputs of a run with their paths resolved once, for checking many
/// output paths against them.
struct Inputs {
    /// (as given, links resolved)
    paths: Vec<(PathBuf, PathBuf)>,
}

impl Inputs {
    fn new(inputs: &[PathBuf]) -> Inputs {
        Inputs {
            paths: inputs
                .iter()
                .filter_map(|i| Some((i.clone(), std::fs::canonicalize(i).ok()?)))
                .collect(),
        }
    }
}

/// The input (as given) that `out` is, itself or through links.
fn input_behind<'i>(out: &Path, inputs: &'i Inputs) -> Option<&'i Path> {
    let o = std::fs::canonicalize(out).ok()?;
    inputs
        .paths
        .iter()
        .find(|(_, c)| *c == o)
        .map(|(given, _)| given.as_path())
}

/// A folder that ksa writes files of its own naming into: `ksa report`'s
/// pages, their index and the rejects file put there, `ksa demo`'s files,
/// `ksa sample`'s and `ksa man --out DIR`'s (README, "Files").
///
/// The folder itself is the user's `--out DIR` and may be a link. Inside
/// it, ksa never writes through a link: a file is always a new one renamed
/// into place (`AtomicFile::create_own`), so a link planted under a
/// file's name is replaced by the file and whatever it pointed to is left
/// alone; a subfolder that is a link is refused. No file in it is ever one
/// of the run's inputs (exit 2).
pub struct OutputFolder {
    dir: PathBuf,
    /// `--out DIR` as given, for messages.
    flag: PathBuf,
    inputs: std::sync::Arc<Inputs>,
}

impl OutputFolder {
    /// `dir` (`--out DIR`), created when missing; `inputs` are the files the
    /// run reads (model, evaluations, templates, results).
    pub fn create(dir: &Path, inputs: &[PathBuf]) -> Result<OutputFolder> {
        std::fs::create_dir_all(dir).map_err(|e| KsaError::io(dir, e))?;
        Ok(OutputFolder {
            dir: dir.to_path_buf(),
            flag: dir.to_path_buf(),
            inputs: std::sync::Arc::new(Inputs::new(inputs)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The subfolder `name`, created when missing. One that is a link is
    /// refused: what ksa writes there would land wherever it points.
    pub fn subfolder(&self, name: &str) -> Result<OutputFolder> {
        let dir = self.dir.join(name);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(KsaError::invalid(format!(
                    "--out {}: {} is a symbolic link; ksa writes only into real folders inside its output folder",
                    self.flag.display(),
                    dir.display()
                )))
            }
            Ok(_) => {}
            Err(_) => std::fs::create_dir(&dir).map_err(|e| KsaError::io(&dir, e))?,
        }
        Ok(OutputFolder {
            dir,
            flag: self.flag.clone(),
            inputs: std::sync::Arc::clone(&self.inputs),
        })
    }

    /// Refuses, before anything is written, an entry of the folder that is
    /// an input (itself or through a link) among those whose names `writes`
    /// says ksa may write (`ksa report`: every `.html`, since page names
    /// come from the data).
    pub fn check_entries(&self, writes: impl Fn(&str) -> bool) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(());
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| writes(n))
            .collect();
        names.sort();
        for n in names {
            self.check(&self.dir.join(n))?;
        }
        Ok(())
    }

    fn check(&self, path: &Path) -> Result<()> {
        match input_behind(path, &self.inputs) {
            None => Ok(()),
            Some(input) => {
                let via = match std::fs::symlink_metadata(path) {
                    Ok(m) if m.file_type().is_symlink() => {
                        format!(" (a link to {})", input.display())
                    }
                    _ => String::new(),
                };
                Err(KsaError::invalid(format!(
                    "--out {}: {} is an input file{via}; ksa never overwrites its inputs",
                    self.flag.display(),
                    path.display()
                )))
            }
        }
    }

    /// The file `name` in the folder, to be written whole: never an input,
    /// never through a link.
    pub fn file(&self, name: &str) -> Result<(PathBuf, AtomicFile)> {
        let path = self.dir.join(name);
        self.check(&path)?;
        let file = AtomicFile::create_own(&path)?;
        Ok((path, file))
    }

    /// Writes `f`'s output to the file `name` (as `write_output` does to
    /// `--out FILE`) and returns its path.
    pub fn write(
        &self,
        name: &str,
        f: impl FnOnce(Box<dyn Write + '_>) -> io::Result<()>,
    ) -> Result<PathBuf> {
        let (path, mut file) = self.file(name)?;
        {
            let w = file.writer();
            f(Box::new(w)).map_err(|e| KsaError::io(&path, e))?;
        }
        file.commit()?;
        Ok(path)
    }
}

/// A file being written: a temporary file beside the target until `commit`.
///
/// `create` is for a path the user named (`--out FILE`, `--rejects FILE`):
/// a target that already exists and is not a regular file — `/dev/null`, a
/// terminal, `/dev/stdout`, a named pipe, a shell's `>(…)` — is written
/// directly: a rename would replace the device or pipe with a plain file
/// (as root, `--out /dev/null` once turned the machine's `/dev/null` into an
/// ordinary file that every later program wrote into and read back), and a
/// stream has no "whole or not at all" to keep anyway. A target that is a
/// symbolic link is followed: the file it points to is replaced and the
/// link stays (a rename onto the link itself would replace the link —
/// `/dev/stdout` among them — with a plain file).
///
/// `create_own` is for a name ksa chose (a report page, a default rejects
/// file): nothing there is followed or written into; whatever the name
/// holds — a link, a pipe — is replaced by the new file.
///
/// A regular file that is replaced keeps its mode, owner and group
/// (`keep_mode`); a new file gets 0644 less the umask.
pub struct AtomicFile {
    target: PathBuf,
    sink: Sink,
}

enum Sink {
    /// A temporary file, renamed onto `dest` (the target, links resolved).
    Temp {
        tmp: tempfile::NamedTempFile,
        dest: PathBuf,
    },
    Direct(std::fs::File),
}

impl AtomicFile {
    /// A file at a path the user named: links followed, streams written
    /// into.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        if target.is_dir() {
            return Err(KsaError::invalid(format!(
                "{}: is a folder; this writes one file, so name a file (e.g. {})",
                target.display(),
                target.join("result.csv").display()
            )));
        }
        if is_existing_non_regular(target) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|e| KsaError::io(target, e))?;
            return Ok(AtomicFile {
                target: target.to_path_buf(),
                sink: Sink::Direct(file),
            });
        }
        let dest = match std::fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::canonicalize(target).map_err(|e| KsaError::io(target, e))?
            }
            _ => target.to_path_buf(),
        };
        Self::temp_for(target, dest)
    }

    /// A file at a name ksa chose inside a folder: never written through a
    /// link or into a pipe; the name's old entry is replaced.
    pub fn create_own(target: &Path) -> Result<AtomicFile> {
        Self::temp_for(target, target.to_path_buf())
    }

    fn temp_for(target: &Path, dest: PathBuf) -> Result<AtomicFile> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(KsaError::io(
                target,
                io::Error::new(io::ErrorKind::NotFound, "the folder does not exist"),
            ));
        }
        let tmp = new_temp_file(&dir, ".ksa-").map_err(|e| KsaError::io(target, e))?;
        // The file being replaced, not through a link (`dest` is already
        // resolved where links are followed).
        if let Ok(old) = std::fs::symlink_metadata(&dest) {
            if old.is_file() {
                keep_mode(tmp.as_file(), &old).map_err(|e| KsaError::io(target, e))?;
            }
        }
        Ok(AtomicFile {
            target: target.to_path_buf(),
            sink: Sink::Temp { tmp, dest },
        })
    }

    pub fn writer(&mut self) -> BufWriter<&mut std::fs::File> {
        let file = match &mut self.sink {
            Sink::Temp { tmp, .. } => tmp.as_file_mut(),
            Sink::Direct(file) => file,
        };
        BufWriter::with_capacity(1 << 16, file)
    }

    /// Whether the target is a device or pipe, written as a stream: it
    /// cannot seek, and has no folder for temporary files.
    pub fn is_stream(&self) -> bool {
        matches!(self.sink, Sink::Direct(_))
    }

    pub fn commit(self) -> Result<()> {
        let target = self.target;
        match self.sink {
            Sink::Direct(_) => Ok(()),
            Sink::Temp { tmp, dest } => {
                let tmp_path = tmp.path().to_path_buf();
                let result = tmp.persist(&dest);
                forget_temp(&tmp_path);
                result.map_err(|e| KsaError::io(&target, e.error))?;
                Ok(())
            }
        }
    }
}

/// Gives the new file `tmp` what the file it replaces had: its permission
/// bits (set-id and sticky bits are not kept), and its owner and group
/// where the system lets ksa (as root, both; otherwise the group when the
/// user belongs to it). When the old group cannot be kept, the group bits
/// are cleared: they would otherwise open the file to the user's own group.
/// So re-running a command never makes HR data readable by more people.
#[cfg(unix)]
fn keep_mode(tmp: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{fchown, MetadataExt, PermissionsExt};
    let new = tmp.metadata()?;
    let mut mode = old.mode() & 0o777;
    let owner = (old.uid() != new.uid()).then_some(old.uid());
    let group = (old.gid() != new.gid()).then_some(old.gid());
    if owner.is_some() || group.is_some() {
        let group_kept = match fchown(tmp, owner, group) {
            Ok(()) => true,
            Err(_) => group.is_none() || fchown(tmp, None, group).is_ok(),
        };
        if !group_kept {
            mode &= !0o070;
        }
    }
    // After any change of owner, which may clear mode bits.
    tmp.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn keep_mode(tmp: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    tmp.set_permissions(old.permissions())
}

/// Unbuffered writes to the file being written, for a caller that buffers
/// itself (a `csv::Writer`).
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Temp { tmp, .. } => tmp.write(buf),
            Sink::Direct(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Temp { tmp, .. } => tmp.flush(),
            Sink::Direct(file) => file.flush(),
        }
    }
}

/// True when `path` names something that exists and is not a regular file
/// or a folder (links followed): a device, a pipe or a socket.
fn is_existing_non_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A temporary file in `dir` that becomes a user's output file: readable
/// like any file the user creates (0644 less the umask), not the 0600 that
/// temporary files get by default. It is removed if a signal ends the run
/// (`remove_temps_on_signal`).
pub fn new_temp_file(dir: &Path, prefix: &str) -> io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    // Created under the lock, so a signal's cleanup either sees the file or
    // runs before it exists (and then the process ends before it can).
    let mut live = live_temps();
    let tmp = b.tempfile_in(dir)?;
    live.push(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Writes `f`'s output to `out` atomically, or to stdout when `out` is None.
pub fn write_output(
    out: Option<&Path>,
    f: impl FnOnce(Box<dyn Write + '_>) -> io::Result<()>,
) -> Result<()> {
    match out {
        None => {
            let stdout = io::stdout();
            let lock = BufWriter::with_capacity(1 << 16, stdout.lock());
            f(Box::new(lock)).map_err(|e| KsaError::io("<stdout>", e))
        }
        Some(path) => {
            let mut file = AtomicFile::create(path)?;
            {
                let w = file.writer();
                f(Box::new(w)).map_err(|e| KsaError::io(path, e))?;
            }
            file.commit()
        }
    }
}
