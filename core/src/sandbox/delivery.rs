//! When the platform delivers a callback (SPEC §6): the merchant must answer HTTP 200, or the
//! platform tries again, 6 attempts 10 s apart, then after `70 + 10·1.12^(n−4)` s before attempt
//! `n`, growing until 4 h, then every 4 h: at most 120 attempts within 11 days.
//!
//! ```
//! use wallet_partner::sandbox::delivery::{delay_before_ms, MAX_ATTEMPTS};
//! assert_eq!(delay_before_ms(1), Some(0));           // the first attempt is immediate
//! assert_eq!(delay_before_ms(2), Some(10_000));
//! assert_eq!(delay_before_ms(7), Some(84_049));      // 70 + 10·1.12³ s
//! assert_eq!(delay_before_ms(100), Some(14_400_000)); // every 4 h
//! assert_eq!(delay_before_ms(MAX_ATTEMPTS + 1), None);
//! ```

/// The most attempts for one callback.
pub const MAX_ATTEMPTS: u32 = 120;
/// The longest wait between two attempts: 4 hours.
pub const MAX_INTERVAL_MS: u64 = 4 * 3_600_000;
/// No attempt is made later than this after the first: 11 days.
pub const HORIZON_MS: u64 = 11 * 86_400_000;

/// The wait before attempt `n` (1-based) after attempt `n − 1`, in milliseconds; `None` when
/// there is no attempt `n` (0, or past [`MAX_ATTEMPTS`]). The 120 attempts end within the 11-day
/// horizon (about 10.2 days; a unit test checks it).
pub fn delay_before_ms(n: u32) -> Option<u64> {
    match n {
        1 => Some(0),
        2..=6 => Some(10_000),
        7..=MAX_ATTEMPTS => {
            let seconds = 70.0 + 10.0 * 1.12f64.powi(n as i32 - 4);
            Some(((seconds * 1000.0).round() as u64).min(MAX_INTERVAL_MS))
        }
        _ => None,
    }
}

/// When attempt `n` is made, counted from the first attempt, in milliseconds.
pub fn offset_ms(n: u32) -> Option<u64> {
    (1..=n).try_fold(0u64, |at, i| Some(at + delay_before_ms(i)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_fits_the_horizon() {
        let attempts: Vec<u64> = (1..=MAX_ATTEMPTS + 1).map_while(delay_before_ms).collect();
        assert_eq!(attempts.len(), MAX_ATTEMPTS as usize);
        assert!(
            attempts.windows(2).skip(6).all(|w| w[0] <= w[1]),
            "never shrinks"
        );
        let total: u64 = attempts.iter().sum();
        assert!(total <= HORIZON_MS, "{total}");
        assert_eq!(offset_ms(MAX_ATTEMPTS), Some(total));
        assert_eq!(*attempts.last().unwrap(), MAX_INTERVAL_MS);
    }
}
