//! The hasher of the set a checkpoint looks its keys up in. The keys are FNV-1a hashes
//! already: one keyed multiply of their two halves spreads them (SipHash cost more than the
//! lookup it served), and the process's random key keeps crafted keys from piling into
//! one bucket.

use std::{
    hash::{BuildHasher, Hasher},
    sync::OnceLock,
};

/// Builds the hasher of 128-bit keys that are hashes already.
#[derive(Debug, Clone, Copy)]
pub(super) struct Folded {
    seed: [u64; 2],
}

impl Default for Folded {
    fn default() -> Self {
        static SEED: OnceLock<[u64; 2]> = OnceLock::new();
        let seed = *SEED.get_or_init(|| {
            let random = std::collections::hash_map::RandomState::new();
            [random.hash_one(1u8) | 1, random.hash_one(2u8)]
        });
        Self { seed }
    }
}

impl BuildHasher for Folded {
    type Hasher = FoldedHasher;

    fn build_hasher(&self) -> FoldedHasher {
        FoldedHasher { seed: self.seed, hash: 0 }
    }
}

pub(super) struct FoldedHasher {
    seed: [u64; 2],
    hash: u64,
}

impl Hasher for FoldedHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write_u128(&mut self, value: u128) {
        let product = u128::from((value as u64) ^ self.seed[0])
            * u128::from(((value >> 64) as u64) ^ self.seed[1]);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }

    /// Only `u128`s are hashed; anything else still hashes, byte by byte.
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u128(u128::from(self.hash) << 8 | u128::from(*byte));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_differ_in_either_half_hash_apart_and_the_same_key_alike() {
        let hasher = Folded::default();
        let hash = |key: u128| hasher.hash_one(key);
        assert_eq!(hash(7), hash(7));
        assert_ne!(hash(1), hash(1 << 64));
        assert_ne!(hash(1), hash(2));
        // Equal halves folded by xor alone would all hash alike.
        assert_ne!(hash(5 | 5 << 64), hash(9 | 9 << 64));
    }
}
