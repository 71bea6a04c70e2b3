//! An answer that is not what the vendor documents.

use std::{error::Error as StdError, fmt};

use reqwest::StatusCode;

use crate::Operation;

/// An answer that does not have the documented shape. See [`Error::Decode`](crate::Error::Decode).
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) excerpt: String,
    pub(crate) request_id: Option<String>,
    pub(crate) source: serde_json::Error,
}

impl DecodeError {
    /// The JSON path that failed, such as `[0].reportDistribution.reportDistributionId`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The first few hundred bytes of the body.
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} could not decode the HTTP {} answer at `{}`: {}; the body starts with {:?}; \
             if the vendor changed its format, please report it with this message",
            self.operation, self.status, self.path, self.source, self.excerpt
        )
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}
