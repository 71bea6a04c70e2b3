//! A template file to upload: from a path, from bytes, or from an `AsyncRead`, streamed as
//! multipart field `template` (the field Reporter's server reads; its spec says
//! `templateFile`).

use std::{
    fmt,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use bytes::{Bytes, BytesMut};
use futures::stream;
use reqwest::multipart::Part;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::{Error, Operation};

/// The bytes read from an `AsyncRead` at a time.
const READ_CHUNK: usize = 64 * 1024;

type Reader = Box<dyn AsyncRead + Send + Unpin>;

/// A template file for [`create_template`](super::Service::create_template) and
/// [`update_template`](super::UpdateTemplate::file). Its name must contain `.tpl`, as
/// Reporter requires, and it must not be empty.
///
/// ```no_run
/// use auditkit::reporter::TemplateFile;
///
/// let from_disk = TemplateFile::path("templates/balances.tpl");
/// let in_memory = TemplateFile::bytes("balances.tpl", "account_id,balance\n{{ … }}\n");
/// let from_a_reader = TemplateFile::reader("balances.tpl", tokio::io::empty());
/// ```
///
/// The file is streamed, never read whole into memory. A path or bytes can be sent again,
/// so a call that is retried (a 409 while the first request with the key is in flight, a
/// lost answer) sends the file again; a reader can be read once, so a call with a reader
/// is not repeated after its file was sent: give a path or bytes for that.
pub struct TemplateFile {
    name: String,
    source: Source,
}

enum Source {
    Path(PathBuf),
    Bytes(Bytes),
    Reader(Arc<Mutex<Option<Reader>>>),
}

impl fmt::Debug for TemplateFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(path) => format!("path {}", path.display()),
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Reader(_) => "a reader".to_owned(),
        };
        f.debug_struct("TemplateFile").field("name", &self.name).field("source", &source).finish()
    }
}

impl TemplateFile {
    /// The file at `path`, opened and streamed at each attempt; sent under its file name.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name =
            path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        Self { name, source: Source::Path(path) }
    }

    /// `content`, sent under file name `name`.
    pub fn bytes(name: impl Into<String>, content: impl Into<Bytes>) -> Self {
        Self { name: name.into(), source: Source::Bytes(content.into()) }
    }

    /// What `reader` yields, streamed as it is read, under file name `name`. Sent once:
    /// see the type's docs.
    pub fn reader(
        name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        let reader: Reader = Box::new(reader);
        Self { name: name.into(), source: Source::Reader(Arc::new(Mutex::new(Some(reader)))) }
    }

    /// The name the file is sent under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Refuses, before sending, what Reporter refuses (TPL-0002, TPL-0006), and returns
    /// what stands for the file's content in the idempotency ledger: the bytes' hash, the
    /// path with its size and modification time, or the reader's name.
    pub(super) async fn check(&self, operation: Operation) -> Result<String, Error> {
        let refuse = |why: String| Err(Error::invalid_input(operation, why));
        if !self.name.contains(".tpl") {
            return refuse(format!(
                "the template file `{}` must be a `.tpl` file; Reporter refuses other names (TPL-0002)",
                self.name
            ));
        }
        match &self.source {
            Source::Bytes(bytes) if bytes.is_empty() => {
                refuse(format!("the template file `{}` is empty (Reporter's TPL-0006)", self.name))
            }
            Source::Bytes(bytes) => {
                Ok(format!("{}:{:032x}", self.name, crate::fingerprint::fnv128([&bytes[..]])))
            }
            Source::Path(path) => match tokio::fs::metadata(path).await {
                Ok(meta) if meta.len() == 0 => refuse(format!(
                    "the template file {} is empty (Reporter's TPL-0006)",
                    path.display()
                )),
                Ok(meta) => {
                    Ok(format!("{}:{}:{:?}", path.display(), meta.len(), meta.modified().ok()))
                }
                Err(error) => {
                    refuse(format!("the template file {} cannot be read: {error}", path.display()))
                }
            },
            Source::Reader(_) => Ok(format!("reader:{}", self.name)),
        }
    }

    /// The multipart part for one attempt.
    pub(super) fn part(&self, operation: Operation) -> Result<Part, Error> {
        let part = match &self.source {
            Source::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            Source::Path(path) => {
                let file = std::fs::File::open(path).map_err(|error| {
                    Error::invalid_input(
                        operation,
                        format!("the template file {} cannot be read: {error}", path.display()),
                    )
                })?;
                let length = file.metadata().map(|meta| meta.len()).ok();
                let file = tokio::fs::File::from_std(file);
                match length {
                    Some(length) => Part::stream_with_length(file, length),
                    None => Part::stream(file),
                }
            }
            Source::Reader(slot) => {
                let taken = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                let Some(reader) = taken else {
                    return Err(Error::invalid_input(
                        operation,
                        "the template file was given as a reader, which was already sent once and \
                         cannot be sent again; give a path or bytes to let the SDK repeat the request",
                    ));
                };
                Part::stream(reqwest::Body::wrap_stream(chunks(reader)))
            }
        };
        Ok(part.file_name(self.name.clone()))
    }
}

/// `reader` as a stream of chunks, read as the request body is sent.
fn chunks(reader: Reader) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    stream::try_unfold(reader, |mut reader| async move {
        let mut buffer = BytesMut::with_capacity(READ_CHUNK);
        let read = reader.read_buf(&mut buffer).await?;
        Ok((read > 0).then(|| (buffer.freeze(), reader)))
    })
}
