//! Qualtrics' list envelope, `{"result":{"elements":[…],"nextPage":…}}`, paged with
//! `skipToken`: `nextPage` is a URL on the API's origin or a bare token (see
//! `skip_token.rs`), and a blank or missing one ends the listing. A listing read "up to
//! now" sends its `endDate` with every page, outside its identity: a continuation resumes
//! in a process whose now is later, and reads up to that now.

use std::marker::PhantomData;

use serde::{Deserialize, de::DeserializeOwned};
use url::Url;

use super::skip_token::skip_token;
use crate::{
    Error, Operation,
    pagination::{Envelope, PageLimit, PageToken, Paginator, bounded_items},
    transport::{Endpoint, EndpointSlot, Request},
};

/// The largest `pageSize` Qualtrics documents: a page without one holds at most that many.
pub(crate) const MAX_PAGE_SIZE: u32 = 1000;

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Body<T> {
    pub(crate) result: ResultPart<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct ResultPart<T> {
    #[serde(default = "Vec::new", deserialize_with = "bounded_items")]
    elements: Vec<T>,
    #[serde(default)]
    pub(crate) next_page: Option<String>,
}

/// A Qualtrics list of `T` on the API at `base` (the only origin a `nextPage` may name),
/// for `operation`'s errors, read up to `end_now` when the caller gave no end.
pub(crate) struct QualtricsPages<T> {
    base: Url,
    operation: Operation,
    end_now: Option<String>,
    item: PhantomData<fn() -> T>,
}

impl<T> QualtricsPages<T> {
    pub(crate) fn new(base: Url, operation: Operation) -> Self {
        Self { base, operation, end_now: None, item: PhantomData }
    }
}

/// The first page's request of a Qualtrics listing, and the `endDate` to send with every
/// page when it reads up to now.
pub(crate) type First = (Request, Option<String>);

/// The Qualtrics listing at `slot` whose first request `first` builds (without a
/// `skipToken` or an `endDate` that is now); refused filters are `Err(message)`.
pub(crate) fn listing<T: DeserializeOwned + Send + 'static>(
    slot: &EndpointSlot,
    operation: Operation,
    first: impl FnOnce(&Endpoint) -> Result<First, String>,
) -> Paginator<T> {
    let endpoint = match slot.get() {
        Ok(endpoint) => endpoint,
        Err(error) => return Paginator::refused(operation, error),
    };
    match first(endpoint) {
        Ok((request, end_now)) => {
            let envelope = QualtricsPages {
                end_now,
                ..QualtricsPages::new(endpoint.base_url().clone(), operation)
            };
            Paginator::of_envelope(endpoint.clone(), envelope, request)
        }
        Err(message) => Paginator::refused(operation, Error::invalid_input(operation, message)),
    }
}

impl<T: DeserializeOwned + Send + 'static> Envelope for QualtricsPages<T> {
    type Item = T;
    type Cursor = PageToken;
    type Body<I: DeserializeOwned> = Body<I>;
    type Meta = Option<String>;
    // The page size is paging, not a filter: the token holds the position, so a listing
    // resumes with another page size (as before the envelope core).
    const CURSOR_PARAMS: &'static [&'static str] = &["skipToken", "pageSize"];

    fn split<I: DeserializeOwned>(body: Body<I>) -> (Vec<I>, Option<String>) {
        (body.result.elements, body.result.next_page)
    }

    fn with_cursor(&self, request: Request, token: Option<&PageToken>) -> Result<Request, Error> {
        let request = request.query_opt("endDate", self.end_now.as_deref());
        Ok(request.query_opt("skipToken", token.map(|token| &token.0)))
    }

    fn page_limit(&self, first: &Request) -> PageLimit {
        PageLimit::asked_in(first, "pageSize", MAX_PAGE_SIZE as usize)
    }

    fn next(&self, _: Option<&PageToken>, next: &Option<String>, _: usize) -> NextPage {
        let next = next.as_deref().filter(|next| !next.trim().is_empty());
        next.map(|next| skip_token(&self.base, self.operation, next).map(PageToken)).transpose()
    }
}

type NextPage = Result<Option<PageToken>, Error>;
