//! Search benchmark (issue 6): fills a fresh database with realistic multilingual entries across
//! 50 instances, then measures the latency of `search::search` (what `GET /api/v1/search`
//! calls) against the bare engine query it is built on, and prints a Markdown table.
//!
//! ```text
//! taskset -c 0 cargo run --release -p passerelle --bin bench_search -- --backend sqlite --entries 100000
//! taskset -c 0 cargo run --release -p passerelle --bin bench_search -- --backend postgres --entries 100000
//! ```
//!
//! PostgreSQL: a fresh database is created on the server named by `PASSERELLE_TEST_POSTGRES`
//! (default `postgres://postgres@127.0.0.1:5432`) and dropped afterwards. SQLite: a file in a
//! temporary directory, removed afterwards. See BENCHMARKS.md.
mod common;

use common::{cpus_of, machine};

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Parser, ValueEnum};
use passerelle::{
    config::Config,
    db,
    directory::{
        model::Kind,
        store::{self, Origin},
        validate::{self, Context as VContext},
    },
    search::{self, Sql, query},
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const DEMO: &str = include_str!("../../assets/demo.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(about = "Search latency against the bare engine query (issue 6)")]
struct Args {
    #[arg(long, value_enum, default_value = "sqlite")]
    backend: Backend,
    /// Entries to insert.
    #[arg(long, default_value_t = 100_000)]
    entries: usize,
    /// Measured runs per scenario (the scenario's queries in turn).
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Unmeasured runs per scenario first.
    #[arg(long, default_value_t = 20)]
    warmup: usize,
    /// Entries per insert transaction.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// SQLite only: keep the database in this file (filled on the first run, reused as it is
    /// by later runs, so that measurements can be repeated without filling again).
    #[arg(long)]
    db: Option<std::path::PathBuf>,
    /// PostgreSQL only: keep the database under this name on the server (created and filled
    /// on the first run, reused as it is by later runs).
    #[arg(long)]
    pg_db: Option<String>,
}

/// City, country, latitude, longitude, time zone, postal code, region.
type City = (
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
    &'static str,
);

const CITIES: &[City] = &[
    (
        "Lille",
        "FR",
        50.6292,
        3.0573,
        "Europe/Paris",
        "59000",
        "Hauts-de-France",
    ),
    (
        "Paris",
        "FR",
        48.8566,
        2.3522,
        "Europe/Paris",
        "75018",
        "Île-de-France",
    ),
    (
        "Lyon",
        "FR",
        45.764,
        4.8357,
        "Europe/Paris",
        "69007",
        "Auvergne-Rhône-Alpes",
    ),
    (
        "Marseille",
        "FR",
        43.2965,
        5.3698,
        "Europe/Paris",
        "13003",
        "Provence-Alpes-Côte d’Azur",
    ),
    (
        "Calais",
        "FR",
        50.9513,
        1.8587,
        "Europe/Paris",
        "62100",
        "Hauts-de-France",
    ),
    (
        "Grenoble",
        "FR",
        45.1885,
        5.7245,
        "Europe/Paris",
        "38000",
        "Auvergne-Rhône-Alpes",
    ),
    (
        "Bologna",
        "IT",
        44.4949,
        11.3426,
        "Europe/Rome",
        "40131",
        "Emilia-Romagna",
    ),
    (
        "Milano",
        "IT",
        45.4642,
        9.19,
        "Europe/Rome",
        "20125",
        "Lombardia",
    ),
    (
        "Palermo",
        "IT",
        38.1157,
        13.3615,
        "Europe/Rome",
        "90133",
        "Sicilia",
    ),
    (
        "Torino",
        "IT",
        45.0703,
        7.6869,
        "Europe/Rome",
        "10152",
        "Piemonte",
    ),
    (
        "València",
        "ES",
        39.4699,
        -0.3763,
        "Europe/Madrid",
        "46001",
        "Comunitat Valenciana",
    ),
    (
        "Madrid",
        "ES",
        40.4168,
        -3.7038,
        "Europe/Madrid",
        "28012",
        "Comunidad de Madrid",
    ),
    (
        "Barcelona",
        "ES",
        41.3874,
        2.1686,
        "Europe/Madrid",
        "08001",
        "Catalunya",
    ),
    (
        "Málaga",
        "ES",
        36.7213,
        -4.4214,
        "Europe/Madrid",
        "29001",
        "Andalucía",
    ),
    (
        "Köln",
        "DE",
        50.9375,
        6.9603,
        "Europe/Berlin",
        "50667",
        "Nordrhein-Westfalen",
    ),
    (
        "Berlin",
        "DE",
        52.52,
        13.405,
        "Europe/Berlin",
        "10115",
        "Berlin",
    ),
    (
        "Hamburg",
        "DE",
        53.5511,
        9.9937,
        "Europe/Berlin",
        "20095",
        "Hamburg",
    ),
    (
        "München",
        "DE",
        48.1351,
        11.582,
        "Europe/Berlin",
        "80331",
        "Bayern",
    ),
    (
        "Bruxelles",
        "BE",
        50.8503,
        4.3517,
        "Europe/Brussels",
        "1000",
        "Bruxelles-Capitale",
    ),
    (
        "Liège",
        "BE",
        50.6326,
        5.5797,
        "Europe/Brussels",
        "4000",
        "Wallonie",
    ),
    (
        "Genève",
        "CH",
        46.2044,
        6.1432,
        "Europe/Zurich",
        "1201",
        "Genève",
    ),
    (
        "Wien",
        "AT",
        48.2082,
        16.3738,
        "Europe/Vienna",
        "1010",
        "Wien",
    ),
    (
        "Warszawa",
        "PL",
        52.2297,
        21.0122,
        "Europe/Warsaw",
        "00-001",
        "Mazowieckie",
    ),
    (
        "Kraków",
        "PL",
        50.0647,
        19.945,
        "Europe/Warsaw",
        "31-001",
        "Małopolskie",
    ),
];

/// Sentences added to descriptions, per language, so that the vocabulary varies.
const PHRASES: &[(&str, &[&str])] = &[
    (
        "fr",
        &[
            "Accueil sans rendez-vous le matin, avec interprètes sur demande.",
            "Aide pour trouver un logement, remplir les dossiers et ouvrir des droits.",
            "Orientation vers les services de santé, la domiciliation et l’aide alimentaire.",
            "Cours de français gratuits pour adultes, tous niveaux.",
            "Accompagnement des familles et des mineurs isolés.",
            "Permanence juridique : asile, titre de séjour, regroupement familial.",
        ],
    ),
    (
        "en",
        &[
            "Walk-in mornings, interpreters on request.",
            "Help finding housing, filling in forms and claiming benefits.",
            "Referrals to health care, postal address services and food aid.",
            "Free English and local-language classes for adults, all levels.",
            "Support for families and unaccompanied minors.",
            "Legal advice: asylum, residence permits, family reunification.",
        ],
    ),
    (
        "ar",
        &[
            "استقبال دون موعد في الصباح، مع مترجمين عند الطلب.",
            "مساعدة في إيجاد سكن وملء الملفات والحصول على الحقوق.",
            "توجيه نحو الخدمات الصحية والعنوان البريدي والمساعدة الغذائية.",
            "دروس لغة مجانية للبالغين، لجميع المستويات.",
            "مرافقة العائلات والقاصرين غير المصحوبين.",
            "استشارة قانونية: اللجوء، تصريح الإقامة، لم الشمل العائلي.",
        ],
    ),
    (
        "uk",
        &[
            "Прийом без запису зранку, перекладачі на запит.",
            "Допомога з пошуком житла, заповненням документів і отриманням виплат.",
            "Направлення до медичних служб, поштова адреса та продуктова допомога.",
            "Безкоштовні мовні курси для дорослих, усі рівні.",
            "Супровід сімей і неповнолітніх без супроводу.",
            "Юридична консультація: притулок, посвідка на проживання, возз’єднання сім’ї.",
        ],
    ),
    (
        "de",
        &[
            "Offene Sprechstunde am Vormittag, Dolmetscher auf Anfrage.",
            "Hilfe bei der Wohnungssuche, bei Anträgen und Sozialleistungen.",
            "Vermittlung an Gesundheitsdienste, Postadresse und Lebensmittelhilfe.",
            "Kostenlose Sprachkurse für Erwachsene, alle Niveaus.",
            "Begleitung von Familien und unbegleiteten Minderjährigen.",
            "Rechtsberatung: Asyl, Aufenthaltstitel, Familiennachzug.",
        ],
    ),
    (
        "it",
        &[
            "Accoglienza senza appuntamento la mattina, mediatori su richiesta.",
            "Aiuto nella ricerca di un alloggio, nelle pratiche e nei sussidi.",
            "Orientamento ai servizi sanitari, alla residenza e agli aiuti alimentari.",
            "Corsi di lingua gratuiti per adulti, tutti i livelli.",
            "Accompagnamento di famiglie e minori stranieri non accompagnati.",
            "Consulenza legale: asilo, permesso di soggiorno, ricongiungimento familiare.",
        ],
    ),
    (
        "es",
        &[
            "Atención sin cita por la mañana, intérpretes a petición.",
            "Ayuda para encontrar vivienda, rellenar trámites y acceder a prestaciones.",
            "Orientación hacia servicios de salud, empadronamiento y ayuda alimentaria.",
            "Clases de idioma gratuitas para adultos, todos los niveles.",
            "Acompañamiento de familias y menores no acompañados.",
            "Asesoría jurídica: asilo, permiso de residencia, reagrupación familiar.",
        ],
    ),
];

/// A small deterministic generator (no seed file, same corpus every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Template {
    kind: Kind,
    body: Value,
    default_language: String,
}

fn templates() -> anyhow::Result<Vec<Template>> {
    let demo: Value = serde_json::from_str(DEMO).context("server/assets/demo.json")?;
    let mut out = Vec::new();
    for org in demo["organizations"].as_array().context("organizations")? {
        let lang = org["default_language"].as_str().unwrap_or("fr").to_string();
        for (kind, key) in [
            (Kind::Service, "services"),
            (Kind::Event, "events"),
            (Kind::Offer, "offers"),
        ] {
            for body in org[key].as_array().into_iter().flatten() {
                out.push(Template {
                    kind,
                    body: body.clone(),
                    default_language: lang.clone(),
                });
            }
        }
    }
    if out.is_empty() {
        bail!("demo.json has no entries");
    }
    Ok(out)
}

fn all_categories(templates: &[Template]) -> Vec<String> {
    let mut cats: Vec<String> = templates
        .iter()
        .flat_map(|t| t.body["categories"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    cats.sort();
    cats.dedup();
    cats
}

fn relocate(place: &mut Value, city: &City, rng: &mut Rng) {
    let Some(o) = place.as_object_mut() else {
        return;
    };
    let (name, country, lat, lon, _, postal, region) = *city;
    o.insert("locality".into(), json!(name));
    o.insert("country".into(), json!(country));
    if o.contains_key("postal_code") {
        o.insert("postal_code".into(), json!(postal));
    }
    if o.contains_key("region") {
        o.insert("region".into(), json!(region));
    }
    if o.contains_key("latitude") {
        // Within about 10 km of the centre.
        o.insert("latitude".into(), json!(lat + (rng.unit() - 0.5) * 0.18));
        o.insert("longitude".into(), json!(lon + (rng.unit() - 0.5) * 0.26));
    }
}

fn shift_time(v: &mut Value, days: i64) {
    if let Some(t) = v
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    {
        *v = json!((t + chrono::Duration::days(days)).to_rfc3339());
    }
}

/// A variant of a demo entry: another city, text with extra sentences in more languages,
/// sometimes another category, events moved in time (some into the past).
fn variant(t: &Template, cats: &[String], i: usize, rng: &mut Rng) -> Value {
    let mut body = t.body.clone();
    let city = &CITIES[rng.below(CITIES.len())];
    if let Some(locs) = body.get_mut("locations").and_then(Value::as_array_mut) {
        for l in locs {
            relocate(l, city, rng);
        }
    }
    for key in ["location", "area"] {
        if let Some(l) = body.get_mut(key) {
            relocate(l, city, rng);
        }
    }
    if let Some(scheds) = body.get_mut("schedules").and_then(Value::as_array_mut) {
        for s in scheds {
            if let Some(o) = s.as_object_mut() {
                o.insert("timezone".into(), json!(city.4));
            }
        }
    }
    if let Some(name) = body.get_mut("name").and_then(Value::as_object_mut) {
        for (_, v) in name.iter_mut() {
            if let Some(s) = v.as_str() {
                *v = json!(format!("{s} – {} {}", city.0, i % 97 + 1));
            }
        }
    }
    if let Some(desc) = body.get_mut("description").and_then(Value::as_object_mut) {
        // One or two more languages, and a sentence in each language present.
        for _ in 0..2 {
            let (lang, phrases) = PHRASES[rng.below(PHRASES.len())];
            desc.entry(lang.to_string())
                .or_insert_with(|| json!(phrases[rng.below(phrases.len())]));
        }
        for (lang, v) in desc.iter_mut() {
            if let Some((_, phrases)) = PHRASES.iter().find(|(l, _)| l == lang)
                && let Some(s) = v.as_str()
            {
                let extra = phrases[rng.below(phrases.len())];
                if !s.contains(extra) {
                    *v = json!(format!("{s} {extra}"));
                }
            }
        }
    }
    if rng.below(4) == 0
        && let Some(list) = body.get_mut("categories").and_then(Value::as_array_mut)
    {
        let c = json!(cats[rng.below(cats.len())]);
        if !list.contains(&c) {
            list.push(c);
        }
    }
    if t.kind == Kind::Event {
        // From four months ago to fourteen months ahead.
        let days = rng.below(540) as i64 - 120 - 60;
        for key in ["start_time", "end_time"] {
            if let Some(v) = body.get_mut(key) {
                shift_time(v, days);
            }
        }
    }
    body
}

async fn fill(db: &DatabaseConnection, n: usize, batch: usize) -> anyhow::Result<Duration> {
    let templates = templates()?;
    let cats = all_categories(&templates);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = Utc::now();
    let started = Instant::now();
    let mut i = 0;
    while i < n {
        let txn = db.begin().await?;
        let end = (i + batch.max(1)).min(n);
        for k in i..end {
            let t = &templates[k % templates.len()];
            let body = variant(t, &cats, k, &mut rng);
            let entry = validate::validate(
                t.kind,
                &body,
                &VContext {
                    default_language: &t.default_language,
                },
            )
            .map_err(|e| anyhow::anyhow!("entry {k}: {e:?}"))?;
            // Instance 0 is this one; the 49 others are followed remote instances.
            let instance = k % 50;
            let (domain, local) = if instance == 0 {
                ("bench.passerelle.test".to_string(), true)
            } else {
                (format!("instance-{instance:02}.example.net"), false)
            };
            let id = Uuid::now_v7();
            let ap_id = format!("https://{domain}/{}/{id}", t.kind.plural());
            let at = now - chrono::Duration::minutes(k as i64);
            store::insert(
                &txn,
                Origin {
                    id,
                    ap_id: ap_id.clone(),
                    url: ap_id,
                    organization_id: None,
                    remote_actor_id: None,
                    origin_domain: domain,
                    local,
                    published: at,
                    updated: at,
                },
                &entry,
            )
            .await?;
        }
        txn.commit().await?;
        i = end;
        if i % (batch * 10) == 0 || i == n {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "  filled {i}/{n} ({:.0} entries/s)",
                i as f64 / secs.max(1e-9)
            );
        }
    }
    Ok(started.elapsed())
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The bare engine query a search is built on: the text match ranked and cut to a page, or,
/// without text, the bounding-box SELECT of the point's radius.
fn bare(backend: DatabaseBackend, p: &search::SearchParams) -> anyhow::Result<Statement> {
    let mut sql = Sql::new(backend);
    if !p.terms.is_empty() {
        // The text match ranked as the search ranks (words found in the name, then the most
        // recently updated), cut to a page: on SQLite the FTS5 query joined to the narrow
        // `entries_search` rows (for `updated`), on PostgreSQL the tsquery on `entries`. No
        // filter, no count, no facet.
        let limit = sql.bind(p.per_page as i64);
        match backend {
            DatabaseBackend::Postgres => {
                let score = search::postgres::text_match(&mut sql, &p.terms);
                sql.text = format!(
                    "SELECT e.id, {score} AS search_score{} \
                     ORDER BY search_score DESC, e.updated DESC LIMIT {limit}",
                    sql.text
                );
            }
            _ => {
                let score = search::sqlite::name_score(&mut sql, &p.terms, "k.sid");
                let m = sql.bind(search::sqlite::match_expression(&p.terms));
                sql.text = format!(
                    "SELECT k.sid, {score} AS search_score FROM entries_fts \
                     JOIN entries_search k ON k.sid = entries_fts.rowid \
                     WHERE entries_fts MATCH {m} \
                     ORDER BY search_score DESC, k.updated DESC LIMIT {limit}"
                );
            }
        }
    } else if let Some(g) = &p.point {
        let r = g.radius_km.context("geo scenario without radius")?;
        let dlat = r / 111.19;
        let dlon = r / (111.19 * (g.lat.abs() + dlat).to_radians().cos());
        let (a, b) = (sql.bind(g.lat - dlat), sql.bind(g.lat + dlat));
        let (c, d) = (sql.bind(g.lon - dlon), sql.bind(g.lon + dlon));
        // The narrow copy of the entries with its (latitude, longitude) index on SQLite, the
        // table with the same index on PostgreSQL: what the search reads.
        let table = match backend {
            DatabaseBackend::Postgres => "entries",
            _ => "entries_search",
        };
        sql.text = format!(
            "SELECT e.id, e.latitude, e.longitude FROM {table} e \
             WHERE e.latitude BETWEEN {a} AND {b} AND e.longitude BETWEEN {c} AND {d}"
        );
    } else {
        bail!("a scenario needs text or a point");
    }
    Ok(Statement::from_sql_and_values(
        backend, sql.text, sql.values,
    ))
}

/// The full-text match alone (every match, unranked, as one value), for text scenarios: the
/// least any search with a total and facets must do.
fn match_only(backend: DatabaseBackend, p: &search::SearchParams) -> Option<Statement> {
    if p.terms.is_empty() {
        return None;
    }
    let mut sql = Sql::new(backend);
    match backend {
        DatabaseBackend::Postgres => {
            let (query, _) = search::postgres::tsqueries(&mut sql, &p.terms);
            sql.text = format!(
                "SELECT string_agg(e.id::text, ',') AS m FROM entries e, \
                 (SELECT {query} AS query) q WHERE e.search_vector @@ q.query"
            );
        }
        _ => {
            let m = sql.bind(search::sqlite::match_expression(&p.terms));
            sql.text = format!(
                "SELECT group_concat(rowid) AS m FROM entries_fts WHERE entries_fts MATCH {m}"
            );
        }
    }
    Some(Statement::from_sql_and_values(
        backend, sql.text, sql.values,
    ))
}

struct Row {
    scenario: &'static str,
    matches: String,
    search: [f64; 3],
    bare: [f64; 3],
    /// The match alone (text scenarios).
    floor: Option<[f64; 3]>,
}

fn percentiles(mut v: Vec<Duration>) -> [f64; 3] {
    v.sort();
    let at = |q: f64| {
        let idx = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[idx].as_secs_f64() * 1000.0
    };
    [at(0.50), at(0.95), at(0.99)]
}

async fn measure(
    db: &DatabaseConnection,
    cache: &search::KeyCache,
    scenario: &'static str,
    queries: &[BTreeMap<String, String>],
    args: &Args,
) -> anyhow::Result<Row> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let parsed: Vec<search::SearchParams> = queries
        .iter()
        .map(|q| query::parse(q, None, now).map_err(|e| anyhow::anyhow!("{e:?}")))
        .collect::<anyhow::Result<_>>()?;
    let mut totals = Vec::new();
    for p in &parsed {
        totals.push(search::search(db, cache, p).await?.total.to_string());
    }
    let (mut s, mut b, mut m) = (Vec::new(), Vec::new(), Vec::new());
    // Interleaved, so that both see the same cache state and machine noise.
    for run in 0..args.warmup + args.runs {
        let k = run % queries.len();
        let t0 = Instant::now();
        // As the HTTP handler: parse the parameters, then search.
        let p = query::parse(&queries[k], None, now).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let r = search::search(db, cache, &p).await?;
        let ds = t0.elapsed();
        std::hint::black_box(r);
        let stmt = bare(backend, &parsed[k])?;
        let t1 = Instant::now();
        let rows = db.query_all_raw(stmt).await?;
        let db_ = t1.elapsed();
        std::hint::black_box(rows);
        let dm = match match_only(backend, &parsed[k]) {
            Some(stmt) => {
                let t2 = Instant::now();
                std::hint::black_box(db.query_all_raw(stmt).await?);
                Some(t2.elapsed())
            }
            None => None,
        };
        if run >= args.warmup {
            s.push(ds);
            b.push(db_);
            m.extend(dm);
        }
    }
    Ok(Row {
        scenario,
        matches: totals.join(" / "),
        search: percentiles(s),
        bare: percentiles(b),
        floor: (!m.is_empty()).then(|| percentiles(m)),
    })
}

/// Where the database lives, and how to remove it.
enum Fresh {
    Sqlite(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

async fn create(backend: Backend) -> anyhow::Result<(String, Fresh)> {
    let tag = format!(
        "passerelle_bench_{}_{}",
        std::process::id(),
        Utc::now().timestamp()
    );
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&tag);
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
            Ok((url, Fresh::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin = std::env::var("PASSERELLE_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
            let conn = sea_orm::Database::connect(&admin)
                .await
                .with_context(|| format!("connecting to {}", db::redact_url(&admin)))?;
            conn.execute_unprepared(&format!("CREATE DATABASE {tag}"))
                .await?;
            conn.close().await?;
            let mut url = url::Url::parse(&admin)?;
            url.set_path(&tag);
            Ok((url.to_string(), Fresh::Postgres { admin, name: tag }))
        }
    }
}

async fn remove(fresh: Fresh) -> anyhow::Result<()> {
    match fresh {
        Fresh::Sqlite(dir) => std::fs::remove_dir_all(dir)?,
        Fresh::Postgres { admin, name } => {
            let conn = sea_orm::Database::connect(&admin).await?;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            conn.close().await?;
        }
    }
    Ok(())
}

async fn run(args: &Args, url: String) -> anyhow::Result<()> {
    let mut config = Config::defaults();
    config.database.url = url;
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;

    let existing = match db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM entries",
        ))
        .await?
    {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    };
    let fill_time = if existing > 0 {
        eprintln!("reusing the {existing} entries already in the database");
        Duration::ZERO
    } else {
        eprintln!("filling {} entries…", args.entries);
        fill(&db, args.entries, args.batch).await?
    };
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    } else {
        db.execute_unprepared("ANALYZE").await?;
        db.execute_unprepared("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
            .await?;
    }

    let scenarios: Vec<(&'static str, Vec<BTreeMap<String, String>>)> = vec![
        (
            "text only",
            vec![
                params(&[("q", "asile")]),
                params(&[("q", "logement")]),
                params(&[("q", "житло")]),
                params(&[("q", "Sprachkurs")]),
                params(&[("q", "permesso di soggiorno")]),
            ],
        ),
        (
            "text + category + language + country",
            vec![
                params(&[
                    ("q", "asile"),
                    ("category", "legal"),
                    ("language", "ar"),
                    ("country", "FR"),
                ]),
                params(&[
                    ("q", "housing"),
                    ("category", "accommodation"),
                    ("language", "uk"),
                    ("country", "DE"),
                ]),
                params(&[
                    ("q", "cours"),
                    ("category", "language"),
                    ("language", "fr"),
                    ("country", "BE"),
                ]),
                params(&[
                    ("q", "salud"),
                    ("category", "health"),
                    ("language", "es"),
                    ("country", "ES"),
                ]),
            ],
        ),
        (
            "geo radius (25 km)",
            vec![
                params(&[("lat", "50.6292"), ("lon", "3.0573"), ("radius_km", "25")]),
                params(&[("lat", "44.4949"), ("lon", "11.3426"), ("radius_km", "25")]),
                params(&[("lat", "52.52"), ("lon", "13.405"), ("radius_km", "25")]),
                params(&[("lat", "39.4699"), ("lon", "-0.3763"), ("radius_km", "25")]),
            ],
        ),
        (
            "facets (broad query)",
            vec![
                params(&[("q", "help")]),
                params(&[("q", "aide")]),
                params(&[("q", "допомога")]),
            ],
        ),
    ];

    // The process's in-memory search keys (SQLite): the first search reads every entry.
    let cache = search::KeyCache::new();
    let t0 = Instant::now();
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        cache.refresh(&db).await?;
    }
    let load_time = t0.elapsed();
    let mut rows = Vec::new();
    for (name, queries) in &scenarios {
        eprintln!("measuring {name}…");
        rows.push(measure(&db, &cache, name, queries, args).await?);
    }
    db.close().await?;

    let backend = match args.backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "### {backend}, {} entries across 50 instances\n",
        args.entries
    );
    println!("- machine: {}", machine());
    println!("- CPU placement (Cpus_allowed_list): {}", cpus_of("self"));
    if fill_time.is_zero() {
        println!("- fill: none (the entries of an earlier run were reused)");
    } else {
        println!(
            "- fill: {:.1} s, {:.0} entries/s (store::insert, {} per transaction)",
            fill_time.as_secs_f64(),
            args.entries as f64 / fill_time.as_secs_f64().max(1e-9),
            args.batch
        );
    }
    if args.backend == Backend::Sqlite {
        let (held, groups, bytes) = cache.size();
        println!(
            "- in-memory search keys: first read of every entry {:.1} ms; {held} entries, \
             {groups} facet groups, {:.1} MB of slots",
            load_time.as_secs_f64() * 1000.0,
            bytes as f64 / 1e6
        );
    }
    println!(
        "- {} measured runs per scenario after {} warm-up runs, queries in turn; ms\n",
        args.runs, args.warmup
    );
    println!(
        "| scenario | matches (total per query) | search p50 | p95 | p99 | bare p50 | p95 | p99 | search/bare p50 | p95 | p99 |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let ratio = |i: usize| r.search[i] / r.bare[i].max(1e-6);
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1}× | {:.1}× | {:.1}× |",
            r.scenario,
            r.matches,
            r.search[0],
            r.search[1],
            r.search[2],
            r.bare[0],
            r.bare[1],
            r.bare[2],
            ratio(0),
            ratio(1),
            ratio(2)
        );
    }
    println!("\nThe full-text match alone (every match, unranked, one value), text scenarios:\n");
    println!("| scenario | match p50 | p95 | p99 | search/match p50 | p95 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let Some(f) = r.floor else { continue };
        let ratio = |i: usize| r.search[i] / f[i].max(1e-6);
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.1}× | {:.1}× | {:.1}× |",
            r.scenario,
            f[0],
            f[1],
            f[2],
            ratio(0),
            ratio(1),
            ratio(2)
        );
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(path) = &args.db {
        if args.backend != Backend::Sqlite {
            bail!("--db is for SQLite only");
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        return run(&args, url).await;
    }
    if let Some(name) = &args.pg_db {
        if args.backend != Backend::Postgres {
            bail!("--pg-db is for PostgreSQL only");
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("--pg-db: letters, digits and _ only");
        }
        let admin = std::env::var("PASSERELLE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let conn = sea_orm::Database::connect(&admin).await?;
        let exists = conn
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT 1 AS one FROM pg_database WHERE datname = $1",
                [name.clone().into()],
            ))
            .await?
            .is_some();
        if !exists {
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
        }
        conn.close().await?;
        let mut url = url::Url::parse(&admin)?;
        url.set_path(name);
        return run(&args, url.to_string()).await;
    }
    let (url, fresh) = create(args.backend).await?;
    let result = run(&args, url).await;
    let cleanup = remove(fresh).await;
    result?;
    cleanup
}
