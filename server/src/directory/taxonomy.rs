//! The shared category taxonomy and the kinds of volunteer help.
//!
//! The data lives in `assets/taxonomy.json` (CC0), compiled into the binary and parsed once.
//! Every instance of the network uses the same codes, so that "accommodation" here is
//! "accommodation" everywhere; labels are only for display.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A category of the shared taxonomy (e.g. `legal`, or the subcategory `legal.asylum`).
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct Category {
    /// Stable code, never translated.
    pub code: String,
    /// Code of the parent category, `None` for a top-level category.
    #[serde(default)]
    pub parent: Option<String>,
    /// Matching term of the Open Referral HSDS taxonomy, when there is one.
    #[serde(default)]
    pub hsds_term: Option<String>,
    /// Language tag → label.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// A kind of help a volunteer ("buddy") may offer.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct HelpType {
    pub code: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// The whole taxonomy file.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct Taxonomy {
    pub version: String,
    /// Licence of the taxonomy data (SPDX identifier).
    #[serde(default)]
    pub license: String,
    /// Languages in which labels are provided.
    #[serde(default)]
    pub languages: Vec<String>,
    pub categories: Vec<Category>,
    pub help_types: Vec<HelpType>,
}

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::from_json(include_str!("../../assets/taxonomy.json"))
        .expect("assets/taxonomy.json must be a valid taxonomy (checked by unit tests)")
});

/// The taxonomy compiled into this binary.
pub fn taxonomy() -> &'static Taxonomy {
    &TAXONOMY
}

impl Taxonomy {
    /// Parses a taxonomy document.
    pub fn from_json(json: &str) -> Result<Taxonomy, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn help_type(&self, code: &str) -> Option<&HelpType> {
        self.help_types.iter().find(|h| h.code == code)
    }

    pub fn is_category(&self, code: &str) -> bool {
        self.category(code).is_some()
    }

    pub fn is_help_type(&self, code: &str) -> bool {
        self.help_type(code).is_some()
    }

    /// Top-level categories, in file order.
    pub fn top_level(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| c.parent.is_none())
    }

    /// Direct subcategories of `code`, in file order.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Category> + 'a {
        self.categories
            .iter()
            .filter(move |c| c.parent.as_deref() == Some(code))
    }

    /// Label of a category or help type in `lang` (exact tag, then its primary subtag, e.g.
    /// `fr` for `fr-BE`), falling back to English, then to the code itself.
    pub fn label(&self, code: &str, lang: &str) -> String {
        let labels = self
            .category(code)
            .map(|c| &c.labels)
            .or_else(|| self.help_type(code).map(|h| &h.labels));
        labels
            .and_then(|labels| pick_label(labels, lang).or_else(|| pick_label(labels, "en")))
            .map_or_else(|| code.to_string(), str::to_string)
    }

    /// `code` followed by all its subcategories (recursively), for search filters.
    /// An unknown code gives just itself, so that a filter on it matches nothing.
    pub fn with_descendants(&self, code: &str) -> Vec<String> {
        let mut result = vec![code.to_string()];
        let mut i = 0;
        while i < result.len() {
            let parent = result[i].clone();
            for child in self.children(&parent) {
                if !result.contains(&child.code) {
                    result.push(child.code.clone());
                }
            }
            i += 1;
        }
        result
    }
}

fn pick_label<'a>(labels: &'a BTreeMap<String, String>, lang: &str) -> Option<&'a str> {
    let exact = labels
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(lang))
        .map(|(_, v)| v.as_str());
    exact.or_else(|| {
        let primary = lang.split('-').next().unwrap_or(lang);
        labels
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(primary))
            .map(|(_, v)| v.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP_LEVEL: [&str; 14] = [
        "accommodation",
        "food",
        "health",
        "mental-health",
        "legal",
        "administrative",
        "employment",
        "education",
        "language",
        "children-family",
        "social",
        "transport",
        "digital",
        "emergency",
    ];
    const HELP_TYPES: [&str; 8] = [
        "accompaniment",
        "interpretation",
        "language-exchange",
        "mentoring",
        "housing-search",
        "digital-help",
        "social-contact",
        "other",
    ];

    #[test]
    fn bundled_taxonomy_parses_and_is_consistent() {
        let t = taxonomy();
        assert!(!t.version.is_empty());
        for code in TOP_LEVEL {
            let c = t.category(code).unwrap_or_else(|| panic!("missing {code}"));
            assert_eq!(c.parent, None, "{code} must be top-level");
        }
        for code in HELP_TYPES {
            assert!(t.is_help_type(code), "missing help type {code}");
        }
        assert!(t.is_category("legal.asylum"));
        let mut seen = std::collections::BTreeSet::new();
        for c in &t.categories {
            assert!(seen.insert(c.code.clone()), "duplicate code {}", c.code);
            assert!(
                c.labels.contains_key("en"),
                "{} has no English label",
                c.code
            );
            if let Some(parent) = &c.parent {
                assert!(t.is_category(parent), "{}: unknown parent {parent}", c.code);
                assert_ne!(parent, &c.code);
            }
        }
        for h in &t.help_types {
            assert!(seen.insert(h.code.clone()), "duplicate code {}", h.code);
            assert!(
                h.labels.contains_key("en"),
                "{} has no English label",
                h.code
            );
        }
    }

    fn sample() -> Taxonomy {
        Taxonomy::from_json(
            r#"{"version":"1","license":"CC0-1.0","languages":["en","fr"],
            "categories":[
              {"code":"legal","parent":null,"hsds_term":null,"labels":{"en":"Legal aid","fr":"Aide juridique"}},
              {"code":"legal.asylum","parent":"legal","hsds_term":"asylum","labels":{"en":"Asylum procedure"}},
              {"code":"legal.asylum.appeal","parent":"legal.asylum","hsds_term":null,"labels":{"en":"Appeals"}},
              {"code":"food","parent":null,"hsds_term":null,"labels":{"en":"Food"}}
            ],
            "help_types":[{"code":"interpretation","labels":{"en":"Interpretation","ar":"ترجمة شفوية"}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn lookups() {
        let t = sample();
        assert!(t.is_category("legal.asylum"));
        assert!(!t.is_category("interpretation"));
        assert!(t.is_help_type("interpretation"));
        assert!(!t.is_help_type("legal"));
        assert_eq!(
            t.category("legal.asylum").unwrap().hsds_term.as_deref(),
            Some("asylum")
        );
        assert_eq!(
            t.top_level().map(|c| c.code.as_str()).collect::<Vec<_>>(),
            ["legal", "food"]
        );
    }

    #[test]
    fn labels_fall_back() {
        let t = sample();
        assert_eq!(t.label("legal", "fr"), "Aide juridique");
        assert_eq!(t.label("legal", "fr-BE"), "Aide juridique");
        assert_eq!(t.label("legal", "uk"), "Legal aid");
        assert_eq!(t.label("legal.asylum", "fr"), "Asylum procedure");
        assert_eq!(t.label("interpretation", "ar"), "ترجمة شفوية");
        assert_eq!(t.label("interpretation", "de"), "Interpretation");
        assert_eq!(t.label("no-such-code", "fr"), "no-such-code");
    }

    #[test]
    fn descendants() {
        let t = sample();
        assert_eq!(
            t.with_descendants("legal"),
            ["legal", "legal.asylum", "legal.asylum.appeal"]
        );
        assert_eq!(t.with_descendants("food"), ["food"]);
        assert_eq!(t.with_descendants("nope"), ["nope"]);
        assert!(
            taxonomy()
                .with_descendants("legal")
                .contains(&"legal.asylum".to_string())
        );
    }
}
