//! Prometheus metrics of one instance, served at `/metrics` in the OpenMetrics text format, by
//! the `prometheus-client` crate: counters and histograms keyed by a family name and a label
//! set, plus gauges read from the database when scraped. Label values are bounded by
//! construction (route templates, activity types from a fixed list, instance domains we
//! deliver to), never raw paths or ids.
use std::{
    collections::HashMap,
    sync::{Mutex, atomic::AtomicU64},
    time::Duration,
};

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// A label set, in a fixed order per family.
pub type Labels = Vec<(&'static str, String)>;

/// The content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every family we export, with its help text (the order of the output).
const FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "passerelle_http_requests_total",
        Kind::Counter,
        "HTTP requests answered, by method, route template and status code.",
    ),
    (
        "passerelle_http_request_duration_seconds",
        Kind::Histogram,
        "Time to answer an HTTP request, by method and route template.",
    ),
    (
        "passerelle_inbox_activities_total",
        Kind::Counter,
        "Activities posted to our inboxes, by type and outcome (accepted, duplicate, in_progress, refused, failed).",
    ),
    (
        "passerelle_delivery_attempts_total",
        Kind::Counter,
        "Delivery attempts made by this process, by target instance and outcome (delivered, rejected, retry).",
    ),
    (
        "passerelle_delivery_failures_total",
        Kind::Counter,
        "Delivery attempts that did not deliver (rejected or to be retried), by target instance.",
    ),
    (
        "passerelle_delivery_duration_seconds",
        Kind::Histogram,
        "Time of one delivery attempt (signing and the POST), by target instance.",
    ),
    (
        "passerelle_delivery_queue_depth",
        Kind::Gauge,
        "Deliveries waiting in the queue (shared by every process on the database), by target instance.",
    ),
    (
        "passerelle_delivery_queue_oldest_pending_seconds",
        Kind::Gauge,
        "Age of the oldest delivery still pending, in seconds (0 when the queue is empty).",
    ),
    (
        "passerelle_delivery_queue_failed",
        Kind::Gauge,
        "Deliveries abandoned (failed for good) and kept in the queue table.",
    ),
    (
        "passerelle_db_pool_connections",
        Kind::Gauge,
        "Database connections of this process's pool, by state (idle, in_use).",
    ),
    (
        "passerelle_db_pool_max_connections",
        Kind::Gauge,
        "The configured size of the database pool (database.max_connections).",
    ),
];

type Histograms = Family<Labels, Histogram, fn() -> Histogram>;
type Gauges = Family<Labels, Gauge<f64, AtomicU64>>;

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The counters, histograms and gauges of one instance (per process; each process is scraped
/// apart).
pub struct Metrics {
    registry: Registry,
    counters: HashMap<&'static str, Family<Labels, Counter>>,
    histograms: HashMap<&'static str, Histograms>,
    gauges: HashMap<&'static str, Gauges>,
    /// Held while the gauges are replaced and the registry encoded.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let mut counters = HashMap::new();
        let mut histograms = HashMap::new();
        let mut gauges = HashMap::new();
        for &(name, kind, help) in FAMILIES {
            match kind {
                Kind::Counter => {
                    let family = Family::<Labels, Counter>::default();
                    // The encoder appends `_total` to a counter's name.
                    let base = name.strip_suffix("_total").unwrap_or(name);
                    registry.register(base, help.trim_end_matches('.'), family.clone());
                    counters.insert(name, family);
                }
                Kind::Histogram => {
                    let family = Histograms::new_with_constructor(histogram);
                    registry.register(name, help.trim_end_matches('.'), family.clone());
                    histograms.insert(name, family);
                }
                Kind::Gauge => {
                    let family = Gauges::default();
                    registry.register(name, help.trim_end_matches('.'), family.clone());
                    gauges.insert(name, family);
                }
            }
        }
        Metrics {
            registry,
            counters,
            histograms,
            gauges,
            scrape: Mutex::new(()),
        }
    }

    /// Add one to a counter.
    pub fn inc(&self, family: &'static str, labels: Labels) {
        match self.counters.get(family) {
            Some(f) => {
                f.get_or_create(&escaped(labels)).inc();
            }
            None => debug_assert!(false, "{family} is not a counter"),
        }
    }

    /// Record one observation in a histogram.
    pub fn observe(&self, family: &'static str, labels: Labels, value: Duration) {
        match self.histograms.get(family) {
            Some(f) => f
                .get_or_create(&escaped(labels))
                .observe(value.as_secs_f64()),
            None => debug_assert!(false, "{family} is not a histogram"),
        }
    }

    /// The sum of a counter's series whose labels include `labels` (tests read it), from the
    /// exposition itself.
    pub fn counter(&self, family: &str, labels: &[(&str, &str)]) -> u64 {
        let text = self.render(&[]);
        let wanted: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        text.lines()
            .filter_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                let rest = series.strip_prefix(family)?;
                let inside = rest.strip_prefix('{')?.strip_suffix('}').unwrap_or("");
                let have: Vec<&str> = inside.split(',').collect();
                wanted
                    .iter()
                    .all(|w| have.contains(&w.as_str()))
                    .then(|| value.parse::<f64>().ok())?
            })
            .map(|v| v as u64)
            .sum()
    }

    /// Everything, in the OpenMetrics text format ([`CONTENT_TYPE`]), with `gauges` (read at
    /// scrape time) replacing the previous scrape's.
    pub fn render(&self, gauges: &[(&'static str, Labels, f64)]) -> String {
        let _scrape = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        if !gauges.is_empty() {
            for family in self.gauges.values() {
                family.clear();
            }
            for (name, labels, value) in gauges {
                match self.gauges.get(name) {
                    Some(f) => {
                        f.get_or_create(labels).set(*value);
                    }
                    None => debug_assert!(false, "{name} is not a gauge"),
                }
            }
        }
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics: encoding failed");
        }
        out
    }
}

/// Label values as the text format writes them (the encoder writes them as given).
fn escaped(labels: Labels) -> Labels {
    labels.into_iter().map(|(k, v)| (k, escape(&v))).collect()
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The activity types we count by name; anything else is counted as `other`.
pub fn activity_type_label(kind: &str) -> String {
    const KNOWN: &[&str] = &[
        "Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Announce", "Flag",
        "Move", "Like", "Block", "Add", "Remove",
    ];
    if KNOWN.contains(&kind) {
        kind.to_string()
    } else {
        "other".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format() {
        let m = Metrics::new();
        m.inc(
            "passerelle_http_requests_total",
            vec![
                ("method", "GET".into()),
                ("route", "/o/{slug}".into()),
                ("status", "200".into()),
            ],
        );
        m.inc(
            "passerelle_http_requests_total",
            vec![
                ("method", "GET".into()),
                ("route", "/o/{slug}".into()),
                ("status", "200".into()),
            ],
        );
        m.observe(
            "passerelle_http_request_duration_seconds",
            vec![("method", "GET".into()), ("route", "a\"b".into())],
            Duration::from_millis(30),
        );
        let text = m.render(&[(
            "passerelle_delivery_queue_oldest_pending_seconds",
            vec![],
            12.0,
        )]);
        assert!(
            text.contains(
                "passerelle_http_requests_total{method=\"GET\",route=\"/o/{slug}\",status=\"200\"} 2\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("{le=\"0.025\",method=\"GET\",route=\"a\\\"b\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("{le=\"0.05\",method=\"GET\",route=\"a\\\"b\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("{le=\"+Inf\",method=\"GET\",route=\"a\\\"b\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("passerelle_delivery_queue_oldest_pending_seconds{} 12.0\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE passerelle_http_request_duration_seconds histogram\n"));
        assert!(text.contains("# TYPE passerelle_http_requests counter\n"));
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert_eq!(
            m.counter("passerelle_http_requests_total", &[("status", "200")]),
            2
        );
        assert_eq!(activity_type_label("Create"), "Create");
        assert_eq!(activity_type_label("<script>"), "other");
    }
}
