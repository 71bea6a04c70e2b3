//! EnergyCAP's unpaged lists as an envelope: a bare JSON array, and no next page.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::{
    Error,
    pagination::{Envelope, PageNumber},
    transport::Request,
};

/// A bare JSON array of `T`, the whole list in one answer.
pub(crate) struct OnePage<T>(PhantomData<fn() -> T>);

impl<T> OnePage<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: DeserializeOwned + Send + 'static> Envelope for OnePage<T> {
    type Item = T;
    // Never sent: the listing has no second page.
    type Cursor = PageNumber;
    type Body<I: DeserializeOwned> = Vec<I>;
    type Meta = ();
    const CURSOR_PARAMS: &'static [&'static str] = &[];

    fn split<I: DeserializeOwned>(body: Vec<I>) -> (Vec<I>, ()) {
        (body, ())
    }

    fn with_cursor(&self, request: Request, _: Option<&PageNumber>) -> Result<Request, Error> {
        Ok(request)
    }

    fn next(&self, _: Option<&PageNumber>, _: &(), _: usize) -> Result<Option<PageNumber>, Error> {
        Ok(None)
    }
}
