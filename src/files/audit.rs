//! The audit line every report carries: which model and inputs it came from
//! and when and by what it was made, so a printed page can be traced back
//! (model-format.md: every report names the model's id and version).

use crate::error::{KsaError, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct AuditFile {
    /// The file name only: the folder it was read from is not part of the
    /// evidence, and leaving it out keeps reports byte-identical when the
    /// same files are read from another place.
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub model_id: String,
    pub model_version: String,
    pub files: Vec<AuditFile>,
    pub ksa_version: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS UTC`.
    pub generated: String,
}

impl Audit {
    pub fn new(model_id: &str, model_version: &str, files: Vec<AuditFile>) -> Result<Audit> {
        Ok(Audit {
            model_id: model_id.to_string(),
            model_version: model_version.to_string(),
            files,
            ksa_version: env!("CARGO_PKG_VERSION").to_string(),
            generated: format_utc(generation_time()?),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_bytes(name: &str, bytes: &[u8]) -> AuditFile {
    AuditFile {
        name: name.to_string(),
        sha256: hex(&Sha256::digest(bytes)),
    }
}

/// Streams the file through SHA-256 (evaluation exports can be large).
pub fn sha256_file(path: &Path) -> Result<AuditFile> {
    // A pipe read earlier in the run is hashed from its copy (`input`).
    let mut f = crate::input::open(path).map_err(|e| KsaError::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| KsaError::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(AuditFile {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        sha256: hex(&h.finalize()),
    })
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention), so two runs give identical bytes.
fn generation_time() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            KsaError::invalid(format!(
                "SOURCE_DATE_EPOCH: \"{v}\" is not a whole number of seconds"
            ))
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)),
    }
}

/// Civil date from days since 1970-01-01 (H. Hinnant's algorithm), so no
/// date crate is needed for one timestamp.
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400 + 3661), "2000-02-29 01:01:01 UTC");
    }

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(
            sha256_bytes("x", b"").sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
