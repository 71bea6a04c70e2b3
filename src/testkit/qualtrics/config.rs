//! The Qualtrics settings of the sandbox builder, and [`NextPageMode`], the form of
//! `result.nextPage`.

use std::time::Duration;

pub(super) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// What the simulator puts in `result.nextPage` when more events follow.
///
/// Qualtrics' sources disagree on what `nextPage` holds, and the SDK accepts both, so the
/// sandbox can send either; switch with
/// [`SandboxBuilder::qualtrics_next_page`](crate::testkit::SandboxBuilder::qualtrics_next_page)
/// or [`QualtricsSandbox::set_next_page`].
///
/// [`QualtricsSandbox::set_next_page`]: super::QualtricsSandbox::set_next_page
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::{NextPageMode, Sandbox};
///
/// let sandbox = Sandbox::builder().qualtrics_next_page(NextPageMode::BareToken).start().await?;
/// sandbox.qualtrics().set_next_page(NextPageMode::FullUrl);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NextPageMode {
    /// The URL of the next page on the sandbox: the request's query with its `skipToken`
    /// replaced, e.g. `http://127.0.0.1:PORT/qualtrics/API/v3/logs?activityType=logins&…
    /// &skipToken=…`. The default.
    #[default]
    FullUrl,
    /// Only the token, to send back as `skipToken`.
    BareToken,
}

/// The simulator's settings from the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    pub(crate) token_lifetime: Option<Duration>,
    pub(crate) next_page: NextPageMode,
    pub(crate) late: Option<super::super::LateEvents>,
}
