//! A small in-memory token bucket per key: per client address for anonymous reports and staff
//! sign-in, per account for sign-in. The client address is [`client_ip`]: the TCP peer (axum's
//! `ConnectInfo`), unless the peer is one of the configured trusted reverse proxies
//! (`http.trusted_proxies`), in which case it is the rightmost `X-Forwarded-For` address that is
//! not itself a trusted proxy. Anyone can forge the header, so it is believed only from a proxy
//! we trust, and only for the hops that proxy added.
use std::{
    collections::HashMap,
    hash::Hash,
    net::{IpAddr, SocketAddr},
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::http::HeaderMap;
use ipnet::IpNet;

fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

fn parse_hop(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .or_else(|_| s.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(canonical)
}

/// The address a request is rate-limited under: the TCP `peer`, or, when the peer is a trusted
/// proxy, the rightmost `X-Forwarded-For` address (over every such header, in order) that is
/// not a trusted proxy. A hop that is not an address stops the walk at the last trusted one.
pub fn client_ip(trusted: &[IpNet], peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return Some(ip),
            None => break,
        }
    }
    Some(client)
}

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
    fn client_address_behind_trusted_proxies() {
        let trusted: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        let h = |v: &[&str]| {
            let mut m = HeaderMap::new();
            for x in v {
                m.append("x-forwarded-for", x.parse().unwrap());
            }
            m
        };
        let local: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [192, 0, 2, 9].into();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Untrusted peer: the header is ignored.
        assert_eq!(
            client_ip(&trusted, Some(other), &h(&["203.0.113.1"])),
            Some(other)
        );
        // Trusted peer: the rightmost untrusted hop, over several headers.
        assert_eq!(
            client_ip(
                &trusted,
                Some(local),
                &h(&["198.51.100.7, 203.0.113.1", "10.1.2.3"])
            ),
            Some(ip("203.0.113.1"))
        );
        // No header, or only trusted hops: the peer / the leftmost trusted hop.
        assert_eq!(client_ip(&trusted, Some(local), &h(&[])), Some(local));
        assert_eq!(
            client_ip(&trusted, Some(local), &h(&["10.0.0.5"])),
            Some(ip("10.0.0.5"))
        );
        // Garbage stops the walk; ports and IPv4-mapped addresses are understood.
        assert_eq!(
            client_ip(&trusted, Some(local), &h(&["203.0.113.1, junk"])),
            Some(local)
        );
        assert_eq!(
            client_ip(&trusted, Some(local), &h(&["203.0.113.1:4711"])),
            Some(ip("203.0.113.1"))
        );
        assert_eq!(
            client_ip(&trusted, Some(ip("::ffff:127.0.0.1")), &h(&["2001:db8::1"])),
            Some(ip("2001:db8::1"))
        );
        // Nothing trusted: always the peer.
        assert_eq!(
            client_ip(&[], Some(local), &h(&["203.0.113.1"])),
            Some(local)
        );
    }

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
