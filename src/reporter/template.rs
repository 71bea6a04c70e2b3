//! A report template and its output format, as Reporter sends them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use crate::datetime::Tolerant;

wire_enum! {
    /// The kind of file a template produces. Decoded case-insensitively; any other value is
    /// kept in `Unknown`.
    ///
    /// ```
    /// use auditkit::reporter::OutputFormat;
    /// assert_eq!(OutputFormat::from("csv"), OutputFormat::Csv);
    /// assert_eq!(OutputFormat::Pdf.as_str(), "PDF");
    /// ```
    pub enum OutputFormat {
        /// `CSV`.
        Csv = "CSV",
        /// `HTML`.
        Html = "HTML",
        /// `XML`.
        Xml = "XML",
        /// `TXT`.
        Txt = "TXT",
        /// `PDF`.
        Pdf = "PDF",
    }
}

impl OutputFormat {
    /// The format as Reporter stores it and its filters match it: lower case (`csv`).
    pub(super) fn wire_lower(&self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

/// A report template (Reporter's `Template`).
///
/// ```
/// use auditkit::reporter::{OutputFormat, Template};
///
/// let template: Template = serde_json::from_value(serde_json::json!({
///     "id": "00000000-0000-4000-8000-000000000001",
///     "description": "Monthly account balances",
///     "outputFormat": "csv",
///     "fileName": "0196159b-4f26-7300-b3d9-f4f68a7c85f3_1744119295.tpl",
///     "createdAt": "2021-01-01T00:00:00Z",
/// }))?;
/// assert_eq!(template.output_format, Some(OutputFormat::Csv));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Template {
    /// The template's id; pass it to
    /// [`generate_report`](super::Service::generate_report).
    pub id: String,
    /// What the template is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The kind of file its reports are.
    #[serde(default)]
    pub output_format: Option<OutputFormat>,
    /// The stored template file's name.
    #[serde(default)]
    pub file_name: Option<String>,
    /// When the template was created.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When the template last changed.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// When the template was deleted, if it was.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}
