//! SQLite: what a search reads of every match, kept in memory.
//!
//! A broad query matches a third of the directory (38,000 of 100,000 entries for "help"), and
//! every match must be checked against the filters and counted in the facets. Reading those
//! columns from the database cost about 2 µs per match (a row lookup and a copy), more than
//! the full-text match itself; from memory it costs a few nanoseconds. So each process keeps
//! one [`Key`] per entry (about 150 bytes: 15 MB at 100,000 entries) and the database only
//! answers the full-text match, as a list of FTS rowids (`entries_search.sid`).
//!
//! The copy follows every write, from any process on the same database: each write to
//! `entries_search` gives the entry the next change number in `search_changes` (migration
//! `m20261129_000030_search_changes`), and [`KeyCache::refresh`], called at the start of every
//! search, reads the entries changed since the last number seen (an index range: nothing most
//! of the time). The first search of a process reads every entry once.
use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

use super::{Facets, OriginFilter, SearchParams, StatusFilter, haversine_km, json_list, top_level};
use crate::directory::store;

/// Index of an interned string ([`Strings`]).
type Sym = u32;

/// What a search needs to know of one entry.
#[derive(Debug, Clone)]
pub struct Key {
    /// Deleted, removed by moderation, or not visible: never found.
    gone: bool,
    /// An inactive or defunct service, or a cancelled event.
    dormant: bool,
    is_event: bool,
    id: Uuid,
    /// Index into [`Keys::groups`]: kind, country, categories, languages.
    group: u32,
    updated: DateTime<Utc>,
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    local: bool,
    /// Lower-cased.
    origin: Sym,
    /// Lower-cased; `Sym::MAX` when none.
    locality: Sym,
    status: Sym,
    organization: Option<Uuid>,
}

/// The facet-relevant columns shared by many entries, parsed once.
#[derive(Debug)]
struct Group {
    kind: String,
    country: Option<String>,
    /// Every category code, as stored.
    categories: Vec<String>,
    /// Top-level categories, each once (the category facet).
    tops: Vec<String>,
    /// Language tags as stored, each once (the language facet).
    languages: Vec<String>,
    /// The same, lower-cased (the language filter).
    languages_lower: Vec<String>,
}

#[derive(Debug, Default)]
struct Strings {
    index: HashMap<String, Sym>,
    values: Vec<String>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = Sym::try_from(self.values.len()).unwrap_or(Sym::MAX - 1);
        self.values.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    fn get(&self, s: &str) -> Option<Sym> {
        self.index.get(s).copied()
    }
}

/// One entry's place in the copy: the change number it was read at, and its keys (`None`
/// once deleted, or for a `sid` never used).
type Slot = (i64, Option<Key>);

/// The in-memory copy: one slot per `sid`.
#[derive(Debug, Default)]
pub struct Keys {
    /// The highest change number applied.
    seq: i64,
    slots: Vec<Slot>,
    groups: Vec<Group>,
    group_index: HashMap<(String, Option<String>, String, String), u32>,
    strings: Strings,
}

/// A row of `search_changes` with its `entries_search` row (absent once deleted).
#[derive(Debug, FromQueryResult)]
struct Changed {
    sid: i64,
    seq: i64,
    id: Option<Uuid>,
    kind: Option<String>,
    organization_id: Option<Uuid>,
    local: Option<bool>,
    origin_domain: Option<String>,
    status: Option<String>,
    categories: Option<String>,
    languages: Option<String>,
    country: Option<String>,
    locality: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    start_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
    updated: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
    moderation_state: Option<String>,
}

impl Keys {
    fn group_of(&mut self, kind: &str, country: Option<&str>, cats: &str, langs: &str) -> u32 {
        let k = (
            kind.to_string(),
            country.map(str::to_string),
            cats.to_string(),
            langs.to_string(),
        );
        if let Some(&g) = self.group_index.get(&k) {
            return g;
        }
        let categories = json_list(cats);
        let mut tops: Vec<String> = categories
            .iter()
            .map(|c| top_level(c).to_string())
            .collect();
        tops.sort_unstable();
        tops.dedup();
        let mut languages = json_list(langs);
        languages.sort_unstable();
        languages.dedup();
        let languages_lower = languages.iter().map(|l| l.to_lowercase()).collect();
        let g = u32::try_from(self.groups.len()).unwrap_or(u32::MAX);
        self.groups.push(Group {
            kind: kind.to_string(),
            country: country.map(str::to_string),
            categories,
            tops,
            languages,
            languages_lower,
        });
        self.group_index.insert(k, g);
        g
    }

    fn apply(&mut self, c: Changed) {
        let Ok(slot) = usize::try_from(c.sid) else {
            return;
        };
        if slot >= self.slots.len() {
            self.slots.resize(slot + 1, (0, None));
        }
        self.seq = self.seq.max(c.seq);
        if self.slots[slot].0 >= c.seq {
            return; // this change or a later one is applied already
        }
        // A deleted entry (no `entries_search` row) is never found.
        let (Some(id), Some(kind), Some(updated)) = (c.id, c.kind.as_deref(), c.updated) else {
            self.slots[slot] = (c.seq, None);
            return;
        };
        let status = c.status.as_deref().unwrap_or("");
        let group = self.group_of(
            kind,
            c.country.as_deref(),
            c.categories.as_deref().unwrap_or("[]"),
            c.languages.as_deref().unwrap_or("[]"),
        );
        let key = Key {
            gone: c.deleted_at.is_some() || c.moderation_state.as_deref() != Some(store::VISIBLE),
            dormant: (kind == "service" && matches!(status, "inactive" | "defunct"))
                || (kind == "event" && status == "cancelled"),
            is_event: kind == "event",
            id,
            group,
            updated,
            starts: c.start_time,
            ends: c.end_time,
            latitude: c.latitude,
            longitude: c.longitude,
            local: c.local.unwrap_or(false),
            origin: self
                .strings
                .intern(&c.origin_domain.unwrap_or_default().to_lowercase()),
            locality: c
                .locality
                .map_or(Sym::MAX, |l| self.strings.intern(&l.to_lowercase())),
            status: self.strings.intern(status),
            organization: c.organization_id,
        };
        self.slots[slot] = (c.seq, Some(key));
    }
}

/// The process's copy of one database's search keys.
#[derive(Debug, Default)]
pub struct KeyCache {
    keys: RwLock<Keys>,
    /// One refresh at a time: concurrent searches wait for one read of the changes (the
    /// first one reads every entry) instead of each reading them.
    refreshing: tokio::sync::Mutex<()>,
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    /// Entries held, facet groups, and the bytes of the slots (strings and groups aside).
    pub fn size(&self) -> (usize, usize, usize) {
        let keys = self.read();
        let held = keys.slots.iter().filter(|(_, k)| k.is_some()).count();
        (
            held,
            keys.groups.len(),
            keys.slots.capacity() * std::mem::size_of::<Slot>(),
        )
    }

    fn read(&self) -> RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the entries changed since the last change applied, and applies them, in chunks
    /// (the first refresh of a process reads every entry: about 20 µs each, most of it
    /// decoding the row; the server does it once at start, see `app::App::serve`).
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        const CHUNK: usize = 10_000;
        let _one_at_a_time = self.refreshing.lock().await;
        loop {
            let since = self.read().seq;
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    db.get_database_backend(),
                    "SELECT c.sid, c.seq, e.id, e.kind, e.organization_id, e.local, \
                     e.origin_domain, e.status, e.categories, e.languages, e.country, \
                     e.locality, e.latitude, e.longitude, e.start_time, e.end_time, e.updated, \
                     e.deleted_at, e.moderation_state \
                     FROM search_changes c LEFT JOIN entries_search e ON e.sid = c.sid \
                     WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2",
                    [since.into(), (CHUNK as i64).into()],
                ))
                .await?;
            let n = rows.len();
            let changed = rows
                .iter()
                .map(|r| Changed::from_query_result(r, ""))
                .collect::<Result<Vec<_>, _>>()?;
            drop(rows);
            let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
            for c in changed {
                keys.apply(c);
            }
            if n < CHUNK {
                return Ok(());
            }
        }
    }

    /// Counts, sorts and pages the entries among `sids` (every entry when `None`) that pass
    /// the filters of `p` (all but those on the record: open now, free, age). `in_name[sid]`
    /// is the number of query words in the entry's name (the rank). Returns the page (ids and
    /// distances), the total and the facets.
    pub fn select(
        &self,
        p: &SearchParams,
        sids: Option<&[u32]>,
        in_name: &[u8],
        offset: u64,
        per_page: u64,
    ) -> (Vec<(Uuid, Option<f64>)>, u64, Facets) {
        let keys = self.read();
        let filter = Filter::new(p, &keys);
        let mut group_counts = vec![0u64; keys.groups.len()];
        // (rank or distance, updated, id)
        let mut kept: Vec<(f64, DateTime<Utc>, Uuid)> = Vec::new();
        let mut visit = |sid: usize, key: &Key| {
            if !filter.group_ok[key.group as usize] || !filter.accepts(key) {
                return;
            }
            let first = match &p.point {
                Some(g) => match (key.latitude, key.longitude) {
                    (Some(lat), Some(lon)) => {
                        // The distance is at least the latitude difference's arc.
                        if g.radius_km.is_some_and(|r| {
                            (lat - g.lat).abs().to_radians() * super::EARTH_RADIUS_KM > r
                        }) {
                            return;
                        }
                        let d = haversine_km(g.lat, g.lon, lat, lon);
                        if g.radius_km.is_some_and(|r| d > r) {
                            return;
                        }
                        d
                    }
                    // Without coordinates: last, and only when there is no radius.
                    _ if g.radius_km.is_some() => return,
                    _ => f64::INFINITY,
                },
                // Sorted ascending: the negated rank puts the most words in the name first.
                None => -f64::from(in_name.get(sid).copied().unwrap_or(0)),
            };
            group_counts[key.group as usize] += 1;
            kept.push((first, key.updated, key.id));
        };
        match sids {
            Some(sids) => {
                for &sid in sids {
                    if let Some((_, Some(key))) = keys.slots.get(sid as usize) {
                        visit(sid as usize, key);
                    }
                }
            }
            None => {
                for (sid, (_, key)) in keys.slots.iter().enumerate() {
                    if let Some(key) = key {
                        visit(sid, key);
                    }
                }
            }
        }

        let mut facets = Facets::default();
        let mut total = 0;
        for (g, &n) in keys.groups.iter().zip(&group_counts) {
            if n == 0 {
                continue;
            }
            total += n;
            *facets.kind.entry(g.kind.clone()).or_default() += n;
            if let Some(country) = &g.country {
                *facets.country.entry(country.clone()).or_default() += n;
            }
            for t in &g.tops {
                *facets.category.entry(t.clone()).or_default() += n;
            }
            for l in &g.languages {
                *facets.language.entry(l.clone()).or_default() += n;
            }
        }

        // Ascending first key (distance, or negated rank), then the most recently updated,
        // then the highest id.
        let order = |a: &(f64, DateTime<Utc>, Uuid), b: &(f64, DateTime<Utc>, Uuid)| {
            a.0.total_cmp(&b.0)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| b.2.cmp(&a.2))
        };
        let with_distance = p.point.is_some();
        let page = super::page_of(kept, offset, per_page, order)
            .iter()
            .map(|(first, _, id)| (*id, (with_distance && first.is_finite()).then_some(*first)))
            .collect();
        (page, total, facets)
    }
}

/// The filters of a search, prepared against one copy.
struct Filter<'a> {
    p: &'a SearchParams,
    /// Per group: kind, categories, language and country pass.
    group_ok: Vec<bool>,
    /// Events must end at or after this time.
    from: Option<DateTime<Utc>>,
    hide_dormant: bool,
    /// `None`: no locality filter; `Some(None)`: a locality no entry has.
    locality: Option<Option<Sym>>,
    origin: Option<Option<Sym>>,
    status: Option<Option<Sym>>,
}

impl<'a> Filter<'a> {
    fn new(p: &'a SearchParams, keys: &Keys) -> Filter<'a> {
        let lang = p.language.as_ref().map(|l| l.to_lowercase());
        let group_ok = keys
            .groups
            .iter()
            .map(|g| {
                p.kind.is_none_or(|k| g.kind == k.as_str())
                    && p.categories
                        .as_ref()
                        .is_none_or(|cs| cs.iter().any(|c| g.categories.contains(c)))
                    && lang.as_ref().is_none_or(|lang| {
                        // `fr` matches `fr` and `fr-BE`; `fr-BE` only itself.
                        g.languages_lower.iter().any(|l| {
                            l == lang
                                || (!lang.contains('-')
                                    && l.strip_prefix(lang.as_str())
                                        .is_some_and(|rest| rest.starts_with('-')))
                        })
                    })
                    && p.country
                        .as_ref()
                        .is_none_or(|c| g.country.as_ref() == Some(c))
            })
            .collect();
        Filter {
            p,
            group_ok,
            from: p.from.or((!p.list_defaults).then_some(p.now)),
            hide_dormant: p.status == StatusFilter::Default && !p.list_defaults,
            locality: p
                .locality
                .as_ref()
                .map(|l| keys.strings.get(&l.to_lowercase())),
            origin: match &p.origin {
                Some(OriginFilter::Domain(d)) => Some(keys.strings.get(d)),
                _ => None,
            },
            status: match &p.status {
                StatusFilter::Only(s) => Some(keys.strings.get(s)),
                _ => None,
            },
        }
    }

    /// The filters on the entry itself (its group passed).
    fn accepts(&self, k: &Key) -> bool {
        if k.gone || (self.hide_dormant && k.dormant) {
            return false;
        }
        // Events: upcoming by default (still running or to come), or within from/to.
        if k.is_event
            && (self.from.is_some_and(|f| k.ends.is_none_or(|e| e < f))
                || self.p.to.is_some_and(|t| k.starts.is_none_or(|s| s > t)))
        {
            return false;
        }
        let is = |want: Option<Option<Sym>>, have: Sym| want.is_none_or(|w| w == Some(have));
        is(self.locality, k.locality)
            && is(self.origin, k.origin)
            && is(self.status, k.status)
            && (self.p.origin != Some(OriginFilter::Local) || k.local)
            && self
                .p
                .organization
                .is_none_or(|o| k.organization == Some(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(sid: i64, seq: i64, name_lang: Option<(&str, &str)>) -> Changed {
        let (kind, languages) = name_lang.unwrap_or(("service", "[]"));
        let live = name_lang.is_some();
        Changed {
            sid,
            seq,
            id: live.then(|| Uuid::from_u128(sid as u128)),
            kind: live.then(|| kind.to_string()),
            organization_id: None,
            local: Some(true),
            origin_domain: Some("Here.Example".into()),
            status: Some("active".into()),
            categories: Some("[\"legal.asylum\"]".into()),
            languages: live.then(|| languages.to_string()),
            country: Some("FR".into()),
            locality: Some("Lille".into()),
            latitude: Some(50.63),
            longitude: Some(3.06),
            start_time: None,
            end_time: None,
            updated: live.then(Utc::now),
            deleted_at: None,
            moderation_state: Some(store::VISIBLE.into()),
        }
    }

    fn cache_of(changes: Vec<Changed>) -> KeyCache {
        let cache = KeyCache::new();
        {
            let mut keys = cache.keys.write().unwrap();
            for c in changes {
                keys.apply(c);
            }
        }
        cache
    }

    fn total(cache: &KeyCache, p: &SearchParams) -> u64 {
        cache.select(p, None, &[], 0, 20).1
    }

    #[test]
    fn an_older_change_never_replaces_a_newer_one() {
        // Two refreshes applied out of order: the kind of seq 5 stays.
        let cache = cache_of(vec![
            changed(1, 5, Some(("offer", "[\"fr\"]"))),
            changed(1, 3, Some(("service", "[\"fr\"]"))),
        ]);
        let r = cache.select(&SearchParams::new(Utc::now()), None, &[], 0, 20);
        assert_eq!(r.2.kind.keys().collect::<Vec<_>>(), ["offer"]);
        // A deletion (no row) is kept over an older version read late.
        let cache = cache_of(vec![
            changed(1, 6, None),
            changed(1, 4, Some(("service", "[]"))),
        ]);
        assert_eq!(total(&cache, &SearchParams::new(Utc::now())), 0);
        assert_eq!(cache.size().0, 0);
    }

    #[test]
    fn filters_as_the_sql_of_the_other_paths() {
        let cache = cache_of(vec![
            changed(1, 1, Some(("service", "[\"fr-BE\"]"))),
            changed(2, 2, Some(("service", "[\"fr\", \"uk\"]"))),
            changed(3, 3, Some(("offer", "[\"ar\"]"))),
        ]);
        let with = |f: &dyn Fn(&mut SearchParams)| {
            let mut p = SearchParams::new(Utc::now());
            f(&mut p);
            total(&cache, &p)
        };
        // `fr` matches `fr` and `fr-BE`; `fr-BE` only itself; case does not matter.
        assert_eq!(with(&|p| p.language = Some("fr".into())), 2);
        assert_eq!(with(&|p| p.language = Some("FR-be".into())), 1);
        assert_eq!(with(&|p| p.language = Some("f".into())), 0);
        // A category matches its exact code; the facet counts its top level.
        assert_eq!(
            with(&|p| p.categories = Some(vec!["legal.asylum".into()])),
            3
        );
        assert_eq!(with(&|p| p.categories = Some(vec!["legal".into()])), 0);
        assert_eq!(
            with(&|p| p.kind = Some(crate::directory::model::Kind::Offer)),
            1
        );
        // Locality and origin ignore case as the SQL's lower() did; an unknown one finds none.
        assert_eq!(with(&|p| p.locality = Some("LILLE".into())), 3);
        assert_eq!(with(&|p| p.locality = Some("Roubaix".into())), 0);
        assert_eq!(
            with(&|p| p.origin = Some(OriginFilter::Domain("here.example".into()))),
            3
        );
        assert_eq!(with(&|p| p.origin = Some(OriginFilter::Local)), 3);
        assert_eq!(
            with(&|p| p.status = StatusFilter::Only("inactive".into())),
            0
        );
        let facets = cache
            .select(&SearchParams::new(Utc::now()), None, &[], 0, 20)
            .2;
        assert_eq!(facets.category.get("legal"), Some(&3));
        assert_eq!(facets.language.get("fr"), Some(&1));
        assert_eq!(facets.language.get("fr-BE"), Some(&1));
    }
}
