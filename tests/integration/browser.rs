//! End-to-end tests in a real browser: Debian's Chromium, driven by playwright-core
//! (tests/e2e/run.mjs, one browser per run, one browser context per scenario), against a real
//! instance on each database, filled with the demo network plus a few accounts and entries.
//! Phone screenshots go to `target/e2e-screenshots/<backend>/`. See tests/e2e/README.md, which
//! also says how to add a scenario.
//!
//! Never skipped: without Chromium or tests/e2e/node_modules these tests fail and say how to
//! install them (`bash .ci/run` does).
use std::{
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use passerelle::{
    accounts::{self, Role},
    db::entities::{entry, organization},
    directory::{model::Entry, store},
    federation::topics,
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::{both_dbs, harness::*};

/// The scenarios (the `name` each file of tests/e2e/scenarios exports) that must run and pass.
/// A new scenario file runs without being listed here; list it so that losing it fails.
pub(crate) const REQUIRED_SCENARIOS: &[&str] = &[
    "reader-on-a-small-phone",
    "arabic-right-to-left",
    "browser-language",
    "keyboard-only",
    "javascript-off",
    "staff-sign-in-and-password",
    "csrf-from-another-origin",
    "script-never-runs",
    "phone-screenshots",
    "reader-searches-on-a-phone",
    "editor-creates-an-event",
    "buddy-request",
    "report-and-moderation",
];

/// Staff accounts of the fixture, one per scenario that signs in (so that one scenario's
/// password change or failed attempts never touch another's): `<name>@e2e.example`, editors
/// of the first demo organisation. Add a name here for a new scenario that signs in.
const ACCOUNTS: &[&str] = &[
    "staff", "keyboard", "nojs", "csrf", "tour", "spare", "editor", "buddy",
];

/// Accounts of other roles or organisations: `(name, role, organisation)`, also in
/// `t.fixture.accounts` (a staff of another organisation than the offers' one, a moderator, an
/// administrator).
const OTHER_ACCOUNTS: &[(&str, Role, Option<&str>)] = &[
    ("outsider", Role::Editor, Some("ponti-solidali-bologna")),
    ("moderator", Role::Moderator, None),
    ("admin", Role::Admin, None),
];
const PASSWORD: &str = "e2e correct horse";

/// Chromium, from Debian's `chromium` package unless `PASSERELLE_E2E_CHROMIUM` names another.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PASSERELLE_E2E_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "the browser tests need Chromium at {}: install it with `apt-get install -y chromium` \
         (bash .ci/run does), or set PASSERELLE_E2E_CHROMIUM to a Chromium binary",
        path.display()
    );
    path
}

/// tests/e2e, with its pinned npm packages installed.
fn e2e_dir() -> PathBuf {
    let dir = repo_root().join("tests/e2e");
    assert!(
        dir.join("node_modules/playwright-core/package.json")
            .exists(),
        "the browser tests need tests/e2e/node_modules: run `cd tests/e2e && npm ci` \
         (bash .ci/run does)"
    );
    dir
}

/// Demo data, staff accounts, and an entry whose description holds script; described as JSON
/// for the scenarios (`t.fixture`).
pub(crate) async fn fixture(app: &TestApp) -> Value {
    let db = &app.state.db;
    let loaded = passerelle::demo::load(&app.state).await.expect("demo data");
    assert!(loaded.contains("loaded"), "{loaded}");
    let orgs = organization::Entity::find()
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await
        .unwrap();
    let first = orgs
        .iter()
        .find(|o| o.slug == "intsm-lille")
        .expect("the demo has intsm-lille");
    let mut accounts_json = serde_json::Map::new();
    let all = ACCOUNTS
        .iter()
        .map(|name| (*name, Role::Editor, Some(first.slug.as_str())))
        .chain(OTHER_ACCOUNTS.iter().copied());
    for (name, role, org) in all {
        let email = format!("{name}@e2e.example");
        accounts::create_user(db, &email, PASSWORD, role, org)
            .await
            .expect("create user");
        accounts_json.insert(
            name.to_string(),
            json!({
                "email": email, "password": PASSWORD, "org": org, "role": role.as_str(),
                "new_password": format!("{PASSWORD} renewed"),
            }),
        );
    }
    // Through the JSON API, as an editor would publish it.
    let token = app
        .token_for("xss@e2e.example", Role::Editor, Some("ankommen-am-rhein"))
        .await;
    let resp = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(&token)
        .json(&json!({
            "organization": "ankommen-am-rhein",
            "name": {"de": "Beratung <b>sofort</b>", "en": "Advice <b>now</b>"},
            "description": {"en": "Come along <script>window.__xss = 'script'; alert('xss')</script>\n\n\
                <img src=x onerror=\"window.__xss = 'img'; alert('xss')\">"},
            "categories": ["legal"], "languages": ["de", "en"],
            "online_url": "https://example.org/beratung"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let xss: Value = resp.json().await.unwrap();
    // A service that a reader reports and a moderator removes (no other scenario uses it).
    let resp = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(&token)
        .json(&json!({
            "organization": "ankommen-am-rhein",
            "name": {"de": "Dubiose Wohnungsvermittlung", "en": "Dubious flat agency"},
            "description": {"en": "Pay 500 euros in cash and we find you a flat."},
            "categories": ["accommodation"], "languages": ["de", "en"],
            "online_url": "https://example.org/flats"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let reported: Value = resp.json().await.unwrap();

    let rows = entry::Entity::find()
        .order_by_asc(entry::Column::Published)
        .all(db)
        .await
        .unwrap();
    let mut entries = Vec::new();
    let mut topic = None;
    for row in &rows {
        let e = store::parse(row).expect("stored entry").public_view();
        let org = orgs.iter().find(|o| Some(o.id) == row.organization_id);
        let locations = e.locations();
        let coords = locations
            .iter()
            .find_map(|l| l.latitude.zip(l.longitude))
            .map(|(lat, lon)| json!([lat, lon]));
        let schedules = match &e {
            Entry::Service(s) => s.schedules.len(),
            _ => 0,
        };
        if topic.is_none() && schedules > 0 {
            topic = topics::entry_topics(row).into_iter().next();
        }
        let (categories, languages, status) = match &e {
            Entry::Service(s) => (s.categories.clone(), s.languages.clone(), json!(s.status)),
            Entry::Event(v) => (v.categories.clone(), v.languages.clone(), json!(v.status)),
            Entry::Offer(o) => (o.categories.clone(), o.languages.clone(), json!(o.status)),
        };
        let names: serde_json::Map<String, Value> = e
            .name()
            .iter()
            .map(|(l, t)| (l.to_string(), Value::from(t)))
            .collect();
        entries.push(json!({
            "kind": row.kind,
            "path": app.state.urls.entry(e.kind(), row.id).path(),
            "org": org.map(|o| o.slug.clone()),
            "default_language": org.map(|o| o.default_language.clone()),
            "names": names,
            "schedules": schedules,
            "maps": locations.iter().filter(|l| l.latitude.is_some() && l.longitude.is_some()).count(),
            "coords": coords,
            "categories": categories,
            "languages": languages,
            "status": status,
        }));
    }
    json!({
        "orgs": orgs.iter().map(|o| json!({
            "slug": o.slug, "name": o.name, "path": app.state.urls.org(&o.slug).path(),
        })).collect::<Vec<_>>(),
        "entries": entries,
        "topic": format!("/t/{}", topic.expect("a topic of a demo service")),
        "accounts": accounts_json,
        "xss": {"path": format!("/services/{}", xss["id"].as_str().unwrap())},
        "reported": {"path": format!("/services/{}", reported["id"].as_str().unwrap())},
    })
}

/// Run the scenarios (all, or those named in `only`) against `app`; the report `run.mjs`
/// printed. Panics, with what failed and the browser's log, unless every scenario passed.
pub(crate) async fn run_scenarios(
    app: &TestApp,
    fixture: &Value,
    shots: &Path,
    only: Option<&str>,
) -> Value {
    // One browser at a time: two cores are shared with the rest of the test suite.
    static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let chromium = chromium();
    let dir = e2e_dir();
    let _guard = ONE_BROWSER.lock().await;
    let _ = std::fs::remove_dir_all(shots);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(fixture).unwrap()).unwrap();
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(dir.join("run.mjs"))
        .arg("--base")
        .arg(app.base.as_str())
        .arg("--fixture")
        .arg(file.path())
        .arg("--shots")
        .arg(shots)
        .arg("--chromium")
        .arg(&chromium)
        .current_dir(&dir)
        .kill_on_drop(true);
    if let Some(only) = only {
        cmd.arg("--only").arg(only);
    }
    let started = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(600), cmd.output())
        .await
        .expect("the browser scenarios did not finish in 10 minutes")
        .expect("node must be installed (Node.js 20 or later) for the browser tests");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "run.mjs printed no JSON report ({e}); exit {:?}\nstdout: {}\nstderr: {stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let failed: Vec<String> = report["scenarios"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["ok"] != true)
        .map(|s| {
            format!(
                "{} (at step: {}): {}",
                s["name"], s["last_step"], s["error"]
            )
        })
        .collect();
    assert!(
        out.status.success() && report["ok"] == true,
        "browser scenarios failed (exit {:?}):\n{}\n{}\nbrowser log:\n{stderr}",
        out.status,
        failed.join("\n"),
        report["fatal"]
    );
    // Not captured by the test harness: CI's log says where the screenshots are.
    let _ = writeln!(
        std::io::stderr(),
        "browser e2e ({:?}): {} scenarios passed in {:.0} s with Chromium {}; screenshots in {}",
        app.backend,
        report["scenarios"].as_array().map_or(0, Vec::len),
        started.elapsed().as_secs_f64(),
        report["chromium"].as_str().unwrap_or("?"),
        shots.display()
    );
    report
}

/// The width in pixels of a PNG file (its IHDR chunk).
fn png_width(bytes: &[u8]) -> Option<u32> {
    (bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR")
        .then(|| u32::from_be_bytes(bytes[16..20].try_into().unwrap()))
}

both_dbs! {
    async fn reader_and_staff_in_a_real_browser(backend: Backend) {
        // Fail at once, with the install hint, when the browser or the npm packages are missing.
        chromium();
        e2e_dir();
        // Many scenarios sign in from 127.0.0.1: the per-address limit is not under test here.
        // The buddy form refuses what is sent back within `min_fill_secs` of being shown: one
        // second here (the scenario waits that long), three by default.
        let app = TestApp::spawn_with(backend, |c| {
            c.web.login_attempts_per_ip = 1000;
            c.buddy.min_fill_secs = 1;
        })
        .await;
        let fixture = fixture(&app).await;
        let shots = repo_root()
            .join("target/e2e-screenshots")
            .join(format!("{backend:?}").to_lowercase());
        // While writing a scenario: `PASSERELLE_E2E_ONLY=name,other` runs just those (and
        // checks neither the required list nor the screenshots).
        let only = std::env::var("PASSERELLE_E2E_ONLY").ok().filter(|o| !o.is_empty());
        let report = run_scenarios(&app, &fixture, &shots, only.as_deref()).await;
        if only.is_some() {
            return;
        }

        let ran: Vec<&str> = report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        for name in REQUIRED_SCENARIOS {
            assert!(ran.contains(name), "scenario {name} did not run (ran: {ran:?})");
        }
        // Phone screenshots: both widths, both languages, rendered at device scale 2.
        let files: Vec<&str> = report["screenshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        for css_width in [320, 390] {
            for page in ["home-en", "home-ar", "service-ar", "dashboard-ar", "sign-in-error-en"] {
                let want = format!("{page}-{css_width}.png");
                assert!(
                    files.iter().any(|f| f.ends_with(&format!("/{want}"))),
                    "no screenshot {want} in {files:?}"
                );
            }
        }
        // The pages of the search, editor, buddy and report scenarios.
        for want in [
            "search-en-390", "search-en-320", "search-ar-320", "search-near-en-390",
            "event-form-error-en-390", "event-new-en-390", "events-week-en-390", "event-form-ar-320",
            "offer-buddy-en-390", "offer-buddy-ar-320", "requests-en-390", "report-en-390",
            "report-ar-320", "admin-reports-ar-320", "admin-blocks-ar-320",
        ] {
            assert!(
                files.iter().any(|f| f.ends_with(&format!("/{want}.png"))),
                "no screenshot {want}.png in {files:?}"
            );
        }
        for f in &files {
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            let css_width: u32 = f
                .trim_end_matches(".png")
                .rsplit('-')
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or_else(|| panic!("{f}: no width in the name"));
            assert_eq!(png_width(&bytes), Some(2 * css_width), "{f}");
        }
    }
}
