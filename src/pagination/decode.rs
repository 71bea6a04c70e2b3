//! Decoding one page: a pure function of the answer's bytes, with the bad-item fallback.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Envelope, PageLimit, Undecodable, page_limit::within};
use crate::{Error, Operation, transport::decode_json};

/// One page as decoded: the items that decode, the ones that do not (with the server's own
/// bytes), and what the envelope says besides.
#[derive(Debug)]
pub(crate) struct DecodedPage<T, M> {
    pub(crate) items: Vec<T>,
    pub(crate) undecodable: Vec<Undecodable>,
    pub(crate) meta: M,
    /// The items past the page's [`PageLimit`], skipped without being read.
    pub(crate) skipped: usize,
}

impl<T, M> DecodedPage<T, M> {
    /// How many items the server sent, undecodable and skipped ones included.
    pub(crate) fn on_page(&self) -> usize {
        self.items.len().saturating_add(self.undecodable.len()).saturating_add(self.skipped)
    }
}

/// Decodes the body of one page of `E`. The whole page is decoded typed first (the happy
/// path: no copy, no per-item work beyond serde's); when that fails, the envelope is read
/// again with each item as its raw bytes, and each item decoded on its own, so one bad item
/// does not take its page with it. An answer whose envelope itself does not decode is the
/// typed attempt's [`Error::Decode`]. Every item is read: a listing reads its pages with
/// [`decode_page_within`] and the envelope's limit.
pub(crate) fn decode_page<E: Envelope>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<DecodedPage<E::Item, E::Meta>, Error> {
    decode_page_within::<E>(operation, status, request_id, body, PageLimit::Unbounded)
}

/// [`decode_page`] keeping to `limit`: the items past it (in the envelope's fields marked
/// [`bounded_items`](super::bounded_items)) are skipped unread, so the page costs memory
/// in proportion to what was asked; a page past an [`Asked`](PageLimit::Asked) limit is
/// then an [`Error::Pagination`].
pub(crate) fn decode_page_within<E: Envelope>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
    limit: PageLimit,
) -> Result<DecodedPage<E::Item, E::Meta>, Error> {
    let page = decode_both_ways::<E>(operation, status, request_id, body, limit)?;
    limit.judge(
        operation,
        page.items.len().saturating_add(page.undecodable.len()),
        page.skipped,
    )?;
    Ok(page)
}

/// The typed attempt, then the item-by-item one, each counting the items it skipped.
fn decode_both_ways<E: Envelope>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
    limit: PageLimit,
) -> Result<DecodedPage<E::Item, E::Meta>, Error> {
    let typed =
        within(limit, || decode_json::<E::Body<E::Item>>(operation, status, request_id, body));
    let whole = match typed {
        (Ok(body), skipped) => {
            let (items, meta) = E::split(body);
            return Ok(DecodedPage { items, undecodable: Vec::new(), meta, skipped });
        }
        (Err(error), _) => error,
    };
    // A byte-order mark is skipped as `decode_json` does; the envelope's own error is the
    // typed attempt's, which names its path, so this attempt need not track one.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let (Ok(raw), skipped) =
        within(limit, || serde_json::from_slice::<E::Body<Box<RawValue>>>(body))
    else {
        return Err(whole);
    };
    let (raw_items, meta) = E::split(raw);
    let on_page = raw_items.len();
    let Some((items, undecodable)) = decode_raw_items(operation, status, raw_items) else {
        tracing::warn!(
            %operation,
            on_page,
            "more than {MAX_UNDECODABLE} items of one page do not decode: the page is refused \
             with the first error rather than kept item by item"
        );
        return Err(whole);
    };
    Ok(DecodedPage { items, undecodable, meta, skipped })
}

/// How many items of one page may fail to decode and still travel as
/// [`Undecodable`]s: each keeps its bytes, its path and its error (hundreds of bytes for
/// an item of two), so a hostile answer of a million broken items would cost a hundred
/// times its size. Past this, the page is not what the SDK reads at all, and its
/// error says so. Paged listings ask for at most 1,000 items anyway.
const MAX_UNDECODABLE: usize = 1_000;

/// Decodes each item on its own: the ones that decode, in order, and the others with their
/// bytes as the server sent them and the path (`[index].field`) that failed; `None` when
/// more than [`MAX_UNDECODABLE`] fail.
pub(crate) fn decode_raw_items<T: DeserializeOwned>(
    operation: Operation,
    status: StatusCode,
    raw_items: Vec<Box<RawValue>>,
) -> Option<(Vec<T>, Vec<Undecodable>)> {
    // Not reserved for every item: a page of items that mostly fail would hold room for
    // all of them (150 bytes each for an EnergyCAP log) before the bound refuses it.
    let mut items = Vec::new();
    let mut undecodable = Vec::new();
    for (index, raw) in raw_items.into_iter().enumerate() {
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(item) => items.push(item),
            Err(_) if undecodable.len() == MAX_UNDECODABLE => return None,
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
    Some((items, undecodable))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::{
        Vendor,
        pagination::{PageToken, envelope::PageCursor},
        transport::Request,
    };

    /// A token-paged envelope, `{"data":[…],"next":"…"}`, as a vendor would write one.
    struct TokenPages;

    #[derive(Deserialize)]
    #[serde(bound(deserialize = "T: Deserialize<'de>"))]
    struct Body<T> {
        data: Vec<T>,
        next: Option<String>,
    }

    impl Envelope for TokenPages {
        type Item = u32;
        type Cursor = PageToken;
        type Body<T: DeserializeOwned> = Body<T>;
        type Meta = Option<String>;
        const CURSOR_PARAMS: &'static [&'static str] = &["token"];

        fn split<T: DeserializeOwned>(body: Body<T>) -> (Vec<T>, Option<String>) {
            (body.data, body.next)
        }

        fn with_cursor(
            &self,
            request: Request,
            cursor: Option<&PageToken>,
        ) -> Result<Request, Error> {
            Ok(request.query_opt("token", cursor.map(|token| &token.0)))
        }

        fn next(
            &self,
            _: Option<&PageToken>,
            next: &Option<String>,
            _: usize,
        ) -> Result<Option<PageToken>, Error> {
            Ok(next.clone().map(PageToken))
        }
    }

    const OP: Operation = Operation::new(Vendor::Qualtrics, "list_events");

    fn decode(body: &str) -> Result<DecodedPage<u32, Option<String>>, Error> {
        decode_page::<TokenPages>(OP, StatusCode::OK, None, body.as_bytes())
    }

    #[test]
    fn a_page_decodes_whole_or_item_by_item_keeping_each_bad_items_own_bytes() {
        let page = decode(r#"{"data":[1,2],"next":"t-2"}"#).unwrap();
        assert_eq!((page.items, page.meta.as_deref()), (vec![1, 2], Some("t-2")));

        let bad = "{ \"b\" :\t[ 1 ] , \"a\":null }";
        let page =
            decode(&format!("\u{feff}{{\"data\":[1, {bad} ,\"3\", 4],\"next\":null}}")).unwrap();
        assert_eq!(page.items, [1, 4]);
        assert_eq!(page.on_page(), 4);
        let raws: Vec<&str> = page.undecodable.iter().map(Undecodable::raw_json).collect();
        assert_eq!(raws, [bad, "\"3\""]);
        let Error::Decode(decode_error) = page.undecodable[1].error() else { panic!() };
        assert_eq!(decode_error.path(), "[2]..", "the root of item 2, as `decode_each` says it");
        assert_eq!(PageToken("t".into()).to_cursor(), crate::pagination::Cursor::Token("t".into()));
    }

    #[test]
    fn a_page_of_more_undecodable_items_than_the_bound_is_refused_not_kept_item_by_item() {
        let page_of = |bad: usize| {
            let items: Vec<&str> =
                std::iter::once("1").chain(std::iter::repeat_n("{}", bad)).collect();
            decode(&format!(r#"{{"data":[{}],"next":null}}"#, items.join(",")))
        };
        let page = page_of(MAX_UNDECODABLE).unwrap();
        assert_eq!((page.items.len(), page.undecodable.len()), (1, MAX_UNDECODABLE));
        let error = page_of(MAX_UNDECODABLE + 1).unwrap_err();
        let Error::Decode(decode_error) = &error else { panic!("{error:?}") };
        assert_eq!(decode_error.path(), "data[1]", "the typed attempt's first error");
    }

    #[test]
    fn an_envelope_that_does_not_decode_is_the_typed_attempts_error() {
        let error = decode(r#"{"data":[1],"next":7}"#).unwrap_err();
        let Error::Decode(decode_error) = &error else { panic!("{error:?}") };
        assert_eq!(decode_error.path(), "next");
        assert!(matches!(decode("not json"), Err(Error::Decode(_))));
    }
}
