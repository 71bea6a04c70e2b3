//! Decoding one page: a pure function of the answer's bytes, with the bad-item fallback.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Envelope, Undecodable};
use crate::{Error, Operation, transport::decode_json};

/// One page as decoded: the items that decode, the ones that do not (with the server's own
/// bytes), and what the envelope says besides.
#[derive(Debug)]
pub(crate) struct DecodedPage<T, M> {
    pub(crate) items: Vec<T>,
    pub(crate) undecodable: Vec<Undecodable>,
    pub(crate) meta: M,
}

impl<T, M> DecodedPage<T, M> {
    /// How many items the server sent, undecodable ones included.
    pub(crate) fn on_page(&self) -> usize {
        self.items.len().saturating_add(self.undecodable.len())
    }
}

/// Decodes the body of one page of `E`. The whole page is decoded typed first (the happy
/// path: no copy, no per-item work beyond serde's); when that fails, the envelope is read
/// again with each item as its raw bytes, and each item decoded on its own, so one bad item
/// does not take its page with it. An answer whose envelope itself does not decode is the
/// typed attempt's [`Error::Decode`].
pub(crate) fn decode_page<E: Envelope>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<DecodedPage<E::Item, E::Meta>, Error> {
    let whole = match decode_json::<E::Body<E::Item>>(operation, status, request_id, body) {
        Ok(body) => {
            let (items, meta) = E::split(body);
            return Ok(DecodedPage { items, undecodable: Vec::new(), meta });
        }
        Err(error) => error,
    };
    // A byte-order mark is skipped as `decode_json` does; the envelope's own error is the
    // typed attempt's, which names its path, so this attempt need not track one.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(raw) = serde_json::from_slice::<E::Body<Box<RawValue>>>(body) else {
        return Err(whole);
    };
    let (raw_items, meta) = E::split(raw);
    let (items, undecodable) = decode_raw_items(operation, status, raw_items);
    Ok(DecodedPage { items, undecodable, meta })
}

/// Decodes each item on its own: the ones that decode, in order, and the others with their
/// bytes as the server sent them and the path (`[index].field`) that failed.
pub(crate) fn decode_raw_items<T: DeserializeOwned>(
    operation: Operation,
    status: StatusCode,
    raw_items: Vec<Box<RawValue>>,
) -> (Vec<T>, Vec<Undecodable>) {
    let mut items = Vec::with_capacity(raw_items.len());
    let mut undecodable = Vec::new();
    for (index, raw) in raw_items.into_iter().enumerate() {
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(item) => items.push(item),
            Err(error) => {
                let path = format!("[{index}].{}", error.path());
                let raw = String::from(Box::<str>::from(raw));
                undecodable.push(Undecodable::new(
                    operation,
                    status,
                    raw,
                    path,
                    error.into_inner(),
                ));
            }
        }
    }
    (items, undecodable)
}
