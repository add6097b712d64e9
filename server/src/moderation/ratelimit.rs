//! A small in-memory token bucket per key: per client address for anonymous reports and staff
//! sign-in, per account for sign-in. The address is the TCP peer (axum's `ConnectInfo`), never a
//! header: `X-Forwarded-For` can be forged by anyone, so behind a reverse proxy every client
//! shares the proxy's bucket (the safe direction).
use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct Limiter<K = Option<IpAddr>> {
    burst: f64,
    refill: Duration,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> Limiter<K> {
    pub fn new(burst: u32, refill_secs: u64) -> Limiter<K> {
        Limiter {
            burst: f64::from(burst.max(1)),
            refill: Duration::from_secs(refill_secs.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token for `key`; false when its bucket is empty.
    pub fn allow(&self, key: K) -> bool {
        let now = Instant::now();
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(p) => p.into_inner(),
        };
        if buckets.len() > 10_000 {
            let full = self.refill.as_secs_f64() * self.burst;
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < full);
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.burst, now));
        let gained = now.duration_since(*at).as_secs_f64() / self.refill.as_secs_f64();
        *tokens = (*tokens + gained).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_per_address() {
        let l: Limiter = Limiter::new(2, 3600);
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        assert!(l.allow(Some(a)));
        assert!(l.allow(Some(a)));
        assert!(!l.allow(Some(a)));
        assert!(l.allow(Some(b)));
        let by_name: Limiter<String> = Limiter::new(1, 3600);
        assert!(by_name.allow("a@example.org".into()));
        assert!(!by_name.allow("a@example.org".into()));
        assert!(by_name.allow("b@example.org".into()));
    }
}
