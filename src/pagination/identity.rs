//! A listing's identity: what its continuations are marked with, so that one listing's
//! continuation is refused by another.

use crate::{Operation, transport::Request};

/// The identity of the listing whose first page `request` asks for: `vendor.operation:`
/// then a 64-bit FNV-1a hash of the method, the URL path, the query pairs **sorted** (so
/// the order the builder adds filters in does not matter), leaving out the pairs named in
/// `cursor_params`, and the body if any. Derived from the request itself, a filter cannot
/// be left out. The base URL's origin is not part of it: the same listing through a proxy
/// is the same listing.
pub(crate) fn identity_of(request: &Request, cursor_params: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .filter(|(name, _)| !cursor_params.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    let head = [request.method.as_str().as_bytes(), request.url.path().as_bytes()];
    let pairs = pairs.iter().flat_map(|(name, value)| [name.as_bytes(), value.as_bytes()]);
    let body = request.body.as_deref().into_iter();
    let hash = crate::fingerprint::fnv64(head.into_iter().chain(pairs).chain(body));
    named(request.operation, hash)
}

/// The identity of a listing from its filters, kept by hand: each part separated, so
/// `["ab", "c"]` and `["a", "bc"]` differ.
// old path: removed once every vendor is an envelope
pub(crate) fn listing_identity(operation: Operation, filters: &[&str]) -> String {
    named(operation, crate::fingerprint::fnv64(filters.iter().map(|part| part.as_bytes())))
}

fn named(operation: Operation, hash: u64) -> String {
    let vendor = operation.vendor().to_string().to_ascii_lowercase().replace(' ', "_");
    format!("{vendor}.{}:{hash:016x}", operation.name())
}
