//! An [`Error`] where a [`std::io::Error`] is expected: `?` in a function returning
//! `std::io::Result`, or a reader or writer that fails with an SDK error.

use std::io;

use super::Error;

/// The error inside keeps everything: get it back with
/// `io_error.get_ref().and_then(|e| e.downcast_ref::<auditkit::Error>())`. A timeout is
/// [`io::ErrorKind::TimedOut`], anything else [`io::ErrorKind::Other`].
///
/// ```
/// fn read_config() -> std::io::Result<auditkit::Client> {
///     Ok(auditkit::Client::builder().build()?)
/// }
/// ```
impl From<Error> for io::Error {
    fn from(error: Error) -> Self {
        let kind = if error.is_timeout() { io::ErrorKind::TimedOut } else { io::ErrorKind::Other };
        io::Error::new(kind, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sdk_error_becomes_an_io_error_that_keeps_it() {
        let io_error = io::Error::from(Error::config("no port"));
        assert_eq!(io_error.kind(), io::ErrorKind::Other);
        let inner = io_error.get_ref().and_then(|e| e.downcast_ref::<Error>());
        assert!(matches!(inner, Some(Error::Config(_))), "{io_error:?}");
    }
}
