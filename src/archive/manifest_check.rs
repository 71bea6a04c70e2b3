//! A closed file against its manifest and signature: what the file's lines and bytes
//! are, against what the manifest says they were when the file was closed.

use std::path::Path;

use super::{
    Finding, Hash256, Manifest, ManifestCheck, PublicKey, Reason, manifest::name_of, manifest_path,
    signature_path, summary::Summary,
};

/// Checks the manifest beside `path` (if any) against the file's `summary` and
/// `(digest, bytes)`.
pub(crate) fn check_manifest(
    path: &Path,
    summary: &Summary,
    (sha256, bytes): (Hash256, u64),
    keys: &[PublicKey],
    is_last: bool,
    notes: &mut Vec<String>,
) -> Result<ManifestCheck, Finding> {
    let forged = |line: Option<u64>, reason: Reason, detail: String| Finding {
        path: path.to_owned(),
        line,
        reason,
        detail,
    };
    let manifest_at = manifest_path(path);
    let Ok(text) = std::fs::read(&manifest_at) else {
        if is_last {
            return Ok(ManifestCheck::None);
        }
        if !keys.is_empty() {
            return Err(forged(
                None,
                Reason::ForgedManifest,
                format!(
                    "{} is missing, and a public key was given: every closed file needs a signed manifest \
                     (if the writer was stopped while rotating, its next start writes it)",
                    manifest_at.display()
                ),
            ));
        }
        notes.push(format!(
            "{} has no manifest (rotated by another tool?): its lines verify by the chain alone",
            path.display()
        ));
        return Ok(ManifestCheck::None);
    };
    let signature = std::fs::read(signature_path(path)).ok();
    let check = match (keys.is_empty(), &signature) {
        (true, None) => ManifestCheck::Unsigned,
        (true, Some(_)) => ManifestCheck::SignatureNotChecked,
        (false, None) => {
            return Err(forged(
                None,
                Reason::ForgedManifest,
                format!(
                    "{} is not signed (no {}), and a public key was given",
                    manifest_at.display(),
                    signature_path(path).display()
                ),
            ));
        }
        (false, Some(signature)) => match keys.iter().find(|key| key.verify(&text, signature)) {
            Some(key) => ManifestCheck::Signed(*key),
            None => {
                return Err(forged(
                    None,
                    Reason::ForgedManifest,
                    format!(
                        "the signature of {} does not verify with the public key given: the manifest was changed, or signed by another key",
                        manifest_at.display()
                    ),
                ));
            }
        },
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|error| {
        forged(
            None,
            Reason::ForgedManifest,
            format!("{} cannot be read: {error}", manifest_at.display()),
        )
    })?;
    if manifest.file != name_of(path) {
        return Err(forged(
            None,
            Reason::Swapped,
            format!("its manifest describes {}: the files were renamed", manifest.file),
        ));
    }
    let digest_matches = manifest.sha256 == sha256 && manifest.bytes == bytes;
    if summary.lines < manifest.lines {
        return Err(forged(
            Some(summary.lines + 1),
            Reason::Truncated,
            format!(
                "the manifest counts {} lines, the file ends after {}",
                manifest.lines, summary.lines
            ),
        ));
    }
    if summary.lines > manifest.lines {
        return Err(forged(
            Some(manifest.lines + 1),
            Reason::Inserted,
            format!(
                "the manifest counts {} lines: the lines from here on were added after the file was closed",
                manifest.lines
            ),
        ));
    }
    let differs = |field: &str, said: String, is: String| {
        let detail = format!("`{field}`: the manifest says {said}, the file has {is}");
        if digest_matches {
            forged(None, Reason::ForgedManifest, detail)
        } else {
            forged(None, Reason::Edited, format!("{detail} (and its digest differs)"))
        }
    };
    let show = |value: &dyn std::fmt::Debug| format!("{value:?}");
    if manifest.first != summary.first {
        return Err(differs("first", show(&manifest.first), show(&summary.first)));
    }
    if manifest.last != summary.last {
        return Err(differs("last", show(&manifest.last), show(&summary.last)));
    }
    if !digest_matches {
        return Err(forged(
            None,
            Reason::ForgedManifest,
            format!(
                "`sha256`/`bytes`: the manifest says {} ({} bytes), the file is {sha256} ({bytes} bytes); its lines verify: the manifest, or the file's encoding, was changed",
                manifest.sha256, manifest.bytes
            ),
        ));
    }
    let expected = Manifest::from_summary(
        manifest.file.clone(),
        bytes,
        sha256,
        manifest.gzip,
        summary,
        manifest.sources.clone(),
    );
    let fields: [(&str, bool, String, String); 5] = [
        ("chain", manifest.chain == expected.chain, show(&manifest.chain), show(&expected.chain)),
        (
            "counts",
            manifest.counts == expected.counts,
            show(&manifest.counts),
            show(&expected.counts),
        ),
        (
            "first_event_time",
            manifest.first_event_time == expected.first_event_time,
            show(&manifest.first_event_time),
            show(&expected.first_event_time),
        ),
        (
            "last_event_time",
            manifest.last_event_time == expected.last_event_time,
            show(&manifest.last_event_time),
            show(&expected.last_event_time),
        ),
        (
            "format",
            manifest.format == expected.format,
            manifest.format.clone(),
            expected.format.clone(),
        ),
    ];
    if let Some((field, _, said, is)) = fields.into_iter().find(|(_, same, ..)| !same) {
        return Err(differs(field, said, is));
    }
    Ok(check)
}
