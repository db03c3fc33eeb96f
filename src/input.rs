//! Opening the files ksa reads: evaluations, results, the model.
//!
//! A regular file is read where it is. Anything else that names data — a
//! pipe (a shell's `<(…)`, `/dev/stdin` fed by a pipe), a named pipe, a
//! character device — can be read only once and cannot seek, yet ksa reads
//! a CSV file twice (its encoding is decided over the whole file before it
//! is parsed), and reports and Excel output hash their inputs after reading
//! them. So such an input is copied, when it is first opened, into an
//! unnamed temporary file in the system's temporary folder (`TMPDIR`):
//! readable by the user only, and removed by the system when ksa ends, even
//! when it is killed. Every later opening of the same path in the run reads
//! that copy. A copy holds at most `MAX_PIPE_BYTES` (README "Limits",
//! docs/hardening.md); a larger input is read from a file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The most one input read from a pipe may hold: 1 GiB. A regular file has
/// no such limit.
pub const MAX_PIPE_BYTES: u64 = 1 << 30;

/// An input opened for reading from its start.
pub struct Input {
    inner: Inner,
}

enum Inner {
    File(File),
    /// The copy of a pipe: read at `pos` with positional reads, so two
    /// openings of one copy never move each other.
    Copy {
        file: Arc<File>,
        len: u64,
        pos: u64,
    },
}

/// The copies made so far, by the path as given.
static COPIES: Mutex<Vec<(PathBuf, Arc<File>, u64)>> = Mutex::new(Vec::new());

/// Opens `path`; a pipe or device is copied first (at most
/// `MAX_PIPE_BYTES`).
pub fn open(path: &Path) -> io::Result<Input> {
    open_limited(path, MAX_PIPE_BYTES)
}

/// As `open`, with a copy of at most `limit` bytes; more is an error of
/// kind `FileTooLarge`, whose message names the limit.
pub fn open_limited(path: &Path, limit: u64) -> io::Result<Input> {
    if !is_stream(path) {
        return Ok(Input {
            inner: Inner::File(File::open(path)?),
        });
    }
    let mut copies = COPIES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, file, len)) = copies.iter().find(|(p, _, _)| p == path) {
        return Ok(Input {
            inner: Inner::Copy {
                file: Arc::clone(file),
                len: *len,
                pos: 0,
            },
        });
    }
    let (file, len) = copy(path, limit)?;
    let file = Arc::new(file);
    copies.push((path.to_path_buf(), Arc::clone(&file), len));
    Ok(Input {
        inner: Inner::Copy { file, len, pos: 0 },
    })
}

/// Whether `path` names something other than a regular file or a folder
/// (links followed): a pipe, a device, a socket.
fn is_stream(path: &Path) -> bool {
    cfg!(unix) && std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn copy(path: &Path, limit: u64) -> io::Result<(File, u64)> {
    let source = File::open(path)?;
    let mut file = tempfile::tempfile().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot copy the pipe into a temporary file: {e}"),
        )
    })?;
    let n = io::copy(&mut source.take(limit.saturating_add(1)), &mut file)?;
    if n > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "more than {} came through the pipe, the limit on an input read from a pipe; save it to a file and name that",
                size(limit)
            ),
        ));
    }
    Ok((file, n))
}

/// `1 GiB`, `16 MiB`, else bytes.
fn size(n: u64) -> String {
    if n >= 1 << 30 && n % (1 << 30) == 0 {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

impl Input {
    /// The size in bytes: of the file, or of the copy.
    pub fn byte_len(&self) -> io::Result<u64> {
        match &self.inner {
            Inner::File(f) => Ok(f.metadata()?.len()),
            Inner::Copy { len, .. } => Ok(*len),
        }
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::File(f) => f.read(buf),
            Inner::Copy { file, pos, .. } => {
                let n = read_at(file, buf, *pos)?;
                *pos += n as u64;
                Ok(n)
            }
        }
    }
}

impl Seek for Input {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match &mut self.inner {
            Inner::File(f) => f.seek(to),
            Inner::Copy { len, pos, .. } => {
                let new = match to {
                    SeekFrom::Start(n) => Some(n),
                    SeekFrom::End(d) => len.checked_add_signed(d),
                    SeekFrom::Current(d) => pos.checked_add_signed(d),
                };
                *pos = new.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek before the start")
                })?;
                Ok(*pos)
            }
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(not(unix))]
fn read_at(_file: &File, _buf: &mut [u8], _pos: u64) -> io::Result<usize> {
    // `is_stream` is false off Unix: no copy is ever made.
    Err(io::Error::other("pipes are read on Unix only"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fifo_with(dir: &Path, name: &str, bytes: Vec<u8>) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        let path = dir.join(name);
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated path owned here.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let p = path.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            // The reader may stop early (the limit): ignore a broken pipe.
            let _ = File::options()
                .write(true)
                .open(p)
                .and_then(|mut f| f.write_all(&bytes));
        });
        path
    }

    #[test]
    fn a_pipe_is_copied_once_and_read_again_from_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = fifo_with(dir.path(), "p", b"a,b\n1,2\n".to_vec());
        let mut first = open(&path).unwrap();
        let mut second = open(&path).unwrap();
        assert_eq!(first.byte_len().unwrap(), 8);
        let mut a = String::new();
        first.read_to_string(&mut a).unwrap();
        first.seek(SeekFrom::Start(4)).unwrap();
        let mut tail = String::new();
        first.read_to_string(&mut tail).unwrap();
        let mut b = String::new();
        second.read_to_string(&mut b).unwrap();
        assert_eq!(
            (a.as_str(), tail.as_str(), b.as_str()),
            ("a,b\n1,2\n", "1,2\n", "a,b\n1,2\n")
        );
    }

    #[test]
    fn a_pipe_over_the_limit_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = fifo_with(dir.path(), "big", vec![b'x'; 3 << 20]);
        let e = open_limited(&path, 2 << 20).err().unwrap();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            e.to_string(),
            "more than 2 MiB came through the pipe, the limit on an input read from a pipe; save it to a file and name that"
        );
        assert_eq!(size(MAX_PIPE_BYTES), "1 GiB");
    }
}
