//! The `export` example became the `auditkit` command: install it with
//! `cargo install auditkit --features cli` (or `cargo install --path . --features cli`),
//! then run `auditkit export --help`. Its source is in `src/bin/auditkit/`.

fn main() {
    eprintln!(
        "The export example is now the `auditkit` command:\n  \
         cargo install auditkit --features cli\n  \
         auditkit export --sandbox -o events.jsonl\n  \
         auditkit --help"
    );
    std::process::exit(2);
}
