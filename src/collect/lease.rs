//! Leases on sources and fenced commits: one collector per source at a time, across
//! processes and machines.

use std::{fmt, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::{Checkpoint, CheckpointStore};
use crate::{CheckpointError, CheckpointErrorKind, Error};

/// A number that only grows, per source: each lease granted gets a larger one than every
/// lease before it. A commit carries it, and the store refuses it once a larger one exists.
///
/// ```
/// use auditkit::collect::FencingToken;
///
/// assert!(FencingToken::new(2) > FencingToken::new(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FencingToken(u64);

impl FencingToken {
    /// The token numbered `value` (for a store's implementation).
    pub fn new(value: u64) -> Self {
        Self(value)
    }

    /// Its number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for FencingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A lease on one source, granted to one holder until a time of the store's clock.
///
/// ```
/// use auditkit::collect::{FencingToken, Lease};
/// use chrono::{TimeZone, Utc};
///
/// let until = Utc.with_ymd_and_hms(2026, 12, 6, 2, 0, 0).unwrap();
/// let lease = Lease::new("qualtrics/logins", "replica-a", FencingToken::new(7), until);
/// assert_eq!(lease.token().get(), 7);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    source: String,
    holder: String,
    token: FencingToken,
    expires_at: DateTime<Utc>,
}

impl Lease {
    /// A lease as a store grants it.
    pub fn new(
        source: impl Into<String>,
        holder: impl Into<String>,
        token: FencingToken,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self { source: source.into(), holder: holder.into(), token, expires_at }
    }

    /// The source's id.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Who holds it.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Its fencing token: pass it to [`LeasedStore::commit`].
    pub fn token(&self) -> FencingToken {
        self.token
    }

    /// When it ends unless renewed, by the store's clock (the database server's for
    /// `PostgresStore`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// What [`LeasedStore::acquire`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a lease not used is held until it expires: release it"]
pub enum Acquired {
    /// The lease, with a new fencing token.
    Granted(Lease),
    /// Another holder has it until `until` (the store's clock).
    Held {
        /// Who has it.
        holder: String,
        /// When it ends unless renewed.
        until: DateTime<Utc>,
    },
}

/// A [`CheckpointStore`] that also grants leases on sources and fences commits, so that a
/// collector that lost its lease (a paused process, a network split) can never move a
/// checkpoint another holder now owns.
///
/// **Why a trait of its own.** [`CheckpointStore`] is public and implemented by users'
/// stores: adding required methods would break them, and default methods that fail at run
/// time would let a collector be configured for "one collector per source" with a store
/// that cannot keep that promise. A separate trait keeps every existing store compiling
/// unchanged, and makes the promise a compile-time property of
/// [`Collector::leased_store`](super::Collector::leased_store). To migrate a store,
/// implement this trait too: keep, per source, the holder, the expiry and the last token,
/// and make [`commit`](Self::commit) a compare-and-swap on the token.
///
/// Implemented by [`MemoryStore`](super::MemoryStore) (tests), [`FileStore`](super::FileStore)
/// (processes on one machine) and `PostgresStore` (feature `postgres`: several machines).
///
/// ```
/// use std::time::Duration;
/// use auditkit::collect::{Acquired, Checkpoint, LeasedStore, MemoryStore};
///
/// # async fn demo(checkpoint: Checkpoint) -> Result<(), auditkit::Error> {
/// let store = MemoryStore::new();
/// let source = checkpoint.source();
/// match store.acquire(source, "me", Duration::from_secs(30)).await? {
///     Acquired::Granted(lease) => {
///         store.commit(&checkpoint, lease.token()).await?;
///         store.release(&lease).await?;
///     }
///     Acquired::Held { holder, until } => println!("{holder} has {source} until {until}"),
/// }
/// # Ok(()) }
/// ```
pub trait LeasedStore: CheckpointStore {
    /// Takes `source`'s lease for `holder` for `duration`, unless another holder has it
    /// unexpired. A holder asking again gets it again, with a new token (a restarted
    /// replica with the same name resumes at once). Each grant has a larger token.
    fn acquire<'a>(
        &'a self,
        source: &'a str,
        holder: &'a str,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Acquired, Error>>;

    /// Extends `lease` to `duration` from now. Fails with
    /// [`CheckpointErrorKind::Fenced`] when its token is no longer the newest.
    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Lease, Error>>;

    /// Ends `lease` now, so another holder may take it; nothing when it already moved on.
    fn release<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<(), Error>>;

    /// Saves `checkpoint` if `token` is still the newest for its source, atomically with
    /// that check; otherwise fails with [`CheckpointErrorKind::Fenced`] and saves nothing.
    fn commit<'a>(
        &'a self,
        checkpoint: &'a Checkpoint,
        token: FencingToken,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

/// A source's lease as a store in memory or in a file keeps it: the last token outlives
/// the lease, so tokens only grow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LeaseRecord {
    pub(crate) token: u64,
    pub(crate) holder: Option<String>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

impl LeaseRecord {
    pub(crate) fn acquire(
        &mut self,
        source: &str,
        holder: &str,
        duration: Duration,
        now: DateTime<Utc>,
    ) -> Acquired {
        if let (Some(current), Some(until)) = (&self.holder, self.expires_at)
            && current != holder
            && until > now
        {
            return Acquired::Held { holder: current.clone(), until };
        }
        self.token = self.token.saturating_add(1);
        let expires_at = after(now, duration);
        self.holder = Some(holder.to_owned());
        self.expires_at = Some(expires_at);
        Acquired::Granted(Lease::new(source, holder, FencingToken(self.token), expires_at))
    }

    pub(crate) fn renew(
        &mut self,
        lease: &Lease,
        duration: Duration,
        now: DateTime<Utc>,
    ) -> Result<Lease, CheckpointError> {
        self.check(lease.source(), lease.token(), "renew the lease of")?;
        let expires_at = after(now, duration);
        self.expires_at = Some(expires_at);
        Ok(Lease { expires_at, ..lease.clone() })
    }

    pub(crate) fn release(&mut self, lease: &Lease) {
        if self.token == lease.token().get() {
            self.holder = None;
            self.expires_at = None;
        }
    }

    /// Refuses `token` unless it is the newest and its lease not released.
    pub(crate) fn check(
        &self,
        source: &str,
        token: FencingToken,
        action: &str,
    ) -> Result<(), CheckpointError> {
        if self.token == token.get() && self.holder.is_some() {
            return Ok(());
        }
        Err(fenced(source, token, FencingToken(self.token), action))
    }
}

/// The error of a stale `token` (the store has `newest`).
pub(crate) fn fenced(
    source: &str,
    token: FencingToken,
    newest: FencingToken,
    action: &str,
) -> CheckpointError {
    CheckpointError::with_kind(
        CheckpointErrorKind::Fenced,
        "commit",
        format!(
            "refused to {action} `{source}` with fencing token {token}: the store has token \
             {newest}, so this holder lost its lease (it expired or was released) and another \
             may be collecting; stop, the checkpoint did not move"
        ),
    )
}

/// `now + duration`, saturating.
pub(crate) fn after(now: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    let delta = TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX);
    now.checked_add_signed(delta).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
