//! The one `Client`: a handle per vendor over one shared transport. Built by its builder
//! (`builder`), possibly from the environment (`env`).

mod builder;
mod env;

pub use builder::ClientBuilder;

use std::{fmt, sync::Arc};

use crate::{
    Traffic, Vendor, energycap, everbridge, qualtrics, reporter, transport::TrafficCounters,
};

/// The entry point: one connection pool, one retry policy, and a handle per vendor.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: build it once and share it.
///
/// ```no_run
/// use auditkit::{Client, energycap};
///
/// # async fn demo() -> Result<(), auditkit::Error> {
/// let client = Client::builder()
///     .energycap(energycap::Config::new(
///         energycap::Host::UsEast,
///         energycap::Credentials::api_key("api-key"),
///     ))
///     .build()?;
/// let logs = client.energycap().list_report_distribution_logs().send().await?;
/// println!("{} distribution runs", logs.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    energycap: energycap::Service,
    reporter: reporter::Service,
    qualtrics: qualtrics::Service,
    everbridge: everbridge::Service,
    traffic: Arc<TrafficCounters>,
}

impl Client {
    /// EnergyCAP report distribution logs.
    pub fn energycap(&self) -> energycap::Service {
        self.inner.energycap.clone()
    }

    /// Lerian Reporter.
    pub fn reporter(&self) -> reporter::Service {
        self.inner.reporter.clone()
    }

    /// Qualtrics audit events.
    pub fn qualtrics(&self) -> qualtrics::Service {
        self.inner.qualtrics.clone()
    }

    /// Everbridge Suite audit log.
    pub fn everbridge(&self) -> everbridge::Service {
        self.inner.everbridge.clone()
    }

    /// What this client (and its clones) sent to `vendor` and heard back so far: requests,
    /// retries, 429 answers, and how far the vendor's clock (its `Date` header) is from
    /// this client's. For metrics, and to notice a local clock that drifted.
    ///
    /// ```
    /// use auditkit::{Client, Vendor};
    ///
    /// let client = Client::builder().build()?;
    /// let traffic = client.traffic(Vendor::Everbridge);
    /// println!("{} requests, {} retries, {} rate-limited", traffic.requests, traffic.retries,
    ///     traffic.rate_limited);
    /// # Ok::<(), auditkit::Error>(())
    /// ```
    pub fn traffic(&self, vendor: Vendor) -> Traffic {
        self.inner.traffic.snapshot(vendor)
    }

    /// Asks `vendor`'s server for the time: one `HEAD` request to its base URL, without
    /// credentials (an answer of any status carries a `Date`), and returns the server's
    /// clock minus this client's, as [`Traffic::server_clock_offset`] then holds it. `None`
    /// when the answer had no readable `Date`. Lets a program check its clock before
    /// anything depends on it; every other answer updates the offset too.
    ///
    /// # Errors
    /// [`Error::NotConfigured`](crate::Error::NotConfigured) when the client has no config for `vendor`;
    /// [`Error::Transport`](crate::Error::Transport) when no answer arrived (one attempt, the client's timeout).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// use auditkit::Vendor;
    ///
    /// if let Some(offset) = client.probe_server_clock(Vendor::Qualtrics).await? {
    ///     if offset.num_seconds().abs() > 30 {
    ///         eprintln!("the local clock is {}s off Qualtrics'", -offset.num_seconds());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn probe_server_clock(
        &self,
        vendor: Vendor,
    ) -> Result<Option<chrono::TimeDelta>, crate::Error> {
        let slot = match vendor {
            Vendor::EnergyCap => self.inner.energycap.slot(),
            Vendor::Reporter => self.inner.reporter.slot(),
            Vendor::Qualtrics => self.inner.qualtrics.slot(),
            Vendor::Everbridge => self.inner.everbridge.slot(),
        };
        slot.get()?.probe_clock().await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("energycap", &self.inner.energycap)
            .field("reporter", &self.inner.reporter)
            .field("qualtrics", &self.inner.qualtrics)
            .field("everbridge", &self.inner.everbridge)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_and_services_are_send_sync_clone_and_static() {
        fn assert_handle<T: Send + Sync + Clone + 'static>() {}
        assert_handle::<Client>();
        assert_handle::<energycap::Service>();
        assert_handle::<qualtrics::Service>();
    }

    #[test]
    fn request_futures_and_waits_are_send_and_static() {
        fn assert_send<T: Send + 'static>(_: T) {}
        let client = Client::builder().build().unwrap();
        assert_send(client.energycap().list_report_distribution_logs().send());
        assert_send(client.energycap().get_report_distribution_log(1).send());
        assert_send(client.energycap().run_report_distribution(1).send());
        assert_send(std::future::IntoFuture::into_future(
            client.energycap().wait_for_distribution(1),
        ));
        assert_send(client.energycap().wait_for_distribution(1).statuses());
        assert_send(client.qualtrics().list_events::<qualtrics::Logins>().send());
        assert_send(client.qualtrics().list_events_raw("brands").items());
        assert_send(client.qualtrics().list_activity_types().send());
    }
}
