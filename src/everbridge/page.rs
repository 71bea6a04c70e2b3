//! pageQuery (`queryType=pageQuery&pageNo=n`): 100 entries a page, pages 1 to 100, so at
//! most the first 10,000 entries of a month. One page ([`GetAuditLogPage`]) or all of them
//! (`.pages()`).

use std::{ops::Range, sync::Arc};

use chrono::{DateTime, Utc};

use super::{
    AuditLogEntry, AuditLogPage,
    answer::Fetched,
    audit_log::{AuditLogRange, OPERATION, Target},
    range::Span,
};
use crate::{
    Error,
    pagination::{Cursor, FetchPage, RawPage},
    transport::Request,
};

/// The last page pageQuery serves: `pageNo × 100` may not pass 10,000.
const LAST_PAGE: u32 = 100;

/// Reads one pageQuery page. Created by [`AuditLog::page`](super::AuditLog::page).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetAuditLogPage {
    range: AuditLogRange,
    number: u32,
}

impl GetAuditLogPage {
    pub(super) fn new(range: AuditLogRange, number: u32) -> Self {
        Self { range, number }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::hours(6), Utc::now());
    /// let page = client.everbridge().audit_log(ReportType::Security, from, to).page(1).send().await?;
    /// println!("{} of {:?} entries", page.data.len(), page.total_count);
    /// # Ok(()) }
    /// ```
    ///
    /// A page past the range's last holds no entries.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], with no request made, for a page number outside 1 to 100
    /// or a range Everbridge would refuse (see [`AuditLog`](super::AuditLog));
    /// [`Error::NotConfigured`] without an Everbridge config; Everbridge's refusals as
    /// [`BusinessErrorKind`](super::BusinessErrorKind)s; otherwise the transport's errors.
    pub async fn send(self) -> Result<AuditLogPage, Error> {
        let (target, range) = self.range.target(Span::OneMonth)?;
        if !(1..=LAST_PAGE).contains(&self.number) {
            return Err(Error::invalid_input(
                OPERATION,
                format!(
                    "page {} does not exist: pageQuery pages are numbered 1 to {LAST_PAGE} (100 \
                     entries each, the first 10,000 of the range); use `.scroll()` or \
                     `.items()` to read every entry",
                    self.number
                ),
            ));
        }
        let fetched = target.fetch(page_request(&target, &range, self.number)).await?;
        match fetched.rejected.into_iter().next() {
            // One page has no listing policy to skip it: the caller hears of it.
            Some(undecodable) => Err(undecodable.into_parts().1),
            None => Ok(fetched.page),
        }
    }
}

/// Every pageQuery page of `range`, from page 1 to the last, and the cap after page 100.
pub(super) fn pages(target: Target, range: Range<DateTime<Utc>>) -> FetchPage<AuditLogEntry> {
    Arc::new(move |cursor| {
        let (target, range) = (target.clone(), range.clone());
        Box::pin(async move {
            let number = match cursor {
                None => 1,
                Some(Cursor::Page(number)) => number,
                Some(other) => {
                    return Err(Error::invalid_input(
                        OPERATION,
                        format!("`.pages()` resumes from a page number, not from {other:?}"),
                    ));
                }
            };
            if number > LAST_PAGE {
                return Err(Error::pagination(
                    OPERATION,
                    format!(
                        "the range holds more than 10,000 entries, and Everbridge's pageQuery \
                         serves only the first {LAST_PAGE} pages of 100; read the whole range \
                         with `.scroll()` or `.items()`, which have no such limit"
                    ),
                ));
            }
            let Fetched { page, rejected } =
                target.fetch(page_request(&target, &range, number)).await?;
            let last = page.total_page_count.unwrap_or(0);
            let more = i64::from(number) < last && !(page.data.is_empty() && rejected.is_empty());
            let next = more.then(|| Cursor::Page(number.saturating_add(1)));
            Ok(RawPage { items: page.data, next, rejected })
        })
    })
}

fn page_request(target: &Target, range: &Range<DateTime<Utc>>, number: u32) -> Request {
    target.request(range).query("queryType", "pageQuery").query("pageNo", number)
}
