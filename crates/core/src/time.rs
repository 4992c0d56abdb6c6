//! Time in the chat: how long ago something happened, in the short words a chat shows under a
//! message ("now", "5m", "2h", "3d"), as Helper's widget does; and how long to wait between
//! polls. Plain arithmetic on milliseconds: the caller reads the clock, parses dates and sets
//! timers (the browser does all three well), so this stays testable natively.

const MINUTE: f64 = 60_000.0;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// The age of something that happened at `then_ms`, seen at `now_ms` (both Unix milliseconds).
/// A time in the future (a server clock ahead of the visitor's) reads as "now".
pub fn relative(now_ms: f64, then_ms: f64) -> String {
    let age = now_ms - then_ms;
    if !age.is_finite() || age < MINUTE {
        return "now".to_owned();
    }
    let whole = |unit: f64| (age / unit).floor() as u64;
    if age < HOUR {
        format!("{}m", whole(MINUTE))
    } else if age < DAY {
        format!("{}h", whole(HOUR))
    } else if age < 7.0 * DAY {
        let days = whole(DAY);
        let hours = ((age - days as f64 * DAY) / HOUR).floor() as u64;
        if hours == 0 {
            format!("{days}d")
        } else {
            format!("{days}d {hours}h")
        }
    } else if age < 365.0 * DAY {
        format!("{}w", whole(7.0 * DAY))
    } else {
        format!("{}y", whole(365.0 * DAY))
    }
}

/// How long until [`relative`]'s text for `then_ms` next changes, seen at `now_ms`: a view that
/// shows it need not redraw sooner.
pub fn next_change_in_ms(now_ms: f64, then_ms: f64) -> f64 {
    let age = (now_ms - then_ms).max(0.0);
    let unit = if age < HOUR {
        MINUTE
    } else if age < 7.0 * DAY {
        HOUR
    } else {
        DAY
    };
    unit - age % unit
}

/// The first pause between two polls of a conversation, and the one after a poll that found
/// something new.
pub const POLL_FIRST_MS: u32 = 5_000;
/// The longest pause, reached after a run of polls that found nothing.
pub const POLL_SLOWEST_MS: u32 = 60_000;

/// The pause before the next poll when realtime is unavailable: modest, and half as long again
/// each time nothing changed (5, 7.5, 11, 17, 25, 38, 57, then 60 s), back to the first after
/// news.
pub fn poll_delay_ms(last_ms: u32, changed: bool) -> u32 {
    if changed {
        POLL_FIRST_MS
    } else {
        last_ms
            .saturating_add(last_ms / 2)
            .clamp(POLL_FIRST_MS, POLL_SLOWEST_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;

    #[test]
    fn short_words_by_age() {
        assert_eq!(relative(NOW, NOW), "now");
        assert_eq!(relative(NOW, NOW - 59_999.0), "now");
        assert_eq!(relative(NOW, NOW - MINUTE), "1m");
        assert_eq!(relative(NOW, NOW - 59.0 * MINUTE), "59m");
        assert_eq!(relative(NOW, NOW - 2.0 * HOUR - 5.0 * MINUTE), "2h");
        assert_eq!(relative(NOW, NOW - 3.0 * DAY - 4.0 * HOUR), "3d 4h");
        assert_eq!(relative(NOW, NOW - 3.0 * DAY), "3d");
        assert_eq!(relative(NOW, NOW - 20.0 * DAY), "2w");
        assert_eq!(relative(NOW, NOW - 800.0 * DAY), "2y");
    }

    #[test]
    fn future_and_invalid_times_read_as_now() {
        assert_eq!(relative(NOW, NOW + HOUR), "now");
        assert_eq!(relative(NOW, f64::NAN), "now");
    }

    #[test]
    fn polls_back_off_while_quiet_and_hurry_after_news() {
        let mut delay = POLL_FIRST_MS;
        let mut seen = vec![delay];
        for _ in 0..8 {
            delay = poll_delay_ms(delay, false);
            seen.push(delay);
        }
        assert_eq!(
            seen,
            [5_000, 7_500, 11_250, 16_875, 25_312, 37_968, 56_952, 60_000, 60_000]
        );
        assert_eq!(poll_delay_ms(60_000, true), POLL_FIRST_MS);
        assert_eq!(poll_delay_ms(0, false), POLL_FIRST_MS);
        assert_eq!(poll_delay_ms(u32::MAX, false), POLL_SLOWEST_MS);
    }

    #[test]
    fn next_change_is_the_rest_of_the_current_unit() {
        assert_eq!(next_change_in_ms(NOW, NOW - 30_000.0), 30_000.0);
        assert_eq!(
            next_change_in_ms(NOW, NOW - 2.0 * HOUR - MINUTE),
            HOUR - MINUTE
        );
        assert_eq!(next_change_in_ms(NOW, NOW + 5.0), MINUTE);
    }
}
