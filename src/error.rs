//! Errors and exit codes.
//!
//! cli.md: exit 2 for invalid input or usage, 1 for any other failure. The
//! variants say which is which, so `main` never has to guess from a message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum KsaError {
    /// Bad input data, a bad model or a bad flag: exit status 2. The text is
    /// one line (or several, one per problem) without the `error: ` prefix.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// A file that could not be read or written for reasons outside the
    /// user's data (permissions, disk full): exit status 1.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else that is not the user's fault: exit status 1.
    #[error("{0}")]
    Other(String),
}

impl KsaError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        KsaError::Invalid(vec![msg.into()])
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        KsaError::Io {
            path: path.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            KsaError::Invalid(_) => 2,
            KsaError::Io { .. } | KsaError::Other(_) => 1,
        }
    }

    /// The lines to print, each to be prefixed with `error: `.
    pub fn lines(&self) -> Vec<String> {
        match self {
            KsaError::Invalid(lines) => lines.clone(),
            other => vec![other.to_string()],
        }
    }
}

pub type Result<T, E = KsaError> = std::result::Result<T, E>;

thread_local! {
    /// Nesting depth of `catch_quietly` on this thread: while above zero, a
    /// panic prints nothing (it becomes an error).
    static QUIET_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, which calls into a library that can panic on bad input or a
/// failed write (the workbook reader on a damaged file, the workbook writer
/// on a full disk), and returns its panic message as an error instead of
/// printing it: a user sees ksa's one-line message, never a panic. The
/// panic hook is installed once and stays silent only inside these calls,
/// so the call is cheap enough to wrap each cell read.
pub fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET_DEPTH.with(|d| d.get()) == 0 {
                default(info);
            }
        }));
    });
    QUIET_DEPTH.with(|d| d.set(d.get() + 1));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_DEPTH.with(|d| d.set(d.get() - 1));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// `16384` as `16,384`: how the limits are written in messages.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_are_written_with_thousands_separators() {
        assert_eq!(super::thousands(16_384), "16,384");
        assert_eq!(super::thousands(100), "100");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
        assert_eq!(super::thousands(0), "0");
    }
}
