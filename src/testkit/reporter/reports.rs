//! One report in the simulator: where it stands, how it moves from `Processing` to
//! `Finished` (or `Error`), and how Reporter writes it.

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{config::Config, templates::{FAILURE, Template}};

/// A report's stored status, in Reporter's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    PendingExtraction,
    Processing,
    Finished,
    Error,
}

impl Status {
    pub(super) fn stored(self) -> &'static str {
        match self {
            Status::PendingExtraction => "PendingExtraction",
            Status::Processing => "Processing",
            Status::Finished => "Finished",
            Status::Error => "Error",
        }
    }
}

/// How a timestamp is written: Reporter's create answer has nanoseconds in UTC, its reads
/// milliseconds at the server's offset (São Paulo's, here).
#[derive(Debug, Clone, Copy)]
pub(super) enum Stamp {
    Created,
    Read,
}

#[derive(Debug, Clone)]
pub(super) struct Report {
    pub(super) id: String,
    pub(super) template: &'static Template,
    pub(super) filters: Value,
    pub(super) status: Status,
    pub(super) created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    reads: u32,
    started: Instant,
}

impl Report {
    /// Report number `seq` of `template`, as asked for at `created_at`, `Processing`.
    pub(super) fn new(seq: u64, template: &'static Template, filters: Value, created_at: DateTime<Utc>) -> Self {
        Self {
            id: format!("01960000-0000-7000-8000-{seq:012x}"),
            template,
            filters,
            status: Status::Processing,
            created_at,
            updated_at: created_at,
            completed_at: None,
            reads: 0,
            started: Instant::now(),
        }
    }

    /// Starts the report in `PendingExtraction` (Reporter 1.2's step before `Processing`).
    pub(super) fn pending(mut self) -> Self {
        self.status = Status::PendingExtraction;
        self
    }

    /// Counts a read when `read`, and moves the report on when it is due: out of
    /// `PendingExtraction` after the configured reads, then to its end.
    pub(super) fn observe(&mut self, read: bool, config: &Config) {
        if !matches!(self.status, Status::Processing | Status::PendingExtraction) {
            return;
        }
        if read {
            self.reads = self.reads.saturating_add(1);
        }
        if self.status == Status::PendingExtraction {
            if self.reads <= config.pending_extraction_reads {
                return;
            }
            self.status = Status::Processing;
            self.started = Instant::now();
        }
        let reads = self.reads.saturating_sub(config.pending_extraction_reads);
        if config.finishes(reads, self.started.elapsed()) {
            self.finish(Utc::now());
        }
    }

    /// Ends the report at `at`: `Error` for the failing template, `Finished` otherwise.
    pub(super) fn finish(&mut self, at: DateTime<Utc>) {
        self.status = if self.template.fails { Status::Error } else { Status::Finished };
        self.completed_at = Some(at);
        self.updated_at = at;
    }

    /// The report as Reporter answers with it.
    pub(super) fn json(&self, lowercase_status: bool, stamp: Stamp) -> Value {
        let status = self.status.stored();
        let status = if lowercase_status { status.to_ascii_lowercase() } else { status.to_owned() };
        let metadata = match self.status {
            Status::Error => json!({ "error": FAILURE }),
            _ => Value::Null,
        };
        let mut report = json!({
            "id": self.id,
            "templateId": self.template.id,
            "filters": self.filters,
            "status": status,
            "metadata": metadata,
            "createdAt": write(self.created_at, stamp),
            "updatedAt": write(self.updated_at, stamp),
            "deletedAt": null,
        });
        if let (Some(at), Value::Object(fields)) = (self.completed_at, &mut report) {
            fields.insert("completedAt".into(), write(at, stamp).into());
        }
        report
    }
}

fn write(at: DateTime<Utc>, stamp: Stamp) -> String {
    match stamp {
        Stamp::Created => at.to_rfc3339_opts(SecondsFormat::Nanos, true),
        Stamp::Read => {
            let sao_paulo = FixedOffset::west_opt(3 * 3600).unwrap_or_else(|| Utc.fix());
            at.with_timezone(&sao_paulo).to_rfc3339_opts(SecondsFormat::Millis, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::reporter::templates::TEMPLATES;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_report_is_written_with_nanoseconds_on_create_and_an_offset_on_reads() {
        let report = Report::new(7, &TEMPLATES[0], json!({}), at("2026-04-01T12:00:00.123456789Z"));
        let created = report.json(false, Stamp::Created);
        assert_eq!(created["id"], "01960000-0000-7000-8000-000000000007");
        assert_eq!(created["createdAt"], "2026-04-01T12:00:00.123456789Z");
        assert_eq!(created["status"], "Processing");
        assert_eq!(created.get("completedAt"), None);
        let read = report.json(true, Stamp::Read);
        assert_eq!(read["createdAt"], "2026-04-01T09:00:00.123-03:00");
        assert_eq!(read["status"], "processing");
    }

    #[test]
    fn reports_of_the_failing_template_end_in_error_with_a_reason() {
        let config = Config::default();
        let failing = TEMPLATES.iter().find(|t| t.fails).unwrap();
        let mut report = Report::new(1, failing, json!({}), Utc::now());
        report.observe(true, &config);
        assert_eq!(report.status, Status::Processing);
        report.observe(true, &config);
        let json = report.json(false, Stamp::Read);
        assert_eq!((json["status"].as_str(), json["metadata"]["error"].as_str()), (Some("Error"), Some(FAILURE)));
        assert!(json["completedAt"].is_string());
    }
}
