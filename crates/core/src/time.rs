//! Time in the chat: how long ago something happened, as the unit and count a chat shows under
//! a message ("now", "5m ago", "2h ago"; the browser's `Intl.RelativeTimeFormat` words them in
//! the visitor's language), and how long to wait between polls. Plain arithmetic on
//! milliseconds: the caller reads the clock, parses dates, words the age and sets timers (the
//! browser does all four well), so this stays testable natively.

const MINUTE: f64 = 60_000.0;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;
const WEEK: f64 = 7.0 * DAY;
const YEAR: f64 = 365.0 * DAY;

/// How long ago something happened, in the largest unit that fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    /// Less than a minute ago (or in the future: a server clock ahead of the visitor's).
    Now,
    /// `count` whole `unit`s ago (at least 1).
    Ago(u64, Unit),
}

/// A unit of [`Age`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Year,
}

impl Unit {
    /// The unit's name as `Intl.RelativeTimeFormat.format` takes it.
    pub fn intl_name(self) -> &'static str {
        match self {
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Year => "year",
        }
    }

    fn ms(self) -> f64 {
        match self {
            Unit::Minute => MINUTE,
            Unit::Hour => HOUR,
            Unit::Day => DAY,
            Unit::Week => WEEK,
            Unit::Year => YEAR,
        }
    }
}

/// The age of something that happened at `then_ms`, seen at `now_ms` (both Unix milliseconds).
pub fn relative(now_ms: f64, then_ms: f64) -> Age {
    let age = now_ms - then_ms;
    if !age.is_finite() || age < MINUTE {
        return Age::Now;
    }
    let unit = if age < HOUR {
        Unit::Minute
    } else if age < DAY {
        Unit::Hour
    } else if age < WEEK {
        Unit::Day
    } else if age < YEAR {
        Unit::Week
    } else {
        Unit::Year
    };
    Age::Ago((age / unit.ms()).floor() as u64, unit)
}

/// How long until [`relative`]'s answer for `then_ms` next changes, seen at `now_ms`: a view that
/// shows it need not redraw sooner.
pub fn next_change_in_ms(now_ms: f64, then_ms: f64) -> f64 {
    let age = (now_ms - then_ms).max(0.0);
    let unit = match relative(now_ms, then_ms) {
        Age::Now => MINUTE,
        Age::Ago(_, unit) => unit.ms(),
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
    fn the_largest_unit_that_fits() {
        assert_eq!(relative(NOW, NOW), Age::Now);
        assert_eq!(relative(NOW, NOW - 59_999.0), Age::Now);
        assert_eq!(relative(NOW, NOW - MINUTE), Age::Ago(1, Unit::Minute));
        assert_eq!(
            relative(NOW, NOW - 59.0 * MINUTE),
            Age::Ago(59, Unit::Minute)
        );
        let two_hours = relative(NOW, NOW - 2.0 * HOUR - 5.0 * MINUTE);
        assert_eq!(two_hours, Age::Ago(2, Unit::Hour));
        assert_eq!(
            relative(NOW, NOW - 3.0 * DAY - 4.0 * HOUR),
            Age::Ago(3, Unit::Day)
        );
        assert_eq!(relative(NOW, NOW - 20.0 * DAY), Age::Ago(2, Unit::Week));
        assert_eq!(relative(NOW, NOW - 800.0 * DAY), Age::Ago(2, Unit::Year));
        assert_eq!(Unit::Week.intl_name(), "week");
    }

    #[test]
    fn future_and_invalid_times_read_as_now() {
        assert_eq!(relative(NOW, NOW + HOUR), Age::Now);
        assert_eq!(relative(NOW, f64::NAN), Age::Now);
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
        assert_eq!(next_change_in_ms(NOW, NOW - 2.0 * DAY - HOUR), DAY - HOUR);
    }
}
