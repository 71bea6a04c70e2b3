//! `POST v1/templates` (multipart: file in field `template`, `outputFormat`,
//! `description`; idempotent like report creation), `PATCH v1/templates/{id}` and
//! `DELETE v1/templates/{id}`, with Reporter's checks in its order: the form (TPL-0005,
//! TPL-0002, TPL-0006, TPL-0001, TPL-0003, TPL-0007), then the key, then the template.

use hyper::{StatusCode, header::HeaderName};

use super::{
    idempotency::{Store, Verdict},
    multipart::{self, FormPart},
    refusal::{Refusal, error},
    state::{State, not_found},
    templates,
};
use crate::testkit::sim::{SimRequest, SimResponse};

const REPLAYED: HeaderName = HeaderName::from_static("x-idempotency-replayed");
const FORMATS: [&str; 5] = ["csv", "html", "xml", "txt", "pdf"];

fn bad(code: &'static str, title: &'static str, message: &str) -> Refusal {
    Refusal::bad_request(code, title, message.to_owned())
}

/// The form's text field `name`.
fn text<'a>(parts: &'a [FormPart], name: &str) -> Option<&'a str> {
    let part = parts.iter().find(|part| part.name == name && part.file_name.is_none())?;
    std::str::from_utf8(&part.body).ok().map(str::trim).filter(|text| !text.is_empty())
}

/// The file in field `template` (Reporter reads no other field), checked.
fn template_file(parts: &[FormPart], required: bool) -> Result<Option<&FormPart>, Refusal> {
    let Some(file) = parts.iter().find(|part| part.name == "template" && part.file_name.is_some()) else {
        if required {
            return Err(bad("TPL-0005", "Invalid File Uploaded", "The template file must be sent in form field `template`."));
        }
        return Ok(None);
    };
    if !file.file_name.as_deref().unwrap_or_default().contains(".tpl") {
        return Err(bad("TPL-0002", "Invalid File Format", "The template file must be a .tpl file."));
    }
    if file.body.is_empty() {
        return Err(bad("TPL-0006", "Empty File", "The template file is empty."));
    }
    Ok(Some(file))
}

fn check_format(format: &str) -> Result<String, Refusal> {
    let lower = format.to_ascii_lowercase();
    if !FORMATS.contains(&lower.as_str()) {
        return Err(bad("TPL-0003", "Invalid Output Format", "The outputFormat must be XML, HTML, TXT, CSV or PDF."));
    }
    Ok(lower)
}

/// Whether `content` looks like a template for `format`, as Reporter checks it.
fn matches_format(format: &str, content: &[u8]) -> Result<(), Refusal> {
    let text = String::from_utf8_lossy(content);
    let fits = match format {
        "html" | "pdf" => text.contains("<html") || text.contains("<!DOCTYPE html"),
        "xml" => text.contains('<'),
        "csv" => {
            let mut lines = text.split('\n');
            let first = lines.next().unwrap_or_default();
            lines.next().is_some() && (first.contains(',') || first.contains(';'))
        }
        _ => !text.trim().is_empty(),
    };
    if fits { Ok(()) } else { Err(bad("TPL-0007", "Invalid File Content", &format!("The file content is not a valid {format} template."))) }
}

fn form(request: &SimRequest) -> Result<Vec<FormPart>, Refusal> {
    multipart::parse(request.header("content-type"), &request.body)
        .ok_or_else(|| bad("TPL-0005", "Invalid File Uploaded", "The request must be multipart/form-data."))
}

impl State {
    pub(super) fn create_template(&mut self, request: &SimRequest) -> SimResponse {
        let checked = form(request).and_then(|parts| {
            let file = template_file(&parts, true)?.cloned();
            let (Some(format), Some(description)) = (text(&parts, "outputFormat"), text(&parts, "description")) else {
                return Err(bad("TPL-0001", "Missing Required Fields", "outputFormat and description are required."));
            };
            let format = check_format(format)?;
            if let Some(file) = &file {
                matches_format(&format, &file.body)?;
            }
            Ok((format, description.to_owned()))
        });
        let (format, description) = match checked {
            Ok(checked) => checked,
            Err(refusal) => return refusal.into(),
        };
        let key = format!("template:{}", Store::key_of(request.header("x-idempotency"), &request.body));
        match self.keys.claim(&key) {
            Verdict::Proceed => {}
            Verdict::InFlight => {
                return error(StatusCode::CONFLICT, "TPL-0039", "Duplicate Request In Flight", "A request with the same idempotency key is still being processed. Try again later.");
            }
            Verdict::Replay(answer) => return SimResponse::json(StatusCode::CREATED, &answer).with_header(REPLAYED, "true"),
        }
        self.template_seq = self.template_seq.saturating_add(1);
        let id = format!("01970000-0000-7000-8000-{:012x}", self.template_seq);
        let template = templates::uploaded(id, description, format);
        self.templates.push(template);
        let answer = template.json();
        self.keys.complete(&key, answer.clone(), self.config.in_flight_requests);
        SimResponse::json(StatusCode::CREATED, &answer).with_header(REPLAYED, "false")
    }

    pub(super) fn update_template(&mut self, id: &str, request: &SimRequest) -> SimResponse {
        let Some(at) = self.templates.iter().position(|template| template.id == id) else {
            return not_found("template", id);
        };
        let current = self.templates[at];
        let checked = form(request).and_then(|parts| {
            let file = template_file(&parts, false)?.cloned();
            let format = text(&parts, "outputFormat").map(check_format).transpose()?;
            if format.is_some() && file.is_none() {
                return Err(bad("TPL-0010", "Output Format Without Template File", "The outputFormat can only change together with a new template file."));
            }
            if let (Some(file), Some(format)) = (&file, &format) {
                matches_format(format, &file.body)?;
            }
            Ok((format, text(&parts, "description").map(str::to_owned)))
        });
        let (format, description) = match checked {
            Ok(checked) => checked,
            Err(refusal) => return refusal.into(),
        };
        let updated = templates::uploaded(
            current.id.to_owned(),
            description.unwrap_or_else(|| current.description.to_owned()),
            format.unwrap_or_else(|| current.output_format.to_owned()),
        );
        self.templates[at] = updated;
        SimResponse::json(StatusCode::OK, &updated.json())
    }

    pub(super) fn delete_template(&mut self, id: &str) -> SimResponse {
        let before = self.templates.len();
        self.templates.retain(|template| template.id != id);
        if self.templates.len() == before {
            return not_found("template", id);
        }
        SimResponse::bytes(StatusCode::NO_CONTENT, "text/plain", bytes::Bytes::new())
    }
}
