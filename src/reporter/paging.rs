//! Reporter's list envelope, `{"items":[…],"page":…,"limit":…,"total":…}`, paged by number
//! from 1. `total` counts only the page just sent, so a page holding fewer items than the
//! page size (undecodable ones count as on the page) is the last one; the server's own
//! `limit` wins over the one asked for, as it may cap it.

use std::marker::PhantomData;

use serde::{Deserialize, de::DeserializeOwned};

use super::{page_options::MAX_LIMIT, page_overlap::PageOverlap};
use crate::{
    Error,
    pagination::{Envelope, PageLimit, PageNumber, bounded_items_or_null},
    transport::Request,
};

/// Reporter's page size when none is asked for.
const SERVER_DEFAULT_LIMIT: u32 = 10;

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Body<T> {
    #[serde(default, deserialize_with = "bounded_items_or_null")]
    pub(crate) items: Option<Vec<T>>,
    #[serde(default)]
    limit: Option<i64>,
}

/// A Reporter list of `T`, asked for `asked` items per page; with an overlap guard when
/// its pages can overlap (reports, newest first).
pub(crate) struct ReporterPages<T>(
    pub(crate) Option<u32>,
    PhantomData<fn() -> T>,
    Option<PageOverlap<T>>,
);

impl<T> ReporterPages<T> {
    pub(crate) fn new(asked: Option<u32>) -> Self {
        Self(asked, PhantomData, None)
    }

    /// Drops the items of a page that the previous page held, told apart by `id`.
    pub(crate) fn without_overlap(mut self, id: fn(&T) -> &str) -> Self {
        self.2 = Some(PageOverlap::new(id));
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> Envelope for ReporterPages<T> {
    type Item = T;
    type Cursor = PageNumber;
    type Body<I: DeserializeOwned> = Body<I>;
    type Meta = Option<i64>;
    const CURSOR_PARAMS: &'static [&'static str] = &["page"];

    fn split<I: DeserializeOwned>(body: Body<I>) -> (Vec<I>, Option<i64>) {
        (body.items.unwrap_or_default(), body.limit)
    }

    fn with_cursor(&self, request: Request, page: Option<&PageNumber>) -> Result<Request, Error> {
        let page = page.map_or(1, |page| page.0);
        if page < 1 {
            // Only a continuation edited by hand holds one; Reporter answers 400 TPL-0019.
            return Err(Error::invalid_input(
                request.operation,
                "the continuation's page is 0; Reporter numbers pages from 1",
            ));
        }
        Ok(request.query("page", page))
    }

    fn page_limit(&self, first: &Request) -> PageLimit {
        // A page without a `limit` holds the server's default, at most its maximum.
        PageLimit::asked_in(first, "limit", MAX_LIMIT as usize)
    }

    fn failed(&self, _sent: Option<&PageNumber>, error: Error) -> Error {
        super::protocol::advise(error)
    }

    fn deliver(&self, items: Vec<T>) -> Vec<T> {
        match &self.2 {
            Some(overlap) => overlap.drop_repeats(items),
            None => items,
        }
    }

    fn next(&self, sent: Option<&PageNumber>, limit: &Option<i64>, on_page: usize) -> NextPage {
        let answered = limit.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0);
        let page_size = answered.or(self.0).unwrap_or(SERVER_DEFAULT_LIMIT);
        let full = u32::try_from(on_page).is_ok_and(|len| len >= page_size);
        let sent = sent.map_or(1, |page| page.0);
        Ok(full.then(|| sent.checked_add(1).map(PageNumber)).flatten())
    }
}

type NextPage = Result<Option<PageNumber>, Error>;

#[cfg(test)]
#[path = "paging_tests.rs"]
mod tests;
