//! The order of a listing, the same words for every vendor.

/// The order of a listing by creation time. Each vendor sends it in its own spelling
/// (Reporter `asc`/`desc`).
///
/// ```
/// use auditkit::SortOrder;
///
/// # fn demo(client: auditkit::Client) {
/// let oldest_first = client.reporter().list_reports().sort_order(SortOrder::Asc);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SortOrder {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}
