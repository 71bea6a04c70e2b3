//! Where a line stands in the chain against the line verified before it, and if it does
//! not follow it, why: a deletion, a reorder, a copy, swapped or dropped files.

use std::{
    io,
    path::{Path, PathBuf},
};

use super::{
    ChainedLine, Finding, Hash256, Manifest, Reason,
    chain::genesis,
    reader::{LineReader, Next},
};

/// The last line verified.
pub(super) struct Last {
    pub(super) id: String,
    pub(super) seq: u64,
    pub(super) hash: Hash256,
    /// Its file (an index into the files) and line number.
    pub(super) file: usize,
    pub(super) line: u64,
}

/// Where the line being checked is: the files, their first seqs, its file and line.
pub(super) struct Place<'a> {
    pub(super) files: &'a [PathBuf],
    pub(super) starts: &'a [Option<u64>],
    pub(super) index: usize,
    pub(super) number: u64,
}

type Checked = io::Result<Result<(), Finding>>;

impl Place<'_> {
    fn path(&self) -> &Path {
        &self.files[self.index]
    }

    fn found(&self, line: u64, reason: Reason, detail: String) -> Checked {
        Ok(Err(Finding { path: self.path().to_owned(), line: Some(line), reason, detail }))
    }
}

/// Checks that `line` (its own hash already checked) follows `last`. `reader` is the
/// file's, past the line: it may read on to tell a reorder from a deletion.
pub(super) fn check_order(
    at: &Place<'_>,
    line: &ChainedLine<'_>,
    last: Option<&Last>,
    reader: &mut LineReader,
    notes: &mut Vec<String>,
) -> Checked {
    let (files, number, seq) = (at.files, at.number, line.seq);
    if number == 1
        && let Some(later) =
            at.starts[at.index + 1..].iter().position(|s| s.is_some_and(|s| s < seq))
    {
        let later = files[at.index + 1 + later].display();
        return at.found(1, Reason::Swapped, format!(
            "starts at seq {seq}, but {later} comes after it and starts before it: the files are out of order"
        ));
    }
    let Some(before) = last else {
        if seq == 1 && line.prev != genesis(line.id) {
            return at.found(
                number,
                Reason::Edited,
                "the chain's first line does not start from its genesis hash".into(),
            );
        }
        if seq != 1 {
            notes.push(format!(
                "{} starts at seq {seq} of chain {}: the lines before it are not checked",
                at.path().display(),
                line.id
            ));
        }
        return Ok(Ok(()));
    };
    let expected = before.seq.saturating_add(1);
    if line.id != before.id {
        let (reason, what) =
            if number == 1 { (Reason::Gap, "this file") } else { (Reason::Inserted, "this line") };
        return at.found(
            number,
            reason,
            format!("{what} belongs to chain {}, not {}", line.id, before.id),
        );
    }
    if seq == expected && line.prev != before.hash {
        return Ok(Err(Finding {
            path: files[before.file].clone(),
            line: Some(before.line),
            reason: Reason::Edited,
            detail: format!(
                "the next line (seq {seq}) continues from another hash: this line was replaced with its hash recomputed"
            ),
        }));
    }
    if seq < expected {
        if number == 1 {
            return at.found(1, Reason::Swapped, format!(
                "starts at seq {seq}, but {} already ended at seq {}: the files are out of order, or one is repeated",
                files[before.file].display(),
                before.seq
            ));
        }
        return at.found(
            number,
            Reason::Inserted,
            format!("a copy of seq {seq}, which came before"),
        );
    }
    if seq == expected {
        return Ok(Ok(()));
    }
    let missing = if seq - 1 == expected {
        format!("seq {expected}")
    } else {
        format!("seq {expected}..{}", seq - 1)
    };
    let count = match seq - expected {
        1 => "1 line".to_owned(),
        n => format!("{n} lines"),
    };
    if let Some((later, distance)) = find_seq(reader, &before.id, expected, seq)? {
        return at.found(number, Reason::Reordered, format!(
            "holds seq {seq} where seq {expected} belongs; seq {later} comes after it, at line {}",
            number + distance
        ));
    }
    if number > 1 {
        return at.found(
            number,
            Reason::Deleted,
            format!("{count} ({missing}) were deleted before it"),
        );
    }
    if let Some(other) = at.starts.iter().skip(at.index + 1).position(|s| *s == Some(expected)) {
        let other = files[at.index + 1 + other].display();
        return at.found(
            1,
            Reason::Swapped,
            format!("{other} starts at seq {expected} and comes first: the files are out of order"),
        );
    }
    if manifest_first(at.path()).is_some_and(|first| first < seq) {
        return at.found(
            1,
            Reason::Deleted,
            format!("{count} ({missing}) were deleted from the start of the file"),
        );
    }
    at.found(
        1,
        Reason::Gap,
        format!(
            "{missing} are missing between {} and this file (a file dropped?)",
            files[before.file].display()
        ),
    )
}

/// Reads the rest of the file for a line of chain `id` with a seq in `from..to`: its seq
/// and distance from the current line.
fn find_seq(
    reader: &mut LineReader,
    id: &str,
    from: u64,
    to: u64,
) -> io::Result<Option<(u64, u64)>> {
    let mut distance = 0;
    while let Ok(Next::Line) = reader.next() {
        distance += 1;
        if let Ok(line) = ChainedLine::parse(&reader.line)
            && line.id == id
            && (from..to).contains(&line.seq)
        {
            return Ok(Some((line.seq, distance)));
        }
    }
    Ok(None)
}

/// The first seq its manifest records, if it has a readable one.
fn manifest_first(path: &Path) -> Option<u64> {
    let bytes = std::fs::read(super::manifest_path(path)).ok()?;
    Some(serde_json::from_slice::<Manifest>(&bytes).ok()?.first?.seq)
}
