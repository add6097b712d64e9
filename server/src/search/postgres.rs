//! PostgreSQL: the `search_vector` column (migration `m20261128_000004_search`, GIN index):
//! `simple` tokens of the unaccented text plus language stems. Each word of the query must
//! match, either as a prefix of a `simple` token (`logement:*` finds "logements") or as the stem
//! in one of the stemmed configurations (`logements` finds "logement"); ranked by the number of
//! words found in the name (`name_vector`, the same tokens of the names alone), as on SQLite.
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
/// better): how many of the words are in the entry's name (`name_vector`, migration
/// `m20261129_000031_search_names`), in any language, as on SQLite. The caller appends
/// ` AND …` filters on `e`.
pub fn text_match(sql: &mut Sql, terms: &[String]) -> String {
    let (query, names) = tsqueries(sql, terms);
    // Every tsquery once per statement, in `q`: written in the score, they would be built
    // again for every row (11 `to_tsquery` a word, 27 µs a row). `OFFSET 0` keeps the planner
    // from folding `q` into the outer query, which it otherwise does, bringing that back.
    let columns: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!(", {n} AS name{i}"))
        .collect();
    sql.push(&format!(
        " FROM entries e, (SELECT {query} AS query{columns} OFFSET 0) q \
         WHERE e.search_vector @@ q.query"
    ));
    let score: Vec<String> = (0..names.len())
        .map(|i| format!("(e.name_vector @@ q.name{i})::int"))
        .collect();
    format!("CAST(({}) AS DOUBLE PRECISION)", score.join(" + "))
}

/// The tsquery of the words (for each, its `simple` prefix or its stem in any configuration;
/// all must match) and each word's own tsquery (matched against `name_vector` for the rank).
pub fn tsqueries(sql: &mut Sql, terms: &[String]) -> (String, Vec<String>) {
    let words: Vec<String> = terms
        .iter()
        .map(|t| {
            // Words hold only letters, digits and marks (see `super::query::terms`): no
            // tsquery syntax can reach `to_tsquery`.
            let prefix = sql.bind(super::prefix_of(t).to_string());
            let w = sql.bind(t.clone());
            let mut a = vec![format!("to_tsquery('simple', unaccent({prefix}) || ':*')")];
            for config in STEMMED_CONFIGS {
                a.push(format!("to_tsquery('{config}', unaccent({w}))"));
            }
            format!("({})", a.join(" || "))
        })
        .collect();
    (words.join(" && "), words)
}
