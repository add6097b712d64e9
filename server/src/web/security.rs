//! What every HTML page carries: security headers, and user or remote text turned into HTML
//! only through an allow-list sanitiser.
use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};

/// Our pages load only our stylesheet and images from us (or over https), run no script at
/// all, may not be framed, and send forms only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' https: data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Add the security headers of an HTML page.
pub fn add_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

pub fn with_headers(mut resp: Response) -> Response {
    add_headers(resp.headers_mut());
    resp
}

/// Plain text (an entry description, possibly from a remote instance) as HTML paragraphs:
/// escaped, then passed through ammonia allowing only `p` and `br`, so that nothing in it can
/// become markup, let alone script.
pub fn text_to_html(text: &str) -> String {
    let mut html = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        let lines: Vec<String> = para
            .lines()
            .map(|l| html_escape::encode_text(l.trim()).into_owned())
            .collect();
        html.push_str(&lines.join("<br>"));
        html.push_str("</p>");
    }
    ammonia::Builder::empty()
        .add_tags(["p", "br"])
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_never_markup() {
        let html = text_to_html(
            "Atelier <b>vélo</b>\nle samedi\n\n<script>alert(1)</script><img src=x onerror=alert(2)>",
        );
        assert_eq!(
            html,
            "<p>Atelier &lt;b&gt;vélo&lt;/b&gt;<br>le samedi</p>\
             <p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</p>"
        );
        assert!(!html.contains("<script") && !html.contains("<img"));
    }
}
