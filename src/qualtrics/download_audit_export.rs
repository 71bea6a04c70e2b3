//! `GET /API/v3/audit-exports/{id}/files/{fileId}` — a bulk audit export's file, as bytes
//! or as its events one at a time.

use futures::{Stream, StreamExt, stream::BoxStream};
use reqwest::{Method, StatusCode};
use serde::de::{DeserializeOwned, Error as _};

use super::{AuditExport, export_file::ExportFile, operation};
use crate::{
    Download, Error, Operation,
    error::DecodeError,
    pagination::Undecodable,
    transport::{EndpointSlot, decode_json},
};

const OPERATION: Operation = operation("download_audit_export");

/// The longest record [`events`](DownloadAuditExport::events) reads by default: 8 MiB.
const MAX_RECORD: usize = 8 * 1024 * 1024;

boxed_stream! {
    /// The events of a bulk audit export's file, one at a time, as
    /// [`DownloadAuditExport::events`] reads them. `Send + Unpin + 'static`.
    pub struct ExportEvents<T> yields Result<T, Error>;
}

/// Downloads a complete bulk audit export's file. Created by
/// [`Service::download_audit_export`](super::Service::download_audit_export).
///
/// [`send`](Self::send) gives the file as bytes ([`Download`]);
/// [`events`](Self::events) reads it as events, one at a time: NDJSON (one event a line),
/// a JSON array of events, or (with the `zip` feature) a zip of such files, unpacked as it
/// streams. Memory stays bounded whatever the file's size: one chunk, 64 KiB unpacked and
/// one record, each record at most [`max_record_size`](Self::max_record_size). Without
/// the `zip` feature, `events` refuses a zip with an error that says so; `send` still
/// saves it.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited or `.events()` is read"]
pub struct DownloadAuditExport {
    slot: EndpointSlot,
    export: Option<String>,
    file: Option<String>,
    max_record: usize,
}

impl DownloadAuditExport {
    pub(super) fn new(slot: EndpointSlot, export: &AuditExport) -> Self {
        let file = export.file().map(str::to_owned);
        Self { slot, export: export.id.clone(), file, max_record: MAX_RECORD }
    }

    /// The longest record (line, or array element) [`events`](Self::events) reads, in
    /// bytes; a longer one ends the stream with an error instead of filling memory.
    /// Default 8 MiB.
    pub fn max_record_size(mut self, bytes: usize) -> Self {
        self.max_record = bytes;
        self
    }

    /// Requests the file; its bytes arrive as the [`Download`] is read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the export has no id; otherwise the transport's errors.
    pub async fn send(self) -> Result<Download, Error> {
        let (Some(export), Some(file)) = (self.export.as_deref(), self.file.as_deref()) else {
            return Err(Error::invalid_input(OPERATION, "the export has no id"));
        };
        let endpoint = self.slot.get()?;
        let path = ["audit-exports", export, "files", file];
        let request = endpoint.request(OPERATION, Method::GET, &path);
        Ok(Download::new(OPERATION, endpoint.send_streamed(request).await?))
    }

    /// The file's events, decoded as `T` (`serde_json::Value` to keep them as sent), one
    /// at a time. Nothing is requested before the stream is first polled.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let q = client.qualtrics();
    /// let export = q.wait_for_audit_export("AE_1").await?;
    /// let mut events = q.download_audit_export(&export).events::<serde_json::Value>();
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{}", event["id"]);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// A record that does not decode as `T` is an [`Error::Decode`] item and the stream
    /// goes on; a failed request, a body that breaks off, a record over the cap, a JSON
    /// array cut short, a zip that is damaged, cut short or packed in a way this SDK does
    /// not read (encrypted, neither stored nor deflated), or any zip without the `zip`
    /// feature, end it with their error.
    pub fn events<T: DeserializeOwned + Send + 'static>(self) -> ExportEvents<T> {
        ExportEvents::new(self.decoded(|request_id, record| {
            decode_json::<T>(OPERATION, StatusCode::OK, request_id, record)
        }))
    }

    /// The file's events as a collector lists them: a record that does not decode is kept
    /// as [`Undecodable`] and the stream goes on.
    pub(crate) fn events_or_undecodable<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> BoxStream<'static, Result<Result<T, Undecodable>, Error>> {
        Box::pin(
            self.decoded(|_, record| {
                Ok(Undecodable::or_item::<T>(OPERATION, StatusCode::OK, record))
            }),
        )
    }

    /// The file's records, each made a `T` by `decode` (given the request's id).
    fn decoded<T: Send + 'static>(
        self,
        decode: impl Fn(Option<&str>, &[u8]) -> Result<T, Error> + Send + 'static,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        let max = self.max_record;
        async_stream::stream! {
            let mut download = match self.send().await {
                Ok(download) => download,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let request_id = download.request_id().map(str::to_owned);
            let mut file = ExportFile::new(max);
            loop {
                let at_end = match download.next().await {
                    Some(Ok(chunk)) => {
                        file.push(&chunk);
                        false
                    }
                    Some(Err(error)) => {
                        yield Err(error);
                        return;
                    }
                    None => true,
                };
                loop {
                    match file.next_record(at_end) {
                        Ok(Some(record)) => yield decode(request_id.as_deref(), &record),
                        Ok(None) => break,
                        Err(message) => {
                            yield Err(unreadable(request_id.as_deref(), message));
                            return;
                        }
                    }
                }
                if at_end {
                    return;
                }
            }
        }
    }
}

fn unreadable(request_id: Option<&str>, message: String) -> Error {
    Error::Decode(Box::new(DecodeError {
        operation: OPERATION,
        status: StatusCode::OK,
        path: String::new(),
        excerpt: String::new(),
        request_id: request_id.map(str::to_owned),
        source: serde_json::Error::custom(message),
    }))
}
