//! The paginator's behaviour, end to end against an in-test server: laziness, guards,
//! limits, prefetch, resume, and windows.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use futures::{FutureExt, Stream, StreamExt, TryStreamExt, stream::FusedStream};
use std::{
    cell::Cell,
    fmt,
    future::Future,
    marker::PhantomPinned,
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering::SeqCst},
    time::Duration,
};

use futures::channel::mpsc;
use tokio::time::timeout;

use super::{
    Continuation, Cursor, Page, Pages, RawPage,
    options::{FetchPage, PagingOptions},
    paginator::Paginator,
};
use crate::{Error, Operation, Vendor};

const OP: Operation = Operation::new(Vendor::Reporter, "list_reports");
/// Long enough for a spawned task to run on an idle runtime; a test waits this long
/// only where it checks that something did *not* happen.
const SETTLE: Duration = Duration::from_millis(5);
/// Generous bound for something that must happen; a passing test never waits this long.
const SOON: Duration = Duration::from_secs(2);

fn token(t: &str) -> Option<Cursor> {
    Some(Cursor::Token(t.to_owned()))
}
fn scroll(id: &str) -> Option<Cursor> {
    Some(Cursor::Scroll(id.to_owned()))
}
fn page(n: u32) -> Option<Cursor> {
    Some(Cursor::Page(n))
}

/// What the in-test server does for one request.
#[derive(Debug, Clone)]
enum Reply {
    Page(Vec<u32>, Option<Cursor>),
    Fail,
    Hang,
}

/// One expected request and the reply to it.
type Step = (Option<Cursor>, Reply);

fn ok(request: Option<Cursor>, items: &[u32], next: Option<Cursor>) -> Step {
    (request, Reply::Page(items.to_vec(), next))
}

#[derive(Debug, PartialEq)]
enum Event {
    Started(usize),
    Cancelled(usize),
}

/// An in-test server that answers a fixed script of requests, in order, and reports what
/// the paginator asked of it.
struct Source {
    steps: Vec<Step>,
    /// Calls of the fetch function (counted when called, before the future runs).
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    events: mpsc::UnboundedSender<Event>,
}

impl Source {
    fn new(steps: Vec<Step>) -> (Arc<Self>, mpsc::UnboundedReceiver<Event>) {
        let (events, receiver) = mpsc::unbounded();
        let source = Self {
            steps,
            calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            events,
        };
        (Arc::new(source), receiver)
    }

    fn paginator(self: &Arc<Self>) -> Paginator<u32> {
        let source = Arc::clone(self);
        let fetch: FetchPage<u32> = Arc::new(move |cursor| {
            let call = source.calls.fetch_add(1, SeqCst);
            let source = Arc::clone(&source);
            async move { source.serve(call, cursor).await }.boxed()
        });
        Paginator::new(OP, fetch)
    }

    fn calls(&self) -> usize {
        self.calls.load(SeqCst)
    }

    async fn serve(&self, call: usize, cursor: Option<Cursor>) -> Result<RawPage<u32>, Error> {
        let _watch = InFlight::start(self, call);
        // Give another request the chance to overlap with this one, if the paginator
        // were to allow it.
        YieldOnce(false).await;
        let Some((expected, reply)) = self.steps.get(call) else {
            return Err(Error::config(format!("unexpected request #{call}: {cursor:?}")));
        };
        if *expected != cursor {
            return Err(Error::config(format!(
                "request #{call} sent {cursor:?}, expected {expected:?}"
            )));
        }
        match reply.clone() {
            Reply::Page(items, next) => Ok(RawPage::new(items, next)),
            Reply::Fail => Err(Error::config("simulated: the transport gave up on a 503")),
            Reply::Hang => futures::future::pending().await,
        }
    }
}

/// Counts a request as in flight until its future completes or is dropped, and reports a
/// drop before completion as a cancellation.
struct InFlight<'a> {
    source: &'a Source,
    call: usize,
}

impl<'a> InFlight<'a> {
    fn start(source: &'a Source, call: usize) -> Self {
        let now = source.in_flight.fetch_add(1, SeqCst) + 1;
        source.max_in_flight.fetch_max(now, SeqCst);
        let _ = source.events.unbounded_send(Event::Started(call));
        Self { source, call }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.source.in_flight.fetch_sub(1, SeqCst);
        if std::thread::panicking() {
            return;
        }
        // A request that hangs can only end by being dropped.
        if let Some((_, Reply::Hang)) = self.source.steps.get(self.call) {
            let _ = self.source.events.unbounded_send(Event::Cancelled(self.call));
        }
    }
}

/// Returns `Pending` once, like a request waiting on the network; needs no runtime.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Four token pages holding 1..=7.
fn token_script() -> Vec<Step> {
    vec![
        ok(None, &[1, 2], token("t2")),
        ok(token("t2"), &[3, 4], token("t3")),
        ok(token("t3"), &[5, 6], token("t4")),
        ok(token("t4"), &[7], None),
    ]
}

async fn collect_pages(pages: Pages<u32>) -> Vec<Result<Page<u32>, Error>> {
    pages.collect().await
}

fn items_of(results: &[Result<Page<u32>, Error>]) -> Vec<u32> {
    results.iter().flatten().flat_map(|page| page.items().to_vec()).collect()
}

fn pagination_message(result: &Result<Page<u32>, Error>) -> String {
    match result {
        Err(Error::Pagination(e)) => e.message().to_owned(),
        other => panic!("expected a pagination error, got {other:?}"),
    }
}

#[test]
fn streams_are_send_unpin_and_static_for_any_send_item_and_debug_without_item_debug() {
    fn assert_stream<S: Stream + FusedStream + Send + Unpin + 'static + fmt::Debug>(_: &S) {}
    // Send but neither Sync, Unpin, Debug nor Clone: the streams must not need any of it.
    struct Awkward(#[allow(dead_code)] Cell<u8>, PhantomPinned);
    fn paginator() -> Paginator<Awkward> {
        Paginator::new(OP, Arc::new(|_| async { Ok(RawPage::new(vec![], None)) }.boxed()))
    }
    let pages = paginator().pages();
    let items = paginator().items();
    assert_stream(&pages);
    assert_stream(&items);
    assert_eq!(format!("{pages:?}"), "Pages { terminated: false, .. }");
    assert_eq!(format!("{items:?}"), "Items { terminated: false, .. }");
}

#[test]
#[expect(unused_must_use)]
fn pages_and_items_warn_when_unused() {
    let (source, _) = Source::new(vec![]);
    source.paginator().pages();
    source.paginator().items();
}

#[tokio::test]
async fn nothing_is_fetched_before_the_first_poll() {
    let (for_pages, _) = Source::new(token_script());
    let (for_items, _) = Source::new(token_script());
    let mut pages = for_pages.paginator().prefetch(true).pages();
    let mut items = for_items.paginator().items();
    tokio::time::sleep(SETTLE).await;
    assert_eq!(for_pages.calls(), 0);
    assert_eq!(for_items.calls(), 0);

    assert_eq!(pages.next().await.unwrap().unwrap().items(), [1, 2]);
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(for_items.calls(), 1);
}

#[tokio::test]
async fn token_pages_come_in_order_and_the_last_has_no_continuation() {
    let (source, _) = Source::new(token_script());
    let results = collect_pages(source.paginator().pages()).await;
    let pages: Vec<Page<u32>> = results.into_iter().map(Result::unwrap).collect();

    assert_eq!(pages.iter().map(Page::number).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(pages.iter().map(Page::len).collect::<Vec<_>>(), [2, 2, 2, 1]);
    let continuations: Vec<Option<Cursor>> =
        pages.iter().map(|p| p.continuation().and_then(|c| c.cursor().cloned())).collect();
    assert_eq!(continuations, [token("t2"), token("t3"), token("t4"), None]);
    assert_eq!(source.calls(), 4);
}

#[tokio::test]
async fn an_empty_or_blank_token_ends_the_listing() {
    for end in ["", "  \n"] {
        let (source, _) =
            Source::new(vec![ok(None, &[1], token("t2")), ok(token("t2"), &[2], token(end))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1, 2]);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(results[1].as_ref().unwrap().continuation(), None);
        assert_eq!(source.calls(), 2);
    }
}

#[tokio::test]
async fn an_empty_page_with_a_new_token_does_not_end_the_listing() {
    let (source, _) = Source::new(vec![
        ok(None, &[], token("t2")),
        ok(token("t2"), &[], token("t3")),
        ok(token("t3"), &[1], None),
    ]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1]);
    assert_eq!(source.calls(), 3);
}

#[tokio::test]
async fn the_token_just_sent_coming_back_is_an_error_even_with_items() {
    let (source, _) =
        Source::new(vec![ok(None, &[1], token("t2")), ok(token("t2"), &[2], token("t2"))]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().items(), [1]);
    assert!(pagination_message(&results[1]).contains("token that was just sent"));
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn an_earlier_token_coming_back_with_an_empty_page_is_an_error() {
    let (source, _) = Source::new(vec![
        ok(None, &[1], token("t2")),
        ok(token("t2"), &[2], token("t3")),
        ok(token("t3"), &[], token("t2")),
    ]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1, 2]);
    assert!(pagination_message(&results[2]).contains("already used"));
    assert_eq!(results.len(), 3);
    assert_eq!(source.calls(), 3);
}

#[tokio::test]
async fn a_scroll_id_that_stays_the_same_goes_on_until_a_page_is_empty() {
    let (source, _) = Source::new(vec![
        ok(None, &[1, 2], scroll("s")),
        ok(scroll("s"), &[3], scroll("s")),
        ok(scroll("s"), &[4], scroll("s")),
        ok(scroll("s"), &[], scroll("s")),
    ]);
    let results = collect_pages(source.paginator().pages()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(items_of(&results), [1, 2, 3, 4]);
    assert_eq!(
        results[2].as_ref().unwrap().continuation().unwrap().cursor(),
        Some(&Cursor::Scroll("s".into()))
    );
    assert_eq!(results[3].as_ref().unwrap().continuation(), None);
    assert_eq!(source.calls(), 4);
}

#[tokio::test]
async fn an_empty_scroll_id_ends_the_listing() {
    let (source, _) =
        Source::new(vec![ok(None, &[1], scroll("s1")), ok(scroll("s1"), &[2], scroll(""))]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1, 2]);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn page_numbers_go_on_until_the_fetch_says_there_is_no_next_page() {
    let (source, _) = Source::new(vec![
        ok(None, &[1], page(2)),
        ok(page(2), &[2], page(3)),
        ok(page(3), &[3], None),
    ]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1, 2, 3]);
    assert_eq!(results.iter().flatten().map(Page::number).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(source.calls(), 3);
}

#[tokio::test]
async fn an_empty_numbered_page_ends_the_listing() {
    let (source, _) = Source::new(vec![ok(None, &[1], page(2)), ok(page(2), &[], page(3))]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1]);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_page_number_that_does_not_advance_is_an_error() {
    // After the first page (page 1), page 1 again.
    let (source, _) = Source::new(vec![ok(None, &[1], page(1))]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(results.len(), 1);
    assert!(pagination_message(&results[0]).contains("(1) does not advance past"));

    // After page 3, page 2.
    let (source, _) = Source::new(vec![ok(None, &[1], page(3)), ok(page(3), &[3], page(2))]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1]);
    assert!(
        pagination_message(&results[1])
            .contains("(2) does not advance past the page just fetched (3)")
    );
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn max_pages_bounds_the_requests_and_the_last_page_keeps_its_continuation() {
    let (source, _) = Source::new(token_script());
    let results = collect_pages(source.paginator().max_pages(2).pages()).await;
    assert_eq!(items_of(&results), [1, 2, 3, 4]);
    let last = results[1].as_ref().unwrap();
    assert_eq!(last.continuation().unwrap().cursor(), Some(&Cursor::Token("t3".into())));
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn max_pages_zero_is_an_input_error_before_any_request() {
    let (source, _) = Source::new(token_script());
    let mut pages = source.paginator().max_pages(0).pages();
    let first = pages.next().await.unwrap();
    assert!(matches!(first, Err(Error::InvalidInput(_))), "{first:?}");
    assert!(first.unwrap_err().to_string().contains("max_pages must be at least 1"));
    assert!(pages.next().await.is_none());
    assert_eq!(source.calls(), 0);
}

#[tokio::test]
async fn a_fetch_error_is_yielded_once_and_then_the_stream_stays_ended() {
    let (source, _) = Source::new(vec![ok(None, &[1], token("t2")), (token("t2"), Reply::Fail)]);
    let mut pages = source.paginator().pages();
    assert_eq!(pages.next().await.unwrap().unwrap().items(), [1]);
    let error = pages.next().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("simulated"), "{error}");
    assert!(!pages.is_terminated());
    assert!(pages.next().await.is_none());
    assert!(pages.is_terminated());
    assert!(pages.next().await.is_none());
    assert_eq!(source.calls(), 2);

    let (source, _) = Source::new(vec![ok(None, &[1, 2], token("t2")), (token("t2"), Reply::Fail)]);
    let items: Vec<Result<u32, Error>> = source.paginator().items().collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[..2].iter().map(|i| *i.as_ref().unwrap()).collect::<Vec<_>>(), [1, 2]);
    assert!(items[2].is_err());
}

#[tokio::test]
async fn resuming_after_a_failure_at_page_three_yields_every_item_exactly_once() {
    let mut script = token_script();
    script[2].1 = Reply::Fail;
    let (source, _) = Source::new(script);
    let first_run = collect_pages(source.paginator().pages()).await;
    assert_eq!(first_run.len(), 3);
    assert!(first_run[2].is_err());

    // The checkpoint a caller would have written after page 2, read back.
    let checkpoint =
        serde_json::to_string(first_run[1].as_ref().unwrap().continuation().unwrap()).unwrap();
    let continuation: Continuation = serde_json::from_str(&checkpoint).unwrap();

    let (source, _) = Source::new(token_script().split_off(2));
    let second_run = collect_pages(source.paginator().resume(continuation).pages()).await;
    assert_eq!(second_run.iter().flatten().map(Page::number).collect::<Vec<_>>(), [1, 2]);

    let mut all = items_of(&first_run);
    all.extend(items_of(&second_run));
    assert_eq!(all, [1, 2, 3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn a_continuation_saved_as_json_resumes_with_exactly_the_rest() {
    let script = vec![
        ok(None, &[1], page(2)),
        ok(page(2), &[2], page(3)),
        ok(page(3), &[3], page(4)),
        ok(page(4), &[4], None),
    ];
    let (source, _) = Source::new(script.clone());
    let first: Vec<u32> = source.paginator().max_pages(2).items().try_collect().await.unwrap();
    assert_eq!(first, [1, 2]);

    let (source, _) = Source::new(script.clone());
    let pages = collect_pages(source.paginator().max_pages(2).pages()).await;
    let json = serde_json::to_string(pages[1].as_ref().unwrap().continuation().unwrap()).unwrap();
    assert_eq!(json, r#"{"cursor":{"page":3}}"#);

    let (source, _) = Source::new(script[2..].to_vec());
    let resume = serde_json::from_str(&json).unwrap();
    let rest: Vec<u32> = source.paginator().resume(resume).items().try_collect().await.unwrap();
    assert_eq!(rest, [3, 4]);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn paging_options_apply_max_pages_prefetch_and_resume() {
    let (source, _) = Source::new(token_script().split_off(1));
    let options = PagingOptions {
        max_pages: Some(2),
        prefetch: true,
        resume: Some(Continuation::at(0, Some(Cursor::Token("t2".into())), 0)),
        concurrency: None,
        undecodable: Default::default(),
    };
    let paginator = options.apply(source.paginator().max_pages(9).prefetch(false));
    assert!(paginator.options().prefetch);
    let items: Vec<u32> = paginator.items().try_collect().await.unwrap();
    assert_eq!(items, [3, 4, 5, 6]);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn without_prefetch_nothing_is_fetched_while_a_page_is_held() {
    let (source, mut events) = Source::new(token_script());
    let mut pages = source.paginator().pages();
    let first = pages.next().await.unwrap().unwrap();
    tokio::time::sleep(SETTLE).await;
    assert_eq!(source.calls(), 1);
    assert_eq!(events.next().now_or_never(), Some(Some(Event::Started(0))));
    assert_eq!(events.next().now_or_never(), None, "no other request started");
    drop(first);
}

#[tokio::test]
async fn with_prefetch_the_next_fetch_starts_while_the_current_page_is_held() {
    let (source, mut events) = Source::new(token_script());
    let mut pages = source.paginator().prefetch(true).pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(events.next().await, Some(Event::Started(0)));
    // Page 1 is still held and the stream not polled again: page 2 is already on its way.
    assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Started(1)));
    assert_eq!(first.items(), [1, 2]);

    let rest = collect_pages(pages).await;
    assert_eq!(items_of(&rest), [3, 4, 5, 6, 7]);
    assert_eq!(source.calls(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefetch_keeps_one_request_in_flight_and_yields_the_same_items() {
    let (plain, _) = Source::new(token_script());
    let (eager, _) = Source::new(token_script());
    let expected: Vec<u32> = plain.paginator().items().try_collect().await.unwrap();
    let items: Vec<u32> = eager.paginator().prefetch(true).items().try_collect().await.unwrap();
    assert_eq!(items, expected);
    assert_eq!(eager.calls(), 4);
    assert_eq!(eager.max_in_flight.load(SeqCst), 1);
}

#[tokio::test]
async fn prefetch_never_fetches_past_max_pages() {
    let (source, _) = Source::new(token_script());
    let mut pages = source.paginator().prefetch(true).max_pages(2).pages();
    pages.next().await.unwrap().unwrap();
    let second = pages.next().await.unwrap().unwrap();
    tokio::time::sleep(SETTLE).await;
    assert_eq!(source.calls(), 2);
    assert!(second.continuation().is_some());
    assert!(pages.next().await.is_none());
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_prefetched_fetch() {
    let (source, mut events) =
        Source::new(vec![ok(None, &[1], token("t2")), (token("t2"), Reply::Hang)]);
    let mut pages = source.paginator().prefetch(true).pages();
    pages.next().await.unwrap().unwrap();
    assert_eq!(events.next().await, Some(Event::Started(0)));
    assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Started(1)));

    drop(pages);
    assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Cancelled(1)));
    assert_eq!(source.in_flight.load(SeqCst), 0);
}

#[test]
fn prefetch_without_a_tokio_runtime_fetches_on_demand_instead_of_panicking() {
    let (source, _) = Source::new(token_script());
    let mut pages = source.paginator().prefetch(true).pages();
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut poll = || loop {
        if let Poll::Ready(next) = pages.poll_next_unpin(&mut cx) {
            return next;
        }
    };
    assert_eq!(poll().unwrap().unwrap().items(), [1, 2]);
    assert_eq!(source.calls(), 1);
    assert_eq!(poll().unwrap().unwrap().items(), [3, 4]);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn items_fetch_the_next_page_only_when_the_current_one_is_used_up() {
    let (source, _) = Source::new(token_script());
    let mut items = source.paginator().items();
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    assert_eq!(source.calls(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 3);
    assert_eq!(source.calls(), 2);

    let rest: Vec<u32> = items.try_collect().await.unwrap();
    assert_eq!(rest, [4, 5, 6, 7]);
}

/// An in-test server for a listing over windows: each window is a list of pages, walked
/// with a scroll id `w{window}-p{page}`; an empty page ends a window, as a scroll does.
struct WindowedSource {
    windows: Vec<Vec<Vec<u32>>>,
    calls: AtomicUsize,
    /// The call (0-based) that answers "the scroll expired", if any.
    expire_at: Option<usize>,
}

impl WindowedSource {
    fn new(windows: Vec<Vec<Vec<u32>>>) -> Arc<Self> {
        Arc::new(Self { windows, calls: AtomicUsize::new(0), expire_at: None })
    }

    fn expiring_at(windows: Vec<Vec<Vec<u32>>>, call: usize) -> Arc<Self> {
        Arc::new(Self { windows, calls: AtomicUsize::new(0), expire_at: Some(call) })
    }

    fn paginator(self: &Arc<Self>) -> Paginator<u32> {
        let source = Arc::clone(self);
        let windows = u32::try_from(self.windows.len()).unwrap();
        Paginator::windowed(
            OP,
            windows,
            Arc::new(move |window, _part, cursor| {
                let call = source.calls.fetch_add(1, SeqCst);
                let reply = source.serve(call, window as usize, cursor);
                async move { reply }.boxed()
            }),
        )
    }

    fn serve(
        &self,
        call: usize,
        window: usize,
        cursor: Option<Cursor>,
    ) -> Result<RawPage<u32>, Error> {
        if self.expire_at == Some(call) {
            return Err(Error::cursor_expired(OP, "the scroll id expired"));
        }
        let page = match cursor {
            None => 0,
            Some(Cursor::Scroll(id)) => id
                .rsplit_once("-p")
                .and_then(|(_, n)| n.parse::<usize>().ok())
                .ok_or_else(|| Error::config(format!("bad scroll id {id}")))?,
            Some(other) => return Err(Error::config(format!("unexpected cursor {other:?}"))),
        };
        let items = self.windows[window].get(page).cloned().unwrap_or_default();
        let next = Some(Cursor::Scroll(format!("w{window}-p{}", page + 1)));
        Ok(RawPage::new(items, next))
    }

    fn calls(&self) -> usize {
        self.calls.load(SeqCst)
    }
}

/// Three windows: 1..=5 in pages of two, nothing, then 6..=9.
fn three_windows() -> Vec<Vec<Vec<u32>>> {
    vec![vec![vec![1, 2], vec![3, 4], vec![5]], vec![], vec![vec![6, 7, 8], vec![9]]]
}

#[tokio::test]
async fn a_windowed_listing_reads_every_window_in_order() {
    let source = WindowedSource::new(three_windows());
    let items: Vec<u32> = source.paginator().items().try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each window ends with its empty page: 4 + 1 + 3 requests.
    assert_eq!(source.calls(), 8);

    let prefetched = WindowedSource::new(three_windows());
    let items: Vec<u32> =
        prefetched.paginator().prefetch(true).items().try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

#[tokio::test]
async fn resuming_from_a_continuation_saved_on_any_page_of_any_window_gives_exactly_the_rest() {
    let pages = collect_pages(WindowedSource::new(three_windows()).paginator().pages()).await;
    let pages: Vec<Page<u32>> = pages.into_iter().map(Result::unwrap).collect();
    let windows_seen: Vec<u32> =
        pages.iter().filter_map(|p| p.continuation().map(Continuation::window)).collect();
    assert_eq!(windows_seen, [0, 0, 0, 1, 2, 2, 2], "continuations in all three windows");
    let mut before = Vec::new();
    for page in &pages {
        before.extend_from_slice(page.items());
        let Some(continuation) = page.continuation() else { continue };
        let saved = serde_json::to_string(continuation).unwrap();
        let restored: Continuation = serde_json::from_str(&saved).unwrap();
        let rest: Vec<u32> = WindowedSource::new(three_windows())
            .paginator()
            .resume(restored)
            .items()
            .try_collect()
            .await
            .unwrap();
        let mut all = before.clone();
        all.extend(rest);
        assert_eq!(all, [1, 2, 3, 4, 5, 6, 7, 8, 9], "resumed from {saved}");
    }
}

#[tokio::test]
async fn an_expired_cursor_gives_a_continuation_that_restarts_the_window_without_loss() {
    // Call 6 asks for the second page of window 2, after 6, 7 and 8 came from its first.
    let source = WindowedSource::expiring_at(three_windows(), 6);
    let results: Vec<Result<u32, Error>> = source.paginator().items().collect().await;
    let (delivered, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let delivered: Vec<u32> = delivered.into_iter().map(Result::unwrap).collect();
    assert_eq!(delivered, [1, 2, 3, 4, 5, 6, 7, 8]);
    let Some(Err(Error::Pagination(error))) = errors.into_iter().next() else {
        panic!("the listing ends with the expiry");
    };
    assert!(error.is_cursor_expired());
    let continuation = error.continuation().cloned().unwrap();
    assert_eq!(serde_json::to_string(&continuation).unwrap(), r#"{"window":2,"offset":3}"#);
    assert!(Error::Pagination(error).is_retryable());

    let rest: Vec<u32> = WindowedSource::new(three_windows())
        .paginator()
        .resume(continuation)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest, [9]);
}

#[tokio::test]
async fn a_continuation_beyond_the_listings_windows_is_refused_before_any_request() {
    let source = WindowedSource::new(three_windows());
    let resume: Continuation = serde_json::from_str(r#"{"window":3}"#).unwrap();
    let results: Vec<_> = source.paginator().resume(resume).pages().collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(&results[0], Err(Error::InvalidInput(e)) if e.message().contains("window 3")));
    assert_eq!(source.calls(), 0);
}

#[tokio::test]
async fn a_listing_over_no_window_ends_at_once_without_a_request() {
    let source = WindowedSource::new(vec![]);
    let results: Vec<_> = source.paginator().pages().collect().await;
    assert!(results.is_empty());
    assert_eq!(source.calls(), 0);
}

#[tokio::test]
async fn an_old_single_listing_continuation_resumes_a_one_range_listing() {
    let (source, _) = Source::new(token_script().split_off(2));
    let old: Continuation = serde_json::from_str(r#"{"cursor":{"token":"t3"}}"#).unwrap();
    let rest: Vec<u32> = source.paginator().resume(old).items().try_collect().await.unwrap();
    assert_eq!(rest, [5, 6, 7]);
}

/// Eight windows of three pages each (plus the empty page that ends a scroll), every page
/// taking a few milliseconds, counting the requests in flight.
struct SlowWindows {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Pages with items the server has answered.
    served: AtomicUsize,
}

impl SlowWindows {
    const WINDOWS: u32 = 8;

    fn new() -> Arc<Self> {
        Arc::new(Self {
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            served: AtomicUsize::new(0),
        })
    }

    fn expected() -> Vec<u32> {
        (0..Self::WINDOWS * 6).collect()
    }

    fn paginator(self: &Arc<Self>) -> Paginator<u32> {
        let source = Arc::clone(self);
        Paginator::windowed(
            OP,
            Self::WINDOWS,
            Arc::new(move |window, _part, cursor| {
                let source = Arc::clone(&source);
                async move {
                    let now = source.in_flight.fetch_add(1, SeqCst) + 1;
                    source.max_in_flight.fetch_max(now, SeqCst);
                    tokio::time::sleep(Duration::from_millis(3)).await;
                    source.in_flight.fetch_sub(1, SeqCst);
                    let page = match cursor {
                        Some(Cursor::Page(n)) => n,
                        _ => 1,
                    };
                    let items = if page <= 3 {
                        source.served.fetch_add(1, SeqCst);
                        (0..2).map(|i| window * 6 + (page - 1) * 2 + i).collect()
                    } else {
                        Vec::new()
                    };
                    Ok(RawPage::new(items, Some(Cursor::Page(page + 1))))
                }
                .boxed()
            }),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_read_at_once_yield_the_same_items_in_the_same_order() {
    for concurrency in [1, 6] {
        let source = SlowWindows::new();
        let items: Vec<u32> =
            source.paginator().concurrency(concurrency).items().try_collect().await.unwrap();
        assert_eq!(items, SlowWindows::expected(), "concurrency {concurrency}");
        let max = source.max_in_flight.load(SeqCst);
        assert!(
            max <= concurrency as usize,
            "{max} requests at once with concurrency {concurrency}"
        );
        if concurrency > 1 {
            assert!(max > 1, "windows were read one at a time");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_holds_at_most_two_pages_per_window_read_at_once() {
    const AT_ONCE: u32 = 3;
    let source = SlowWindows::new();
    let mut pages = source.paginator().concurrency(AT_ONCE).pages();
    let (mut taken, mut most_waiting) = (0, 0);
    while let Some(page) = pages.try_next().await.unwrap() {
        taken += usize::from(!page.is_empty());
        // Give the windows read ahead every chance to run away from the reader.
        tokio::time::sleep(Duration::from_millis(15)).await;
        most_waiting = most_waiting.max(source.served.load(SeqCst) - taken);
    }
    assert_eq!(taken, SlowWindows::WINDOWS as usize * 3);
    assert!(most_waiting <= 2 * AT_ONCE as usize, "{most_waiting} pages waited for the reader");
    assert!(most_waiting > 1, "the windows did read ahead");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_continuation_saved_while_windows_were_in_flight_resumes_exactly() {
    let pages: Vec<Page<u32>> =
        SlowWindows::new().paginator().concurrency(6).pages().try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(Page::number).collect::<Vec<_>>(),
        (1..=pages.len() as u32).collect::<Vec<_>>(),
        "pages are numbered in reading order"
    );
    let mut before = Vec::new();
    for page in &pages {
        before.extend_from_slice(page.items());
        let Some(continuation) = page.continuation() else { continue };
        let rest: Vec<u32> = SlowWindows::new()
            .paginator()
            .concurrency(6)
            .resume(continuation.clone())
            .items()
            .try_collect()
            .await
            .unwrap();
        let mut all = before.clone();
        all.extend(rest);
        assert_eq!(all, SlowWindows::expected(), "resumed from {continuation:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_in_a_window_read_ahead_comes_after_the_windows_before_it() {
    let source = WindowedSource::expiring_at(three_windows(), 0);
    let results: Vec<Result<u32, Error>> =
        source.paginator().concurrency(3).items().collect().await;
    // Call 0 is the first request of whichever window's task ran first: the items of the
    // windows before it come out in order, then its error ends the stream.
    let delivered: Vec<u32> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    let all = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert_eq!(delivered, all[..delivered.len()], "a prefix, in order");
    assert_eq!(results.len(), delivered.len() + 1);
    let Some(Err(Error::Pagination(error))) = results.last() else { panic!("{results:?}") };
    assert!(error.is_cursor_expired());
}

#[tokio::test]
async fn concurrency_zero_is_refused_before_any_request() {
    let source = WindowedSource::new(three_windows());
    let results: Vec<_> = source.paginator().concurrency(0).pages().collect().await;
    assert!(matches!(&results[..], [Err(Error::InvalidInput(_))]), "{results:?}");
    assert_eq!(source.calls(), 0);
}

/// Regression: a server cycling A→B→A while sending items made the listing page on (50
/// times in the report, 4 distinct items of 75 delivered).
#[tokio::test]
async fn a_token_cycle_that_keeps_bringing_items_is_an_error() {
    let (source, _) = Source::new(vec![
        ok(None, &[1], token("a")),
        ok(token("a"), &[2], token("b")),
        ok(token("b"), &[3], token("a")),
    ]);
    let results = collect_pages(source.paginator().pages()).await;
    assert_eq!(items_of(&results), [1, 2]);
    assert!(pagination_message(&results[2]).contains("already used"));
    assert_eq!(source.calls(), 3);
}

/// Regression: empty pages with fresh tokens made 6,466 requests in 3 s.
#[tokio::test]
async fn a_run_of_empty_pages_with_fresh_tokens_is_bounded() {
    let steps: Vec<Step> = (0..=super::guard::MAX_EMPTY_PAGES_IN_A_ROW + 5)
        .map(|n| {
            let sent = (n > 0).then(|| Cursor::Token(format!("t{n}")));
            ok(sent, &[], token(&format!("t{}", n + 1)))
        })
        .collect();
    let (source, _) = Source::new(steps);
    let results = collect_pages(source.paginator().pages()).await;
    let last = results.last().unwrap();
    assert!(pagination_message(last).contains("empty pages in a row"), "{last:?}");
    assert_eq!(source.calls(), super::guard::MAX_EMPTY_PAGES_IN_A_ROW as usize);

    // Empty pages between full ones do not add up.
    let mut steps: Vec<Step> = Vec::new();
    for n in 0..120u32 {
        let sent = (n > 0).then(|| Cursor::Token(format!("t{n}")));
        let items: &[u32] = if n % 40 == 39 { &[1] } else { &[] };
        let next = if n == 119 { None } else { token(&format!("t{}", n + 1)) };
        steps.push(ok(sent, items, next));
    }
    let (source, _) = Source::new(steps);
    let results = collect_pages(source.paginator().pages()).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(items_of(&results), [1, 1, 1]);
}

/// A scroll envelope over windows, `{"data":[…],"scroll":"…"}`, as a vendor would write one.
struct ScrollWindows;

#[derive(serde::Deserialize)]
#[serde(bound(deserialize = "T: serde::Deserialize<'de>"))]
struct ScrollBody<T> {
    data: Vec<T>,
    scroll: Option<String>,
}

impl super::Envelope for ScrollWindows {
    type Item = u32;
    type Cursor = super::ScrollId;
    type Body<T: serde::de::DeserializeOwned> = ScrollBody<T>;
    type Meta = Option<String>;
    const CURSOR_PARAMS: &'static [&'static str] = &["scrollId"];

    fn split<T: serde::de::DeserializeOwned>(body: ScrollBody<T>) -> (Vec<T>, Option<String>) {
        (body.data, body.scroll)
    }

    fn with_cursor(
        &self,
        request: crate::transport::Request,
        cursor: Option<&super::ScrollId>,
    ) -> Result<crate::transport::Request, Error> {
        Ok(request.query_opt("scrollId", cursor.map(|id| &id.0)))
    }

    fn next(
        &self,
        _: Option<&super::ScrollId>,
        scroll: &Option<String>,
        _: usize,
    ) -> Result<Option<super::ScrollId>, Error> {
        Ok(scroll.clone().map(super::ScrollId))
    }
}

fn month_request(month: &str) -> crate::transport::Request {
    let url = format!("https://a.test/log?month={month}&queryType=scroll");
    crate::transport::Request::new(OP, reqwest::Method::GET, url::Url::parse(&url).unwrap())
}

fn windowed_identity(months: &[&str]) -> String {
    let firsts: Vec<_> = months.iter().map(|month| month_request(month)).collect();
    super::identity::identity_of_windows(OP, &firsts, &["scrollId"])
}

#[test]
fn a_windowed_listing_s_identity_hashes_every_window_s_first_request_in_order() {
    let three = windowed_identity(&["03", "04", "05"]);
    assert!(three.starts_with("lerian_reporter.list_reports:"), "{three}");
    assert_eq!(three, windowed_identity(&["03", "04", "05"]));
    for other in [&["03", "04"][..], &["04", "05", "06"], &["03", "05", "04"], &[]] {
        assert_ne!(windowed_identity(other), three, "{other:?}");
    }
    // One window is the same listing as one request: `of_envelope`'s identity.
    let one = super::identity::identity_of(&month_request("03"), &["scrollId"]);
    assert_eq!(windowed_identity(&["03"]), one);
    // The cursor parameter is not part of it.
    let with_cursor = month_request("03").query("scrollId", "s-9");
    assert_eq!(super::identity::identity_of_windows(OP, &[with_cursor], &["scrollId"]), one);
}

#[tokio::test]
async fn a_windowed_listing_refuses_another_range_s_or_window_s_continuation_before_any_request() {
    let timer: Arc<dyn crate::Timer> = Arc::new(crate::testkit::VirtualTimer::new());
    let slot = crate::transport::EndpointSlot::for_tests(timer, crate::Jitter::fixed(0.5));
    let endpoint = slot.get().unwrap().clone();
    let listing = |months: &[&str]| {
        let firsts = months.iter().map(|month| month_request(month)).collect();
        Paginator::of_windows(endpoint.clone(), ScrollWindows, OP, firsts)
    };
    let saved_elsewhere =
        Continuation::at(1, None, 0).of_listing(Some(&windowed_identity(&["04", "05"])));
    let beyond = Continuation::at(2, None, 0).of_listing(Some(&windowed_identity(&["03", "04"])));
    let by_page = Continuation::at(0, page(3), 0);
    for (resumed, says) in
        [(saved_elsewhere, "another listing"), (beyond, "only 2"), (by_page, "a page number")]
    {
        let mut pages = listing(&["03", "04"]).resume(resumed).pages();
        let error = pages.try_next().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert!(error.to_string().contains(says), "{says}: {error}");
    }
    // No window: an empty listing, no request.
    assert!(listing(&[]).pages().try_next().await.unwrap().is_none());
}
