//! Asking a vendor's server for the time: one request without credentials, whose answer's
//! `Date` header (any status carries one) says how far its clock is from ours.

use chrono::TimeDelta;

use super::{Endpoint, failure::Failure};
use crate::{Error, Operation};

impl Endpoint {
    /// Sends `HEAD` to the base URL, records the answer in the client's traffic, and
    /// returns the server's clock minus this client's (`None`: no readable `Date`).
    pub(crate) async fn probe_clock(&self) -> Result<Option<TimeDelta>, Error> {
        let transport = self.transport();
        let operation = Operation::new(self.vendor(), "probe_server_clock");
        transport.traffic.request(self.vendor());
        let response = transport
            .http
            .head(self.base_url().clone())
            .timeout(transport.timeout)
            .send()
            .await
            .map_err(|error| Failure::from_reqwest(error).into_error(operation, 1, None))?;
        Ok(transport.traffic.answer(
            self.vendor(),
            response.status(),
            response.headers().get(reqwest::header::DATE),
            self.timer().wall_clock(),
        ))
    }
}
