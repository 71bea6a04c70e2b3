//! `POST /v1/templates` — upload a template (multipart), idempotently.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::{Method, multipart::Form};

use super::{
    OutputFormat, Service, Template, TemplateFile, generate_report::replayed, operation,
    protocol::advise,
};
use crate::{Error, IdempotencyKey, Idempotent, Operation, transport::MultipartBody};

const OPERATION: Operation = operation("create_template");

/// Uploads a report template. Created by
/// [`Service::create_template`](super::Service::create_template).
///
/// The file goes in multipart field `template` (the field Reporter's server reads; its
/// published spec says `templateFile`), with `outputFormat` (lower case, as Reporter
/// stores it) and `description`, streamed from a path, bytes or a reader (see
/// [`TemplateFile`]).
///
/// # Idempotency
///
/// Exactly as [`GenerateReport`](super::GenerateReport): every request carries a key
/// (`X-Idempotency`), yours or one the SDK makes once per call, so a retry creates nothing
/// twice; an answer that replays an earlier request with the key is
/// [`replayed`](crate::Idempotent::replayed); a 409 while the first request with the key
/// is still in flight is waited out within the retry policy; and this client refuses,
/// before sending, a key it already sent with another file or other fields. Reporter keys
/// template uploads apart from report requests (`idempotency:template:<key>`).
#[derive(Debug)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct CreateTemplate {
    service: Service,
    file: TemplateFile,
    output_format: OutputFormat,
    description: String,
    idempotency_key: Option<IdempotencyKey>,
}

impl CreateTemplate {
    pub(super) fn new(
        service: Service,
        file: TemplateFile,
        output_format: OutputFormat,
        description: String,
    ) -> Self {
        Self { service, file, output_format, description, idempotency_key: None }
    }

    /// The idempotency key to send instead of a fresh one (see
    /// [`GenerateReport::idempotency_key`](super::GenerateReport::idempotency_key)).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Sends the upload: the template as created, or as first created when the key was
    /// seen before ([`replayed`](crate::Idempotent::replayed)).
    ///
    /// ```no_run
    /// use auditkit::reporter::{OutputFormat, TemplateFile};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let created = client
    ///     .reporter()
    ///     .create_template(TemplateFile::path("balances.tpl"), OutputFormat::Csv, "Monthly balances")
    ///     .send()
    ///     .await?;
    /// println!("template {}", created.value.id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`], before any request, for a file not named `*.tpl`, an empty
    /// or unreadable file, an empty description, a format Reporter does not know, or a key
    /// this client already sent with another upload; [`Error::Api`] for Reporter's
    /// refusals (TPL-0007: the file's content does not match the format; TPL-0032: a
    /// script tag) and a key still in flight after every retry.
    pub async fn send(self) -> Result<Idempotent<Template>, Error> {
        let endpoint = self.service.slot.get()?;
        let format = checked_format(&self.output_format)?;
        if self.description.trim().is_empty() {
            return Err(Error::invalid_input(
                OPERATION,
                "the template's description is empty; Reporter requires one (TPL-0001)",
            ));
        }
        let content = self.file.check(OPERATION).await?;
        let key = self.idempotency_key.unwrap_or_else(IdempotencyKey::generate);
        let fingerprint = Bytes::from(format!("{format}\u{1f}{}\u{1f}{content}", self.description));
        let (file, description) = (Arc::new(self.file), self.description);
        let make = move || {
            Ok(Form::new()
                .text("outputFormat", format.clone())
                .text("description", description.clone())
                .part("template", file.part(OPERATION)?))
        };
        let request = endpoint
            .request(OPERATION, Method::POST, &["v1", "templates"])
            .multipart_body(MultipartBody { make: Arc::new(make), fingerprint })
            .idempotency_key(super::generate_report::KEY_HEADER, &key);
        let answer = endpoint.send(request).await.map_err(advise)?;
        Ok(Idempotent::new(answer.json(OPERATION)?, replayed(&answer), key))
    }
}

/// `format` as Reporter stores it (lower case), or the error for one it does not know.
pub(super) fn checked_format(format: &OutputFormat) -> Result<String, Error> {
    if let OutputFormat::Unknown(other) = format {
        return Err(Error::invalid_input(
            OPERATION,
            format!(
                "the output format `{other}` is not one Reporter knows (csv, html, xml, txt, pdf)"
            ),
        ));
    }
    Ok(format.wire_lower())
}
