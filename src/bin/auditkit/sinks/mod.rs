//! Where lines go: a file (exactly once), stdout or HTTP (at least once, stable keys).

mod archive;
mod file;
mod http;
pub(crate) mod outputs;
mod stdout;

use std::{path::PathBuf, time::Duration};

use auditkit::collect::Checkpoint;

pub(crate) use self::{archive::ArchiveSpec, http::HttpSpec};
use super::{
    args::Format,
    failure::Failure,
    lines::{Origin, Prepared},
};

/// A sink as configured.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SinkSpec {
    File {
        path: PathBuf,
        gzip: bool,
        rotate_size: Option<u64>,
        rotate_every: Option<Duration>,
        archive: Option<ArchiveSpec>,
    },
    Stdout,
    Http(HttpSpec),
}

impl SinkSpec {
    /// For messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            SinkSpec::File { path, .. } => path.display().to_string(),
            SinkSpec::Stdout => "stdout".into(),
            SinkSpec::Http(spec) => spec.url.to_string(),
        }
    }
}

/// An open sink.
pub(crate) enum Sink {
    File(file::FileSink),
    Stdout(stdout::StdoutSink),
    Http(http::HttpSink),
}

/// Where a delivery failed: the sink (the batch was not delivered) or the commit.
#[derive(Debug)]
pub(crate) enum DeliveryError {
    Sink(String),
    Commit(auditkit::Error),
}

impl Sink {
    /// Opens `spec` for the sources `origins`, whose checkpoints (all or some of them) are
    /// `checkpoints`.
    pub(crate) fn open(
        spec: &SinkSpec,
        format: Format,
        checkpoints: &[Checkpoint],
        origins: &[Origin],
    ) -> Result<Self, Failure> {
        Ok(match spec {
            SinkSpec::File { path, gzip, rotate_size, rotate_every, archive } => {
                let settings = file::Settings {
                    gzip: *gzip,
                    format,
                    rotate_size: *rotate_size,
                    rotate_every: *rotate_every,
                    archive: archive.clone(),
                };
                Sink::File(file::FileSink::open(path, settings, checkpoints, origins)?)
            }
            SinkSpec::Stdout => Sink::Stdout(stdout::StdoutSink),
            SinkSpec::Http(spec) => Sink::Http(http::HttpSink::new(spec)?),
        })
    }

    /// Writes the batch, then commits it. `abort` (crash tests) aborts between the two.
    pub(crate) async fn deliver(
        &mut self,
        prepared: Prepared,
        abort: bool,
    ) -> Result<(), DeliveryError> {
        // The commit is not `Sync`: it stays out of the awaits that borrow the lines.
        let Prepared { origin, lines, commit, .. } = prepared;
        let annotations = match self {
            Sink::File(sink) => sink.append(&lines).map_err(DeliveryError::Sink)?,
            Sink::Stdout(sink) => sink.write(&lines).map_err(DeliveryError::Sink)?,
            Sink::Http(sink) => sink.post(&origin, &lines).await.map_err(DeliveryError::Sink)?,
        };
        if abort {
            std::process::abort();
        }
        commit(annotations).await.map_err(DeliveryError::Commit)?;
        if let Sink::File(sink) = self {
            sink.after_commit().map_err(DeliveryError::Sink)?;
        }
        Ok(())
    }
}
