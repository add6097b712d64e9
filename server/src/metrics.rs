//! Prometheus metrics of one instance, served at `/metrics` in the text exposition format
//! (version 0.0.4). A small registry of our own: counters and histograms keyed by a family
//! name and a label set, plus gauges read from the database when scraped. Label values are
//! bounded by construction (route templates, activity types from a fixed list, instance
//! domains we deliver to), never raw paths or ids.
use std::{collections::BTreeMap, fmt::Write as _, sync::Mutex, time::Duration};

/// A label set, in a fixed order per family.
pub type Labels = Vec<(&'static str, String)>;

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

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
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
        "Activities posted to our inboxes, by type and outcome (accepted, duplicate, refused, failed).",
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

#[derive(Clone, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The counters and histograms of one instance (per process; each process is scraped apart).
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, Labels), u64>>,
    histograms: Mutex<BTreeMap<(&'static str, Labels), Histogram>>,
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// Add one to a counter.
    pub fn inc(&self, family: &'static str, labels: Labels) {
        debug_assert!(
            FAMILIES
                .iter()
                .any(|(n, k, _)| *n == family && *k == Kind::Counter)
        );
        let mut c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        *c.entry((family, labels)).or_insert(0) += 1;
    }

    /// Record one observation in a histogram.
    pub fn observe(&self, family: &'static str, labels: Labels, value: Duration) {
        debug_assert!(
            FAMILIES
                .iter()
                .any(|(n, k, _)| *n == family && *k == Kind::Histogram)
        );
        let v = value.as_secs_f64();
        let mut h = self.histograms.lock().unwrap_or_else(|e| e.into_inner());
        let h = h.entry((family, labels)).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if v <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += v;
    }

    /// The current value of a counter (tests and the admin page read it).
    pub fn counter(&self, family: &str, labels: &[(&str, &str)]) -> u64 {
        let c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        c.iter()
            .filter(|((f, l), _)| *f == family && matches(l, labels))
            .map(|(_, v)| *v)
            .sum()
    }

    /// Everything, in the Prometheus text format, with `gauges` (read at scrape time) added.
    pub fn render(&self, gauges: &[(&'static str, Labels, f64)]) -> String {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let histograms = self
            .histograms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = String::new();
        for (name, kind, help) in FAMILIES {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {}", kind.name());
            match kind {
                Kind::Counter => {
                    for ((_, labels), v) in counters.iter().filter(|((f, _), _)| f == name) {
                        let _ = writeln!(out, "{name}{} {v}", label_text(labels, None));
                    }
                }
                Kind::Gauge => {
                    for (_, labels, v) in gauges.iter().filter(|(f, _, _)| f == name) {
                        let _ = writeln!(out, "{name}{} {}", label_text(labels, None), num(*v));
                    }
                }
                Kind::Histogram => {
                    for ((_, labels), h) in histograms.iter().filter(|((f, _), _)| f == name) {
                        for (i, b) in BUCKETS.iter().enumerate() {
                            let le = num(*b);
                            let _ = writeln!(
                                out,
                                "{name}_bucket{} {}",
                                label_text(labels, Some(&le)),
                                h.counts[i]
                            );
                        }
                        let _ = writeln!(
                            out,
                            "{name}_bucket{} {}",
                            label_text(labels, Some("+Inf")),
                            h.count
                        );
                        let l = label_text(labels, None);
                        let _ = writeln!(out, "{name}_sum{l} {}", num(h.sum));
                        let _ = writeln!(out, "{name}_count{l} {}", h.count);
                    }
                }
            }
        }
        out
    }
}

fn matches(have: &Labels, want: &[(&str, &str)]) -> bool {
    want.iter()
        .all(|(k, v)| have.iter().any(|(hk, hv)| hk == k && hv == v))
}

fn num(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn label_text(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
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
            text.contains("route=\"a\\\"b\",le=\"0.025\"} 0\n"),
            "{text}"
        );
        assert!(text.contains("route=\"a\\\"b\",le=\"0.05\"} 1\n"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 1\n"), "{text}");
        assert!(text.contains("passerelle_delivery_queue_oldest_pending_seconds 12\n"));
        assert!(text.contains("# TYPE passerelle_http_request_duration_seconds histogram\n"));
        assert_eq!(
            m.counter("passerelle_http_requests_total", &[("status", "200")]),
            2
        );
        assert_eq!(activity_type_label("Create"), "Create");
        assert_eq!(activity_type_label("<script>"), "other");
    }
}
