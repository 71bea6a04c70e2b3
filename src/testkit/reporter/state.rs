//! The simulator's state: its reports, the idempotency store, the settings, and the
//! answers that read a single report or template, or download a report's file.

use chrono::{DateTime, Utc};
use hyper::{StatusCode, header::CONTENT_DISPOSITION};
use serde_json::Value;

use super::{
    config::Config,
    idempotency::Store,
    reports::{Report, Stamp, Status},
    refusal::error,
    templates,
};
use crate::testkit::sim::SimResponse;

#[derive(Debug)]
pub(super) struct State {
    pub(super) config: Config,
    pub(super) reports: Vec<Report>,
    pub(super) keys: Store,
    /// The templates: the seeded ones, then the uploaded ones; deleted ones are removed.
    pub(super) templates: Vec<&'static templates::Template>,
    /// Dependencies `GET /ready` reports down, with why.
    pub(super) down: std::collections::BTreeMap<String, String>,
    /// The number of the last template uploaded (ids are made from it).
    pub(super) template_seq: u64,
    /// The rate limiter's windows.
    pub(super) windows: super::rate_limits::Windows,
    /// The number of the last report made (ids are made from it).
    seq: u64,
}

impl State {
    pub(super) fn new(config: Config) -> Self {
        Self { config, reports: Vec::new(), keys: Store::default(), windows: Default::default(), seq: 0, templates: templates::seeded(), down: Default::default(), template_seq: 0 }
    }

    /// The next report of `template`, `Processing` (or `PendingExtraction` first, when the
    /// sandbox is set so), asked for at `created_at`; the caller
    /// stores it.
    pub(super) fn next_report(
        &mut self,
        template: &'static templates::Template,
        filters: Value,
        created_at: DateTime<Utc>,
    ) -> Report {
        self.seq = self.seq.saturating_add(1);
        let report = Report::new(self.seq, template, filters, created_at);
        if self.config.pending_extraction_reads > 0 { report.pending() } else { report }
    }

    pub(super) fn render(&self, report: &Report, stamp: Stamp) -> Value {
        report.json(self.config.lowercase_status, stamp)
    }

    fn find_mut(&mut self, id: &str) -> Option<&mut Report> {
        self.reports.iter_mut().find(|report| report.id == id)
    }

    /// `GET v1/reports/{id}`: a read, which moves the report on.
    pub(super) fn get_report(&mut self, id: &str) -> SimResponse {
        let config = self.config;
        let Some(report) = self.find_mut(id) else { return not_found("report", id) };
        report.observe(true, &config);
        let report = report.clone();
        SimResponse::json(StatusCode::OK, &self.render(&report, Stamp::Read))
    }

    /// `GET v1/reports/{id}/download`: the file of a `Finished` report, streamed.
    pub(super) fn download(&mut self, id: &str) -> SimResponse {
        let config = self.config;
        let Some(report) = self.find_mut(id) else { return not_found("report", id) };
        report.observe(false, &config);
        if report.status != Status::Finished {
            return error(
                StatusCode::BAD_REQUEST,
                "TPL-0029",
                "Report Status Not Finished",
                &format!("The report {id} is {}; only a Finished report can be downloaded.", report.status.stored()),
            );
        }
        let (content_type, extension) = report.template.media();
        SimResponse::chunks(StatusCode::OK, content_type, report.template.file(id))
            .with_header(CONTENT_DISPOSITION, &format!("attachment; filename=\"{id}.{extension}\""))
    }

    /// `GET v1/templates/{id}`.
    pub(super) fn get_template(&self, id: &str) -> SimResponse {
        match self.find_template(id) {
            Some(template) => SimResponse::json(StatusCode::OK, &template.json()),
            None => not_found("template", id),
        }
    }

    /// Every template as listed.
    pub(super) fn templates(&self) -> Vec<Value> {
        self.templates.iter().map(|template| template.json()).collect()
    }

    /// The template with `id`, unless it was deleted.
    pub(super) fn find_template(&self, id: &str) -> Option<&'static templates::Template> {
        self.templates.iter().copied().find(|template| template.id == id)
    }
}

pub(super) fn not_found(what: &str, id: &str) -> SimResponse {
    error(
        StatusCode::NOT_FOUND,
        "TPL-0011",
        "Entity Not Found",
        &format!("No {what} was found for the given id {id}."),
    )
}
