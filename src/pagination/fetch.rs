//! The one fetch every envelope listing uses: the listing's request plus the cursor, sent
//! through the transport, decoded by [`decode_page`]; and the identity derived from that
//! request.

use std::sync::Arc;

use super::{
    Cursor, Envelope, FetchPage, PageCursor, Paginator, RawPage, decode_page, identity::identity_of,
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
    let request_id = answer.request_id.as_deref();
    let page = decode_page::<E>(operation, answer.status, request_id, &answer.body)?;
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
        let identity = identity_of(&first, E::CURSOR_PARAMS);
        let listing = Arc::new((endpoint, envelope, first));
        let fetch_page: FetchPage<T> = Arc::new(move |cursor: Option<Cursor>| {
            let listing = Arc::clone(&listing);
            Box::pin(async move {
                let (endpoint, envelope, first) = &*listing;
                // The resume guard has refused other kinds already; a walk only ever
                // hands back the cursors this envelope returned.
                let cursor = cursor.as_ref().and_then(E::Cursor::from_cursor);
                fetch(endpoint, envelope, first, cursor.as_ref()).await
            })
        });
        Self::new(operation, fetch_page).identified(identity).paged_by(E::Cursor::KIND)
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
