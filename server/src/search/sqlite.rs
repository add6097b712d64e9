//! SQLite: the FTS5 table `entries_fts` (migration `m20261128_000004_search`, rowid =
//! `entries_search.sid`), accent-insensitive (`unicode61 remove_diacritics 2`), every word of the
//! query as a prefix (`"logement"*` finds "logements"). Ranked by the number of query words
//! found in the entry's name ([`matches`]; [`name_score`] in SQL).
use sea_orm::{ConnectionTrait, DbErr, Statement};

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

/// The statement of [`matches`]: one row, `m` the FTS rowids matching every word, `name{i}`
/// those with word `i` in the name (comma-separated; NULL when none).
pub fn matches_sql(terms: &[String]) -> Sql {
    let mut sql = Sql::new(sea_orm::DatabaseBackend::Sqlite);
    let all = sql.bind(match_expression(terms));
    let mut text = format!(
        "SELECT (SELECT group_concat(rowid) FROM entries_fts WHERE entries_fts MATCH {all}) AS m"
    );
    for (i, t) in terms.iter().enumerate() {
        let m = sql.bind(name_match_expression(t));
        text.push_str(&format!(
            ", (SELECT group_concat(rowid) FROM entries_fts WHERE entries_fts MATCH {m}) \
             AS name{i}"
        ));
    }
    sql.text = text;
    sql
}

/// The full-text match of `terms` (at least one): the rowids (`entries_search.sid`) of the
/// entries containing every word, and for each rowid the number of words in its name (the
/// rank; indexed by rowid). Each list comes back as one value: 38,000 rows handed over one at
/// a time cost ten times more.
pub async fn matches(
    db: &impl ConnectionTrait,
    terms: &[String],
) -> Result<(Vec<u32>, Vec<u8>), DbErr> {
    let sql = matches_sql(terms);
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            sql.backend,
            sql.text,
            sql.values,
        ))
        .await?;
    let Some(row) = row else {
        return Ok((Vec::new(), Vec::new()));
    };
    let list = |name: &str| -> Result<Vec<u32>, DbErr> {
        let text: Option<String> = row.try_get("", name)?;
        text.unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| DbErr::Custom(format!("malformed FTS rowid {s:?}")))
            })
            .collect()
    };
    let sids = list("m")?;
    let mut in_name: Vec<u8> = Vec::new();
    for i in 0..terms.len() {
        for sid in list(&format!("name{i}"))? {
            let sid = sid as usize;
            if sid >= in_name.len() {
                in_name.resize(sid + 1, 0);
            }
            in_name[sid] = in_name[sid].saturating_add(1);
        }
    }
    Ok((sids, in_name))
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
