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

/// Appends ` FROM … WHERE <text matches>` (the FTS5 table joined to `entries_search`, whose
/// `sid` is its rowid) and returns the score expression (higher is better); the caller
/// appends ` AND …` filters on `e`.
pub fn text_match(sql: &mut Sql, terms: &[String]) -> String {
    let m = sql.bind(match_expression(terms));
    sql.push(&format!(
        " FROM entries_fts JOIN entries_search e ON e.sid = entries_fts.rowid \
         WHERE entries_fts MATCH {m}"
    ));
    SCORE.to_string()
}

/// `bm25` with names weighing ten times the descriptions, negated (higher is better).
pub const SCORE: &str = "-bm25(entries_fts, 10.0, 1.0)";

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
