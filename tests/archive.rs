//! The archive's verification: an untouched archive verifies, and each kind of tampering
//! (a flipped byte, a deleted, inserted or moved line, a cut, swapped or dropped files, a
//! forged manifest) is reported at the right file and line, with the right reason.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use auditkit::archive::{
    Head, Manifest, ManifestCheck, PublicKey, Reason, Signer, Verifier, manifest_path,
    signature_path,
};

/// The RFC 8032 test key 1, and another one.
const KEY: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const OTHER_KEY: &str = "TM0Imyj/ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U+4pvs=";

struct Archive {
    dir: PathBuf,
    files: Vec<PathBuf>,
}

impl Drop for Archive {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `files` files of `per_file` lines each (seq 1.. across them), the last one without a
/// manifest (the file being written), the others with one signed by `signer`.
fn archive(files: usize, per_file: u64, gzip: bool, signer: Option<&Signer>) -> Archive {
    let dir = std::env::temp_dir().join(format!("auditkit-archive-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut head = Head::start("test-chain");
    let mut paths = Vec::new();
    for index in 0..files {
        let name = if index + 1 == files {
            "events.jsonl".to_owned()
        } else {
            format!("events.2026010{}T000000.000Z.jsonl", index + 1)
        };
        let path = dir.join(if gzip { format!("{name}.gz") } else { name });
        let mut text = Vec::new();
        for n in 0..per_file {
            let seq = index as u64 * per_file + n + 1;
            let line = format!(
                r#"{{"tenant":"acme","source":"qualtrics/logins","time":"2026-01-01T00:{:02}:{:02}Z","event":{{"id":"e{seq}"}}}}"#,
                seq / 60 % 60,
                seq % 60
            );
            head.seal(line.as_bytes(), line.len() - 1, &mut text).unwrap();
            text.push(b'\n');
        }
        let bytes = if gzip {
            // A member per few lines, as the sink writes one per batch.
            let mut out = Vec::new();
            for chunk in text.split_inclusive(|&b| b == b'\n').collect::<Vec<_>>().chunks(3) {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
                encoder.write_all(&chunk.concat()).unwrap();
                out.extend(encoder.finish().unwrap());
            }
            out
        } else {
            text
        };
        std::fs::write(&path, bytes).unwrap();
        if index + 1 != files {
            let manifest = Manifest::of_file(&path, vec!["acme/qualtrics/logins".into()]).unwrap();
            manifest.write(&path, signer).unwrap();
        }
        paths.push(path);
    }
    Archive { dir, files: paths }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.iter().map(|line| format!("{line}\n")).collect::<String>()).unwrap();
}

/// The finding's file name, line and reason.
fn finding(verifier: Verifier) -> (String, Option<u64>, Reason) {
    let report = verifier.run().unwrap();
    let finding = report.finding.clone().unwrap_or_else(|| panic!("verifies: {report:?}"));
    println!("{finding}");
    let name = finding.path.file_name().unwrap().to_string_lossy().into_owned();
    (name, finding.line, finding.reason)
}

fn public() -> PublicKey {
    Signer::from_text(KEY).unwrap().public_key()
}

const SECOND: &str = "events.20260102T000000.000Z.jsonl";

#[test]
fn an_untouched_archive_verifies_plain_and_gzip_with_its_manifests_and_signatures() {
    let signer = Signer::from_text(KEY).unwrap();
    for gzip in [false, true] {
        let archive = archive(4, 25, gzip, Some(&signer));
        let report = Verifier::new([&archive.dir]).public_key(public()).run().unwrap();
        assert!(report.verified(), "{:?}", report.finding);
        assert_eq!(report.lines(), 100);
        assert_eq!(report.files.len(), 4);
        assert_eq!(report.files[1].seqs, Some((26, 50)));
        assert_eq!(report.files[0].manifest, ManifestCheck::Signed(public()));
        assert_eq!(report.files[3].manifest, ManifestCheck::None);
        // The same files given one by one, and without the key.
        let report = Verifier::new(archive.files.clone()).run().unwrap();
        assert!(report.verified());
        assert_eq!(report.files[0].manifest, ManifestCheck::SignatureNotChecked);
    }
}

#[test]
fn a_flipped_byte_is_edited_at_its_line_in_the_event_or_in_the_chain_member() {
    let archive = archive(3, 20, false, None);
    let path = &archive.files[1];
    let original = std::fs::read(path).unwrap();
    let at = original.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(6).unwrap().0 + 30;
    let mut bytes = original.clone();
    bytes[at] ^= 0x01;
    std::fs::write(path, &bytes).unwrap();
    assert_eq!(finding(Verifier::new([&archive.dir])), (SECOND.into(), Some(8), Reason::Edited));

    let mut bytes = original.clone();
    let hash_at = bytes.len() - 10;
    bytes[hash_at] = if bytes[hash_at] == b'0' { b'1' } else { b'0' };
    std::fs::write(path, &bytes).unwrap();
    assert_eq!(finding(Verifier::new([&archive.dir])), (SECOND.into(), Some(20), Reason::Edited));
}

#[test]
fn a_line_replaced_with_its_hash_recomputed_is_edited_at_its_line() {
    let archive = archive(2, 20, false, None);
    let path = &archive.files[1];
    let mut text = lines(path);
    let line = auditkit::archive::ChainedLine::parse(text[4].as_bytes()).unwrap();
    let canonical = String::from_utf8(line.canonical()).unwrap().replace("e25", "e99");
    let mut head = Head { id: line.id.to_owned(), seq: line.seq - 1, hash: line.prev };
    let mut forged = Vec::new();
    head.seal(canonical.as_bytes(), canonical.len() - 1, &mut forged).unwrap();
    text[4] = String::from_utf8(forged).unwrap();
    write_lines(path, &text);
    let (name, line, reason) = finding(Verifier::new(archive.files.clone()));
    assert_eq!((name.as_str(), line, reason), ("events.jsonl", Some(5), Reason::Edited));
}

#[test]
fn a_deleted_line_is_reported_where_the_lines_are_missing() {
    let archive = archive(2, 20, false, None);
    let path = &archive.files[1];
    let mut text = lines(path);
    text.remove(9);
    write_lines(path, &text);
    let (name, line, reason) = finding(Verifier::new(archive.files.clone()));
    assert_eq!((name.as_str(), line, reason), ("events.jsonl", Some(10), Reason::Deleted));

    // From the start of a closed file: its manifest says where it started.
    let archive = self::archive(3, 20, false, None);
    let mut text = lines(&archive.files[1]);
    text.drain(..2);
    write_lines(&archive.files[1], &text);
    assert_eq!(finding(Verifier::new([&archive.dir])), (SECOND.into(), Some(1), Reason::Deleted));
}

#[test]
fn an_inserted_line_copied_or_unchained_is_inserted_at_its_line() {
    let archive = archive(2, 20, false, None);
    let path = &archive.files[1];
    let original = lines(path);
    let mut text = original.clone();
    text.insert(8, original[2].clone());
    write_lines(path, &text);
    let (name, line, reason) = finding(Verifier::new(archive.files.clone()));
    assert_eq!((name.as_str(), line, reason), ("events.jsonl", Some(9), Reason::Inserted));

    let mut text = original.clone();
    text.insert(3, r#"{"tenant":"acme","event":{"id":"forged"}}"#.into());
    write_lines(path, &text);
    let (name, line, reason) = finding(Verifier::new(archive.files.clone()));
    assert_eq!((name.as_str(), line, reason), ("events.jsonl", Some(4), Reason::Inserted));

    // Appended to a closed file: its manifest counts fewer lines.
    let mut text = lines(&archive.files[0]);
    text.push(text[0].clone());
    write_lines(&archive.files[0], &text);
    write_lines(path, &original);
    let (name, line, reason) = finding(Verifier::new(archive.files.clone()));
    assert_eq!(
        (name.as_str(), line, reason),
        ("events.20260101T000000.000Z.jsonl", Some(21), Reason::Inserted)
    );
}

#[test]
fn two_lines_swapped_are_reordered_at_the_first() {
    let archive = archive(3, 20, true, None);
    // Plain again: the verifier reads either.
    let path = &archive.files[1];
    let mut decoded = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut decoded,
    )
    .unwrap();
    let mut text: Vec<String> = decoded.lines().map(str::to_owned).collect();
    text.swap(3, 6);
    let plain = archive.dir.join("events.20260102T000000.000Z.jsonl");
    write_lines(&plain, &text);
    let files = [archive.files[0].clone(), plain, archive.files[2].clone()];
    let (name, line, reason) = finding(Verifier::new(files));
    assert_eq!((name.as_str(), line, reason), (SECOND, Some(4), Reason::Reordered));
}

#[test]
fn a_cut_file_is_truncated_mid_line_at_a_line_end_or_in_its_gzip_data() {
    let archive = archive(3, 20, false, None);
    let path = &archive.files[1];
    let bytes = std::fs::read(path).unwrap();
    let eleventh = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(9).unwrap().0 + 1;
    std::fs::write(path, &bytes[..eleventh + 40]).unwrap();
    assert_eq!(
        finding(Verifier::new([&archive.dir])),
        (SECOND.into(), Some(11), Reason::Truncated)
    );
    std::fs::write(path, &bytes[..eleventh]).unwrap();
    assert_eq!(
        finding(Verifier::new([&archive.dir])),
        (SECOND.into(), Some(11), Reason::Truncated)
    );

    let archive = self::archive(3, 20, true, None);
    let path = &archive.files[1];
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..bytes.len() - 5]).unwrap();
    let (name, _, reason) = finding(Verifier::new([&archive.dir]));
    assert_eq!(
        (name.as_str(), reason),
        ("events.20260102T000000.000Z.jsonl.gz", Reason::Truncated)
    );
}

#[test]
fn swapped_or_dropped_files_are_reported_at_their_first_line() {
    let archive = archive(4, 10, false, None);
    let [first, second] = [&archive.files[0], &archive.files[1]];
    // Swapped with their manifests: the names say one order, the chain another.
    for suffix in ["", ".manifest.json"] {
        let with = |path: &Path| PathBuf::from(format!("{}{suffix}", path.display()));
        let parked = archive.dir.join("parked");
        std::fs::rename(with(first), &parked).unwrap();
        std::fs::rename(with(second), with(first)).unwrap();
        std::fs::rename(&parked, with(second)).unwrap();
    }
    let (name, line, reason) = finding(Verifier::new([&archive.dir]));
    assert_eq!(
        (name.as_str(), line, reason),
        ("events.20260101T000000.000Z.jsonl", Some(1), Reason::Swapped)
    );

    let archive = self::archive(4, 10, false, None);
    std::fs::remove_file(&archive.files[1]).unwrap();
    std::fs::remove_file(manifest_path(&archive.files[1])).unwrap();
    let (name, line, reason) = finding(Verifier::new([&archive.dir]));
    assert_eq!(
        (name.as_str(), line, reason),
        ("events.20260103T000000.000Z.jsonl", Some(1), Reason::Gap)
    );
}

#[test]
fn a_forged_manifest_is_reported_signed_or_not() {
    let signer = Signer::from_text(KEY).unwrap();
    let archive = archive(3, 10, false, Some(&signer));
    let path = &archive.files[0];
    let manifest = manifest_path(path);
    let original = std::fs::read_to_string(&manifest).unwrap();
    let forged = original.replace("\"lines\": 10\n", "\"lines\": 9\n");
    assert_ne!(forged, original);
    std::fs::write(&manifest, &forged).unwrap();
    let verifier = || Verifier::new([&archive.dir]).public_key(public());
    let first = "events.20260101T000000.000Z.jsonl";
    assert_eq!(finding(verifier()), (first.into(), None, Reason::ForgedManifest));

    // Unsigned: the manifest's counts against the file's.
    std::fs::remove_file(signature_path(path)).unwrap();
    let forged = original.replace("\"qualtrics/logins\"", "\"qualtrics/other\"");
    std::fs::write(&manifest, &forged).unwrap();
    assert_eq!(
        finding(Verifier::new([&archive.dir])),
        (first.into(), None, Reason::ForgedManifest)
    );
    // A key given: a manifest without a signature does not verify.
    std::fs::write(&manifest, &original).unwrap();
    assert_eq!(finding(verifier()), (first.into(), None, Reason::ForgedManifest));
    // Signed again, with another key.
    let other = Signer::from_text(OTHER_KEY).unwrap();
    std::fs::write(signature_path(path), other.sign(original.as_bytes())).unwrap();
    assert_eq!(finding(verifier()), (first.into(), None, Reason::ForgedManifest));
    std::fs::write(signature_path(path), signer.sign(original.as_bytes())).unwrap();
    assert!(verifier().run().unwrap().verified());
    // A closed file's manifest removed.
    std::fs::remove_file(&manifest).unwrap();
    assert_eq!(finding(verifier()), (first.into(), None, Reason::ForgedManifest));
}
