//! `auditkit verify PATH…`: the archive's files checked with `auditkit::archive`, a line
//! per file, then the first finding (exit code 5) or what verified.

use auditkit::archive::{ManifestCheck, PublicKey, Verifier};

use super::{args::VerifyArgs, failure::Failure, progress::thousands};

pub(crate) fn run(args: &VerifyArgs, quiet: bool) -> Result<(), Failure> {
    let mut verifier = Verifier::new(args.paths.iter().cloned());
    for path in &args.public_key {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Failure::Usage(format!("cannot read --public-key {}: {error}", path.display()))
        })?;
        let key = PublicKey::from_text(&text)
            .map_err(|error| Failure::Usage(format!("--public-key {}: {error}", path.display())))?;
        verifier = verifier.public_key(key);
    }
    let report = verifier.run().map_err(|error| Failure::Io(format!("cannot verify: {error}")))?;
    if !quiet {
        for file in &report.files {
            let seqs = file
                .seqs
                .map_or_else(String::new, |(first, last)| format!(", seq {first}..{last}"));
            let manifest = match &file.manifest {
                ManifestCheck::None => "no manifest".to_owned(),
                ManifestCheck::Unsigned => "manifest ok, not signed".to_owned(),
                ManifestCheck::SignatureNotChecked => {
                    "manifest ok, signature not checked (give --public-key)".to_owned()
                }
                ManifestCheck::Signed(key) => format!("manifest ok, signed by {key}"),
                _ => "manifest ok".to_owned(),
            };
            println!(
                "ok  {}: {} lines{seqs}, {manifest}",
                file.path.display(),
                thousands(file.lines)
            );
        }
        for note in &report.notes {
            println!("note: {note}");
        }
    }
    match &report.finding {
        Some(finding) => Err(Failure::Unverified(format!("does not verify: {finding}"))),
        None => {
            if !quiet {
                println!(
                    "verified: {} lines in {} files",
                    thousands(report.lines()),
                    report.files.len()
                );
            }
            Ok(())
        }
    }
}
