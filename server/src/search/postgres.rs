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

/// `SELECT <columns>, <score> AS search_score FROM … WHERE <text matches>`; the caller appends
/// ` AND …` filters on `e`.
pub fn text_match(sql: &mut Sql, columns: &str, terms: &[String]) {
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
    sql.push(&format!(
        "SELECT {columns}, CAST(ts_rank(e.search_vector, q.query) AS DOUBLE PRECISION) \
         AS search_score FROM entries e, (SELECT {} AS query) q \
         WHERE e.search_vector @@ q.query",
        parts.join(" && ")
    ));
}
