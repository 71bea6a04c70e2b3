//! Lines on stdout, flushed before each commit: at least once, deduplicate on `key`.

use std::io::Write;

use crate::lines::Line;

/// Stdout, for Vector, Fluent Bit or a pipe.
pub(crate) struct StdoutSink;

impl StdoutSink {
    pub(crate) fn write(
        &mut self,
        lines: &[Line],
    ) -> Result<Vec<(&'static str, serde_json::Value)>, String> {
        let mut out = std::io::stdout().lock();
        let mut write = || -> std::io::Result<()> {
            for line in lines {
                out.write_all(&line.json)?;
                out.write_all(b"\n")?;
            }
            out.flush()
        };
        write().map_err(|error| format!("cannot write to stdout: {error}"))?;
        Ok(Vec::new())
    }
}
