//! PHP's `strnatcmp`, the platform's reference sort of canonical paths (SPEC §2, step 4).

use std::cmp::Ordering;

/// Compares two paths like PHP's `strnatcmp` (case-sensitive), the platform's reference sort.
///
/// Digit runs compare by value (`item2` < `item10`); a run starting with `0` compares digit by
/// digit from the left (`x001` < `x01` < `x1`); everything else byte by byte.
///
/// ```
/// use std::cmp::Ordering::Less;
/// use wallet_partner::signature::natural_cmp;
/// assert_eq!(natural_cmp("errors:2", "errors:10"), Less);
/// assert_eq!(natural_cmp("x001", "x01"), Less);
/// assert_eq!(natural_cmp("B", "a"), Less);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    nat_cmp_keys(
        Key {
            bytes: a.as_bytes(),
            colon: false,
        },
        Key {
            bytes: b.as_bytes(),
            colon: false,
        },
        true,
    )
}

/// A string to compare, optionally followed by a virtual `:` (how a container's key sorts
/// among its siblings' paths), so keys are compared without being copied.
#[derive(Clone, Copy)]
pub(crate) struct Key<'k> {
    pub(crate) bytes: &'k [u8],
    pub(crate) colon: bool,
}

impl Key<'_> {
    pub(crate) fn len(self) -> usize {
        self.bytes.len() + usize::from(self.colon)
    }

    pub(crate) fn at(self, i: usize) -> u8 {
        match self.bytes.get(i) {
            Some(&b) => b,
            None => b':',
        }
    }

    pub(crate) fn digit_at(self, i: usize) -> bool {
        i < self.len() && self.at(i).is_ascii_digit()
    }
}

/// `strnatcmp`; `at_start` applies PHP's skipping of leading zeros at the start of the string
/// (false for keys below the top level, which are not at the start of the path).
pub(crate) fn nat_cmp_keys(a: Key<'_>, b: Key<'_>, at_start: bool) -> Ordering {
    let (alen, blen) = (a.len(), b.len());
    if alen == 0 || blen == 0 {
        return alen.cmp(&blen);
    }
    // Most keys part at their first byte: two different non-digits decide at once.
    let (a0, b0) = (a.at(0), b.at(0));
    if a0 != b0 && !a0.is_ascii_digit() && !b0.is_ascii_digit() {
        return a0.cmp(&b0);
    }
    let (mut i, mut j) = (0usize, 0usize);
    // PHP skips leading zeros at the very start of each string (when a digit follows).
    while at_start && i + 1 < alen && a.at(i) == b'0' && a.at(i + 1).is_ascii_digit() {
        i += 1;
    }
    while at_start && j + 1 < blen && b.at(j) == b'0' && b.at(j + 1).is_ascii_digit() {
        j += 1;
    }
    loop {
        let (mut ca, mut cb) = (a.at(i), b.at(j));
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let result = if ca == b'0' || cb == b'0' {
                compare_left(a, &mut i, b, &mut j)
            } else {
                compare_right(a, &mut i, b, &mut j)
            };
            if result != Ordering::Equal {
                return result;
            }
            match (i == alen, j == blen) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = a.at(i);
                    cb = b.at(j);
                }
            }
        }
        match ca.cmp(&cb) {
            Ordering::Equal => {}
            other => return other,
        }
        i += 1;
        j += 1;
        match (i >= alen, j >= blen) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

/// Digit runs without leading zeros: the longest run wins, else the first difference.
fn compare_right(a: Key<'_>, i: &mut usize, b: Key<'_>, j: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        match (a.digit_at(*i), b.digit_at(*j)) {
            (false, false) => return bias,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if bias == Ordering::Equal {
                    bias = a.at(*i).cmp(&b.at(*j));
                }
            }
        }
        *i += 1;
        *j += 1;
    }
}

/// Digit runs with a leading zero: compared left-aligned, the first difference wins.
fn compare_left(a: Key<'_>, i: &mut usize, b: Key<'_>, j: &mut usize) -> Ordering {
    loop {
        match (a.digit_at(*i), b.digit_at(*j)) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => match a.at(*i).cmp(&b.at(*j)) {
                Ordering::Equal => {}
                other => return other,
            },
        }
        *i += 1;
        *j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_matches_strnatcmp_examples() {
        use Ordering::*;
        let cases = [
            ("errors:2", "errors:10", Less),
            ("item2", "item10", Less),
            ("x001", "x01", Less),
            ("x01", "x1", Less),
            ("x001", "x1", Less),
            ("B", "a", Less),
            ("a", "a:b", Less),
            ("a:10:b", "a:9:b", Greater),
            ("abc", "abc", Equal),
            ("", "a", Less),
            ("a1b", "a01b", Greater),
            ("007", "7", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(natural_cmp(a, b), want, "{a} vs {b}");
            assert_eq!(natural_cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
