//! A simulator of all four APIs on 127.0.0.1, for examples and tests: no account needed.
//!
//! Enabled by the `testkit` feature.

pub use crate::timer::VirtualTimer;
