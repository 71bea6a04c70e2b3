//! The fault matrix: every fault kind against every operation it applies to, for all four
//! vendors, on the sandbox. Each cell runs on a fresh sandbox with seeded data, injects one
//! fault, runs the operation the way a careful caller would (resuming a listing from the
//! error's continuation, or from the last page's, where that is the documented recovery) and
//! checks the outcome: the right error, or a recovery with nothing lost, nothing duplicated
//! and no second report.
//!
//! The table is [`matrix`](table::matrix): one row per fault kind, with the expected outcome for each
//! operation it applies to. A cell that does not apply is left out, not faked.
//!
//! `FAULT_MATRIX_CASE=ScrollExpiry` runs only the cells whose `Kind x Op` holds the text;
//! `FAULT_MATRIX_DEBUG=1` prints each cell's requests and errors.
//!
//! The files: the table (`table`), one cell's sandbox and seeded data (`environment`), an
//! operation run as a caller would (`operation`), and a cell run and judged (`run`).

mod environment;
mod operation;
mod run;
mod table;

use std::collections::HashSet;

use futures::{StreamExt, stream};

use crate::{run::*, table::*};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_against_every_operation_it_applies_to_is_an_error_or_a_clean_recovery() {
    let only = std::env::var("FAULT_MATRIX_CASE").unwrap_or_default();
    let cases: Vec<Case> = matrix()
        .into_iter()
        .filter(|case| format!("{:?} x {:?}", case.kind, case.op).contains(&only))
        .collect();
    let verdicts: Vec<Verdict> =
        stream::iter(cases.clone()).map(run).buffer_unordered(8).collect().await;

    let faults: HashSet<Kind> = cases.iter().map(|case| case.kind).collect();
    let operations: HashSet<Op> = cases.iter().map(|case| case.op).collect();
    let sum = |count: fn(&Tally) -> usize| verdicts.iter().map(|v| count(&v.tally)).sum::<usize>();
    println!(
        "fault matrix: {} faults x {} operations = {} cases, {} lost, {} duplicated, {} duplicate reports",
        faults.len(),
        operations.len(),
        cases.len(),
        sum(|t| t.lost),
        sum(|t| t.duplicated),
        sum(|t| t.duplicate_reports),
    );
    let failed: Vec<String> =
        verdicts.iter().filter(|v| !v.problems.is_empty()).map(ToString::to_string).collect();
    assert!(
        failed.is_empty(),
        "{} of {} cells failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}
