//! Bearer tokens from a vendor's token endpoint, cached and replaced before they expire:
//! the part of every OAuth flow that does not depend on the grant.

use std::{
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::future::{BoxFuture, FutureExt, Shared};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use tokio::time::Instant;

use super::{Authorize, Token};
use crate::{Error, Timer, timer::saturating_add};

/// How long before its expiry a token is replaced, so a request never leaves with a token
/// that dies in flight. Short-lived tokens are replaced at half their life instead.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Asks a vendor's token endpoint for a new token: the grant, the form and which field of
/// the answer is the token are the vendor's business.
pub(crate) trait TokenSource: Send + Sync + fmt::Debug + 'static {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>>;
}

/// The outcome of one fetch, shared by every caller that waited for it.
type Fetch = Shared<BoxFuture<'static, Result<Cached, Arc<Error>>>>;

#[derive(Clone)]
struct Cached {
    header: HeaderValue,
    refresh_at: Instant,
}

enum State {
    Empty,
    Ready(Cached),
    /// A fetch under way: callers join it instead of starting or queueing for another.
    Fetching(Fetch),
}

/// An [`Authorize`] that sends a cached bearer token, fetched from `source` when there is
/// none or when the cached one is about to expire.
///
/// Under many concurrent requests exactly one fetch runs, and every caller that needs a
/// token meanwhile shares its outcome, success or error: a token endpoint that hangs or
/// fails costs each caller one wait, not one wait per caller before it.
pub(crate) struct TokenCache<S> {
    source: Arc<S>,
    timer: Arc<dyn Timer>,
    state: Mutex<State>,
}

impl<S: TokenSource> TokenCache<S> {
    /// A cache in front of `source`, reading expiry against `timer`.
    pub(crate) fn new(source: S, timer: Arc<dyn Timer>) -> Self {
        Self { source: Arc::new(source), timer, state: Mutex::new(State::Empty) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is replaced whole under the lock, so a poisoned one is still consistent.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn current(&self) -> Result<HeaderValue, Error> {
        let fetch = {
            let mut state = self.lock();
            match &*state {
                State::Ready(token) if self.timer.now() < token.refresh_at => {
                    return Ok(token.header.clone());
                }
                State::Fetching(fetch) => fetch.clone(),
                _ => {
                    let fetch = self.start_fetch();
                    *state = State::Fetching(fetch.clone());
                    fetch
                }
            }
        };
        let outcome = fetch.clone().await;
        let mut state = self.lock();
        // Only the fetch still on record settles the state: a newer one may have begun.
        if matches!(&*state, State::Fetching(current) if current.ptr_eq(&fetch)) {
            *state = match &outcome {
                Ok(token) => State::Ready(token.clone()),
                Err(_) => State::Empty,
            };
        }
        drop(state);
        outcome.map(|token| token.header).map_err(|error| error.duplicate())
    }

    fn start_fetch(&self) -> Fetch {
        let (source, timer) = (Arc::clone(&self.source), Arc::clone(&self.timer));
        async move {
            let Token { header, lifetime } = source.fetch().await.map_err(Arc::new)?;
            let early = REFRESH_MARGIN.min(lifetime / 2);
            Ok(Cached {
                header,
                refresh_at: saturating_add(timer.now(), lifetime.saturating_sub(early)),
            })
        }
        .boxed()
        .shared()
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

    /// Forgets the token if it is the one refused; one renewed since is kept.
    fn reject(&self, sent: &HeaderValue) -> bool {
        let mut state = self.lock();
        if matches!(&*state, State::Ready(token) if token.header == sent) {
            *state = State::Empty;
        }
        true
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

    /// A token endpoint that fails after a pause, counting its calls.
    #[derive(Debug)]
    struct Failing {
        fetched: AtomicU32,
    }

    impl TokenSource for Failing {
        fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>> {
            Box::pin(async move {
                self.fetched.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(600)).await;
                Err(Error::config("the token endpoint is down"))
            })
        }
    }

    /// Regression: each waiter retried after the previous failure, so 8 callers of a
    /// hanging token endpoint finished at 0.6, 1.2, … 4.8 s.
    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_the_outcome_of_a_failing_fetch() {
        let timer = Arc::new(VirtualTimer::new());
        let cache = Arc::new(TokenCache::new(Failing { fetched: AtomicU32::new(0) }, timer));
        let clock = crate::timer::TokioTimer;
        let started = clock.now();
        let calls = (0..8).map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { (cache.current().await, clock.now()) })
        });
        for outcome in futures::future::join_all(calls).await {
            let (result, finished) = outcome.unwrap();
            let error = result.unwrap_err();
            assert!(error.to_string().contains("token endpoint is down"), "{error}");
            assert_eq!(finished - started, Duration::from_millis(600), "one wait each");
        }
        assert_eq!(cache.source.fetched.load(Ordering::SeqCst), 1);
        // The failure is not cached: the next caller asks again.
        assert!(cache.current().await.is_err());
        assert_eq!(cache.source.fetched.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_refused_token_is_forgotten_but_a_renewed_one_is_kept() {
        let (cache, _) = new_cache(Duration::from_secs(3600));
        let first = cache.current().await.unwrap();
        assert!(cache.reject(&HeaderValue::from_static("Bearer someone-else")));
        assert_eq!(cache.current().await.unwrap(), first, "not the token that was refused");
        assert!(cache.reject(&first));
        assert_eq!(cache.current().await.unwrap(), "Bearer t-2");
        assert_eq!(cache.source.fetched.load(Ordering::SeqCst), 2);
    }
}
