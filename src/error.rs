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
