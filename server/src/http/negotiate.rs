//! Content negotiation between fediverse software (AS JSON) and browsers (HTML), by media type
//! and quality, never by comparing the whole Accept header.
use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::Value;

pub const AP_CONTENT_TYPE: &str = "application/activity+json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    ActivityJson,
    Html,
}

/// Which representation the client prefers. ActivityStreams media types are
/// `application/activity+json` and `application/ld+json` (any profile); JSON without
/// `text/html` also gets AS JSON. Ties go to ActivityStreams when it is listed first.
pub fn wants(headers: &HeaderMap) -> Wants {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let mut best_ap: Option<(f32, usize)> = None;
    let mut best_html: Option<(f32, usize)> = None;
    for (pos, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in parts {
            let p = p.trim();
            if let Some(v) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        let slot = match media.as_str() {
            "application/activity+json" | "application/ld+json" => &mut best_ap,
            "text/html" | "application/xhtml+xml" => &mut best_html,
            _ => continue,
        };
        if slot.is_none_or(|(bq, _)| q > bq) {
            *slot = Some((q, pos));
        }
    }
    match (best_ap, best_html) {
        (Some(_), None) => Wants::ActivityJson,
        (Some((aq, ap)), Some((hq, hp))) if aq > hq || (aq == hq && ap < hp) => Wants::ActivityJson,
        _ => Wants::Html,
    }
}

/// An AS JSON response with the content type every fediverse server accepts.
pub fn activity_json(doc: &Value) -> Response {
    let body = serde_json::to_vec(doc).unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(AP_CONTENT_TYPE),
            ),
            (header::VARY, HeaderValue::from_static("Accept")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(accept: &str) -> Wants {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        wants(&h)
    }

    #[test]
    fn mastodon_fedify_and_browsers() {
        assert_eq!(
            w("application/activity+json, application/ld+json"),
            Wants::ActivityJson
        );
        assert_eq!(
            w(r#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#),
            Wants::ActivityJson
        );
        assert_eq!(
            w(
                r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1"#
            ),
            Wants::ActivityJson
        );
        assert_eq!(
            w("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"),
            Wants::Html
        );
        assert_eq!(w("*/*"), Wants::Html);
        assert_eq!(w("text/html, application/activity+json"), Wants::Html);
        assert_eq!(w("application/activity+json;q=0"), Wants::Html);
        assert_eq!(wants(&HeaderMap::new()), Wants::Html);
    }
}
