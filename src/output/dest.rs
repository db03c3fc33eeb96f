//! Where output goes: stdout, or a file written whole or not at all
//! (cli.md: a temporary file in the same folder, then a rename), never over
//! an input.

use crate::error::{KsaError, Result};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

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
pub struct AtomicFile {
    target: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = match target.parent() {
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
            tmp,
        })
    }

    pub fn writer(&mut self) -> BufWriter<&mut std::fs::File> {
        BufWriter::with_capacity(1 << 16, self.tmp.as_file_mut())
    }

    pub fn commit(self) -> Result<()> {
        let target = self.target;
        self.tmp
            .persist(&target)
            .map_err(|e| KsaError::io(&target, e.error))?;
        Ok(())
    }
}

/// A temporary file in `dir` that becomes a user's output file: readable
/// like any file the user creates (0644 less the umask), not the 0600 that
/// temporary files get by default.
pub fn new_temp_file(dir: &Path, prefix: &str) -> io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b.tempfile_in(dir)
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
