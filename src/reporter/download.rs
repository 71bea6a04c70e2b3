//! The file a report download hands over is the generic [`Download`]:
//! kept here under its old path, `reporter::Download`, so that path still works.

pub use crate::download::Download;
