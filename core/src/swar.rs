//! Byte tests on eight bytes at once (SWAR), on words read little-endian: the string scan and
//! the canonical walk's key prefixes.

/// 0x01 in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// 0x80 in every byte.
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte below `n` (`n` ≤ 0x80). A flag can only be wrong above a
/// right one: the lowest flag, and "any flag", are exact.
#[inline(always)]
pub(crate) fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
}

/// The high bit of every byte equal to `b` (same exactness as [`below`]).
#[inline(always)]
pub(crate) fn equal(w: u64, b: u8) -> u64 {
    below(w ^ (ONES * u64::from(b)), 1)
}
