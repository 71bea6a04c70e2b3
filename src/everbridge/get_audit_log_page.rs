//! One pageQuery page of the audit log, with the month's totals.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::{
    AuditLogEntry, AuditLogPage,
    answer::LocalEntry,
    page_query::{LAST_PAGE, PageQueryPages, first_request},
    range::Span,
    target::{AuditLogQuery, Checked, OPERATION, Target},
};
use crate::{
    Error,
    pagination::{Envelope, PageNumber, decode_page},
};

/// Reads one pageQuery page. Created by
/// [`ListAuditLog::page_query`](super::ListAuditLog::page_query).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetAuditLogPage {
    query: AuditLogQuery,
    number: u32,
}

impl GetAuditLogPage {
    pub(super) fn new(query: AuditLogQuery, number: u32) -> Self {
        Self { query, number }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// use auditkit::everbridge::ReportType;
    /// use chrono::{Duration, Utc};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (from, to) = (Utc::now() - Duration::hours(6), Utc::now());
    /// let log = client.everbridge().list_audit_log(ReportType::Security, from, to);
    /// let page = log.page_query(1).send().await?;
    /// println!("{} of {:?} entries", page.data.len(), page.total_count);
    /// # Ok(()) }
    /// ```
    ///
    /// A page past the range's last holds no entries.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], with no request made, for a page number outside 1 to 100
    /// or a range Everbridge would refuse (see [`ListAuditLog`](super::ListAuditLog));
    /// [`Error::NotConfigured`] without an Everbridge config; Everbridge's refusals as
    /// [`BusinessErrorKind`](super::BusinessErrorKind)s; an entry that does not decode as
    /// [`Error::Decode`]; otherwise the transport's errors.
    pub async fn send(self) -> Result<AuditLogPage, Error> {
        let Checked { target, range, .. } = self.query.target(Span::OneMonth)?;
        if !(1..=LAST_PAGE).contains(&self.number) {
            return Err(Error::invalid_input(
                OPERATION,
                format!(
                    "page {} does not exist: pageQuery pages are numbered 1 to {LAST_PAGE} (100 \
                     entries each, the first 10,000 of the range); use `.pages()` or \
                     `.items()` to read every entry",
                    self.number
                ),
            ));
        }
        let page = PageNumber(self.number);
        match target.settings.event_time_offset {
            None => read::<AuditLogEntry>(&target, &range, page, |entry| entry).await,
            Some(offset) => {
                read::<LocalEntry>(&target, &range, page, |e| e.at_offset(offset)).await
            }
        }
    }
}

/// The page at `page` of `range`, its entries read as `T` and made entries by `entry`.
async fn read<T: serde::de::DeserializeOwned + Send + 'static>(
    target: &Target,
    range: &Range<DateTime<Utc>>,
    page: PageNumber,
    entry: impl Fn(T) -> AuditLogEntry,
) -> Result<AuditLogPage, Error> {
    let request =
        PageQueryPages::<T>::new().with_cursor(first_request(target, range), Some(&page))?;
    let answer = target.endpoint.send(request).await?;
    let request_id = answer.request_id.as_deref();
    let decoded =
        decode_page::<PageQueryPages<T>>(OPERATION, answer.status, request_id, &answer.body)?;
    // One page has no listing policy to skip a bad entry: the caller hears of it.
    if let Some(undecodable) = decoded.undecodable.into_iter().next() {
        return Err(undecodable.into_parts().1);
    }
    decoded.meta.warn_if_cut();
    let data = decoded.items.into_iter().map(entry).collect();
    Ok(AuditLogPage { data, ..decoded.meta.fields })
}
