//! A job: one client's sources writing to one sink, with their settings; and the streams
//! of prepared batches it reads.

use std::{path::PathBuf, sync::Arc, time::Duration};

use auditkit::{
    Client, Error, Timer, Vendor,
    collect::{Collector, ListedStream, Settings, Source, Turns, Window},
    everbridge::ReportType,
    ocsf::ToOcsf as ToOcsfEvent,
    qualtrics::{
        ActivityType, Event, Logins, PasswordResets, SessionCreations, SessionTerminations,
    },
};
use chrono::{DateTime, SubsecRound, Utc};
use futures::{StreamExt, stream::BoxStream};
use serde::Serialize;

use super::{
    args::{Format, VendorArg, Via},
    lines::{Origin, Prepared, ToOcsf, ocsf},
    server_clock::ServerClock,
    sinks::SinkSpec,
};

/// Sources of one client, their settings, and the one sink they write to.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// Where it came from, for messages: `config.toml [[source]] #2`, or `flags`.
    pub(crate) name: String,
    pub(crate) tenant: String,
    /// Whether checkpoint ids carry the tenant (always in a config).
    pub(crate) tenant_in_ids: bool,
    pub(crate) client: Client,
    pub(crate) streams: Vec<(VendorArg, Stream)>,
    pub(crate) lookback: Option<Duration>,
    pub(crate) lag: Option<Duration>,
    pub(crate) overlap: Option<Duration>,
    pub(crate) interval: Duration,
    pub(crate) from: Option<DateTime<Utc>>,
    pub(crate) to: Option<DateTime<Utc>>,
    pub(crate) format: Format,
    pub(crate) batch_size: usize,
    pub(crate) sink: SinkSpec,
    pub(crate) checkpoint: PathBuf,
    /// How its Qualtrics streams are read.
    pub(crate) via: Via,
    /// The turns every source of the process takes to list (`--sources-at-once`), set by
    /// `collect` for all jobs; none: each source lists whenever it is due.
    pub(crate) turns: Option<Turns>,
}

/// A vendor's stream of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Logins,
    SessionTerminations,
    PasswordResets,
    SessionCreations,
    Security,
    Contact,
    DistributionLogs,
    Reports,
}

impl Stream {
    /// Every stream of `vendor` (OCSF: those with a mapping).
    pub(crate) fn all(vendor: VendorArg) -> &'static [Stream] {
        match vendor {
            VendorArg::Qualtrics => &[
                Stream::Logins,
                Stream::SessionTerminations,
                Stream::PasswordResets,
                Stream::SessionCreations,
            ],
            VendorArg::Everbridge => &[Stream::Security, Stream::Contact],
            VendorArg::Energycap => &[Stream::DistributionLogs],
            VendorArg::Reporter => &[Stream::Reports],
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Stream::Logins => "logins",
            Stream::SessionTerminations => "session_terminations",
            Stream::PasswordResets => "password_resets",
            Stream::SessionCreations => "session_creations",
            Stream::Security => "security",
            Stream::Contact => "contact",
            Stream::DistributionLogs => "distribution_logs",
            Stream::Reports => "reports",
        }
    }

    pub(crate) fn parse(vendor: VendorArg, name: &str) -> Option<Stream> {
        Self::all(vendor).iter().copied().find(|stream| stream.name() == name)
    }

    /// Whether OCSF has a mapping for it.
    pub(crate) fn has_ocsf(self) -> bool {
        !matches!(self, Stream::DistributionLogs | Stream::Reports)
    }
}

/// Whether a collection runs once or every interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Once,
    Follow,
}

/// A job's streams of prepared batches, one per source, each with its checkpoint id.
pub(crate) type Prepare = BoxStream<'static, Result<Prepared, Error>>;

impl Job {
    /// The job's client once per vendor it reads (the servers whose clocks matter).
    pub(crate) fn clients_by_vendor(&self) -> Vec<(Client, VendorArg)> {
        let mut vendors: Vec<VendorArg> = self.streams.iter().map(|(vendor, _)| *vendor).collect();
        vendors.dedup();
        vendors.into_iter().map(|vendor| (self.client.clone(), vendor)).collect()
    }

    /// One stream of prepared batches per source, sharing `store`.
    pub(crate) fn streams(
        &self,
        store: &auditkit::collect::FileStore,
        mode: Mode,
    ) -> Vec<(Origin, Prepare)> {
        let backing = Backing::File(store.clone());
        (0..self.streams.len()).map(|index| self.source_stream(index, &backing, mode)).collect()
    }

    /// The stream of prepared batches of its `index`th source, its checkpoints in `backing`.
    pub(crate) fn source_stream(
        &self,
        index: usize,
        backing: &Backing,
        mode: Mode,
    ) -> (Origin, Prepare) {
        let (vendor, stream) = self.streams[index];
        let client = &self.client;
        let store = backing;
        match stream {
            Stream::Logins => self.qualtrics::<Logins>(store, mode, vendor),
            Stream::SessionTerminations => {
                self.qualtrics::<SessionTerminations>(store, mode, vendor)
            }
            Stream::PasswordResets => self.qualtrics::<PasswordResets>(store, mode, vendor),
            Stream::SessionCreations => self.qualtrics::<SessionCreations>(store, mode, vendor),
            Stream::Security => self.stream(
                store,
                mode,
                vendor,
                client.everbridge().audit_log_source(ReportType::Security),
                ocsf::audit_log_entry,
            ),
            Stream::Contact => self.stream(
                store,
                mode,
                vendor,
                client.everbridge().audit_log_source(ReportType::Contact),
                ocsf::audit_log_entry,
            ),
            Stream::DistributionLogs => self.stream(
                store,
                mode,
                vendor,
                client.energycap().distribution_log_source(),
                ocsf::none,
            ),
            Stream::Reports => {
                self.stream(store, mode, vendor, client.reporter().report_source(), ocsf::none)
            }
        }
    }

    /// A Qualtrics stream of `A`, read as the job's `via` says.
    fn qualtrics<A: ActivityType>(
        &self,
        store: &Backing,
        mode: Mode,
        vendor: VendorArg,
    ) -> (Origin, Prepare)
    where
        Event<A>: Serialize + ToOcsfEvent,
    {
        let qualtrics = self.client.qualtrics();
        match self.via {
            Via::Listing => {
                self.stream(store, mode, vendor, qualtrics.event_source::<A>(), ocsf::qualtrics)
            }
            Via::Exports => {
                self.stream(store, mode, vendor, qualtrics.export_source::<A>(), ocsf::qualtrics)
            }
        }
    }

    /// The checkpoint ids of its sources, without building them.
    pub(crate) fn origins(&self) -> Vec<Origin> {
        self.streams
            .iter()
            .map(|&(vendor, stream)| {
                let through = match (vendor, self.via) {
                    (VendorArg::Qualtrics, Via::Exports) => "exports/",
                    _ => "",
                };
                self.origin(vendor, format!("{}/{through}{}", vendor.name(), stream.name()))
            })
            .collect()
    }

    fn origin(&self, vendor: VendorArg, source: String) -> Origin {
        let checkpoint =
            if self.tenant_in_ids { format!("{}/{source}", self.tenant) } else { source.clone() };
        Origin { tenant: self.tenant.clone(), vendor: vendor.name(), source, checkpoint }
    }

    fn stream<S>(
        &self,
        store: &Backing,
        mode: Mode,
        vendor: VendorArg,
        source: S,
        to_ocsf: ToOcsf<S::Event>,
    ) -> (Origin, Prepare)
    where
        S: Source,
        S::Event: Serialize,
    {
        let origin = self.origin(vendor, source.id());
        let mut settings = source.settings();
        if let Some(lookback) = self.lookback {
            settings = settings.lookback(lookback);
        }
        // The vendor's clock, once its answers show the local one is off.
        let clock = Arc::new(ServerClock::new(
            source.timer(),
            self.client.clone(),
            &self.tenant,
            source.vendor(),
        ));
        let source = Tenanted { inner: source, id: origin.checkpoint.clone(), settings, clock };
        let collector = Collector::new(source).batch_size(self.batch_size);
        let mut collector = match store {
            Backing::File(store) => collector.store(store.clone()),
            #[cfg(feature = "postgres")]
            Backing::Leased { store, holder, lease } => {
                collector.leased_store(store.clone(), holder.clone(), *lease)
            }
        };
        if let Some(lag) = self.lag {
            collector = collector.lag(lag);
        }
        if let Some(overlap) = self.overlap {
            collector = collector.overlap(overlap);
        }
        if let Some(turns) = &self.turns {
            collector = collector.turns(turns.clone());
        }
        // Whole seconds: the windows' boundaries then fall on whole milliseconds, as the
        // vendors' query parameters carry them (an event in the sub-millisecond between a
        // boundary and its rounding would be listed by neither window).
        let start = self.from.unwrap_or_else(|| Utc::now() - settings.lookback);
        collector = collector.start_at(start.trunc_subsecs(0));
        if let Some(to) = self.to {
            collector = collector.until(to);
        }
        let batches = match mode {
            Mode::Once => collector.run(),
            Mode::Follow => collector.follow(self.interval),
        };
        let format = self.format;
        let prepared_origin = origin.clone();
        let prepared = batches
            .map(move |batch| {
                batch.map(|batch| Prepared::new(&prepared_origin, batch, format, to_ocsf))
            })
            .boxed();
        (origin, prepared)
    }
}

/// Where a job's sources keep their checkpoints.
#[derive(Debug, Clone)]
pub(crate) enum Backing {
    /// A file on this machine (one process per source, by OS locks).
    File(auditkit::collect::FileStore),
    /// PostgreSQL, under a lease of `holder` (replicas share the sources).
    #[cfg(feature = "postgres")]
    Leased { store: auditkit::collect::PostgresStore, holder: String, lease: Duration },
}

/// A vendor's source under the checkpoint id, settings and clock of a job.
struct Tenanted<S> {
    inner: S,
    id: String,
    settings: Settings,
    clock: Arc<ServerClock>,
}

impl<S: Source> Source for Tenanted<S> {
    type Event = S::Event;

    fn id(&self) -> String {
        self.id.clone()
    }

    fn vendor(&self) -> Vendor {
        self.inner.vendor()
    }

    fn settings(&self) -> Settings {
        self.settings
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.clock.clone()
    }

    fn list(&self, window: &Window) -> ListedStream<Self::Event> {
        self.inner.list(window)
    }
}
