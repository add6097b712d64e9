//! Atom (RFC 4287) and RSS 2.0 documents of directory entries.
use chrono::{DateTime, Utc};

/// A feed, whatever its format.
pub struct Feed {
    /// The feed's own URL (Atom `id` and `rel="self"`).
    pub self_url: String,
    /// The HTML page the feed belongs to.
    pub page_url: String,
    pub title: String,
    pub subtitle: String,
    pub lang: String,
    pub author: String,
    pub updated: DateTime<Utc>,
    pub items: Vec<Item>,
}

pub struct Item {
    /// Stable id: the entry's ActivityPub id.
    pub id: String,
    pub link: String,
    pub title: String,
    pub title_lang: String,
    pub summary: String,
    pub summary_lang: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub author: String,
    /// `(code, label)`.
    pub categories: Vec<(String, String)>,
}

/// Escapes text for XML content and attribute values; characters XML 1.0 does not allow are
/// dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn lang_attr(lang: &str) -> String {
    if lang.is_empty() {
        String::new()
    } else {
        format!(" xml:lang=\"{}\"", xml_escape(lang))
    }
}

pub fn atom(feed: &Feed) -> String {
    let e = xml_escape;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"{}>\n",
        lang_attr(&feed.lang)
    ));
    out.push_str(&format!("  <id>{}</id>\n", e(&feed.self_url)));
    out.push_str(&format!("  <title>{}</title>\n", e(&feed.title)));
    if !feed.subtitle.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", e(&feed.subtitle)));
    }
    out.push_str(&format!(
        "  <updated>{}</updated>\n",
        rfc3339(&feed.updated)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        e(&feed.self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        e(&feed.page_url)
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        e(&feed.author)
    ));
    out.push_str(&format!(
        "  <generator version=\"{}\">Passerelle</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for item in &feed.items {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", e(&item.id)));
        out.push_str(&format!(
            "    <title type=\"text\"{}>{}</title>\n",
            lang_attr(&item.title_lang),
            e(&item.title)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            e(&item.link)
        ));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            rfc3339(&item.published)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(&item.updated)
        ));
        if !item.author.is_empty() {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                e(&item.author)
            ));
        }
        for (code, label) in &item.categories {
            out.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                e(code),
                e(label)
            ));
        }
        out.push_str(&format!(
            "    <summary type=\"text\"{}>{}</summary>\n",
            lang_attr(&item.summary_lang),
            e(&item.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn rss(feed: &Feed) -> String {
    let e = xml_escape;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n  <channel>\n");
    out.push_str(&format!("    <title>{}</title>\n", e(&feed.title)));
    out.push_str(&format!("    <link>{}</link>\n", e(&feed.page_url)));
    out.push_str(&format!(
        "    <description>{}</description>\n",
        e(if feed.subtitle.is_empty() {
            &feed.title
        } else {
            &feed.subtitle
        })
    ));
    if !feed.lang.is_empty() {
        out.push_str(&format!("    <language>{}</language>\n", e(&feed.lang)));
    }
    out.push_str(&format!(
        "    <lastBuildDate>{}</lastBuildDate>\n",
        feed.updated.to_rfc2822()
    ));
    out.push_str(&format!(
        "    <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"{}\"/>\n",
        e(&feed.self_url)
    ));
    out.push_str("    <generator>Passerelle</generator>\n");
    for item in &feed.items {
        out.push_str("    <item>\n");
        out.push_str(&format!("      <title>{}</title>\n", e(&item.title)));
        out.push_str(&format!("      <link>{}</link>\n", e(&item.link)));
        out.push_str(&format!(
            "      <guid isPermaLink=\"false\">{}</guid>\n",
            e(&item.id)
        ));
        out.push_str(&format!(
            "      <pubDate>{}</pubDate>\n",
            item.updated.to_rfc2822()
        ));
        for (_, label) in &item.categories {
            out.push_str(&format!("      <category>{}</category>\n", e(label)));
        }
        out.push_str(&format!(
            "      <description>{}</description>\n",
            e(&item.summary)
        ));
        out.push_str("    </item>\n");
    }
    out.push_str("  </channel>\n</rss>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}d\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;d\n"
        );
    }
}
