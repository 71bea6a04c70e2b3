//! How many items one page may hold, and the decoding that keeps to it: a page that holds
//! 268,832 items when 100 were asked costs 430 MiB decoded, however small its bytes. The
//! items past the limit are skipped without being built (serde's `IgnoredAny`), counted,
//! and then the page is refused ([`PageLimit::Asked`]). (Everbridge, whose scroll's page
//! size the listing does not set, keeps a cut page with a warning in its own envelope.)
//!
//! A vendor declares the limit in [`Envelope::page_limit`](super::Envelope::page_limit) and
//! marks its items field `#[serde(deserialize_with = "pagination::bounded_items")]`.
//! Serde gives a field's deserializer no context, so the limit of the page being decoded
//! travels in a thread-local that [`within`] sets around the (synchronous) decoding and
//! restores after it, panic or not.

use std::{cell::Cell, fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{IgnoredAny, SeqAccess, Visitor},
};

use crate::{Error, Operation, transport::Request};

/// How many items one page of a listing may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageLimit {
    /// The listing asked for at most this many: a page with more is the server ignoring
    /// the request, an error.
    Asked(usize),
    /// Any number (a listing the vendor does not page).
    Unbounded,
}

impl PageLimit {
    /// The page size `first` asks for in its query parameter `name`, or `max` (the vendor's
    /// largest page) when it asks none or an unreadable one: the server's default is at
    /// most its maximum.
    pub(crate) fn asked_in(first: &Request, name: &str, max: usize) -> Self {
        let asked = first.url.query_pairs().find(|(key, _)| key == name);
        let asked = asked.and_then(|(_, value)| value.parse::<usize>().ok());
        Self::Asked(asked.filter(|asked| *asked > 0).map_or(max, |asked| asked.min(max)))
    }

    fn max(self) -> usize {
        match self {
            Self::Asked(max) => max,
            Self::Unbounded => usize::MAX,
        }
    }

    /// Judges a page that held `kept` items and `skipped` more: an error for a page past
    /// what was asked.
    pub(crate) fn judge(
        self,
        operation: Operation,
        kept: usize,
        skipped: usize,
    ) -> Result<(), Error> {
        if skipped == 0 {
            return Ok(());
        }
        let sent = kept.saturating_add(skipped);
        match self {
            Self::Asked(asked) => Err(Error::pagination(
                operation,
                format!(
                    "the server sent {sent} items on one page when {asked} were asked for; the \
                     listing stops rather than hold a page it did not ask for (check a proxy \
                     or base URL in between, or report it to the vendor)"
                ),
            )),
            Self::Unbounded => Ok(()),
        }
    }
}

thread_local! {
    /// The limit of the page being decoded on this thread, and the items skipped so far.
    static CURRENT: Cell<(usize, usize)> = const { Cell::new((usize::MAX, 0)) };
}

/// Runs `decode` with `limit` applying to every [`bounded_items`] field it reads, and
/// returns its result with the number of items skipped.
pub(crate) fn within<R>(limit: PageLimit, decode: impl FnOnce() -> R) -> (R, usize) {
    /// Puts back the enclosing limit, even when `decode` panics.
    struct Restore((usize, usize));
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|current| current.set(self.0));
        }
    }
    let restore = Restore(CURRENT.with(|current| current.replace((limit.max(), 0))));
    let result = decode();
    let skipped = CURRENT.with(|current| current.get().1);
    drop(restore);
    (result, skipped)
}

/// Reads a page's items, at most the limit of the page being decoded ([`within`]); the
/// rest are skipped unread and counted. Outside [`within`] every item is read.
pub(crate) fn bounded_items<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_seq(Bounded(PhantomData))
}

/// [`bounded_items`] for an items field that may be `null` or missing (with
/// `#[serde(default)]`).
pub(crate) fn bounded_items_or_null<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    /// `null`, or a bounded list.
    struct OrNull<T>(PhantomData<fn() -> T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for OrNull<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of items or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
            bounded_items(inner).map(Some)
        }
    }
    deserializer.deserialize_option(OrNull(PhantomData))
}

/// The list visitor of [`bounded_items`].
struct Bounded<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let max = CURRENT.with(|current| current.get().0);
        // The hint is the server's to inflate: never trust it past the limit or a small
        // first allocation.
        let hint = seq.size_hint().unwrap_or(0).min(max).min(1024);
        let mut items = Vec::with_capacity(hint);
        while items.len() < max {
            match seq.next_element()? {
                Some(item) => items.push(item),
                None => return Ok(items),
            }
        }
        let mut skipped = 0_usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            skipped = skipped.saturating_add(1);
        }
        CURRENT.with(|current| {
            let (max, before) = current.get();
            current.set((max, before.saturating_add(skipped)));
        });
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    #[derive(Deserialize)]
    struct Body {
        #[serde(deserialize_with = "bounded_items")]
        items: Vec<u32>,
        #[serde(default, deserialize_with = "bounded_items_or_null")]
        more: Option<Vec<u32>>,
    }

    fn decode(limit: PageLimit, json: &str) -> (Body, usize) {
        let (body, skipped) = within(limit, || serde_json::from_str::<Body>(json));
        (body.unwrap(), skipped)
    }

    #[test]
    fn items_past_the_limit_are_skipped_unread_and_counted_and_the_limit_ends_with_the_call() {
        let (body, skipped) =
            decode(PageLimit::Asked(2), r#"{"items":[1,2,3,{"x":[4]}],"more":[5,6,7]}"#);
        assert_eq!((body.items, body.more, skipped), (vec![1, 2], Some(vec![5, 6]), 3));
        let (body, skipped) = decode(PageLimit::Asked(5), r#"{"items":[1,2],"more":null}"#);
        assert_eq!((body.items, body.more, skipped), (vec![1, 2], None, 0));
        let body: Body = serde_json::from_str(r#"{"items":[1,2,3]}"#).unwrap();
        assert_eq!((body.items, body.more), (vec![1, 2, 3], None), "no limit outside `within`");
    }

    #[test]
    fn a_page_past_what_was_asked_is_an_error() {
        let op = Operation::new(Vendor::Qualtrics, "list_events");
        let error = PageLimit::Asked(100).judge(op, 100, 268_732).unwrap_err();
        assert!(error.to_string().contains("268832 items on one page when 100"), "{error}");
        assert!(PageLimit::Unbounded.judge(op, 1000, 5).is_ok());
        assert!(PageLimit::Asked(100).judge(op, 100, 0).is_ok());
    }

    #[test]
    fn the_asked_size_is_read_from_the_request_and_capped_at_the_vendors_maximum() {
        let op = Operation::new(Vendor::Qualtrics, "list_events");
        let request = |query: &str| {
            let url = url::Url::parse(&format!("http://127.0.0.1/logs?{query}")).unwrap();
            Request::new(op, reqwest::Method::GET, url)
        };
        assert_eq!(
            PageLimit::asked_in(&request("pageSize=100"), "pageSize", 1000),
            PageLimit::Asked(100)
        );
        assert_eq!(PageLimit::asked_in(&request("a=b"), "pageSize", 1000), PageLimit::Asked(1000));
        assert_eq!(
            PageLimit::asked_in(&request("pageSize=0"), "pageSize", 1000),
            PageLimit::Asked(1000)
        );
        assert_eq!(
            PageLimit::asked_in(&request("pageSize=5000"), "pageSize", 1000),
            PageLimit::Asked(1000)
        );
    }
}
