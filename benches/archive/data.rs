//! A generated archive for the verify bench and the million-event example: raw lines the
//! size of a Qualtrics login (about 600 bytes), chained, in files of `per_file` lines with
//! signed manifests but the last, plain or gzip (a member per 500 lines, as batches).

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use auditkit::archive::{Head, Manifest, Signer};

/// The RFC 8032 test key 1: the manifests' signer.
pub const KEY: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

/// Writes `events` lines into `dir`; the files, and the lines' bytes (uncompressed).
pub fn generate(dir: &Path, events: u64, per_file: u64, gzip: bool) -> (Vec<PathBuf>, u64) {
    std::fs::create_dir_all(dir).expect("archive directory");
    let signer = Signer::from_text(KEY).expect("key");
    let mut head = Head::start("bench-chain");
    let (mut files, mut total) = (Vec::new(), 0u64);
    let count = events.div_ceil(per_file);
    for index in 0..count {
        let name = if index + 1 == count {
            "events.jsonl".to_owned()
        } else {
            format!("events.{index:08}.jsonl")
        };
        let path = dir.join(if gzip { format!("{name}.gz") } else { name });
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        let mut batch = Vec::with_capacity(512 << 10);
        let lines = per_file.min(events - index * per_file);
        for n in 0..lines {
            let seq = index * per_file + n;
            let line = format!(
                concat!(
                    r#"{{"tenant":"acme","vendor":"qualtrics","source":"qualtrics/logins","#,
                    r#""key":"{:032x}-0","time":"2026-01-{:02}T{:02}:{:02}:{:02}Z","event":{{"#,
                    r#""id":"AE_{:012}","activityType":"logins","timestamp":"2026-01-{:02}T"#,
                    r#"{:02}:{:02}:{:02}Z","userId":"UR_{:010}","userName":"user{}@example.com","#,
                    r#""descriptor":{{"ipAddress":"10.{}.{}.{}","userAgent":"Mozilla/5.0 (X11; "#,
                    r#"Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0","loginType":"SSO","#,
                    r#""authenticationMethod":"saml2","region":"us-east"}}}}}}"#
                ),
                u128::from(seq) * 0x9e37_79b9_7f4a_7c15,
                seq / 86_400 % 28 + 1,
                seq / 3600 % 24,
                seq / 60 % 60,
                seq % 60,
                seq,
                seq / 86_400 % 28 + 1,
                seq / 3600 % 24,
                seq / 60 % 60,
                seq % 60,
                seq % 9_973,
                seq % 9_973,
                seq % 256,
                seq / 256 % 256,
                seq / 65_536 % 256,
            );
            head.seal(line.as_bytes(), line.len() - 1, &mut batch).expect("seal");
            batch.push(b'\n');
            if n % 500 == 499 || n + 1 == lines {
                total += batch.len() as u64;
                if gzip {
                    let mut encoder =
                        flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
                    encoder.write_all(&batch).expect("write");
                    encoder.finish().expect("write");
                } else {
                    out.write_all(&batch).expect("write");
                }
                batch.clear();
            }
        }
        out.flush().expect("flush");
        drop(out);
        if index + 1 != count {
            let manifest =
                Manifest::of_file(&path, vec!["acme/qualtrics/logins".into()]).expect("manifest");
            manifest.write(&path, Some(&signer)).expect("manifest");
        }
        files.push(path);
    }
    (files, total)
}
