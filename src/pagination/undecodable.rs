//! Items a listing could not decode: by default they fail the listing, or, when the caller
//! asks, each is handed to the caller with its raw JSON and the listing goes on.

use std::{fmt, sync::Arc};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::{Error, Operation, error::DecodeError, transport::excerpt};

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
    /// The item's JSON, as the server sent it.
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

/// What a listing does with an item it cannot decode.
#[derive(Clone, Default)]
pub(crate) enum UndecodablePolicy {
    /// The page fails with the item's decode error (the default).
    #[default]
    Fail,
    /// The item is handed to this handler and the listing goes on without it.
    Skip(Arc<dyn Fn(Undecodable) + Send + Sync>),
}

impl fmt::Debug for UndecodablePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UndecodablePolicy::Fail => "Fail",
            UndecodablePolicy::Skip(_) => "Skip",
        })
    }
}

/// Decodes the items of a page one by one, for a page that did not decode as a whole: the
/// items that decode, in order, and the ones that do not.
pub(crate) fn decode_each<T: DeserializeOwned>(
    operation: Operation,
    items: Vec<serde_json::Value>,
) -> (Vec<T>, Vec<Undecodable>) {
    let mut decoded = Vec::with_capacity(items.len());
    let mut rejected = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let raw = item.to_string();
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(value) => decoded.push(value),
            Err(error) => {
                let path = format!("[{index}].{}", error.path());
                let error = Error::Decode(Box::new(DecodeError {
                    operation,
                    status: StatusCode::OK,
                    path,
                    excerpt: excerpt(raw.as_bytes()),
                    request_id: None,
                    source: DecodeError::bounded_source(error.into_inner()),
                }));
                rejected.push(Undecodable { raw, error });
            }
        }
    }
    (decoded, rejected)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Vendor;

    #[test]
    fn items_that_decode_are_kept_in_order_and_the_others_keep_their_json_and_path() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Row {
            id: u32,
        }
        let op = Operation::new(Vendor::Qualtrics, "list_events");
        let (rows, rejected) =
            decode_each::<Row>(op, vec![json!({"id": 1}), json!({"id": "two"}), json!({"id": 3})]);
        assert_eq!(rows, [Row { id: 1 }, Row { id: 3 }]);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].raw_json(), r#"{"id":"two"}"#);
        let Error::Decode(decode) = rejected[0].error() else { panic!("{:?}", rejected[0]) };
        assert_eq!(decode.path(), "[1].id");
    }
}
