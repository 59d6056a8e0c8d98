//! Seeded randomness that is the same on every machine and every version of `rand`: a ChaCha20
//! stream keyed by SHA-256 of a domain label, the seed and a key, and bounded integers by
//! rejection. The sampler and the demo each name their own domain, so versioning one never
//! changes the other's stream.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

/// A ChaCha20 generator keyed by SHA-256 of (`domain`, `seed`, `key`…).
pub fn keyed(domain: &[u8], seed: u64, key: &[String]) -> ChaCha20Rng {
    let mut h = Sha256::new();
    h.update(domain);
    h.update(seed.to_le_bytes());
    for k in key {
        h.update([0x1f]);
        h.update(k.as_bytes());
    }
    let digest: [u8; 32] = h.finalize().into();
    ChaCha20Rng::from_seed(digest)
}

/// A uniform integer in 0..bound (`bound` > 0), by rejection: no modulo bias.
pub fn below(rng: &mut ChaCha20Rng, bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound + 1) % bound;
    loop {
        let x = rng.next_u64();
        if x <= zone {
            return x % bound;
        }
    }
}
