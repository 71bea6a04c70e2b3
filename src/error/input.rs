//! Input or configuration refused before any request.

use std::{error::Error as StdError, fmt};

use super::bounded::{bounded_debug, display_bounded};
use crate::Operation;

/// Input refused before any request was sent. See [`Error::InvalidInput`](crate::Error::InvalidInput).
pub struct InvalidInput {
    pub(crate) operation: Operation,
    pub(crate) message: String,
}

bounded_debug!(InvalidInput { operation, message });

impl InvalidInput {
    /// What is wrong with the input.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| write!(f, "{} was not sent: {}", self.operation, self.message))
    }
}

impl StdError for InvalidInput {}

/// An unusable client configuration. See [`Error::Config`](crate::Error::Config).
pub struct ConfigError {
    pub(crate) message: String,
}

bounded_debug!(ConfigError { message });

impl ConfigError {
    /// What is wrong and what to change.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| write!(f, "invalid auditkit configuration: {}", self.message))
    }
}

impl StdError for ConfigError {}
