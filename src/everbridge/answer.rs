//! The answer of `GET reports/auditLog`, documented both bare (`{currentPageNo, data: […],
//! …}`) and wrapped (`{"data": {…that…}, "success": true, "type": …}`), read as one
//! [`AuditLogPage`]; and an entry whose `eventTime` is read in the account's offset. Pure
//! functions of the bytes: the envelopes (`scroll`, `page_query`) split this body, and
//! [`decode_page`](crate::pagination::decode_page) decodes it.

use std::{fmt, marker::PhantomData};

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use serde::{
    Deserialize, Deserializer,
    de::{IgnoredAny, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer},
};
use serde_json::Value;

use super::{AuditLogEntry, AuditLogPage, event_time::is_epoch};

/// An entry read for an account with an offset: the entry, and whether its `eventTime` was
/// sent without an offset (then it is local time at the account's offset). Read through a
/// JSON value (the typed entry no longer tells whether its time had one; the raw text
/// does), so only listings of an account with an offset pay for it.
#[derive(Debug, Clone)]
pub(crate) struct LocalEntry {
    entry: AuditLogEntry,
    naive: bool,
}

impl LocalEntry {
    /// The entry, its naive `eventTime` moved from local time at `offset` to UTC.
    pub(crate) fn at_offset(self, offset: FixedOffset) -> AuditLogEntry {
        let Self { mut entry, naive } = self;
        if naive {
            entry.event_time = entry.event_time.map(|at| in_offset(at, offset));
        }
        entry
    }
}

/// `at`, read as UTC from a time without offset, read instead as local time at `offset`.
pub(crate) fn in_offset(at: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    at.checked_sub_signed(TimeDelta::seconds(offset.local_minus_utc().into())).unwrap_or(at)
}

impl<'de> Deserialize<'de> for LocalEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        let naive = has_naive_event_time(&raw);
        let entry = serde_path_to_error::deserialize::<_, AuditLogEntry>(raw).map_err(|error| {
            serde::de::Error::custom(format!("{}: {}", error.path(), error.inner()))
        })?;
        Ok(Self { entry, naive })
    }
}

/// A page, bare or wrapped: in the wrapped form `data` is itself the page.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "E: Deserialize<'de>"))]
pub(crate) struct Body<E> {
    #[serde(default)]
    data: Data<E>,
    #[serde(default)]
    current_page_no: Option<i64>,
    #[serde(default)]
    page_size: Option<i64>,
    #[serde(default)]
    scroll_id: Option<String>,
    #[serde(default)]
    start: Option<i64>,
    #[serde(default)]
    total_count: Option<i64>,
    #[serde(default)]
    total_page_count: Option<i64>,
}

/// The most entries one page is read with: ten times the 100 Everbridge documents, so a
/// page the server fills as documented is never cut, and the memory one page decodes to
/// is bounded whatever its size in bytes (268,832 empty entries fit in 4 MiB). Entries
/// past it are skipped without being decoded, counted in [`Batch::cut`].
pub(crate) const MAX_ENTRIES_PER_PAGE: usize = 1_000;

/// What `data` holds: the entries (bare) and how many were cut, the page (wrapped), or
/// nothing.
#[derive(Default)]
enum Data<E> {
    #[default]
    Missing,
    Entries(Vec<E>, usize),
    Page(Box<Body<E>>),
}

/// A page's fields besides its entries, and the entries cut past
/// [`MAX_ENTRIES_PER_PAGE`].
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub(crate) fields: AuditLogPage,
    pub(crate) cut: usize,
}

impl Batch {
    /// How many entries the server sent: `on_page` read, and the ones cut.
    pub(crate) fn sent(&self, on_page: usize) -> usize {
        on_page.saturating_add(self.cut)
    }

    /// Warns that entries were cut, when some were.
    pub(crate) fn warn_if_cut(&self) {
        if self.cut > 0 {
            tracing::warn!(
                cut = self.cut,
                kept = MAX_ENTRIES_PER_PAGE,
                "an Everbridge page held more than {MAX_ENTRIES_PER_PAGE} entries (Everbridge \
                 documents 100): the {} past it were skipped, not decoded",
                self.cut
            );
        }
    }
}

impl<E> Body<E> {
    /// The entries, and the page's other fields (its `data` left empty), from wherever the
    /// answer put them.
    pub(crate) fn split(self) -> (Vec<E>, Batch) {
        let (data, cut) = match self.data {
            Data::Page(inner) => return inner.split(),
            Data::Entries(entries, cut) => (entries, cut),
            Data::Missing => (Vec::new(), 0),
        };
        let fields = AuditLogPage {
            current_page_no: self.current_page_no,
            data: Vec::new(),
            page_size: self.page_size,
            scroll_id: self.scroll_id,
            start: self.start,
            total_count: self.total_count,
            total_page_count: self.total_page_count,
        };
        (data, Batch { fields, cut })
    }
}

impl<'de, E: Deserialize<'de>> Deserialize<'de> for Data<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either<E>(PhantomData<E>);

        impl<'de, E: Deserialize<'de>> Visitor<'de> for Either<E> {
            type Value = Data<E>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of audit log entries, or a page object holding them")
            }

            fn visit_unit<X: serde::de::Error>(self) -> Result<Data<E>, X> {
                Ok(Data::Missing)
            }

            fn visit_none<X: serde::de::Error>(self) -> Result<Data<E>, X> {
                Ok(Data::Missing)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Data<E>, A::Error> {
                let hint = seq.size_hint().unwrap_or(0).min(MAX_ENTRIES_PER_PAGE);
                let mut entries = Vec::with_capacity(hint);
                while entries.len() < MAX_ENTRIES_PER_PAGE {
                    match seq.next_element()? {
                        Some(entry) => entries.push(entry),
                        None => return Ok(Data::Entries(entries, 0)),
                    }
                }
                let mut cut = 0_usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    cut = cut.saturating_add(1);
                }
                Ok(Data::Entries(entries, cut))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Data<E>, A::Error> {
                Body::deserialize(MapAccessDeserializer::new(map)).map(|b| Data::Page(Box::new(b)))
            }
        }

        deserializer.deserialize_any(Either(PhantomData))
    }
}

/// Whether an entry's `eventTime` was sent without an offset (as Everbridge documents it).
pub(crate) fn has_naive_event_time(entry: &Value) -> bool {
    match entry.get("eventTime") {
        Some(Value::String(text)) => {
            let text = text.trim();
            !text.is_empty() && !is_epoch(text) && DateTime::parse_from_rfc3339(text).is_err()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn page(body: &str) -> AuditLogPage {
        let (data, batch) = serde_json::from_str::<Body<AuditLogEntry>>(body).unwrap().split();
        AuditLogPage { data, ..batch.fields }
    }

    #[test]
    fn bare_wrapped_and_empty_answers_give_the_same_page() {
        let bare = r#"{"currentPageNo":2,"data":[{"userId":9007199254740993}],"pageSize":100,
            "scrollId":"s","start":100,"totalCount":101,"totalPageCount":2}"#;
        let wrapped = format!(r#"{{"data":{bare},"success":true,"type":"Security"}}"#);
        assert_eq!(page(bare), page(&wrapped));
        let read = page(bare);
        assert_eq!(read.data[0].user_id, Some(9_007_199_254_740_993), "no float on the way");
        assert_eq!((read.current_page_no, read.total_page_count), (Some(2), Some(2)));
        let spec_example = r#"{"data":{"currentPageNo":1,"pageSize":100,"start":0,"totalCount":0,
            "totalPageCount":0},"success":true,"type":"Security"}"#;
        assert!(page(spec_example).data.is_empty());
        assert!(page(r#"{"data":null}"#).data.is_empty());
    }

    #[test]
    fn a_page_of_more_entries_than_the_cap_keeps_the_first_and_counts_the_rest() {
        let entries = vec!["{}"; MAX_ENTRIES_PER_PAGE + 250].join(",");
        for body in
            [format!(r#"{{"data":[{entries}]}}"#), format!(r#"{{"data":{{"data":[{entries}]}}}}"#)]
        {
            let (data, batch) = serde_json::from_str::<Body<AuditLogEntry>>(&body).unwrap().split();
            assert_eq!((data.len(), batch.cut, batch.sent(data.len())), (1_000, 250, 1_250));
        }
    }

    #[test]
    fn a_bad_entry_is_an_error_naming_its_path() {
        let body = br#"{"data":{"data":[{"accountId":1},{"accountId":"x"}]},"success":true}"#;
        let operation = crate::Operation::new(crate::Vendor::Everbridge, "audit_log");
        let error = crate::transport::decode_json::<Body<AuditLogEntry>>(
            operation,
            reqwest::StatusCode::OK,
            None,
            body,
        )
        .err()
        .unwrap();
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert_eq!(decode.path(), "data.data[1].accountId");
    }

    #[test]
    fn only_times_without_offset_move_to_the_account_offset() {
        let pacific = FixedOffset::west_opt(8 * 3600).unwrap();
        let naive = crate::datetime::parse("2020-09-16T03:55:47").unwrap();
        assert_eq!(in_offset(naive, pacific).to_rfc3339(), "2020-09-16T11:55:47+00:00");
        let entry = |time: Value| serde_json::json!({ "eventTime": time });
        assert!(has_naive_event_time(&entry("2020-09-16T03:55:47".into())));
        assert!(!has_naive_event_time(&entry("2020-09-16T03:55:47-07:00".into())));
        assert!(!has_naive_event_time(&entry(Value::Null)));
    }
}
