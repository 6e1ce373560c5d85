//! Fault injection: latency, 5xx answers, dropped connections and broken
//! bodies, at random (seeded, so a run is reproducible) or for chosen requests.
//!
//! Where each fault strikes:
//! * before the handler (nothing executes, nothing counts against the rate
//!   limit): [`FaultKind::Status`], [`FaultKind::Reset`],
//!   [`FaultKind::RateLimited`], [`FaultKind::Delay`];
//! * after the handler (a write is applied, the client cannot tell):
//!   [`FaultKind::ResetAfterWrite`], [`FaultKind::Malformed`],
//!   [`FaultKind::Truncated`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Random faults, each rate a probability per request in `0.0..=1.0` (their sum
/// should not exceed 1). `latency` delays every request.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    pub latency: Duration,
    /// 500, 502 or 503 instead of executing the request.
    pub error_rate: f64,
    /// The connection is dropped without an answer; nothing executes.
    pub reset_rate: f64,
    /// The request executes; the answer is its status with a body that is not
    /// valid JSON (a complete HTTP message).
    pub malformed_rate: f64,
    /// The request executes; the body is cut mid-way and the connection closed
    /// (fewer bytes than `Content-Length` promises).
    pub truncated_rate: f64,
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::none()
    }
}

impl Faults {
    pub fn none() -> Faults {
        Faults {
            latency: Duration::ZERO,
            error_rate: 0.0,
            reset_rate: 0.0,
            malformed_rate: 0.0,
            truncated_rate: 0.0,
            seed: 0,
        }
    }
}

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status (500 → `{statusCode, message}` JSON, 502 → a
    /// proxy's HTML page, others JSON) without executing.
    Status(u16),
    /// 429 with `Retry-After: 1`, without executing or counting.
    RateLimited,
    /// Drop the connection before executing: no answer, no effect.
    Reset,
    /// Execute (a write is applied), then drop the connection without an
    /// answer: the ambiguous outcome of a create that timed out.
    ResetAfterWrite,
    /// Execute, then answer with invalid JSON.
    Malformed,
    /// Execute, then send half of the body and close the connection.
    Truncated,
    /// Wait this long before executing (on top of [`Faults::latency`]).
    Delay(Duration),
}

impl FaultKind {
    /// Whether the request still executes.
    pub fn executes(self) -> bool {
        matches!(
            self,
            FaultKind::ResetAfterWrite
                | FaultKind::Malformed
                | FaultKind::Truncated
                | FaultKind::Delay(_)
        )
    }
}

/// A queued fault for the next requests that match.
#[derive(Debug, Clone)]
struct Rule {
    method: Option<String>,
    /// A route template (`/contacts/{contactId}`) or a concrete path.
    path: Option<String>,
    remaining: usize,
    kind: FaultKind,
}

#[derive(Debug)]
struct State {
    faults: Faults,
    rng: ChaCha8Rng,
    rules: Vec<Rule>,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Decision {
    pub latency: Duration,
    pub kind: Option<FaultKind>,
}

/// Runtime control of the faults of one [`crate::Sandbox`]; cheap to clone,
/// changes apply to the next request.
#[derive(Debug, Clone)]
pub struct FaultsHandle {
    state: Arc<Mutex<State>>,
}

impl Default for FaultsHandle {
    fn default() -> Self {
        FaultsHandle::new(Faults::none())
    }
}

const ERROR_STATUSES: [u16; 3] = [500, 502, 503];

impl FaultsHandle {
    pub(crate) fn new(faults: Faults) -> Self {
        FaultsHandle {
            state: Arc::new(Mutex::new(State {
                rng: ChaCha8Rng::seed_from_u64(faults.seed),
                faults,
                rules: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the random faults and restarts their sequence from `seed`.
    pub fn set(&self, faults: Faults) {
        let mut state = self.lock();
        state.rng = ChaCha8Rng::seed_from_u64(faults.seed);
        state.faults = faults;
    }

    pub fn get(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// No random faults and no queued ones.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.faults = Faults::none();
        state.rules.clear();
    }

    /// The next `n` requests, whatever they are, fail with `kind`.
    pub fn fail_next(&self, n: usize, kind: FaultKind) {
        self.push(None, None, n, kind);
    }

    /// The next `n` requests with this method and path fail with `kind`. `path`
    /// is a route template as the spec writes it (`/contacts/`,
    /// `/contacts/{contactId}/notes/{id}`) or a concrete path.
    pub fn fail_matching(&self, method: &str, path: &str, n: usize, kind: FaultKind) {
        self.push(Some(method.to_owned()), Some(path.to_owned()), n, kind);
    }

    fn push(&self, method: Option<String>, path: Option<String>, n: usize, kind: FaultKind) {
        if n > 0 {
            self.lock().rules.push(Rule {
                method,
                path,
                remaining: n,
                kind,
            });
        }
    }

    /// Queued faults not yet used.
    pub fn pending(&self) -> usize {
        self.lock().rules.iter().map(|r| r.remaining).sum()
    }

    /// Decides the fate of one request: queued rules first (in the order they
    /// were added), else one seeded draw against the rates.
    pub(crate) fn decide(&self, method: &str, route: Option<&str>, path: &str) -> Decision {
        let mut state = self.lock();
        let mut decision = Decision {
            latency: state.faults.latency,
            kind: None,
        };
        let hit = state.rules.iter_mut().find(|r| {
            r.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && r.path
                    .as_deref()
                    .is_none_or(|p| p == path || Some(p) == route)
        });
        if let Some(rule) = hit {
            rule.remaining -= 1;
            decision.kind = Some(rule.kind);
            state.rules.retain(|r| r.remaining > 0);
            return decision;
        }
        let f = state.faults.clone();
        if f.error_rate + f.reset_rate + f.malformed_rate + f.truncated_rate <= 0.0 {
            return decision;
        }
        // Two draws per request whatever the outcome, so the sequence of
        // outcomes depends only on the seed and the number of requests.
        let roll: f64 = state.rng.random();
        let pick = state.rng.random_range(0..ERROR_STATUSES.len());
        let outcomes = [
            (f.error_rate, FaultKind::Status(ERROR_STATUSES[pick])),
            (f.reset_rate, FaultKind::Reset),
            (f.malformed_rate, FaultKind::Malformed),
            (f.truncated_rate, FaultKind::Truncated),
        ];
        let mut edge = 0.0;
        decision.kind = outcomes.into_iter().find_map(|(rate, kind)| {
            edge += rate;
            (roll < edge).then_some(kind)
        });
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_rules_match_in_order_then_run_out() {
        let h = FaultsHandle::default();
        h.fail_matching("post", "/contacts/", 1, FaultKind::ResetAfterWrite);
        h.fail_next(2, FaultKind::Status(503));
        assert_eq!(h.pending(), 3);
        let get = |path: &str| h.decide("GET", Some("/contacts/{contactId}"), path).kind;
        assert_eq!(get("/contacts/a"), Some(FaultKind::Status(503)));
        assert_eq!(
            h.decide("POST", Some("/contacts/"), "/contacts/").kind,
            Some(FaultKind::ResetAfterWrite)
        );
        assert_eq!(get("/contacts/a"), Some(FaultKind::Status(503)));
        assert_eq!(get("/contacts/a"), None);
        assert_eq!(h.pending(), 0);
    }

    #[test]
    fn random_faults_follow_the_seed_and_the_rates() {
        let faults = Faults {
            error_rate: 0.1,
            reset_rate: 0.05,
            malformed_rate: 0.05,
            truncated_rate: 0.05,
            seed: 7,
            ..Faults::none()
        };
        let run = || {
            let h = FaultsHandle::new(faults.clone());
            (0..4000)
                .map(|_| h.decide("GET", None, "/x").kind)
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let count = |f: &dyn Fn(&FaultKind) -> bool| a.iter().flatten().filter(|k| f(k)).count();
        let errors = count(&|k| matches!(k, FaultKind::Status(_)));
        assert!((320..=480).contains(&errors), "{errors}");
        for kind in [FaultKind::Reset, FaultKind::Malformed, FaultKind::Truncated] {
            let n = count(&|k| *k == kind);
            assert!((140..=260).contains(&n), "{kind:?}: {n}");
        }
        for status in ERROR_STATUSES {
            assert!(a.contains(&Some(FaultKind::Status(status))));
        }
    }
}
