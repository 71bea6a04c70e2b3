//! The table: the operations, the fault kinds, and what each cell must show.

use std::time::Duration;

use auditkit::TransportErrorKind;
use chrono::{DateTime, TimeZone, Utc};

/// "Today" for Everbridge (its 6-month rule), and the range its listings read.
pub(crate) fn everbridge_today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap()
}
pub(crate) fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// The client's timeout in the "slower than the timeout" cells, and the fault's latency.
pub(crate) const SHORT_TIMEOUT: Duration = Duration::from_millis(1500);
pub(crate) const LATENCY: Duration = Duration::from_millis(2500);
/// The client's `max_answer_size` in the "oversized body" cells: every answer is larger.
pub(crate) const TINY_ANSWER: usize = 64;
pub(crate) const BAD_DATE: &str = "30/03/2026 08:15";

/// Declares the operations and the list of them all, in one place.
macro_rules! operations {
    ($($op:ident),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Op { $($op),* }
        pub(crate) const ALL_OPS: &[Op] = &[$(Op::$op),*];
    };
}

operations! {
    EnergyCapLogs,
    EnergyCapLogDetail,
    EnergyCapRun,
    EnergyCapWait,
    QualtricsLogins,
    QualtricsRaw,
    QualtricsActivityTypes,
    ReporterGenerate,
    ReporterGet,
    ReporterList,
    ReporterTemplates,
    ReporterTemplate,
    ReporterWait,
    ReporterDownload,
    EverbridgeMonths,
    EverbridgeOneMonth,
    EverbridgePageQueryPages,
    EverbridgePageQuery,
}

use Op::*;

impl Op {
    /// The vendor as errors name it, and the SDK operations an error of this call may name
    /// (a wait names itself or the read it polls with).
    pub(crate) fn names(self) -> (&'static str, &'static [&'static str]) {
        match self {
            EnergyCapLogs => ("EnergyCAP", &["list_report_distribution_logs"]),
            EnergyCapLogDetail => ("EnergyCAP", &["get_report_distribution_log"]),
            EnergyCapRun => ("EnergyCAP", &["run_report_distribution"]),
            EnergyCapWait => {
                ("EnergyCAP", &["wait_for_distribution", "get_report_distribution_log"])
            }
            QualtricsLogins | QualtricsRaw => ("Qualtrics", &["list_events"]),
            QualtricsActivityTypes => ("Qualtrics", &["list_activity_types"]),
            ReporterGenerate => ("Lerian Reporter", &["generate_report"]),
            ReporterGet => ("Lerian Reporter", &["get_report"]),
            ReporterList => ("Lerian Reporter", &["list_reports"]),
            ReporterTemplates => ("Lerian Reporter", &["list_templates"]),
            ReporterTemplate => ("Lerian Reporter", &["get_template"]),
            ReporterWait => ("Lerian Reporter", &["wait_for_report", "get_report"]),
            ReporterDownload => ("Lerian Reporter", &["download_report"]),
            EverbridgeMonths
            | EverbridgeOneMonth
            | EverbridgePageQueryPages
            | EverbridgePageQuery => ("Everbridge", &["audit_log"]),
        }
    }

    /// Listings read several pages: their faults hit the second request, mid-stream.
    pub(crate) fn is_listing(self) -> bool {
        matches!(
            self,
            QualtricsLogins
                | QualtricsRaw
                | ReporterList
                | ReporterTemplates
                | EverbridgeMonths
                | EverbridgeOneMonth
                | EverbridgePageQueryPages
        )
    }

    pub(crate) fn is_everbridge(self) -> bool {
        matches!(
            self,
            EverbridgeMonths | EverbridgeOneMonth | EverbridgePageQueryPages | EverbridgePageQuery
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Burst503,
    /// A gateway's 504 `{"message": "Endpoint request timed out"}` (Everbridge's API
    /// Gateway after 29 s), three times.
    GatewayTimeout504,
    RetryAfterSeconds,
    RetryAfterDate,
    ResetMidBody,
    TruncatedJson,
    SlowerThanTimeout,
    OversizedBody,
    InFlight409,
    ScrollExpiry,
    RepeatedToken,
    MalformedDate,
    UnknownEnum,
    NullObject,
    /// Everbridge: the scroll answers the same batch again, without end.
    ScrollRepeat,
    /// Everbridge: HTTP 200 with `"success": "false"` (text, not a boolean).
    SuccessAsText,
    /// Everbridge: HTTP 200 with `"status": "503"` (text) and a message.
    StatusAsText,
    /// Everbridge: HTTP 200 with an `errors` member beside an empty `data`.
    ErrorsMember,
    /// Everbridge: HTTP 200 without `data`.
    NoData,
    /// Reporter, with `max_in_flight(1)`: a download started and left unread holds the one
    /// place for an open body all along the operation.
    SlotsHeld,
}

use Kind::*;

/// What a cell must see.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    /// Success at once: exactly the seeded items.
    Exact,
    /// Success after only documented cursor-expired errors, each resumed from its
    /// continuation: exactly the seeded items.
    ExactAfterResumes,
    /// Success, after the client waited this long (virtual time) as the server asked.
    Waits(Duration),
    /// The first error is `Want`; then the caller's recovery (`Then`).
    Fails(Want, Then),
    /// A listing read with `skip_undecodable`: the seeded items but the one that cannot
    /// decode, which is handed to the caller once.
    SkipsOne,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    Status(u16),
    Transport(TransportErrorKind),
    /// A decode error whose text (its JSON path, or the value quoted) holds this.
    Decode(&'static str),
    CursorExpired,
    RepeatedToken,
    /// A scroll that answered the same batch again: a pagination error, not an expiry.
    ScrollRepeat,
    WaitTimeout,
    /// A timeout waiting for a request slot or a place for a body, whose text names the
    /// setting to raise, `max_in_flight`.
    NoSlot,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Then {
    /// Resume the listing (from the error's continuation, else the last page's) or call
    /// again (same idempotency key): then exactly the seeded items.
    Recover,
    /// Nothing to recover: what was delivered before the error is a duplicate-free part of
    /// the seeded items.
    Stop,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    pub(crate) op: Op,
    pub(crate) kind: Kind,
    pub(crate) expect: Expect,
}

/// What a fault kind expects of one operation; `None` where it does not apply.
pub(crate) type ExpectFor = fn(Op) -> Option<Expect>;

/// The table: each fault kind with the outcome each operation it applies to must show.
pub(crate) fn matrix() -> Vec<Case> {
    let rows: [(Kind, ExpectFor); 20] = [
        (Burst503, |op| {
            // POST exec without a key is never retried after an answer.
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(503), Then::Stop),
                _ => Expect::Exact,
            })
        }),
        (GatewayTimeout504, |op| {
            // Retried like any transient status; exec without a key is not.
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(504), Then::Stop),
                _ => Expect::Exact,
            })
        }),
        (RetryAfterSeconds, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(429), Then::Stop),
                _ => Expect::Waits(Duration::from_secs(7)),
            })
        }),
        (RetryAfterDate, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(429), Then::Stop),
                _ => Expect::Waits(Duration::from_secs(30)),
            })
        }),
        (ResetMidBody, |op| {
            Some(match op {
                EnergyCapRun => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Body), Then::Stop)
                }
                // A streamed body has no retry once its head arrived: the caller calls again.
                ReporterDownload => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Body), Then::Recover)
                }
                // The scroll moved on with the lost batch: the SDK notices the jump.
                EverbridgeMonths | EverbridgeOneMonth => {
                    Expect::Fails(Want::CursorExpired, Then::Recover)
                }
                _ => Expect::Exact,
            })
        }),
        (TruncatedJson, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Decode(""), Then::Stop),
                // A file is not JSON: a well-framed short file cannot be told from a short file.
                ReporterDownload => return None,
                _ => Expect::Fails(Want::Decode(""), Then::Recover),
            })
        }),
        (SlowerThanTimeout, |op| {
            Some(match op {
                EnergyCapRun => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Timeout), Then::Stop)
                }
                // The server may still serve the batch the client gave up on.
                EverbridgeMonths | EverbridgeOneMonth => Expect::ExactAfterResumes,
                _ => Expect::Exact,
            })
        }),
        (OversizedBody, |_| {
            Some(Expect::Fails(Want::Transport(TransportErrorKind::TooLarge), Then::Stop))
        }),
        (InFlight409, |op| (op == ReporterGenerate).then_some(Expect::Exact)),
        (ScrollExpiry, |op| {
            matches!(op, EverbridgeMonths | EverbridgeOneMonth)
                .then_some(Expect::Fails(Want::CursorExpired, Then::Recover))
        }),
        (RepeatedToken, |op| {
            matches!(op, QualtricsLogins | QualtricsRaw)
                .then_some(Expect::Fails(Want::RepeatedToken, Then::Stop))
        }),
        (MalformedDate, |op| match op {
            // An event whose only fault is its timestamp is listed, the text kept as sent.
            QualtricsLogins | QualtricsRaw => Some(Expect::Exact),
            ReporterList | ReporterTemplates => Some(Expect::SkipsOne),
            EnergyCapLogs => Some(Expect::Fails(Want::Decode("beginDate"), Then::Stop)),
            // The detail flattens the log into itself, which hides the path from serde: the
            // error quotes the value instead.
            EnergyCapLogDetail | EnergyCapWait => {
                Some(Expect::Fails(Want::Decode(BAD_DATE), Then::Stop))
            }
            ReporterGet | ReporterTemplate | ReporterWait => {
                Some(Expect::Fails(Want::Decode("createdAt"), Then::Stop))
            }
            // Everbridge's dates are spellings the tolerant reader takes (no seconds, `+0000`).
            EverbridgeMonths
            | EverbridgeOneMonth
            | EverbridgePageQueryPages
            | EverbridgePageQuery => Some(Expect::Exact),
            _ => None,
        }),
        (UnknownEnum, |op| match op {
            EnergyCapLogs | EnergyCapLogDetail | ReporterGet | ReporterList | ReporterTemplates
            | ReporterTemplate | ReporterWait => Some(Expect::Exact),
            // An unknown status is not final: the wait polls on to its deadline.
            EnergyCapWait => Some(Expect::Fails(Want::WaitTimeout, Then::Stop)),
            _ => None,
        }),
        (ScrollRepeat, |op| {
            matches!(op, EverbridgeMonths | EverbridgeOneMonth)
                .then_some(Expect::Fails(Want::ScrollRepeat, Then::Stop))
        }),
        // An HTTP-200 failure is an error with status 200, never an empty page that ends
        // the month: resumed, the listing reads exactly the rest.
        (SuccessAsText, everbridge_200_failure),
        (StatusAsText, |op| {
            // `"status": "503"` is retried as a 503 would be: the fault answers once.
            op.is_everbridge().then_some(Expect::Exact)
        }),
        (ErrorsMember, everbridge_200_failure),
        (NoData, everbridge_200_failure),
        (SlotsHeld, |op| match op {
            // Another download waits for the body's place, for the timeout and no more.
            ReporterDownload => Some(Expect::Fails(Want::NoSlot, Then::Stop)),
            // Bodies have places of their own: the request slot stays free for the rest.
            // (A listing of reports or a new report would count the held download's report.)
            ReporterGet | ReporterTemplates | ReporterTemplate | ReporterWait => {
                Some(Expect::Exact)
            }
            _ => None,
        }),
        (NullObject, |op| match op {
            EnergyCapLogs | EnergyCapLogDetail | QualtricsLogins | QualtricsRaw | ReporterGet
            | ReporterList => Some(Expect::Exact),
            _ => None,
        }),
    ];
    rows.iter()
        .flat_map(|(kind, expect)| {
            ALL_OPS.iter().filter_map(move |op| {
                expect(*op).map(|expect| Case { op: *op, kind: *kind, expect })
            })
        })
        .collect()
}

/// An Everbridge HTTP-200 failure: an error with status 200, then the listing resumed or
/// the page asked again reads exactly the seeded entries.
fn everbridge_200_failure(op: Op) -> Option<Expect> {
    op.is_everbridge().then_some(Expect::Fails(Want::Status(200), Then::Recover))
}
