//! Items a listing could not decode: by default they fail the listing; when the caller asks,
//! each is handed to the caller with its raw JSON (the server's own bytes) and the listing
//! goes on. They travel with their [`Page`](super::Page), so the listing's views (items,
//! items or undecodable, skipped to a handler) read one stream.

use std::{fmt, sync::Arc};

use reqwest::StatusCode;

use crate::{
    Error, Operation,
    error::{DecodeError, excerpt},
};

/// An item of a listing that could not be decoded: its JSON exactly as the server sent it,
/// and the error that names the field and the value that failed.
///
/// Handed to the handler given to [`Listing::skip_undecodable`](super::Listing::skip_undecodable).
///
/// ```
/// use auditkit::pagination::Undecodable;
///
/// fn quarantine(item: Undecodable) {
///     eprintln!("kept aside: {} ({})", item.raw_json(), item.error());
/// }
/// ```
#[derive(Debug)]
pub struct Undecodable {
    raw: String,
    error: Error,
}

impl Undecodable {
    /// The item at `raw` (its bytes as the server sent them), which failed at `path`.
    pub(crate) fn new(
        operation: Operation,
        status: StatusCode,
        raw: String,
        path: String,
        source: serde_json::Error,
    ) -> Self {
        let error = Error::Decode(Box::new(DecodeError {
            operation,
            status,
            path,
            excerpt: excerpt(raw.as_bytes()),
            request_id: None,
            source: DecodeError::bounded_source(source),
        }));
        Self { raw, error }
    }

    /// One item from its bytes (`raw`, a record of a file say): decoded as `T`, or kept as
    /// undecodable with the path that failed.
    pub(crate) fn or_item<T: serde::de::DeserializeOwned>(
        operation: Operation,
        status: StatusCode,
        raw: &[u8],
    ) -> Result<T, Self> {
        let mut deserializer = serde_json::Deserializer::from_slice(raw);
        let decoded = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
            .map_err(|error| (error.path().to_string(), error.into_inner()))
            .and_then(|item| {
                deserializer.end().map(|()| item).map_err(|error| (String::new(), error))
            });
        decoded.map_err(|(path, source)| {
            let raw = String::from_utf8_lossy(raw).into_owned();
            Self::new(operation, status, raw, path, source)
        })
    }

    /// The item's JSON, byte for byte as the server sent it (its whitespace and key order
    /// kept) when it came with a page decoded by the generic layer.
    pub fn raw_json(&self) -> &str {
        &self.raw
    }

    /// Why it could not be decoded ([`Error::Decode`], with the path within the item).
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The raw JSON and the error, taken apart.
    pub fn into_parts(self) -> (String, Error) {
        (self.raw, self.error)
    }
}

/// A copy keeps the raw JSON and the error's text, path and status (the decoder's own
/// error is not `Clone`, so the copy's source holds its message).
impl Clone for Undecodable {
    fn clone(&self) -> Self {
        let error = match &self.error {
            Error::Decode(decode) => Error::Decode(Box::new(DecodeError {
                operation: decode.operation,
                status: decode.status,
                path: decode.path.clone(),
                excerpt: decode.excerpt.clone(),
                request_id: decode.request_id.clone(),
                source: serde::de::Error::custom(&decode.source),
            })),
            // Never built: every `Undecodable` holds a decode error (see its constructors).
            other => Error::config(other.to_string()),
        };
        Self { raw: self.raw.clone(), error }
    }
}

/// Equal when the raw JSON and the error's text are.
impl PartialEq for Undecodable {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw && self.error.to_string() == other.error.to_string()
    }
}

/// What a listing does with an item it cannot decode.
#[derive(Clone, Default)]
pub(crate) enum UndecodablePolicy {
    /// The page fails with the item's decode error (the default).
    #[default]
    Fail,
    /// The item is handed to this handler and the listing goes on without it.
    Skip(Arc<dyn Fn(Undecodable) + Send + Sync>),
    /// The item stays with its page, for a reader that takes both (a collector).
    Keep,
}

impl fmt::Debug for UndecodablePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UndecodablePolicy::Fail => "Fail",
            UndecodablePolicy::Skip(_) => "Skip",
            UndecodablePolicy::Keep => "Keep",
        })
    }
}
