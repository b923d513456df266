//! A service's `Pace`: unlimited until AWS refuses more than `CUT_ABOVE` of its attempts within a second, then
//! as fast as AWS accepted them, growing back while it goes well.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Within one second, more than this share of a service's attempts throttled means a rate limit.
const CUT_ABOVE: f64 = 0.3;
/// Fewer attempts than this in a second of an unlimited pace say nothing.
const MIN_SAMPLES: u32 = 5;
/// How much faster a limited pace goes after a second that went well.
const GROWTH: f64 = 1.2;
/// A second went well when at most this share of the attempts was throttled. Between this and `CUT_ABOVE` a
/// limited pace holds: growing into a rate limit until it cuts again left a service throttled a third of the time,
/// and ten attempts in a row were throttled often enough to fail a 100-service apply.
const GROW_BELOW: f64 = 0.1;
/// A pace grown past this many requests per second is lifted.
const LIFT_ABOVE: f64 = 100.0;
/// The slowest pace: one request a second.
const MIN_RATE: f64 = 1.0;
const WINDOW: Duration = Duration::from_secs(1);

/// One service's send rate: none at first, set from what AWS accepts once it throttles most of what is sent.
#[derive(Debug, Default)]
pub struct Pace(Mutex<PaceState>);

#[derive(Debug, Default)]
struct PaceState {
    /// Requests per second; `None`: as fast as they come.
    rate: Option<f64>,
    next_slot: Option<Instant>,
    window_start: Option<Instant>,
    accepted: u32,
    throttled: u32,
    /// Requests sent in the second under way.
    sent: u32,
}

impl Pace {
    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// When a request that arrives at `now` may go; takes that slot.
    pub fn slot(&self, now: Instant) -> Instant {
        let mut state = self.state();
        state.sent += 1;
        let Some(rate) = state.rate else { return now };
        let at = state.next_slot.map_or(now, |next| next.max(now));
        state.next_slot = Some(at + Duration::from_secs_f64(1.0 / rate));
        at
    }

    /// An attempt's outcome: throttled or not. Closes the second under way when it is over.
    pub fn outcome(&self, throttled: bool, now: Instant) {
        let mut state = self.state();
        let start = *state.window_start.get_or_insert(now);
        let elapsed = now.duration_since(start);
        if elapsed >= WINDOW {
            state.adapt(elapsed);
            state.window_start = Some(now);
            state.accepted = 0;
            state.throttled = 0;
            state.sent = 0;
        }
        if throttled {
            state.throttled += 1;
        } else {
            state.accepted += 1;
        }
    }

    /// Requests per second now, if limited.
    pub fn rate(&self) -> Option<f64> {
        self.state().rate
    }
}

impl PaceState {
    fn adapt(&mut self, elapsed: Duration) {
        let total = self.accepted + self.throttled;
        if total == 0 || (self.rate.is_none() && total < MIN_SAMPLES) {
            return;
        }
        let share = f64::from(self.throttled) / f64::from(total);
        if share > CUT_ABOVE {
            let accepted_rate = (f64::from(self.accepted) / elapsed.as_secs_f64()).max(MIN_RATE);
            let current = self.rate.unwrap_or(f64::INFINITY);
            // Nothing accepted at all: halve, down to the floor.
            let cut = if self.accepted == 0 { (current / 2.0).max(MIN_RATE) } else { accepted_rate.min(current) };
            self.rate = Some(if cut.is_finite() { cut } else { MIN_RATE });
            tracing::debug!(
                rate = self.rate,
                throttled = self.throttled,
                accepted = self.accepted,
                sent = self.sent,
                "pace cut to what AWS accepted"
            );
        } else if let (Some(rate), true) = (self.rate, share <= GROW_BELOW) {
            let grown = rate * GROWTH;
            self.rate = (grown <= LIFT_ABOVE).then_some(grown);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS as a token bucket: `capacity` requests at once, refilled at `refill` a second.
    struct Bucket {
        tokens: f64,
        capacity: f64,
        refill: f64,
        at: Instant,
    }

    impl Bucket {
        fn take(&mut self, now: Instant) -> bool {
            self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.refill).min(self.capacity);
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                true
            } else {
                false
            }
        }
    }

    /// Sends 20 requests a second for `seconds` through `pace`; each request's answer from `answer`. Returns the
    /// share of attempts throttled in the last half of the run, and the requests sent in it.
    fn drive(pace: &Pace, seconds: u64, mut answer: impl FnMut(Instant) -> bool) -> (f64, u32) {
        let start = Instant::now();
        let (mut sent, mut throttled) = (0, 0);
        for tick in 0..seconds * 20 {
            let arrives = start + Duration::from_millis(50 * tick);
            let at = pace.slot(arrives).max(arrives);
            let refused = !answer(at);
            pace.outcome(refused, at + Duration::from_millis(20));
            if tick >= seconds * 10 {
                sent += 1;
                throttled += u32::from(refused);
            }
        }
        (f64::from(throttled) / f64::from(sent), sent)
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limit_is_met_at_about_the_rate_aws_accepts() {
        let pace = Pace::default();
        let mut aws = Bucket { tokens: 20.0, capacity: 20.0, refill: 3.0, at: Instant::now() };
        let (throttled, _) = drive(&pace, 60, |at| aws.take(at));
        let rate = pace.rate().expect("limited");
        assert!((2.0..=6.0).contains(&rate), "paced near ELBv2's 3 mutations a second: {rate}");
        assert!(throttled < 0.2, "most attempts get through once paced: {throttled}");
    }

    #[tokio::test(start_paused = true)]
    async fn scattered_throttling_never_slows_the_pace() {
        let pace = Pace::default();
        let mut draw = 0u32;
        // One attempt in five throttled, spread evenly: bad luck, not a rate limit.
        let (throttled, sent) = drive(&pace, 30, |_| {
            draw += 1;
            !draw.is_multiple_of(5)
        });
        assert_eq!(pace.rate(), None);
        assert_eq!((throttled, sent), (0.2, 300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_limited_pace_grows_back_and_is_lifted_when_aws_accepts_everything() {
        let pace = Pace::default();
        let start = Instant::now();
        for index in 0..10 {
            pace.outcome(index >= 2, start + Duration::from_millis(10 * index));
        }
        pace.outcome(false, start + WINDOW);
        assert_eq!(pace.rate(), Some(2.0), "cut to the two accepted in that second");
        let mut now = start + WINDOW;
        let mut seconds = 0;
        while pace.rate().is_some() {
            now += WINDOW;
            pace.outcome(false, now);
            seconds += 1;
        }
        assert_eq!(seconds, 22, "2 × 1.2^22 > 100 requests a second");
    }

    #[tokio::test(start_paused = true)]
    async fn a_limited_pace_spaces_requests_evenly() {
        let pace = Pace::default();
        pace.0.lock().unwrap().rate = Some(4.0);
        let now = Instant::now();
        let slots: Vec<Duration> = (0..3).map(|_| pace.slot(now).duration_since(now)).collect();
        assert_eq!(slots, [Duration::ZERO, Duration::from_millis(250), Duration::from_millis(500)]);
        assert_eq!(Pace::default().slot(now), now, "unlimited: at once");
    }
}
