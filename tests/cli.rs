//! `auditkit` as users run it: exit codes, config errors, locks, signals and sinks.
