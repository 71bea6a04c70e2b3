//! A file as it downloads: its name and type, and its bytes as a stream, with
//! helpers to keep them in memory (bounded), write them to any `AsyncWrite`, or save them
//! to a path.

use std::{
    fmt, io,
    path::{Path, PathBuf},
    pin::Pin,
    task::{Context, Poll},
};

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt, stream::FusedStream};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::{
    Error, Operation,
    boxed_stream::Fused,
    error::{TransportError, TransportErrorKind},
    transport::{Streamed, attachment_filename, partial_file_name},
};

/// A file, downloading: generic, for any vendor endpoint that answers with a file. Created
/// by [`reporter::DownloadReport::send`](crate::reporter::DownloadReport::send).
///
/// It is a [`Stream`] of the file's chunks (`Send + Unpin + 'static`, fused) that reads
/// from the network only as it is polled, so memory holds one chunk at a time whatever the
/// file's size. A connection that breaks off mid-file is an error in the stream; the SDK
/// does not start the download again by itself.
///
/// ```no_run
/// # async fn demo(client: auditkit::Client, id: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let download = client.reporter().download_report(id).send().await?;
/// let name = download.filename().unwrap_or("report.bin").to_owned();
/// println!("{name}: {:?}", download.content_type());
/// let written = download.write_to_path(std::env::temp_dir().join(&name)).await?;
/// println!("saved {written} bytes");
/// # Ok(()) }
/// ```
#[must_use = "a download does nothing unless its stream is read"]
pub struct Download {
    operation: Operation,
    content_type: Option<String>,
    filename: Option<String>,
    content_length: Option<u64>,
    request_id: Option<String>,
    body: Fused<Result<Bytes, Error>>,
}

impl Download {
    pub(crate) fn new(operation: Operation, answer: Streamed) -> Self {
        let header = |name| answer.headers.get(name).and_then(|v| v.to_str().ok());
        Self {
            operation,
            content_type: header(CONTENT_TYPE).map(str::to_owned),
            filename: attachment_filename(&answer.headers),
            content_length: header(CONTENT_LENGTH).and_then(|len| len.trim().parse().ok()),
            request_id: answer.request_id,
            body: Fused::new(answer.body),
        }
    }

    /// The `Content-Type` the server sent (`text/csv`, `application/pdf`, …).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The file name from `Content-Disposition` (Reporter, for one, sends `<report id>.<ext>`),
    /// quoted or not, and never a path: anything up to the last `/` or `\` is dropped, so
    /// it is safe to join to a directory of yours.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The size announced in `Content-Length`, when the server sends one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The request id the server or its gateway gave the download, for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The whole file in memory, refused once it passes `max_bytes`, so a file larger than
    /// you expect cannot exhaust memory. (A download's stream is not limited by
    /// [`ClientBuilder::max_answer_size`](crate::ClientBuilder::max_answer_size), since it
    /// never holds the file.) For files of any size use
    /// [`write_to_path`](Self::write_to_path) or read the stream.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client, id: &str) -> Result<(), auditkit::Error> {
    /// let csv = client.reporter().download_report(id).send().await?.bytes(10 << 20).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Transport`] of kind [`TooLarge`](TransportErrorKind::TooLarge) when the
    /// file is larger than `max_bytes` (checked against `Content-Length` before reading, and
    /// while reading), of kind [`Body`](TransportErrorKind::Body) when the download breaks
    /// off.
    pub async fn bytes(mut self, max_bytes: usize) -> Result<Bytes, Error> {
        let too_large = |operation| {
            Error::Transport(Box::new(TransportError {
                operation,
                kind: TransportErrorKind::TooLarge,
                message: format!(
                    "the file is larger than the {max_bytes} bytes given to `bytes`; \
                     save it with `write_to_path` or read it as a stream"
                ),
                attempts: 1,
                source: None,
            }))
        };
        let announced = self.content_length.and_then(|len| usize::try_from(len).ok());
        if self.content_length.is_some() && announced.is_none_or(|len| len > max_bytes) {
            return Err(too_large(self.operation));
        }
        let mut file = BytesMut::with_capacity(announced.unwrap_or_default());
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if file.len().saturating_add(chunk.len()) > max_bytes {
                return Err(too_large(self.operation));
            }
            file.extend_from_slice(&chunk);
        }
        Ok(file.freeze())
    }

    /// Writes the file to `writer` as it arrives, then flushes it; the answer is the number
    /// of bytes written.
    ///
    /// # Errors
    /// The writer's errors, and the download's own: an [`Error`] is given as an
    /// [`io::Error`] of kind `Other` wrapping it (get it back with
    /// `io_error.get_ref().and_then(|e| e.downcast_ref::<auditkit::Error>())`).
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> io::Result<u64> {
        let mut written = 0_u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk.map_err(io::Error::other)?;
            writer.write_all(&chunk).await?;
            written = written.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        }
        writer.flush().await?;
        Ok(written)
    }

    /// Saves the file at `path` (replacing any file there) and answers the number of bytes
    /// written. The bytes go to a temporary file beside `path` that is synced and renamed
    /// to `path` only once complete, so `path` never holds half a file; on failure the
    /// temporary file is removed.
    ///
    /// # Errors
    /// The file system's errors (no such directory, no space left, …) and the download's
    /// own, as for [`write_to`](Self::write_to).
    pub async fn write_to_path(self, path: impl AsRef<Path>) -> io::Result<u64> {
        let path = path.as_ref();
        let partial = partial_path(path)?;
        let result = async {
            let mut file = tokio::fs::File::create(&partial).await?;
            let written = self.write_to(&mut file).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&partial, path).await?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            // The download or the disk failed; the error says which. What is left is junk.
            let _ = tokio::fs::remove_file(&partial).await;
        }
        result
    }
}

/// `dir/.name.<random>.part` for `dir/name`.
fn partial_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` does not name a file to save the download in", path.display()),
        )
    })?;
    let unique = uuid::Uuid::new_v4().simple();
    Ok(path.with_file_name(partial_file_name(&name.to_string_lossy(), &unique.to_string())))
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.body.poll_next(cx)
    }
}

impl FusedStream for Download {
    fn is_terminated(&self) -> bool {
        self.body.done
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .field("content_length", &self.content_length)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_file_sits_beside_the_target_and_a_target_needs_a_name() {
        let partial = partial_path(Path::new("/tmp/out/r-1.csv")).unwrap();
        assert_eq!(partial.parent(), Some(Path::new("/tmp/out")));
        let name = partial.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".r-1.csv.") && name.ends_with(".part"), "{name}");
        assert_ne!(partial, partial_path(Path::new("/tmp/out/r-1.csv")).unwrap());
        let error = partial_path(Path::new("/tmp/out/..")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn downloads_are_send_unpin_and_static() {
        fn assert_stream<S: Stream + FusedStream + Send + Unpin + 'static>() {}
        assert_stream::<Download>();
    }
}
