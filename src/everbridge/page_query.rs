//! pageQuery (`queryType=pageQuery&pageNo=n`) as an envelope: 100 entries a page, pages 1
//! to 100, so at most the first 10,000 entries of a month; the listing ends at
//! `totalPageCount`.

use std::{marker::PhantomData, ops::Range};

use chrono::{DateTime, Utc};

use serde::de::DeserializeOwned;

use super::{
    answer::{Batch, Body},
    target::{OPERATION, Target},
};
use crate::{
    Error,
    pagination::{Envelope, PageNumber},
    transport::Request,
};

/// The last page pageQuery serves: `pageNo × 100` may not pass 10,000.
pub(super) const LAST_PAGE: u32 = 100;

/// The pageQuery pages of one month, with items of type `T`.
pub(crate) struct PageQueryPages<T>(PhantomData<fn() -> T>);

impl<T> PageQueryPages<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: DeserializeOwned + Send + 'static> Envelope for PageQueryPages<T> {
    type Item = T;
    type Cursor = PageNumber;
    type Body<I: DeserializeOwned> = Body<I>;
    type Meta = Batch;
    const CURSOR_PARAMS: &'static [&'static str] = &["pageNo"];

    fn split<I: DeserializeOwned>(body: Body<I>) -> (Vec<I>, Batch) {
        body.split()
    }

    fn with_cursor(&self, request: Request, page: Option<&PageNumber>) -> Result<Request, Error> {
        let number = page.map_or(1, |page| page.0);
        if number > LAST_PAGE {
            return Err(Error::pagination(
                OPERATION,
                format!(
                    "the range holds more than 10,000 entries, and Everbridge's pageQuery \
                     serves only the first {LAST_PAGE} pages of 100; read the whole range with \
                     `.pages()` or `.items()`, which scroll and have no such limit"
                ),
            ));
        }
        Ok(request.query("pageNo", number))
    }

    fn next(&self, sent: Option<&PageNumber>, batch: &Batch, on_page: usize) -> Next {
        batch.warn_if_cut();
        let number = sent.map_or(1, |page| page.0);
        let last = batch.fields.total_page_count.unwrap_or(0);
        let more = i64::from(number) < last && batch.sent(on_page) > 0;
        Ok(more.then(|| number.checked_add(1).map(PageNumber)).flatten())
    }
}

type Next = Result<Option<PageNumber>, Error>;

/// The first pageQuery request of `range`, without its page number.
pub(super) fn first_request(target: &Target, range: &Range<DateTime<Utc>>) -> Request {
    target.request(range).query("queryType", "pageQuery")
}
