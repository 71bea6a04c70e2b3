//! Named, boxed, fused streams: the public stream types (`Pages`, `Items`, `Statuses`).
//!
//! Boxing makes them `Unpin` and gives them a nameable type; remembering the end makes
//! polling after the end harmless (`FusedStream`).

use std::task::{Context, Poll};

use futures::{Stream, StreamExt, stream::BoxStream};

/// A boxed stream that remembers it ended.
pub(crate) struct Fused<I> {
    inner: BoxStream<'static, I>,
    pub(crate) done: bool,
}

impl<I> Fused<I> {
    pub(crate) fn new(stream: impl Stream<Item = I> + Send + 'static) -> Self {
        Self { inner: stream.boxed(), done: false }
    }

    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<I>> {
        if self.done {
            return Poll::Ready(None);
        }
        let next = std::task::ready!(self.inner.poll_next_unpin(cx));
        self.done = next.is_none();
        Poll::Ready(next)
    }
}

/// Declares a public stream type over [`Fused`]: the struct with its `#[must_use]`, a
/// crate-internal `new`, and `Stream`, `FusedStream` and `Debug` (which needs no `T: Debug`).
macro_rules! boxed_stream {
    ($(#[$meta:meta])* pub struct $name:ident<$t:ident> yields $item:ty;) => {
        $(#[$meta])*
        #[must_use = "streams do nothing unless polled"]
        pub struct $name<$t> {
            inner: $crate::boxed_stream::Fused<$item>,
        }

        impl<$t> $name<$t> {
            pub(crate) fn new(stream: impl futures::Stream<Item = $item> + Send + 'static) -> Self {
                Self { inner: $crate::boxed_stream::Fused::new(stream) }
            }
        }

        impl<$t> futures::Stream for $name<$t> {
            type Item = $item;

            fn poll_next(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                self.inner.poll_next(cx)
            }
        }

        impl<$t> futures::stream::FusedStream for $name<$t> {
            fn is_terminated(&self) -> bool {
                self.inner.done
            }
        }

        impl<$t> std::fmt::Debug for $name<$t> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("terminated", &self.inner.done)
                    .finish_non_exhaustive()
            }
        }
    };
}
