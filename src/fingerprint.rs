//! FNV-1a hashes: stable across processes, platforms and Rust versions (unlike `std`'s
//! hasher), for identities that are saved and compared later.

const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV64_PRIME: u64 = 0x0100_0000_01b3;
const FNV128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// 64-bit FNV-1a over `parts`, each followed by a separator byte, so `["ab", "c"]` and
/// `["a", "bc"]` differ.
pub(crate) fn fnv64<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut hash = FNV64_OFFSET;
    for byte in separated(parts) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(FNV64_PRIME);
    }
    hash
}

/// 128-bit FNV-1a over `parts`, separated as in [`fnv64`]: wide enough that two different
/// events of one vendor never share a hash in practice.
pub(crate) fn fnv128<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u128 {
    let mut hash = FNV128_OFFSET;
    for byte in separated(parts) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(FNV128_PRIME);
    }
    hash
}

fn separated<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> impl Iterator<Item = u8> {
    parts.into_iter().flat_map(|part| part.iter().copied().chain([0x1f]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_published_fnv_1a_values() {
        // FNV-1a of "a" is af63dc4c8601ec8c (64-bit) and d228cb696f1a8caf78912b704e4a8964
        // (128-bit); each part here is followed by the separator 0x1f.
        let unseparated = |bytes: &[u8]| {
            bytes.iter().fold(FNV64_OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV64_PRIME))
        };
        assert_eq!(unseparated(b"a"), 0xaf63_dc4c_8601_ec8c);
        let unseparated128 = |bytes: &[u8]| {
            bytes.iter().fold(FNV128_OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(FNV128_PRIME))
        };
        assert_eq!(unseparated128(b"a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
        assert_eq!(fnv64([b"a".as_slice()]), unseparated(b"a\x1f"));
    }

    #[test]
    fn parts_are_separated() {
        assert_ne!(fnv64([b"ab".as_slice(), b"c"]), fnv64([b"a".as_slice(), b"bc"]));
        assert_ne!(fnv128([b"ab".as_slice(), b"c"]), fnv128([b"a".as_slice(), b"bc"]));
    }
}
