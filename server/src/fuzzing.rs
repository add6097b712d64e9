//! What the fuzzers in `fuzz/` (cargo-fuzz, see `fuzz/README.md`) run, kept in the crate so the
//! inputs they found are replayed by the ordinary test suite (`fuzz/regressions/<target>/`, see
//! the tests below). Each function takes arbitrary bytes and must return without panicking;
//! where a property must hold (a parsed header serialises back to the same header), it asserts
//! it, so a violation is a crash the fuzzer reports.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseBackend;

use crate::{
    directory::model::Kind,
    federation::{
        objects::{entry_from_object, html_to_text},
        remote::id_of,
        signature::{MAX_SIGNATURE_HEADER_LEN, parse_signature_header},
    },
    search,
};

/// The `Signature` header parser: anything it accepts serialises back to a header that parses
/// to the same value.
pub fn signature_header(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(header) = parse_signature_header(text) else {
        return;
    };
    let _ = header.actor_id();
    let again = header.to_header_string();
    if again.len() <= MAX_SIGNATURE_HEADER_LEN {
        let reparsed = parse_signature_header(&again)
            .unwrap_or_else(|e| panic!("{again:?} (from {text:?}) does not parse again: {e}"));
        assert_eq!(reparsed, header, "{text:?} -> {again:?}");
    }
}

/// What the inbox does with a body before touching the database: JSON, the ids, and the
/// object read as a directory entry (with its HTML turned into text).
pub fn inbox_json(data: &[u8]) {
    let Ok(activity) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = id_of(&activity);
    for object in [activity.get("object"), Some(&activity)]
        .into_iter()
        .flatten()
    {
        let _ = id_of(object);
        if let Some(content) = object.get("content").and_then(|c| c.as_str()) {
            let _ = html_to_text(content);
        }
        if let Ok(entry) = entry_from_object(object, "en") {
            // What was read must be storable as it is.
            serde_json::to_string(&entry).expect("an ingested entry serialises");
        }
    }
}

/// The search parameters parser (a query string, as the API receives it) and the SQL built
/// from what it accepts, on both databases.
pub fn search_query(data: &[u8]) {
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(data)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let now: DateTime<Utc> = DateTime::from_timestamp(1_796_000_000, 0).expect("a fixed time");
    for implied in [None, Some(Kind::Service), Some(Kind::Event)] {
        if let Ok(p) = search::query::parse(&params, implied, now) {
            for backend in [DatabaseBackend::Sqlite, DatabaseBackend::Postgres] {
                let _ = search::sql_for(&p, backend);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Every input kept under `fuzz/regressions/<target>/` (what the fuzzers found, and seeds)
    /// runs through its target.
    #[test]
    fn fuzz_regressions_replay() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
        let targets: [(&str, fn(&[u8])); 3] = [
            ("signature_header", super::signature_header),
            ("inbox_json", super::inbox_json),
            ("search_query", super::search_query),
        ];
        let mut replayed = 0;
        for (name, run) in targets {
            let dir = root.join(name);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            assert!(!files.is_empty(), "{} is empty", dir.display());
            for f in files {
                let data = std::fs::read(&f).expect("read");
                run(&data);
                replayed += 1;
            }
        }
        assert!(replayed >= 3);
    }

    #[test]
    fn signature_header_round_trip_holds_on_a_mastodon_header() {
        super::signature_header(
            br#"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2lnbmF0dXJl""#,
        );
    }
}
