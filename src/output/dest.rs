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
/// is never overwritten).
pub fn check_not_input(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(o) = canon(out) {
        for i in inputs {
            if canon(i).as_ref() == Some(&o) {
                return Err(KsaError::invalid(format!(
                    "--out {}: that is an input file; ksa never overwrites its inputs",
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

/// A file being written: a temporary file beside the target until `commit`.
///
/// A target that already exists and is not a regular file — `/dev/null`, a
/// terminal, `/dev/stdout`, a named pipe, a shell's `>(…)` — is written
/// directly: a rename would replace the device or pipe with a plain file
/// (as root, `--out /dev/null` once turned the machine's `/dev/null` into an
/// ordinary file that every later program wrote into and read back), and a
/// stream has no "whole or not at all" to keep anyway.
///
/// A target that is a symbolic link is followed: the file it points to is
/// replaced and the link stays (a rename onto the link itself would replace
/// the link — `/dev/stdout` among them — with a plain file).
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
    pub fn create(target: &Path) -> Result<AtomicFile> {
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
