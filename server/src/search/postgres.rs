//! PostgreSQL: the `search_vector` column (migration `m20261128_000004_search`, GIN index):
//! `simple` tokens of the unaccented text plus language stems. Each word of the query must
//! match, either as a prefix of a `simple` token (`logement:*` finds "logements") or as the stem
//! in one of the stemmed configurations (`logements` finds "logement"); ranked by `ts_rank`.
use super::Sql;

/// The configurations used to stem query words; in step with `passerelle_search_config`.
pub const STEMMED_CONFIGS: &[&str] = &[
    "french",
    "english",
    "german",
    "italian",
    "spanish",
    "portuguese",
    "dutch",
    "arabic",
    "russian",
    "turkish",
];

/// Appends ` FROM … WHERE <text matches>` and returns the score expression (higher is
/// better); the caller appends ` AND …` filters on `e`.
pub fn text_match(sql: &mut Sql, terms: &[String]) -> String {
    let query = tsquery(sql, terms);
    sql.push(&format!(
        " FROM entries e, (SELECT {query} AS query) q WHERE e.search_vector @@ q.query"
    ));
    "CAST(ts_rank(e.search_vector, q.query) AS DOUBLE PRECISION)".to_string()
}

/// The tsquery of the words: for each, its `simple` prefix or its stem in any configuration.
pub fn tsquery(sql: &mut Sql, terms: &[String]) -> String {
    let parts: Vec<String> = terms
        .iter()
        .map(|t| {
            // Words hold only letters, digits and marks (see `super::query::terms`): no
            // tsquery syntax can reach `to_tsquery`.
            let prefix = sql.bind(super::prefix_of(t).to_string());
            let w = sql.bind(t.clone());
            let mut alternatives =
                vec![format!("to_tsquery('simple', unaccent({prefix}) || ':*')")];
            for config in STEMMED_CONFIGS {
                alternatives.push(format!("to_tsquery('{config}', unaccent({w}))"));
            }
            format!("({})", alternatives.join(" || "))
        })
        .collect();
    parts.join(" && ")
}
