//! How a replica shares the sources out, one round at a time: at most its share (the
//! sources over the live replicas, rounded up), plus what nobody has held for two rounds;
//! above its share, it hands the extra over when another replica is below it.

use std::{
    collections::{BTreeMap, BTreeSet},
    hash::{DefaultHasher, Hash, Hasher},
};

use auditkit::collect::Lease;

/// The row whose lease says a replica is live; no source id has a space.
pub(crate) const REPLICA_ROW: &str = "~replica ";

/// A source of the config: its job, its place in the job, its id.
pub(crate) struct Source {
    pub(crate) job: usize,
    pub(crate) index: usize,
    pub(crate) id: String,
}

/// What this replica collects, and what it saw free last round.
pub(crate) struct Plan {
    name: String,
    pub(crate) mine: BTreeSet<usize>,
    free_before: BTreeSet<usize>,
    /// Rounds so far, and the round each source was handed over in: not taken back as an
    /// orphan for a few rounds, while the replica below its share takes it.
    rounds: u64,
    handed: BTreeMap<usize, u64>,
}

/// Rounds a source handed over is left to the others.
const HANDED_FOR: u64 = 4;

impl Plan {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            mine: BTreeSet::new(),
            free_before: BTreeSet::new(),
            rounds: 0,
            handed: BTreeMap::new(),
        }
    }

    /// One round over the leases held now: the sources to start (`true`) and stop.
    pub(crate) fn round(&mut self, sources: &[Source], leases: &[Lease]) -> Vec<(usize, bool)> {
        self.rounds += 1;
        let rounds = self.rounds;
        self.handed.retain(|_, at| *at + HANDED_FOR > rounds);
        let mut live: BTreeSet<&str> =
            leases.iter().filter_map(|lease| lease.source().strip_prefix(REPLICA_ROW)).collect();
        live.insert(&self.name);
        let holders: BTreeMap<&str, &str> = leases
            .iter()
            .filter(|lease| !lease.source().starts_with(REPLICA_ROW))
            .map(|lease| (lease.source(), lease.holder()))
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for holder in holders.values() {
            *counts.entry(holder).or_default() += 1;
        }
        let share = sources.len().div_ceil(live.len());
        let mut changes = Vec::new();
        let underloaded = live.iter().any(|replica| {
            *replica != self.name && counts.get(replica).copied().unwrap_or(0) < share
        });
        if self.mine.len() > share && underloaded {
            let mut ranked: Vec<usize> = self.mine.iter().copied().collect();
            ranked.sort_by_key(|&n| rank(&self.name, &sources[n].id));
            for n in ranked.split_off(share) {
                self.mine.remove(&n);
                self.handed.insert(n, self.rounds);
                changes.push((n, false));
            }
        }
        // Free: nobody holds it, or this replica from before a restart (same name).
        let mut free: Vec<usize> = (0..sources.len())
            .filter(|n| !self.mine.contains(n))
            .filter(|&n| holders.get(sources[n].id.as_str()).is_none_or(|h| *h == self.name))
            .collect();
        free.sort_by_key(|&n| rank(&self.name, &sources[n].id));
        let room = share.saturating_sub(self.mine.len());
        let left = free.split_off(room.min(free.len()));
        let take = free;
        // Beyond the share: what nobody took for two rounds (a replica gone between them).
        let orphans: Vec<usize> = left
            .iter()
            .copied()
            .filter(|n| self.free_before.contains(n) && !self.handed.contains_key(n))
            .collect();
        self.free_before = left.into_iter().collect();
        for n in take.into_iter().chain(orphans) {
            self.free_before.remove(&n);
            self.mine.insert(n);
            changes.push((n, true));
        }
        changes
    }
}

/// A replica's own order of the sources, so that replicas starting together try different
/// ones first.
fn rank(replica: &str, source: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    (replica, source).hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use auditkit::collect::{FencingToken, Lease};
    use chrono::Utc;

    use super::{Plan, REPLICA_ROW, Source};

    fn sources(n: usize) -> Vec<Source> {
        (0..n).map(|index| Source { job: 0, index, id: format!("t/{index}") }).collect()
    }

    fn lease(source: &str, holder: &str) -> Lease {
        Lease::new(source, holder, FencingToken::new(1), Utc::now())
    }

    fn plan(name: &str) -> Plan {
        Plan::new(name)
    }

    #[test]
    fn a_replica_takes_its_share_of_what_nobody_holds_then_the_orphans() {
        let sources = sources(10);
        let mut leases =
            vec![lease(&format!("{REPLICA_ROW}a"), "a"), lease(&format!("{REPLICA_ROW}b"), "b")];
        leases.extend((0..3).map(|n| lease(&format!("t/{n}"), "b")));
        let mut a = plan("a");
        // 10 sources over 2 live replicas: 5 each; 7 are free.
        let first = a.round(&sources, &leases);
        assert_eq!(first.len(), 5);
        assert!(first.iter().all(|(n, start)| *start && *n >= 3));
        // The 2 still free after a second round are taken beyond the share.
        let second = a.round(&sources, &leases);
        assert_eq!(second.len(), 2, "{second:?}");
        assert_eq!(a.mine.len(), 7);
    }

    #[test]
    fn a_replica_above_its_share_hands_the_extra_over_when_another_is_below() {
        let sources = sources(8);
        let mut a = plan("a");
        let alone = [lease(&format!("{REPLICA_ROW}a"), "a")];
        assert_eq!(a.round(&sources, &alone).len(), 8);
        let mut leases: Vec<Lease> = (0..8).map(|n| lease(&format!("t/{n}"), "a")).collect();
        leases.push(lease(&format!("{REPLICA_ROW}a"), "a"));
        leases.push(lease(&format!("{REPLICA_ROW}b"), "b"));
        let handed = a.round(&sources, &leases);
        assert_eq!(handed.len(), 4);
        assert!(handed.iter().all(|(_, start)| !start));
        assert_eq!(a.mine.len(), 4);
        // Balanced: nothing moves, and what it handed over (released, nobody took it yet)
        // is left to the other for a few rounds.
        leases.retain(|lease| {
            !(lease.holder() == "a"
                && handed.iter().any(|(n, _)| lease.source() == format!("t/{n}")))
        });
        for _ in 1..super::HANDED_FOR {
            assert!(a.round(&sources, &leases).is_empty());
        }
    }
}
