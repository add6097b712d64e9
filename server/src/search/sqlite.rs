//! SQLite: the FTS5 table `entries_fts` (migration `m20261128_000004_search`, rowid =
//! `entries_search.sid`), accent-insensitive (`unicode61 remove_diacritics 2`), every word of the
//! query as a prefix (`"logement"*` finds "logements"). Ranked by [`name_score`]: the number of
//! query words found in the entry's name.
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

/// The FTS5 match expression of one word in the name column only (`{name} : "word"*`).
pub fn name_match_expression(term: &str) -> String {
    format!(
        "{{name}} : {}",
        match_expression(std::slice::from_ref(&term.to_string()))
    )
}

/// The score of a match (higher is better): how many of the words are in the entry's name, in
/// any language. `sid` is the column holding the entry's FTS rowid (`e.sid`, `k.sid`). Each
/// word's name matches are one FTS5 query, which SQLite runs once per statement (a constant
/// `IN` list), so a match costs a lookup per word, where `bm25` cost two microseconds per match
/// (80 ms for the 38,000 matches of a broad query at 100,000 entries; see BENCHMARKS.md).
pub fn name_score(sql: &mut Sql, terms: &[String], sid: &str) -> String {
    let parts: Vec<String> = terms
        .iter()
        .map(|t| {
            let m = sql.bind(name_match_expression(t));
            format!("({sid} IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH {m}))")
        })
        .collect();
    format!("({})", parts.join(" + "))
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
    format!("CAST({} AS REAL)", name_score(sql, terms, "e.sid"))
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
