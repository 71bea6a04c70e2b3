//! `PostgresStore`'s statements, one per operation, each atomic on its own; and what a
//! commit whose answer was lost turned out to be.
//!
//! Every time is the server's `now()` (the start of the statement's transaction, which is
//! the statement here), never a replica's clock: replicas whose clocks disagree still
//! agree on who holds a lease.

/// The table, in `schema`: one row per (tenant, source).
pub(super) fn table(schema: &str) -> String {
    format!("\"{schema}\".auditkit_checkpoints")
}

/// Creates the schema and the table unless they exist, serialized by an advisory lock so
/// replicas starting together do not race on `create ... if not exists`.
pub(super) fn init(schema: &str) -> String {
    let table = table(schema);
    format!(
        "begin;
         select pg_advisory_xact_lock(hashtext('auditkit_checkpoints_init'));
         create schema if not exists \"{schema}\";
         create table if not exists {table} (
             tenant text not null,
             source text not null,
             checkpoint jsonb,
             version bigint not null default 0,
             lease_holder text,
             lease_expires_at timestamptz,
             fencing_token bigint not null default 0,
             updated_at timestamptz not null default now(),
             primary key (tenant, source)
         );
         commit;"
    )
}

/// `$1` tenant, `$2` source → the checkpoint as JSON text.
pub(super) fn load(table: &str) -> String {
    format!("select checkpoint::text from {table} where tenant = $1 and source = $2")
}

/// `$1` tenant, `$2` source, `$3` checkpoint: saved without a lease.
pub(super) fn save(table: &str) -> String {
    format!(
        "insert into {table} as t (tenant, source, checkpoint, version)
         values ($1, $2, $3::text::jsonb, 1)
         on conflict (tenant, source) do update
         set checkpoint = excluded.checkpoint, version = t.version + 1, updated_at = now()"
    )
}

/// `$1` tenant, `$2` source, `$3` holder, `$4` milliseconds → the new token and expiry;
/// no row when another holder's lease is unexpired. One statement: of replicas asking at
/// the same instant, the row lock lets exactly one through.
pub(super) fn acquire(table: &str) -> String {
    format!(
        "insert into {table} as t (tenant, source, lease_holder, lease_expires_at, fencing_token)
         values ($1, $2, $3, now() + $4::bigint * interval '1 millisecond', 1)
         on conflict (tenant, source) do update
         set lease_holder = excluded.lease_holder,
             lease_expires_at = excluded.lease_expires_at,
             fencing_token = t.fencing_token + 1
         where t.lease_holder is null or t.lease_expires_at <= now()
            or t.lease_holder = excluded.lease_holder
         returning fencing_token, lease_expires_at"
    )
}

/// `$1` tenant, `$2` source → the holder and expiry of an unexpired lease.
pub(super) fn holder(table: &str) -> String {
    format!(
        "select lease_holder, lease_expires_at from {table}
         where tenant = $1 and source = $2 and lease_holder is not null
           and lease_expires_at > now()"
    )
}

/// `$1` tenant, `$2` source, `$3` token, `$4` milliseconds → the new expiry; no row when
/// the token is stale or released.
pub(super) fn renew(table: &str) -> String {
    format!(
        "update {table} set lease_expires_at = now() + $4::bigint * interval '1 millisecond'
         where tenant = $1 and source = $2 and fencing_token = $3 and lease_holder is not null
         returning lease_expires_at"
    )
}

/// `$1` tenant, `$2` source, `$3` token.
pub(super) fn release(table: &str) -> String {
    format!(
        "update {table} set lease_holder = null, lease_expires_at = null
         where tenant = $1 and source = $2 and fencing_token = $3"
    )
}

/// `$1` tenant, `$2` holder: every lease of the holder.
pub(super) fn release_all(table: &str) -> String {
    format!(
        "update {table} set lease_holder = null, lease_expires_at = null
         where tenant = $1 and lease_holder = $2"
    )
}

/// `$1` tenant, `$2` source, `$3` token, `$4` checkpoint: the compare-and-swap on the
/// token; no row when it is stale or released.
pub(super) fn commit(table: &str) -> String {
    format!(
        "update {table}
         set checkpoint = $4::text::jsonb, version = version + 1, updated_at = now()
         where tenant = $1 and source = $2 and fencing_token = $3 and lease_holder is not null
         returning version"
    )
}

/// `$1` tenant, `$2` source → the token, whether its lease is not released, and the
/// checkpoint: what a commit whose answer was lost is judged by.
pub(super) fn reread(table: &str) -> String {
    format!(
        "select fencing_token, lease_holder is not null, checkpoint::text from {table}
         where tenant = $1 and source = $2"
    )
}

/// What a commit whose answer was lost (the connection broke after sending it) did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The row holds this checkpoint under this token: it landed.
    Landed,
    /// The token is still the newest, the checkpoint not there: it did not land; sending it
    /// again is safe (it is a compare-and-swap).
    Lost,
    /// A newer token (or a release): it can never land; the newest token is this.
    Fenced(i64),
}

/// Judges a lost commit of `ours` under `token` by the row re-read: `stored` is its token,
/// whether the lease is held, and its checkpoint.
pub(super) fn outcome(
    stored: Option<(i64, bool, Option<serde_json::Value>)>,
    ours: &serde_json::Value,
    token: i64,
) -> Outcome {
    match stored {
        Some((newest, held, checkpoint)) if newest == token => {
            if checkpoint.as_ref() == Some(ours) {
                Outcome::Landed
            } else if held {
                Outcome::Lost
            } else {
                Outcome::Fenced(newest)
            }
        }
        Some((newest, _, _)) => Outcome::Fenced(newest),
        None => Outcome::Fenced(0),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Outcome, outcome};

    #[test]
    fn a_lost_commit_is_judged_by_the_row_read_again() {
        let ours = json!({ "source": "a", "high_water_mark": "2026-12-06T00:00:00Z" });
        let older = json!({ "source": "a", "high_water_mark": "2026-12-05T00:00:00Z" });
        assert_eq!(outcome(Some((4, true, Some(ours.clone()))), &ours, 4), Outcome::Landed);
        // Landed, then the lease was released by the same holder: still landed.
        assert_eq!(outcome(Some((4, false, Some(ours.clone()))), &ours, 4), Outcome::Landed);
        assert_eq!(outcome(Some((4, true, Some(older.clone()))), &ours, 4), Outcome::Lost);
        assert_eq!(outcome(Some((4, true, None)), &ours, 4), Outcome::Lost);
        assert_eq!(outcome(Some((5, true, Some(older.clone()))), &ours, 4), Outcome::Fenced(5));
        // Maybe landed under 4, but the lease moved since: the caller must stop either way.
        assert_eq!(outcome(Some((5, true, Some(ours.clone()))), &ours, 4), Outcome::Fenced(5));
        assert_eq!(outcome(Some((4, false, Some(older))), &ours, 4), Outcome::Fenced(4));
        assert_eq!(outcome(None, &ours, 4), Outcome::Fenced(0));
    }
}
