//! The templates a sandbox starts with — one per output format, one whose reports are a
//! 20 MiB file, one whose reports fail — and the file each one's reports download as.

use std::sync::OnceLock;

use bytes::Bytes;
use serde_json::{Value, json};

/// One seeded template.
#[derive(Debug, Clone, Copy)]
pub(super) struct Template {
    pub(super) id: &'static str,
    pub(super) description: &'static str,
    pub(super) output_format: &'static str,
    /// Its reports end in `Error` instead of `Finished`.
    pub(super) fails: bool,
    /// Its reports are [`LARGE_FILE_LEN`] bytes.
    pub(super) large: bool,
}

/// The size of a report of the large template: 20 MiB.
pub(super) const LARGE_FILE_LEN: u64 = (LARGE_CHUNKS as u64) * (CHUNK as u64);

/// The seeded templates' ids, published as `ReporterSandbox::*_TEMPLATE`.
pub(super) const CSV_TEMPLATE: &str = "00000000-0000-4000-8000-000000000001";
pub(super) const HTML_TEMPLATE: &str = "00000000-0000-4000-8000-000000000002";
pub(super) const XML_TEMPLATE: &str = "00000000-0000-4000-8000-000000000003";
pub(super) const TXT_TEMPLATE: &str = "00000000-0000-4000-8000-000000000004";
pub(super) const PDF_TEMPLATE: &str = "00000000-0000-4000-8000-000000000005";
pub(super) const LARGE_TEMPLATE: &str = "00000000-0000-4000-8000-000000000006";
pub(super) const FAILING_TEMPLATE: &str = "00000000-0000-4000-8000-000000000007";

/// Why the failing template's reports fail, as `metadata.error` says it.
pub(super) const FAILURE: &str = "datasource midaz_onboarding is unreachable: connection refused";

const CHUNK: usize = 64 * 1024;
const LARGE_CHUNKS: usize = 320;
/// A large file's line: every line of its block has this length.
const LINE: usize = 64;

pub(super) const TEMPLATES: [Template; 7] = [
    seed(CSV_TEMPLATE, "Monthly account balances", "CSV"),
    seed(HTML_TEMPLATE, "Account statement", "HTML"),
    seed(XML_TEMPLATE, "Regulatory export", "XML"),
    seed(TXT_TEMPLATE, "Plain text summary", "TXT"),
    seed(PDF_TEMPLATE, "Signed statement", "PDF"),
    Template { large: true, ..seed(LARGE_TEMPLATE, "Full ledger export (20 MiB)", "CSV") },
    Template { fails: true, ..seed(FAILING_TEMPLATE, "Cross-datasource reconciliation", "HTML") },
];

const fn seed(id: &'static str, description: &'static str, output_format: &'static str) -> Template {
    Template { id, description, output_format, fails: false, large: false }
}

/// The seeded templates, as the state starts with them.
pub(super) fn seeded() -> Vec<&'static Template> {
    TEMPLATES.iter().collect()
}

/// A template uploaded to the sandbox. Its strings are leaked to share the seeded
/// templates' `'static` shape: a few bytes per upload, for a sandbox that lives as long as
/// a test or a demo.
pub(super) fn uploaded(id: String, description: String, output_format: String) -> &'static Template {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    Box::leak(Box::new(Template {
        id: leak(id),
        description: leak(description),
        output_format: leak(output_format.to_ascii_lowercase()),
        fails: false,
        large: false,
    }))
}

impl Template {
    /// The template as `GET v1/templates` lists it.
    pub(super) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "description": self.description,
            // Stored in lower case, as Reporter does.
            "outputFormat": self.output_format.to_ascii_lowercase(),
            "fileName": format!("{}_1744119295.tpl", self.id),
            "createdAt": "2026-01-05T09:30:00Z",
            "updatedAt": "2026-02-10T14:00:00.250Z",
        })
    }

    /// The `Content-Type` and file extension of its reports.
    pub(super) fn media(&self) -> (&'static str, &'static str) {
        match self.output_format.to_ascii_uppercase().as_str() {
            "CSV" => ("text/csv", "csv"),
            "HTML" => ("text/html; charset=utf-8", "html"),
            "XML" => ("application/xml", "xml"),
            "TXT" => ("text/plain; charset=utf-8", "txt"),
            "PDF" => ("application/pdf", "pdf"),
            _ => ("application/octet-stream", "bin"),
        }
    }

    /// The file of report `id`, in the chunks it is sent in.
    pub(super) fn file(&self, id: &str) -> Vec<Bytes> {
        if self.large {
            return large_file();
        }
        let (head, rest) = match self.media().1 {
            "csv" => ("report_id,account_id,balance\n".to_owned(), format!("{id},A-1,100.00\n{id},A-2,250.50\n")),
            "html" => (
                format!("<!DOCTYPE html><html><body><h1>Report {id}</h1>"),
                "<p>A-1: 100.00</p><p>A-2: 250.50</p></body></html>\n".to_owned(),
            ),
            "xml" => (
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><report id=\"{id}\">"),
                "<account id=\"A-1\" balance=\"100.00\"/></report>\n".to_owned(),
            ),
            "pdf" => (format!("%PDF-1.4\n% sandbox report {id}\n"), "%%EOF\n".to_owned()),
            _ => (format!("Report {id}\n"), "A-1 100.00\nA-2 250.50\n".to_owned()),
        };
        vec![Bytes::from(head), Bytes::from(rest)]
    }
}

/// A 20 MiB CSV sent in 64 KiB chunks, each a different window onto one shared 128 KiB
/// block of numbered lines: the chunks only count references to the block, so a download
/// costs the sandbox no memory of its size.
fn large_file() -> Vec<Bytes> {
    static BLOCK: OnceLock<Bytes> = OnceLock::new();
    let block = BLOCK.get_or_init(|| {
        let lines = 2 * CHUNK / LINE;
        let text: String =
            (0..lines).map(|n| format!("{n:08},{:>width$}\n", format!("ledger entry {n}"), width = LINE - 10)).collect();
        Bytes::from(text)
    });
    let lines_per_chunk = CHUNK / LINE;
    (0..LARGE_CHUNKS)
        .map(|chunk| {
            let start = chunk.saturating_mul(37) % lines_per_chunk * LINE;
            let end = start.saturating_add(CHUNK).min(block.len());
            block.slice(start.min(end)..end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_large_file_is_20_mib_of_whole_lines_in_distinct_chunks() {
        let chunks = large_file();
        let len: usize = chunks.iter().map(Bytes::len).sum();
        assert_eq!(len as u64, LARGE_FILE_LEN);
        assert_eq!(LARGE_FILE_LEN, 20 * 1024 * 1024);
        assert!(chunks.iter().all(|chunk| chunk.len() % LINE == 0 && chunk.ends_with(b"\n")));
        assert_ne!(chunks[0], chunks[1]);
        assert_eq!(&chunks[0][..LINE], format!("{:08},{:>54}\n", 0, "ledger entry 0").as_bytes());
    }

    #[test]
    fn every_format_has_its_media_type_and_a_small_file_naming_the_report() {
        for template in TEMPLATES.iter().filter(|t| !t.large) {
            let file: Vec<u8> = template.file("r-9").concat();
            assert!(String::from_utf8_lossy(&file).contains("r-9"), "{}", template.output_format);
        }
        let formats: Vec<_> = TEMPLATES.iter().map(|t| t.media().1).collect();
        assert_eq!(formats, ["csv", "html", "xml", "txt", "pdf", "csv", "html"]);
    }
}
