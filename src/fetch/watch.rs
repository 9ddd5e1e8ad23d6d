//! Waiting on a server: for the response headers, then for each piece of the body, with the
//! silence timeout, the overall deadline, the minimum transfer rate (curl's `--speed-limit` and
//! `--speed-time`) and notices while a server stalls.
//!
//! The rate counts only the time spent waiting for the network: time the caller spends with a
//! chunk (unpacking it, waiting for a slower disk) never makes a server look slow.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use tokio::time::Instant;

use super::{Events, Limits};

/// How often the rate is measured.
const TICK: Duration = Duration::from_secs(1);
/// Between two notices about the same stall.
const NOTICE_EVERY: Duration = Duration::from_secs(10);

/// Why waiting stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Nothing arrived for this long (the `timeout` setting).
    Silent(Duration),
    /// The request's overall deadline passed (the `max-time` setting).
    Deadline,
    /// Fewer bytes per second than `min-speed`, for `min-speed-time`.
    Slow { rate: u64 },
}

/// Watches one request.
pub struct Watch<'a> {
    pub limits: &'a Limits,
    pub events: &'a dyn Events,
    /// The host, as messages name it.
    pub host: String,
    pub deadline: Instant,
}

/// The first notice comes after a few seconds, or sooner with a short `timeout`.
fn notice_after(timeout: Duration) -> Duration {
    (timeout / 2).min(Duration::from_secs(5))
}

impl Watch<'_> {
    /// Await the response headers (`fut`), telling whoever watches while they take long.
    pub async fn headers<F: Future>(&self, fut: F) -> Result<F::Output, Stop> {
        tokio::pin!(fut);
        let start = Instant::now();
        let timeout = self.limits.timeout;
        let give_up = (start + timeout).min(self.deadline);
        let mut notice = start + notice_after(timeout);
        loop {
            tokio::select! {
                out = &mut fut => return Ok(out),
                () = tokio::time::sleep_until(notice.min(give_up)) => {
                    let now = Instant::now();
                    if now >= self.deadline {
                        return Err(Stop::Deadline);
                    }
                    if now >= give_up {
                        return Err(Stop::Silent(timeout));
                    }
                    self.events.stalled(
                        &self.host,
                        &format!("no answer for {}", seconds(now - start)),
                    );
                    notice = now + NOTICE_EVERY;
                }
            }
        }
    }

    /// The next piece of `body` (`None` at its end), or why waiting stopped.
    pub async fn chunk<S>(
        &self,
        body: &mut S,
        meter: &mut Meter,
    ) -> Result<Option<reqwest::Result<Bytes>>, Stop>
    where
        S: Stream<Item = reqwest::Result<Bytes>> + Unpin,
    {
        let start = Instant::now();
        let base = meter.waited;
        let timeout = self.limits.timeout;
        let mut notice = start + notice_after(timeout);
        loop {
            // The next tick, in this wait's clock.
            let tick = start + meter.next_tick.saturating_sub(base);
            let wake = notice.min(tick).min(start + timeout).min(self.deadline);
            tokio::select! {
                item = body.next() => {
                    meter.waited = base + start.elapsed();
                    if let Some(Ok(chunk)) = &item {
                        meter.total += chunk.len() as u64;
                    }
                    self.check(meter)?;
                    return Ok(item);
                }
                () = tokio::time::sleep_until(wake) => {
                    let now = Instant::now();
                    let silent = now - start;
                    meter.waited = base + silent;
                    if now >= self.deadline {
                        return Err(Stop::Deadline);
                    }
                    if silent >= timeout {
                        return Err(Stop::Silent(timeout));
                    }
                    self.check(meter)?;
                    if now >= notice {
                        self.events.stalled(
                            &self.host,
                            &format!("no data for {}", seconds(silent)),
                        );
                        notice = now + NOTICE_EVERY;
                    }
                }
            }
        }
    }

    fn check(&self, meter: &mut Meter) -> Result<(), Stop> {
        match meter.check(self.limits) {
            Rate::Fine => Ok(()),
            Rate::TooSlow(rate) => Err(Stop::Slow { rate }),
            Rate::Slow(rate) => {
                self.events.stalled(
                    &self.host,
                    &format!(
                        "receiving {}/s, below the minimum of {}/s",
                        crate::units::size(rate),
                        crate::units::size(self.limits.min_speed)
                    ),
                );
                Ok(())
            }
        }
    }
}

/// Bytes over network time, for the minimum rate.
pub struct Meter {
    /// Time spent waiting for the network so far.
    waited: Duration,
    total: u64,
    /// (network time, bytes so far), one a tick, oldest first.
    samples: VecDeque<(Duration, u64)>,
    next_tick: Duration,
    next_notice: Duration,
}

enum Rate {
    Fine,
    /// Below the minimum lately: tell whoever watches.
    Slow(u64),
    /// Below the minimum for the whole window.
    TooSlow(u64),
}

impl Meter {
    pub fn new() -> Meter {
        Meter {
            waited: Duration::ZERO,
            total: 0,
            samples: VecDeque::from([(Duration::ZERO, 0)]),
            next_tick: TICK,
            next_notice: Duration::ZERO,
        }
    }

    fn check(&mut self, limits: &Limits) -> Rate {
        if self.waited < self.next_tick {
            return Rate::Fine;
        }
        self.next_tick = self.waited + TICK;
        self.samples.push_back((self.waited, self.total));
        if limits.min_speed == 0 {
            self.samples.pop_front();
            return Rate::Fine;
        }
        let window = limits.min_speed_time;
        // Keep the newest sample at least a window old, and everything after it.
        while self.samples.len() > 2 && self.samples[1].0 + window <= self.waited {
            self.samples.pop_front();
        }
        let rate_since = |at: Duration, bytes: u64| {
            let span = self.waited.saturating_sub(at).as_secs_f64().max(0.001);
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a rate in bytes per second, rounded down"
            )]
            let rate = (self.total.saturating_sub(bytes) as f64 / span) as u64;
            rate
        };
        let (oldest, bytes) = self.samples[0];
        if oldest + window <= self.waited {
            let rate = rate_since(oldest, bytes);
            if rate < limits.min_speed {
                return Rate::TooSlow(rate);
            }
        }
        // Lately: over the last few seconds, reported while it happens.
        let recent = window.min(Duration::from_secs(5)) / 2;
        if let Some(&(at, bytes)) = self
            .samples
            .iter()
            .rev()
            .find(|(at, _)| *at + recent <= self.waited)
        {
            let rate = rate_since(at, bytes);
            if rate < limits.min_speed && self.waited >= self.next_notice {
                self.next_notice = self.waited + NOTICE_EVERY;
                return Rate::Slow(rate);
            }
        }
        Rate::Fine
    }
}

/// "12 s".
pub fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(min_speed: u64, secs: u64) -> Limits {
        Limits {
            min_speed,
            min_speed_time: Duration::from_secs(secs),
            ..Limits::default()
        }
    }

    /// Feed (network seconds, total bytes) and return what the meter says at each.
    fn run(limits: &Limits, points: &[(u64, u64)]) -> Vec<&'static str> {
        let mut meter = Meter::new();
        points
            .iter()
            .map(|&(at, total)| {
                meter.waited = Duration::from_secs(at);
                meter.total = total;
                match meter.check(limits) {
                    Rate::Fine => "fine",
                    Rate::Slow(_) => "slow",
                    Rate::TooSlow(_) => "too slow",
                }
            })
            .collect()
    }

    #[test]
    fn a_trickle_is_stopped_after_the_window() {
        // One byte every two seconds, a minimum of 100 B/s over 10 s.
        let points: Vec<(u64, u64)> = (1..=12).map(|s| (s, s / 2)).collect();
        let said = run(&limits(100, 10), &points);
        assert_eq!(
            said[..9].iter().filter(|s| **s == "too slow").count(),
            0,
            "{said:?}"
        );
        assert!(
            said.contains(&"slow"),
            "reported while it happens: {said:?}"
        );
        assert_eq!(said[9], "too slow", "{said:?}");
    }

    #[test]
    fn a_fast_transfer_and_a_disabled_check_are_fine() {
        let points: Vec<(u64, u64)> = (1..=30).map(|s| (s, s * 1_000_000)).collect();
        assert!(run(&limits(1024, 5), &points).iter().all(|s| *s == "fine"));
        let trickle: Vec<(u64, u64)> = (1..=30).map(|s| (s, s)).collect();
        assert!(run(&limits(0, 5), &trickle).iter().all(|s| *s == "fine"));
    }

    #[test]
    fn a_burst_after_a_pause_is_not_too_slow() {
        // Nothing for 4 s, then plenty: the window of 5 s sees enough.
        let points = [
            (1, 0),
            (2, 0),
            (3, 0),
            (4, 0),
            (5, 10_000_000),
            (6, 10_000_000),
        ];
        let said = run(&limits(1024, 5), &points);
        assert!(!said.contains(&"too slow"), "{said:?}");
    }
}
