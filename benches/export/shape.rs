//! The workload's shape, shared by the server, the command's run and the baseline: who
//! is asked, for how much, from when.

use chrono::{DateTime, NaiveDate, Utc};

pub(crate) const TOKEN: &str = "bench-token";
pub(crate) const TOKEN_VARIABLE: &str = "AUDITKIT_BENCH_TOKEN";
pub(crate) const PER_PAGE: usize = 1000;
pub(crate) const SOURCES: usize = 4;

pub(crate) fn first_day() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 10, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .expect("a date")
        .and_utc()
}
