//! The one shape every vendor's `Service` has: a handle on its endpoint slot.

/// Declares a vendor's `Service`: the struct, its constructor, `is_configured`, and the
/// endpoint lookup every request builder starts with. `$accessor` is the `Client` method
/// that returns it.
macro_rules! vendor_service {
    ($vendor:expr, $name:literal, $accessor:ident) => {
        #[doc = concat!(
                            $name, "'s operations. Get it from [`Client::", stringify!($accessor),
                            "`](crate::Client::", stringify!($accessor), "); cheap to clone."
                        )]
        #[derive(Debug, Clone)]
        pub struct Service {
            pub(super) slot: $crate::transport::EndpointSlot,
        }

        impl Service {
            pub(crate) fn new(endpoint: Option<$crate::transport::Endpoint>) -> Self {
                Self { slot: $crate::transport::EndpointSlot::new($vendor, endpoint) }
            }

            #[doc = concat!("Whether the client was built with a ", $name, " [`Config`](super::Config).")]
            ///
            /// ```
            /// # fn demo() -> Result<(), auditkit::Error> {
            /// let client = auditkit::Client::builder().build()?;
            #[doc = concat!("assert!(!client.", stringify!($accessor), "().is_configured());")]
            /// # Ok(()) }
            /// ```
            pub fn is_configured(&self) -> bool {
                self.slot.is_configured()
            }

            /// Its endpoint slot, for what the client does for every vendor alike.
            pub(crate) fn slot(&self) -> &$crate::transport::EndpointSlot {
                &self.slot
            }
        }
    };
}
