//! `PATCH /v1/templates/{id}` — change a template's file, format or description.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::{Method, multipart::Form};

use super::{
    OutputFormat, Service, Template, TemplateFile, create_template::checked_format, operation,
    protocol::advise, require_id,
};
use crate::{Error, Operation, transport::MultipartBody};

const OPERATION: Operation = operation("update_template");

/// Changes a template: any of its file, output format and description. Created by
/// [`Service::update_template`](super::Service::update_template).
///
/// Reporter changes a template's output format only together with a new file (the file
/// must match the format): an update that sets [`output_format`](Self::output_format)
/// without [`file`](Self::file) is refused before sending, as Reporter would refuse it
/// (TPL-0010). An update that changes nothing is refused too.
///
/// The same values sent twice leave the template as once, so the update is retried like a
/// read after a lost answer (a file from a reader excepted: see [`TemplateFile`]).
///
/// ```no_run
/// use auditkit::reporter::{OutputFormat, TemplateFile};
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let template = client
///     .reporter()
///     .update_template("00000000-0000-4000-8000-000000000001")
///     .file(TemplateFile::path("balances.html.tpl"))
///     .output_format(OutputFormat::Html)
///     .description("Monthly balances (HTML)")
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct UpdateTemplate {
    service: Service,
    id: String,
    file: Option<TemplateFile>,
    output_format: Option<OutputFormat>,
    description: Option<String>,
}

impl UpdateTemplate {
    pub(super) fn new(service: Service, id: String) -> Self {
        Self { service, id, file: None, output_format: None, description: None }
    }

    /// A new template file (multipart field `template`).
    pub fn file(mut self, file: TemplateFile) -> Self {
        self.file = Some(file);
        self
    }

    /// A new output format (`outputFormat`); needs a new [`file`](Self::file) too.
    pub fn output_format(mut self, format: OutputFormat) -> Self {
        self.output_format = Some(format);
        self
    }

    /// A new description (`description`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sends the update: the template as it now is.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], before any request, for an empty id, an
    /// output format without a file (Reporter's TPL-0010), an empty description, a file
    /// not named `*.tpl` or empty, or an update that changes nothing; [`Error::Api`] with
    /// 404 `TPL-0011` for an unknown template, and Reporter's other refusals.
    pub async fn send(self) -> Result<Template, Error> {
        let endpoint = self.service.slot.get()?;
        require_id(OPERATION, "template id", &self.id)?;
        let refuse = |why: &str| Err(Error::invalid_input(OPERATION, why.to_owned()));
        if self.output_format.is_some() && self.file.is_none() {
            return refuse(
                "a template's output format changes only together with a new file that matches \
                 it: add `.file(..)` (Reporter refuses this update with TPL-0010)",
            );
        }
        if self.file.is_none() && self.output_format.is_none() && self.description.is_none() {
            return refuse(
                "the update changes nothing: set a file, an output format or a description",
            );
        }
        if self.description.as_deref().is_some_and(|d| d.trim().is_empty()) {
            return refuse("the new description is empty; leave it out to keep the current one");
        }
        let format = self.output_format.as_ref().map(checked_format).transpose()?;
        let content = match &self.file {
            Some(file) => Some(file.check(OPERATION).await?),
            None => None,
        };
        let fingerprint =
            Bytes::from(format!("{format:?}\u{1f}{:?}\u{1f}{content:?}", self.description));
        let (file, description) = (self.file.map(Arc::new), self.description);
        let make = move || {
            let mut form = Form::new();
            if let Some(format) = &format {
                form = form.text("outputFormat", format.clone());
            }
            if let Some(description) = &description {
                form = form.text("description", description.clone());
            }
            if let Some(file) = &file {
                form = form.part("template", file.part(OPERATION)?);
            }
            Ok(form)
        };
        let request = endpoint
            .request(OPERATION, Method::PATCH, &["v1", "templates", &self.id])
            .multipart_body(MultipartBody { make: Arc::new(make), fingerprint })
            .idempotent();
        endpoint.send_json(request).await.map_err(advise)
    }
}
