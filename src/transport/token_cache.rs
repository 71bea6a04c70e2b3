//! Bearer tokens from a vendor's token endpoint, cached and replaced before they expire:
//! the part of every OAuth flow that does not depend on the grant.

use std::{fmt, sync::Arc, time::Duration};

use futures::{future::BoxFuture, lock::Mutex};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use tokio::time::Instant;

use super::Authorize;
use crate::{Error, Timer, timer::saturating_add};

/// How long before its expiry a token is replaced, so a request never leaves with a token
/// that dies in flight. Short-lived tokens are replaced at half their life instead.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A fresh token from a token endpoint.
pub(crate) struct Token {
    /// The whole `Authorization` value (`Bearer …`), marked sensitive.
    pub(crate) header: HeaderValue,
    /// How long the endpoint says the token lives.
    pub(crate) lifetime: Duration,
}

/// Asks a vendor's token endpoint for a new token: the grant, the form and which field of
/// the answer is the token are the vendor's business.
pub(crate) trait TokenSource: Send + Sync + fmt::Debug + 'static {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>>;
}

/// An [`Authorize`] that sends a cached bearer token, fetched from `source` when there is
/// none or when the cached one is about to expire.
///
/// The lock is held across the fetch itself: under many concurrent requests exactly one
/// asks for a token and the others wait for it, instead of stampeding the endpoint.
pub(crate) struct TokenCache<S> {
    source: S,
    timer: Arc<dyn Timer>,
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    header: HeaderValue,
    refresh_at: Instant,
}

impl<S: TokenSource> TokenCache<S> {
    /// A cache in front of `source`, reading expiry against `timer`.
    pub(crate) fn new(source: S, timer: Arc<dyn Timer>) -> Self {
        Self { source, timer, cached: Mutex::new(None) }
    }

    async fn current(&self) -> Result<HeaderValue, Error> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|token| self.timer.now() < token.refresh_at) {
            return Ok(token.header.clone());
        }
        let Token { header, lifetime } = self.source.fetch().await?;
        let early = REFRESH_MARGIN.min(lifetime / 2);
        let refresh_at = saturating_add(self.timer.now(), lifetime.saturating_sub(early));
        *cached = Some(Cached { header: header.clone(), refresh_at });
        Ok(header)
    }
}

impl<S: TokenSource> Authorize for TokenCache<S> {
    fn authorize<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        headers: &'a mut HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            headers.insert(AUTHORIZATION, self.current().await?);
            Ok(())
        })
    }
}

impl<S: fmt::Debug> fmt::Debug for TokenCache<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache").field("source", &self.source).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::testkit::VirtualTimer;

    /// Hands out `Bearer t-N` living `lifetime`, after yielding so callers overlap.
    #[derive(Debug)]
    struct Counting {
        fetched: AtomicU32,
        lifetime: Duration,
    }

    impl TokenSource for Counting {
        fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>> {
            Box::pin(async move {
                tokio::task::yield_now().await;
                let n = self.fetched.fetch_add(1, Ordering::SeqCst) + 1;
                let header = HeaderValue::try_from(format!("Bearer t-{n}")).unwrap();
                Ok(Token { header, lifetime: self.lifetime })
            })
        }
    }

    fn new_cache(lifetime: Duration) -> (Arc<TokenCache<Counting>>, Arc<VirtualTimer>) {
        let timer = Arc::new(VirtualTimer::new());
        let source = Counting { fetched: AtomicU32::new(0), lifetime };
        (Arc::new(TokenCache::new(source, timer.clone())), timer)
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let (cache, _) = new_cache(Duration::from_secs(3600));
        let calls = (0..8).map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.current().await.unwrap() })
        });
        for header in futures::future::join_all(calls).await {
            assert_eq!(header.unwrap(), "Bearer t-1");
        }
        assert_eq!(cache.source.fetched.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_token_is_replaced_a_margin_before_it_expires() {
        let (cache, timer) = new_cache(Duration::from_secs(8 * 3600));
        assert_eq!(cache.current().await.unwrap(), "Bearer t-1");
        timer.sleep(Duration::from_secs(8 * 3600 - 61)).await;
        assert_eq!(cache.current().await.unwrap(), "Bearer t-1");
        timer.sleep(Duration::from_secs(1)).await;
        assert_eq!(cache.current().await.unwrap(), "Bearer t-2");
    }

    #[tokio::test]
    async fn short_and_absurd_lifetimes_neither_panic_nor_stick() {
        let (cache, timer) = new_cache(Duration::from_secs(2));
        cache.current().await.unwrap();
        timer.sleep(Duration::from_secs(1)).await;
        assert_eq!(cache.current().await.unwrap(), "Bearer t-2", "replaced at half its life");
        let (forever, _) = new_cache(Duration::MAX);
        forever.current().await.unwrap();
        assert_eq!(forever.current().await.unwrap(), "Bearer t-1");
        let (zero, _) = new_cache(Duration::ZERO);
        zero.current().await.unwrap();
        assert_eq!(zero.current().await.unwrap(), "Bearer t-2", "a dead token is never reused");
    }
}
