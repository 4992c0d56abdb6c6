//! How long ago something happened, in the short words a chat shows under a message ("now",
//! "5m", "2h", "3d"), as Helper's widget does. Plain arithmetic on milliseconds: the caller reads
//! the clock and parses dates (the browser does both well), so this stays testable natively.

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
    fn next_change_is_the_rest_of_the_current_unit() {
        assert_eq!(next_change_in_ms(NOW, NOW - 30_000.0), 30_000.0);
        assert_eq!(
            next_change_in_ms(NOW, NOW - 2.0 * HOUR - MINUTE),
            HOUR - MINUTE
        );
        assert_eq!(next_change_in_ms(NOW, NOW + 5.0), MINUTE);
    }
}
