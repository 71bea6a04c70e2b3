//! The one fetch every envelope listing uses: the listing's request plus the cursor, sent
//! through the transport, decoded by [`decode_page`](super::decode_page) within the envelope's page limit; the listing over one request or over
//! one first request per window; and the identity derived from those requests.

use std::sync::Arc;

use super::{
    Cursor, Envelope, PageCursor, Paginator, Part, RawPage, Splits, decode::decode_page_within,
    identity::identity_of_windows, options::FetchWindowPage,
};
use crate::{
    Error, Operation,
    transport::{Endpoint, EndpointSlot, Request},
};

/// Fetches the page of `envelope`'s listing at `cursor` (`None`: the first page): `first`
/// is the listing's request without its cursor.
pub(crate) async fn fetch<E: Envelope>(
    endpoint: &Endpoint,
    envelope: &E,
    first: &Request,
    cursor: Option<&E::Cursor>,
) -> Result<RawPage<E::Item>, Error> {
    let operation = first.operation;
    let request = envelope.with_cursor(first.clone(), cursor)?;
    let answer = endpoint.send(request).await.map_err(|error| envelope.failed(cursor, error))?;
    envelope.answered(first, cursor, &answer.body)?;
    let request_id = answer.request_id.as_deref();
    let limit = envelope.page_limit(first);
    let page = decode_page_within::<E>(operation, answer.status, request_id, &answer.body, limit)?;
    let next = envelope.next(cursor, &page.meta, page.on_page())?;
    let next = next.map(|cursor| cursor.to_cursor());
    let items = envelope.deliver(page.items);
    Ok(RawPage { items, next, rejected: page.undecodable })
}

impl<T: Send + 'static> Paginator<T> {
    /// The listing `envelope` describes, whose first page `first` asks for: its identity is
    /// derived from `first` (so every filter counts), and a continuation holding another
    /// kind of cursor than `E::Cursor` is refused before any request.
    pub(crate) fn of_envelope<E: Envelope<Item = T>>(
        endpoint: Endpoint,
        envelope: E,
        first: Request,
    ) -> Self {
        let operation = first.operation;
        Self::of_windows(endpoint, envelope, operation, vec![first])
    }

    /// The listing `envelope` describes over consecutive windows (a long range split into
    /// sub-ranges the server serves one at a time), read in order as one stream: `firsts`
    /// holds each window's first request, without its cursor. Each window is paged on its
    /// own cursor; the continuation records the window. The identity hashes every
    /// window's first request (one window: the same identity as
    /// [`of_envelope`](Self::of_envelope)), so a continuation saved over another range or
    /// with another filter is refused before any request. No window: an empty listing.
    pub(crate) fn of_windows<E: Envelope<Item = T>>(
        endpoint: Endpoint,
        envelope: E,
        operation: Operation,
        firsts: Vec<Request>,
    ) -> Self {
        let fetched = firsts.iter().cloned().map(Some).collect();
        Self::of_windows_as(endpoint, envelope, operation, &firsts, fetched)
    }

    /// [`of_windows`](Self::of_windows) whose identity is that of the windows `firsts`
    /// while each window is read by the request in `fetched` instead, or is empty without a
    /// request (`None`): a listing whose oldest windows the server no longer serves keeps
    /// the identity (and window numbers) of the listing its continuations were saved by.
    pub(crate) fn of_windows_as<E: Envelope<Item = T>>(
        endpoint: Endpoint,
        envelope: E,
        operation: Operation,
        firsts: &[Request],
        fetched: Vec<Option<Request>>,
    ) -> Self {
        Self::of_split_windows(endpoint, envelope, operation, firsts, fetched, None)
    }

    /// [`of_windows_as`](Self::of_windows_as) whose windows are read in the finer parts
    /// `splits` describes when their first request keeps timing out (HTTP 504).
    pub(crate) fn of_split_windows<E: Envelope<Item = T>>(
        endpoint: Endpoint,
        envelope: E,
        operation: Operation,
        firsts: &[Request],
        fetched: Vec<Option<Request>>,
        splits: Option<Arc<dyn Splits>>,
    ) -> Self {
        let Ok(count) = u32::try_from(fetched.len()) else {
            let error = Error::invalid_input(operation, "the range splits into too many windows");
            return Self::refused(operation, error);
        };
        let identity = identity_of_windows(operation, firsts, E::CURSOR_PARAMS);
        let listing = Arc::new((endpoint, envelope, fetched, splits.clone()));
        let fetch_page: FetchWindowPage<T> =
            Arc::new(move |window: u32, part: Part, cursor: Option<Cursor>| {
                let listing = Arc::clone(&listing);
                Box::pin(async move {
                    let (endpoint, envelope, fetched, splits) = &*listing;
                    let Some(first) = usize::try_from(window).ok().and_then(|w| fetched.get(w))
                    else {
                        let message = format!("window {window} is not part of this listing");
                        return Err(Error::invalid_input(operation, message));
                    };
                    let part_request;
                    let first = match (part.is_whole(), splits) {
                        (true, _) => first,
                        (false, Some(splits)) => {
                            part_request = splits.request(window, part);
                            &part_request
                        }
                        (false, None) => {
                            let message = format!("window {window} is not read in parts");
                            return Err(Error::invalid_input(operation, message));
                        }
                    };
                    let Some(first) = first else {
                        return Ok(RawPage { items: Vec::new(), next: None, rejected: Vec::new() });
                    };
                    // The resume guard has refused other kinds already; a walk only ever
                    // hands back the cursors this envelope returned.
                    let cursor = cursor.as_ref().and_then(E::Cursor::from_cursor);
                    fetch(endpoint, envelope, first, cursor.as_ref()).await
                })
            });
        let paginator = Self::windowed(operation, count, fetch_page)
            .identified(identity)
            .paged_by(E::Cursor::KIND);
        match splits {
            Some(splits) => paginator.split_by(splits),
            None => paginator,
        }
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// The listing `envelope` describes at the vendor `slot` names: `first` checks the
    /// filters and builds the first page's request (without its cursor) on the endpoint.
    /// An unconfigured vendor or refused filters give a paginator that yields only the
    /// error ([`Error::InvalidInput`] for the filters), before any request.
    pub(crate) fn over<E: Envelope<Item = T>>(
        slot: &EndpointSlot,
        operation: Operation,
        envelope: E,
        first: impl FnOnce(&Endpoint) -> Result<Request, String>,
    ) -> Self {
        let endpoint = match slot.get() {
            Ok(endpoint) => endpoint.clone(),
            Err(error) => return Self::refused(operation, error),
        };
        match first(&endpoint) {
            Ok(request) => Self::of_envelope(endpoint, envelope, request),
            Err(message) => Self::refused(operation, Error::invalid_input(operation, message)),
        }
    }
}
