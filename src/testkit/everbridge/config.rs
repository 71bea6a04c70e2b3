//! The Everbridge settings of the sandbox builder.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How long an OAuth token lives unless set: Everbridge documents eight hours.
pub(super) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// How long a scroll lives without a request unless set: Everbridge documents 3 minutes.
pub(super) const DEFAULT_SCROLL_IDLE: Duration = Duration::from_secs(3 * 60);

/// The simulator's settings from the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    /// "Now" for the 6-month rule and the seed; `None` follows the system clock.
    pub(crate) today: Option<DateTime<Utc>>,
    pub(crate) token_lifetime: Option<Duration>,
    pub(crate) scroll_idle: Option<Duration>,
    /// Answers wrapped in `{"data": …, "success": true, "type": …}` instead of bare.
    pub(crate) wrapped: bool,
    pub(crate) late: Option<super::super::LateEvents>,
    /// The organisation's rate tier, enforced with 429s; `None`: unlimited.
    pub(crate) tier: Option<super::limits::Tier>,
}
