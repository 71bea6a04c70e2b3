//! The sandbox itself, seen from a plain HTTP client: routes, seeded state, faults, shutdown.

mod energycap;
mod everbridge;
mod faults;
mod http;
mod qualtrics;
mod reporter;
mod server;
