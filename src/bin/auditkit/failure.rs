//! Why a command stopped, and its exit code.

use std::process::ExitCode;

use auditkit::Error;

/// Why a command stopped.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A vendor or the network (after the client's retries).
    Vendor(Error),
    /// Bad arguments or config, missing credentials: nothing ran.
    Usage(String),
    /// The output, a sink or the checkpoint.
    Io(String),
    /// Another process holds a lock.
    Busy(String),
    /// Some jobs failed, others did not.
    Partial(String),
    /// `verify`: the archive does not verify.
    Unverified(String),
}

impl Failure {
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Vendor(_) | Failure::Io(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Partial(_) => 3,
            Failure::Busy(_) => 4,
            Failure::Unverified(_) => 5,
        })
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Checkpoint(_) => Failure::Io(error.to_string()),
            Error::InvalidInput(_) | Error::Config(_) | Error::NotConfigured(_) => {
                Failure::Usage(error.to_string())
            }
            other => Failure::Vendor(other),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Vendor(error) => write!(f, "{error}"),
            Failure::Usage(message)
            | Failure::Io(message)
            | Failure::Busy(message)
            | Failure::Partial(message)
            | Failure::Unverified(message) => f.write_str(message),
        }
    }
}
