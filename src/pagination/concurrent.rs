//! Reading several windows of a listing at once, still yielding pages in order.
//!
//! Each window ahead of the reader is walked by its own task into a channel of one page. A
//! task fetches its next page while the previous one waits in the channel, and then waits
//! for the reader to take that one: a window holds at most two pages the reader has not
//! taken, so a listing read `n` windows at a time holds at most `2n`. Fetching one page
//! behind the waiting one is what lets a window finish in the background: a scroll ends
//! only on a request that brings nothing, and it would otherwise wait for the reader.

use std::collections::VecDeque;

use futures::{FutureExt, Stream, StreamExt, future::RemoteHandle};
use tokio::{runtime::Handle, sync::mpsc};

use super::{Continuation, Page, walk::Walk};
use crate::Error;

/// A window being read ahead by its own task; dropping it cancels the task.
struct Ahead<T> {
    pages: mpsc::Receiver<Result<Page<T>, Error>>,
    _task: RemoteHandle<()>,
}

/// The pages of `walk` from `start` on, reading up to `ahead` windows at once.
pub(super) fn read<T: Send + 'static>(
    walk: Walk<T>,
    start: Continuation,
    ahead: u32,
    runtime: Handle,
) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
    async_stream::stream! {
        let windows = walk.windows();
        let first = start.window();
        let mut start = Some(start);
        let mut next_window = first;
        let mut reading = VecDeque::new();
        let mut number: u32 = 0;
        loop {
            while reading.len() < ahead as usize && next_window < windows {
                // The first window resumes where the caller left off; the others start fresh.
                let from = start.take().unwrap_or_else(|| Continuation::at(next_window, None, 0));
                reading.push_back(read_ahead(&walk, from, &runtime));
                next_window = next_window.saturating_add(1);
            }
            let Some(mut current) = reading.pop_front() else { return };
            while let Some(item) = current.pages.recv().await {
                match item {
                    Ok(mut page) => {
                        number = number.saturating_add(1);
                        page.number = number;
                        yield Ok(page);
                    }
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                }
            }
        }
    }
}

/// Starts a task that walks the one window `from` is in.
fn read_ahead<T: Send + 'static>(walk: &Walk<T>, from: Continuation, runtime: &Handle) -> Ahead<T> {
    let until = from.window().saturating_add(1);
    let pages = walk.clone().pages(from, until);
    let (sender, receiver) = mpsc::channel(1);
    let task = async move {
        let mut pages = std::pin::pin!(pages);
        while let Some(page) = pages.next().await {
            // Waits while the previous page is still in the channel; fails once the reader
            // is gone, which ends the task.
            if sender.send(page).await.is_err() {
                return;
            }
        }
    };
    let (task, handle) = task.remote_handle();
    runtime.spawn(task);
    Ahead { pages: receiver, _task: handle }
}
