//! The texts of progress on standard error (the spinner or the plain lines of
//! `cli::progress`) and of `-v`'s account of AWS calls: what is read or applied so far, and how
//! the pacing of each AWS service goes.

use std::time::Duration;

use crate::aws::{CallCounter, Pacers};

/// The pacing made visible: `sesv2 1.0 requests/s, 7 waiting` for each paced service that
/// has requests waiting for their turn, or has seen throttles.
pub fn pacing(pacers: &Pacers) -> String {
    let mut parts = Vec::new();
    for (service, pacer) in pacers.each() {
        let waiting = pacer.waiting();
        let throttles = pacer.throttles();
        if waiting == 0 && throttles == 0 {
            continue;
        }
        let mut part = match pacer.rate() {
            Some(rate) => format!("{service} paced at {rate:.1} requests/s"),
            None => format!("{service} unpaced"),
        };
        if waiting > 0 {
            part.push_str(&format!(", {waiting} waiting"));
        }
        if throttles > 0 {
            part.push_str(&format!(", {throttles} throttled"));
        }
        parts.push(part);
    }
    parts.join("; ")
}

/// `identities 118/1000, topics 4/4`.
pub fn tally(kinds: &[(&'static str, u64, u64)]) -> String {
    kinds
        .iter()
        .filter(|(_, _, total)| *total > 0)
        .map(|(kind, done, total)| format!("{kind} {done}/{total}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` (PACING)` after a progress line, when there is pacing to show.
fn with_pacing(mut text: String, pacing: &str) -> String {
    if !pacing.is_empty() {
        text.push_str(&format!(" ({pacing})"));
    }
    text
}

/// `Reading live state (3s): identities 118/1000 (sesv2 paced at ...)`.
pub fn reading_live(elapsed: Duration, kinds: &[(&'static str, u64, u64)], pacing: &str) -> String {
    with_pacing(
        format!(
            "Reading live state ({}s): {}",
            elapsed.as_secs(),
            tally(kinds)
        ),
        pacing,
    )
}

/// `Read live state in 3.2s: identities 1000/1000`, once a read that showed progress is over.
pub fn read_live(elapsed: Duration, kinds: &[(&'static str, u64, u64)]) -> String {
    format!(
        "Read live state in {:.1}s: {}",
        elapsed.as_secs_f64(),
        tally(kinds)
    )
}

/// `Applying (12s): 3/10 done, in flight: a, b, c and 2 more (PACING)`; `in_flight` in the
/// order to show them.
pub fn applying<'a>(
    elapsed: Duration,
    done: usize,
    total: usize,
    in_flight: impl ExactSizeIterator<Item = &'a str>,
    pacing: &str,
) -> String {
    let mut text = format!("Applying ({}s): {done}/{total} done", elapsed.as_secs());
    let count = in_flight.len();
    let shown: Vec<&str> = in_flight.take(3).collect();
    if !shown.is_empty() {
        text.push_str(&format!(", in flight: {}", shown.join(", ")));
        let more = count.saturating_sub(shown.len());
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
    }
    with_pacing(text, pacing)
}

/// AWS calls made so far, per service and operation, and each service's pacing (`-v`).
pub fn call_report(counter: &CallCounter, pacers: &Pacers, elapsed: Duration) -> String {
    let mut text = format!(
        "{} AWS calls in {:.2}s:\n",
        counter.total(),
        elapsed.as_secs_f64()
    );
    for (operation, count) in counter.by_operation() {
        text.push_str(&format!("  {operation:<48} {count:>6}\n"));
    }
    for (service, pacer) in pacers.each() {
        if pacer.is_auto() || pacer.throttles() > 0 {
            text.push_str(&format!(
                "  {service} pacing: {}, {} throttled answer{} (retried)\n",
                pacer.rate().map_or("unpaced".into(), |r| format!(
                    "{r:.1} requests/s{}",
                    if pacer.is_auto() {
                        " at the end (auto)"
                    } else {
                        ""
                    }
                )),
                pacer.throttles(),
                if pacer.throttles() == 1 { "" } else { "s" }
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_read_as_counts_per_kind() {
        assert_eq!(
            tally(&[("identities", 118, 1000), ("users", 0, 0), ("topics", 4, 4)]),
            "identities 118/1000, topics 4/4"
        );
    }

    #[test]
    fn applying_names_three_changes_in_flight_and_counts_the_rest() {
        let secs = Duration::from_secs(12);
        let flight = ["a", "b", "c", "d", "e"];
        assert_eq!(
            applying(secs, 3, 10, flight.iter().copied(), "sesv2 unpaced"),
            "Applying (12s): 3/10 done, in flight: a, b, c and 2 more (sesv2 unpaced)"
        );
        assert_eq!(
            applying(secs, 10, 10, flight[..0].iter().copied(), ""),
            "Applying (12s): 10/10 done"
        );
    }
}
