//! Interface translation: one Fluent catalogue per language (server/locales/LANG/*.ftl,
//! compiled into the binary), the reader's language from `?lang=`, the `lang` cookie,
//! `Accept-Language` and the instance default, in that order.
use std::collections::HashMap;

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

/// The interface languages, with their own names (for the language switcher).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("ar", "العربية"),
    ("uk", "Українська"),
];

/// The catalogues, as shipped: per language, every `server/locales/LANG/*.ftl` in file-name
/// order (embedded by build.rs).
pub const CATALOGUES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// The reference catalogue: every other one has exactly its keys.
pub const REFERENCE: &str = "en";

/// The name of the cookie that remembers the reader's choice.
pub const COOKIE: &str = "lang";

pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl I18n {
    /// Parse every catalogue; a syntax error names the language and the line.
    pub fn load() -> anyhow::Result<I18n> {
        let mut bundles = HashMap::new();
        for (lang, source) in CATALOGUES {
            bundles.insert(*lang, parse_catalogue(lang, source)?);
        }
        Ok(I18n { bundles })
    }

    /// The text of message `key` in `lang` (falling back to English, then to the key itself).
    pub fn text(&self, lang: &str, key: &str, args: Option<&FluentArgs>) -> String {
        for l in [lang, REFERENCE] {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(lang = l, key, ?errors, "translation error");
            }
            return text.into_owned();
        }
        tracing::warn!(lang, key, "missing translation");
        key.to_string()
    }

    /// `text` with simple string arguments.
    pub fn text_with(&self, lang: &str, key: &str, args: &[(&str, &str)]) -> String {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, FluentValue::from(*v));
        }
        self.text(lang, key, Some(&a))
    }

    /// The name of language `tag` in the interface language, if the catalogue has one.
    pub fn language_name(&self, ui: &str, tag: &str) -> Option<String> {
        let key = format!(
            "language-{}",
            crate::directory::model::primary_subtag(tag).to_ascii_lowercase()
        );
        self.bundles
            .get(ui)
            .and_then(|b| b.get_message(&key))
            .map(|_| self.text(ui, &key, None))
    }
}

/// One catalogue as a Fluent bundle; isolation marks keep right-to-left text around
/// placeables (an organisation name in Arabic text, say) in order.
pub fn parse_catalogue(lang: &str, source: &str) -> anyhow::Result<FluentBundle<FluentResource>> {
    let resource = FluentResource::try_new(source.to_string()).map_err(|(_, errors)| {
        anyhow::anyhow!(
            "locales/{lang}/*.ftl: {}",
            errors
                .iter()
                .map(|e| format!("{e} (at byte {}..{})", e.pos.start, e.pos.end))
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let id: LanguageIdentifier = lang
        .parse()
        .map_err(|e| anyhow::anyhow!("locales/{lang}: not a language identifier: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.add_resource(resource).map_err(|errors| {
        anyhow::anyhow!(
            "locales/{lang}/*.ftl: {}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    Ok(bundle)
}

/// The message identifiers of a catalogue, in file order.
pub fn message_ids(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// Language ranges of an `Accept-Language` header, best first (stable for equal weights);
/// `*` and ranges with q=0 or an unreadable q are left out.
pub fn parse_accept_language(header: &str) -> Vec<String> {
    let mut ranges: Vec<(f32, usize, String)> = Vec::new();
    for (pos, item) in header.split(',').enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        if tag.is_empty()
            || tag == "*"
            || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            continue;
        }
        let mut q = 1.0f32;
        for p in parts {
            let p = p.trim();
            if let Some(v) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) {
                q = v.trim().parse().unwrap_or(-1.0);
            }
        }
        if !(q > 0.0 && q <= 1.0) {
            continue;
        }
        ranges.push((q, pos, tag.to_string()));
    }
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, t)| t).collect()
}

/// The interface language matching `tag` (`fr-BE` → `fr`), if there is one.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = crate::directory::model::primary_subtag(tag.trim()).to_ascii_lowercase();
    LANGUAGES.iter().map(|(l, _)| *l).find(|l| *l == primary)
}

/// Right-to-left scripts' languages.
pub fn text_direction(lang: &str) -> &'static str {
    let primary = crate::directory::model::primary_subtag(lang).to_ascii_lowercase();
    if ["ar", "fa", "he", "ps", "ur", "ckb", "dv", "yi"].contains(&primary.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

/// Who reads the page: the interface language and the languages they read, best first.
#[derive(Debug, Clone)]
pub struct Reader {
    /// One of [`LANGUAGES`], or the instance default when none is chosen.
    pub ui: String,
    /// Set when the reader chose a language with `?lang=`: the cookie to send back.
    pub remember: Option<&'static str>,
    /// `Accept-Language` ranges, best first.
    pub accepted: Vec<String>,
    /// The request's other query parameters (all but `lang`), form-encoded: the language
    /// switcher keeps them, so switching language on a search or a form keeps what it shows.
    pub query: String,
}

impl Reader {
    /// From the query string, the cookie and the headers; `default` is the instance language.
    pub fn from_request(query: Option<&str>, headers: &HeaderMap, default: &str) -> Reader {
        let accepted = headers
            .get_all(header::ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(parse_accept_language)
            .collect::<Vec<_>>();
        let chosen = query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| supported(&v))
        });
        let cookie = cookie_value(headers, COOKIE).and_then(|v| supported(&v));
        let from_header = accepted.iter().find_map(|t| supported(t));
        let ui = chosen
            .or(cookie)
            .or(from_header)
            .map(str::to_string)
            .unwrap_or_else(|| {
                supported(default)
                    .map(str::to_string)
                    .unwrap_or_else(|| REFERENCE.to_string())
            });
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                    .filter(|(k, _)| k != "lang"),
            )
            .finish();
        Reader {
            ui,
            remember: chosen,
            accepted,
            query,
        }
    }

    /// The languages to pick entry texts in: the interface language, then the accepted ones.
    pub fn preferences(&self) -> Vec<&str> {
        let mut v = vec![self.ui.as_str()];
        for a in &self.accepted {
            if !v.contains(&a.as_str()) {
                v.push(a);
            }
        }
        v
    }

    pub fn dir(&self) -> &'static str {
        text_direction(&self.ui)
    }

    /// The link of the language switcher to `lang`: this page, with its query, in `lang`.
    pub fn switch_to(&self, lang: &str) -> String {
        if self.query.is_empty() {
            format!("?lang={lang}")
        } else {
            format!("?{}&lang={lang}", self.query)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let default = parts
            .extensions
            .get::<activitypub_federation::config::FederationConfig<crate::AppState>>()
            .map(|f| f.config.instance.default_language.clone())
            .unwrap_or_else(|| REFERENCE.to_string());
        Ok(Reader::from_request(
            parts.uri.query(),
            &parts.headers,
            &default,
        ))
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_catalogue_parses_and_has_exactly_the_reference_keys() {
        let reference: BTreeSet<String> = message_ids(
            CATALOGUES
                .iter()
                .find(|(l, _)| *l == REFERENCE)
                .expect("reference")
                .1,
        )
        .into_iter()
        .collect();
        assert!(reference.len() > 50, "{reference:?}");
        assert_eq!(CATALOGUES.len(), LANGUAGES.len());
        for (lang, source) in CATALOGUES {
            // Syntax errors and duplicate keys fail here.
            parse_catalogue(lang, source).unwrap_or_else(|e| panic!("{e}"));
            let ids = message_ids(source);
            let keys: BTreeSet<String> = ids.iter().cloned().collect();
            assert_eq!(keys.len(), ids.len(), "{lang}: a key is defined twice");
            let missing: Vec<_> = reference.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&reference).collect();
            assert!(missing.is_empty(), "locales/{lang}/*.ftl lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "locales/{lang}/*.ftl has unknown keys {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_formats_without_error_in_every_language() {
        let i18n = I18n::load().unwrap();
        let mut args = FluentArgs::new();
        for name in [
            "language", "tag", "org", "domain", "email", "km", "week", "first", "last", "server",
            "date", "kind", "n", "mib", "px",
        ] {
            args.set(name, FluentValue::from("x"));
        }
        for n in [1, 2, 3, 10, 11, 21, 100] {
            for name in [
                "min",
                "count",
                "days",
                "max",
                "page",
                "pages",
                "created",
                "updated",
                "unchanged",
                "refused",
                "limit",
                "size",
            ] {
                args.set(name, FluentValue::from(n));
            }
            for (lang, source) in CATALOGUES {
                let bundle = &i18n.bundles[lang];
                for id in message_ids(source) {
                    let pattern = bundle.get_message(&id).unwrap().value().unwrap();
                    let mut errors = Vec::new();
                    let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                    assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
                    assert!(!text.trim().is_empty(), "{lang} {id} is empty");
                }
            }
        }
        // Plurals follow each language's rules.
        let too_short = |lang: &str, n: i64| {
            let mut a = FluentArgs::new();
            a.set("min", FluentValue::from(n));
            i18n.text(lang, "staff-password-too-short", Some(&a))
        };
        assert!(too_short("uk", 10).contains("символів"));
        assert!(too_short("uk", 22).contains("символи"));
        assert!(too_short("ar", 10).contains("أحرف"));
        assert!(too_short("ar", 12).contains("حرفًا"));
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(
            parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            vec!["fr-CH", "fr", "en", "de"]
        );
        assert_eq!(
            parse_accept_language("en;q=0.2, ar;q=0.9, uk"),
            vec!["uk", "ar", "en"]
        );
        assert_eq!(parse_accept_language("de;q=0, it"), vec!["it"]);
        assert_eq!(
            parse_accept_language("es;q=abc, it;q=2"),
            Vec::<String>::new()
        );
        assert_eq!(parse_accept_language(""), Vec::<String>::new());
        assert_eq!(parse_accept_language("<script>, fr"), vec!["fr"]);
    }

    #[test]
    fn the_language_switcher_keeps_the_other_parameters() {
        let r = reader(
            Some("target=https%3A%2F%2Fa.example%2Fe%2F1&lang=fr&q=caf%C3%A9"),
            None,
            None,
        );
        assert_eq!(
            r.switch_to("ar"),
            "?target=https%3A%2F%2Fa.example%2Fe%2F1&q=caf%C3%A9&lang=ar"
        );
        assert_eq!(
            reader(Some("lang=de"), None, None).switch_to("uk"),
            "?lang=uk"
        );
        assert_eq!(reader(None, None, None).switch_to("it"), "?lang=it");
    }

    fn reader(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Reader {
        let mut h = HeaderMap::new();
        if let Some(c) = cookie {
            h.insert(header::COOKIE, c.parse().unwrap());
        }
        if let Some(a) = accept {
            h.insert(header::ACCEPT_LANGUAGE, a.parse().unwrap());
        }
        Reader::from_request(query, &h, "fr")
    }

    #[test]
    fn choice_then_cookie_then_header_then_default() {
        let r = reader(Some("lang=uk"), Some("lang=de"), Some("ar"));
        assert_eq!((r.ui.as_str(), r.remember), ("uk", Some("uk")));
        let r = reader(None, Some("a=b; lang=de"), Some("ar"));
        assert_eq!((r.ui.as_str(), r.remember), ("de", None));
        let r = reader(None, None, Some("ti, ar-SY;q=0.8, en;q=0.5"));
        assert_eq!(r.ui, "ar");
        assert_eq!(r.dir(), "rtl");
        assert_eq!(r.preferences(), vec!["ar", "ti", "ar-SY", "en"]);
        let r = reader(None, None, None);
        assert_eq!(r.ui, "fr");
        // Unknown choices and cookies are ignored.
        let r = reader(Some("lang=xx"), Some("lang=zz"), Some("it"));
        assert_eq!((r.ui.as_str(), r.remember), ("it", None));
    }
}
