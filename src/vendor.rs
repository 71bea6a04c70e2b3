//! Which vendor API and which operation a request or an error belongs to.

use std::fmt;

/// One of the four vendor APIs this crate speaks to.
///
/// Every [`Error`](crate::Error) that comes from a request names its vendor, so a log line
/// says at once which platform misbehaved.
///
/// ```
/// use auditkit::Vendor;
/// assert_eq!(Vendor::EnergyCap.to_string(), "EnergyCAP");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// EnergyCAP (report distribution logs).
    EnergyCap,
    /// Lerian Reporter (asynchronous report generation).
    Reporter,
    /// Qualtrics (audit events).
    Qualtrics,
    /// Everbridge Suite (audit log).
    Everbridge,
}

impl Vendor {
    /// The [`ClientBuilder`](crate::ClientBuilder) method that configures this vendor.
    pub(crate) fn builder_method(self) -> &'static str {
        match self {
            Vendor::EnergyCap => "energycap",
            Vendor::Reporter => "reporter",
            Vendor::Qualtrics => "qualtrics",
            Vendor::Everbridge => "everbridge",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vendor::EnergyCap => "EnergyCAP",
            Vendor::Reporter => "Lerian Reporter",
            Vendor::Qualtrics => "Qualtrics",
            Vendor::Everbridge => "Everbridge",
        })
    }
}

/// A named SDK operation, such as EnergyCAP's `list_report_distribution_logs`.
///
/// The name is the SDK method that started the request, so an error message points
/// straight at the calling code.
///
/// ```
/// # async fn demo(client: auditkit::Client) {
/// if let Err(error) = client.energycap().list_report_distribution_logs().send().await {
///     if let Some(operation) = error.operation() {
///         eprintln!("{} failed", operation.name());
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    vendor: Vendor,
    name: &'static str,
}

impl Operation {
    pub(crate) const fn new(vendor: Vendor, name: &'static str) -> Self {
        Self { vendor, name }
    }

    /// The vendor whose API this operation calls.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The SDK method name, for example `list_report_distribution_logs`.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.vendor, self.name)
    }
}
