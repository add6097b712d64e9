//! SQLite: the FTS5 table `entries_fts` (migration `m20261128_000004_search`), accent-insensitive
//! (`unicode61 remove_diacritics 2`), every word of the query as a prefix (`"logement"*` finds
//! "logements"), ranked by `bm25` with names weighing ten times the descriptions.
use super::Sql;

/// `"word"*` for each word (all must match). Words hold only letters, digits and marks (see
/// [`super::query::terms`]), so quoting them is enough to keep them literal.
pub fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", super::prefix_of(t).replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `SELECT <columns>, <score> AS search_score FROM … WHERE <text matches>` (higher score is
/// better); the caller appends ` AND …` filters on `e`.
pub fn text_match(sql: &mut Sql, columns: &str, terms: &[String]) {
    let m = sql.bind(match_expression(terms));
    sql.push(&format!(
        "SELECT {columns}, -bm25(entries_fts, 0.0, 10.0, 1.0) AS search_score \
         FROM entries_fts JOIN entries e ON e.id = entries_fts.entry_id \
         WHERE entries_fts MATCH {m}"
    ));
}

#[cfg(test)]
mod tests {
    #[test]
    fn prefixes() {
        assert_eq!(
            super::match_expression(&["santé".into(), "logements".into()]),
            "\"santé\"* \"logement\"*"
        );
    }
}
