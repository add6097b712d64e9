//! Parser tests shaped on real wire data: ActivityPub documents captured from Mastodon,
//! Mobilizon, Gancio, Pleroma, Friendica, PeerTube, GNU social, Discourse and others, copied
//! into `tests/fixtures/` (see its README for where each comes from).
//!
//! - events (Mobilizon, Gancio and every Gancio location shape) become Event entries;
//! - everything else in the fixtures is refused as `Unsupported`, and nothing panics;
//! - actors of every software verify and are stored with their inboxes and keys;
//! - the inbox's domain checks on real activities;
//! - remote HTML is reduced to harmless text.
use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    path::{Path, PathBuf},
};

use activitypub_federation::{config::Data, traits::Object};
use chrono::{DateTime, FixedOffset};
use passerelle::{
    AppState,
    directory::model::{Entry, Event, JoinMode, Location},
    federation::{
        actors::text_to_html,
        inbox::check_domains,
        objects::{IngestError, entry_from_object, html_to_text},
        remote::RemoteActor,
        signature::parse_public_key_pem,
    },
};
use serde_json::{Value, json};
use url::Url;

use crate::{both_dbs, harness::*};

// ---------------------------------------------------------------------------------------------
// Reading the fixtures
// ---------------------------------------------------------------------------------------------

fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures")
}

fn fixture(path: &str) -> Value {
    let file = fixtures_dir().join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// The `object` embedded in an activity fixture.
fn embedded(path: &str) -> Value {
    let activity = fixture(path);
    let object = activity["object"].clone();
    assert!(object.is_object(), "{path} embeds no object");
    object
}

fn all_fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures_dir(), &mut out);
    out.sort();
    out
}

/// Every JSON object in a document, at any depth; JSON documents carried as strings (the
/// bodies of an HTTP recording) are opened too.
fn all_objects<'a>(v: &'a Value, out: &mut Vec<(String, Value)>, at: &'a str) {
    fn go(v: &Value, path: String, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                out.push((path.clone(), v.clone()));
                for (k, x) in m {
                    go(x, format!("{path}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    go(x, format!("{path}/{i}"), out);
                }
            }
            Value::String(s) if s.trim_start().starts_with(['{', '[']) => {
                if let Ok(inner) = serde_json::from_str::<Value>(s) {
                    go(&inner, format!("{path}(json)"), out);
                }
            }
            _ => {}
        }
    }
    go(v, at.to_string(), out);
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

fn event_of(object: &Value) -> Event {
    match entry_from_object(object, "en") {
        Ok(Entry::Event(e)) => e,
        Ok(other) => panic!("expected an Event entry, got {:?}", other.kind()),
        Err(e) => panic!("expected an Event entry, got the error: {e}"),
    }
}

fn instant(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn location(e: &Event) -> &Location {
    e.location.as_ref().expect("the event has a location")
}

fn location_name(e: &Event) -> Option<&str> {
    location(e).name.as_ref().and_then(|n| n.get("en"))
}

fn assert_plain_text(s: &str) {
    assert!(
        !s.contains('<') && !s.contains('>'),
        "markup left in text: {s:?}"
    );
    assert!(!s.contains("&lt;") && !s.contains("&#39;") && !s.contains("&amp;"));
}

#[test]
fn mobilizon_event_object() {
    let object = fixture("mobilizon/objects/event.json");
    let e = event_of(&object);
    assert_eq!(e.name.get("en"), Some("Caledonian scottish dance class"));
    assert_eq!(e.start_time, instant("2022-12-11T19:00:00Z"));
    assert_eq!(e.end_time, instant("2022-12-11T21:00:00Z"));
    assert_eq!(e.timezone, "Europe/London");
    // HTML content (paragraphs, links, `&#39;` entities) reduced to text.
    let description = e.description.get("en").unwrap();
    assert_plain_text(description);
    assert!(description.starts_with("£6 each."), "{description:?}");
    assert!(
        description.contains("they're very social"),
        "{description:?}"
    );
    assert!(description.contains("Here's a sample video from when"));
    assert!(description.contains("\n\n"), "paragraphs are kept");

    let l = location(&e);
    assert_eq!(location_name(&e), Some("The Kenn Centre"));
    assert_eq!(l.street_address.as_deref(), Some("Devon Expressway"));
    assert_eq!(l.postal_code.as_deref(), Some("EX6 7TW"));
    assert_eq!(l.locality.as_deref(), Some("Teignbridge"));
    assert_eq!(l.region.as_deref(), Some("England"));
    // Mobilizon sends the country's name, not an ISO 3166 code: it is left out.
    assert_eq!(l.country, None);
    assert_eq!(l.latitude, Some(50.66881615));
    assert_eq!(l.longitude, Some(-3.537739788359949));

    assert_eq!(e.online_url, None, "isOnline is false and there is a place");
    assert_eq!(e.join_mode, JoinMode::Free);
    // `maximumAttendeeCapacity: 0` is Mobilizon's "no limit", `remaining…: null` nothing.
    assert_eq!(e.capacity, None);
    assert_eq!(e.remaining_places, None);
    assert_eq!(
        e.banner_url,
        Some(url(object["attachment"][0]["url"].as_str().unwrap()))
    );
}

#[test]
fn mobilizon_event_variants_capacity_join_mode_and_nameless_place() {
    let base = fixture("mobilizon/objects/event.json");

    let mut o = base.clone();
    o["maximumAttendeeCapacity"] = json!(40);
    o["remainingAttendeeCapacity"] = json!(12);
    o["joinMode"] = json!("restricted");
    o["ical:status"] = json!("TENTATIVE");
    let e = event_of(&o);
    assert_eq!(e.capacity, Some(40));
    assert_eq!(e.remaining_places, Some(12));
    assert_eq!(e.join_mode, JoinMode::Registration);
    assert_eq!(e.registration_url, Some(url(base["url"].as_str().unwrap())));
    assert_eq!(e.status.as_str(), "tentative");

    let mut o = base.clone();
    o["joinMode"] = json!("external");
    o["externalParticipationUrl"] = json!("https://tickets.example/ceilidh");
    let e = event_of(&o);
    assert_eq!(e.join_mode, JoinMode::External);
    assert_eq!(
        e.registration_url,
        Some(url("https://tickets.example/ceilidh"))
    );

    // A Place without a name but with an address and coordinates still makes a location.
    let mut o = base.clone();
    o["location"].as_object_mut().unwrap().remove("name");
    let e = event_of(&o);
    assert_eq!(location_name(&e), None);
    assert_eq!(location(&e).postal_code.as_deref(), Some("EX6 7TW"));
    assert_eq!(location(&e).latitude, Some(50.66881615));

    // Coordinates sent as strings are read as numbers.
    let mut o = base.clone();
    o["location"]["latitude"] = json!("50.5");
    o["location"]["longitude"] = json!("-3.5");
    let e = event_of(&o);
    assert_eq!(location(&e).latitude, Some(50.5));
    assert_eq!(location(&e).longitude, Some(-3.5));

    // An online Mobilizon event: the event's page is where it happens.
    let mut o = base.clone();
    o["isOnline"] = json!(true);
    o.as_object_mut().unwrap().remove("location");
    let e = event_of(&o);
    assert!(e.location.is_none());
    assert_eq!(e.online_url, Some(url(base["url"].as_str().unwrap())));
}

#[test]
fn mobilizon_create_event_activities() {
    for path in [
        "mobilizon-repo/mobilizon-post-activity.json",
        "mobilizon-repo/mobilizon-post-activity-media.json",
    ] {
        let object = embedded(path);
        let e = event_of(&object);
        assert_eq!(e.name.get("en"), Some("My first event"), "{path}");
        assert_eq!(e.start_time, instant("2018-02-12T14:08:20Z"), "{path}");
        // No endTime: two hours are assumed (FEP-8a8e makes it optional).
        assert_eq!(e.end_time, instant("2018-02-12T16:08:20Z"), "{path}");
        // No timezone and a UTC start time.
        assert_eq!(e.timezone, "UTC", "{path}");
        // The Mention markup is reduced to its text.
        assert_eq!(e.description.get("en"), Some("@tcit"), "{path}");
        let l = location(&e);
        assert_eq!(location_name(&e), Some("Locaux de Framasoft"), "{path}");
        assert_eq!(l.street_address.as_deref(), Some("10 Rue Jangot"));
        assert_eq!(l.postal_code.as_deref(), Some("69007"));
        assert_eq!(l.locality.as_deref(), Some("Lyon"));
        assert_eq!(l.region.as_deref(), Some("Auvergne Rhône Alpes"));
        assert_eq!(l.country, None, "\"France\" is a name, not a code");
        assert_eq!((l.latitude, l.longitude), (None, None));
        assert_eq!(e.online_url, None);
        assert_eq!(e.capacity, None);
        assert_eq!(e.join_mode, JoinMode::Free);
    }
    // The Link attachments are not banners; the image Document is.
    assert_eq!(
        event_of(&embedded("mobilizon-repo/mobilizon-post-activity.json")).banner_url,
        None
    );
    assert_eq!(
        event_of(&embedded(
            "mobilizon-repo/mobilizon-post-activity-media.json"
        ))
        .banner_url,
        Some(url("https://mobilizon.fr/some-image"))
    );

    // An event with neither location nor url (hand-written, addressed to a group): refused,
    // with the reason.
    let object = embedded("mobilizon-repo/mobilizon-post-activity-group.json");
    match entry_from_object(&object, "en") {
        Err(IngestError::Invalid(m)) => {
            assert!(m.contains("location"), "{m}");
            assert!(m.contains("online_url"), "{m}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn gancio_create_event_activity() {
    let activity = fixture("mobilizon-repo/gancio-event-activity.json");
    assert_eq!(activity["type"], "Create");
    let e = event_of(&activity["object"]);
    assert_eq!(e.name.get("en"), Some("Demo event"));
    assert_eq!(e.start_time, instant("2021-07-14T15:30:57Z"));
    assert_eq!(e.end_time, instant("2021-07-14T16:30:57Z"));
    // The offset is kept, and with no `timezone` the zone follows it (Etc/GMT-2 is UTC+2).
    assert_eq!(e.start_time.offset().local_minus_utc(), 2 * 3600);
    assert_eq!(e.timezone, "Etc/GMT-2");
    // A location with only a name, and no `type`.
    assert_eq!(location_name(&e), Some("Colosseo"));
    assert_eq!(location(&e).street_address, None);
    assert_eq!(e.online_url, None);
    let description = e.description.get("en").unwrap();
    assert!(description.starts_with("📍 Colosseo"), "{description:?}");
    assert_plain_text(description);
}

/// Every location shape of Gancio's test suite, put into Gancio's event.
#[test]
fn gancio_location_variants() {
    let base = embedded("mobilizon-repo/gancio-event-activity.json");
    let with = |file: &str| {
        let mut o = base.clone();
        o["location"] = fixture(&format!("gancio-repo/AP-location/{file}"));
        event_of(&o)
    };

    let e = with("physical-location-no-address.json");
    assert_eq!(location_name(&e), Some("Location with a name"));
    assert_eq!(location(&e).street_address, None);
    assert_eq!(e.online_url, None);

    let e = with("physical-location-with-postal-address.json");
    let l = location(&e);
    assert_eq!(location_name(&e), Some("Location with a postal address"));
    assert_eq!(l.street_address.as_deref(), Some("15 Fediverse Street"));
    assert_eq!(l.postal_code.as_deref(), Some("8010"));
    assert_eq!(l.locality.as_deref(), Some("Fediverse Town"));
    assert_eq!(l.region.as_deref(), Some("Steiermark"));
    assert_eq!(l.country, None, "\"Austria\" is a name, not a code");
    assert_eq!(e.online_url, None);

    let e = with("physical-location-with-simple-string-address.json");
    assert_eq!(
        location_name(&e),
        Some("Location with a simple string address")
    );
    assert_eq!(
        location(&e).street_address.as_deref(),
        Some("Simple string address")
    );

    let e = with("physical-location-without-id.json");
    assert_eq!(location_name(&e), Some("Location without id"));

    // A Place whose address is a VirtualLocation: online, no physical place.
    let e = with("virtual-location.json");
    assert!(e.location.is_none(), "{:?}", e.location);
    assert_eq!(e.online_url, Some(url("https://virtual.location.org")));

    // Two physical places and two virtual ones: the first of each.
    let e = with("multiple-mixed-locations.json");
    assert_eq!(location_name(&e), Some("Location with a name"));
    assert_eq!(e.online_url, Some(url("https://virtual.location.org")));

    // A Place with only an id and a type says nothing about where: it is treated as no
    // location, and the event is kept with its page as the place to look (as for any event
    // without a location) rather than refused — refusing would also drop Mobilizon events whose
    // Place has an all-null address.
    let e = with("bad-location-without-a-name.json");
    assert!(e.location.is_none(), "{:?}", e.location);
    assert_eq!(
        e.online_url,
        Some(url("https://demo.gancio.org/event/demo-event"))
    );
    // Without a page URL either, it is refused with a message saying what is missing.
    let mut o = base.clone();
    o["location"] = fixture("gancio-repo/AP-location/bad-location-without-a-name.json");
    o.as_object_mut().unwrap().remove("url");
    match entry_from_object(&o, "en") {
        Err(IngestError::Invalid(m)) => {
            assert!(
                m.contains("an event needs a location or an online_url"),
                "{m}"
            )
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Non-entries, and never a panic
// ---------------------------------------------------------------------------------------------

#[test]
fn notes_articles_pages_and_likes_are_unsupported() {
    let objects: Vec<(&str, Value)> = vec![
        ("Note", fixture("mastodon/objects/note_1.json")),
        ("Note", fixture("mastodon/objects/note_2.json")),
        ("Note", fixture("mastodon/objects/page.json")),
        ("Note", fixture("mastodon/activities/private_message.json")),
        ("Note", embedded("mastodon/activities/create_note.json")),
        (
            "Note",
            embedded("mobilizon-repo/mastodon-post-activity-hashtag.json"),
        ),
        ("Note", fixture("friendica/objects/note_1.json")),
        ("Note", fixture("friendica/objects/note_2.json")),
        ("Page", fixture("friendica/objects/page_1.json")),
        ("Article", fixture("friendica/objects/page_2.json")),
        (
            "Article",
            embedded("friendica/activities/create_page_2.json"),
        ),
        ("Note", fixture("gnusocial/objects/note.json")),
        ("Page", fixture("gnusocial/objects/page.json")),
        ("Page", embedded("gnusocial/activities/create_page.json")),
        ("Note", fixture("discourse/objects/page.json")),
        ("Article", fixture("wordpress/objects/page.json")),
        ("Article", fixture("nodebb/objects/page.json")),
        ("Page", fixture("piefed/objects/page.json")),
        ("Video", fixture("peertube/objects/video.json")),
        ("ChatMessage", fixture("pleroma/objects/chat_message.json")),
        ("Like", fixture("mastodon/activities/like_page.json")),
        ("Like", fixture("friendica/activities/like_page.json")),
        ("Like", fixture("gnusocial/activities/like_note.json")),
        ("Dislike", fixture("friendica/activities/dislike_page.json")),
        ("Person", fixture("mastodon/objects/person.json")),
        ("Group", fixture("mobilizon/objects/group.json")),
    ];
    for (ty, o) in objects {
        assert_eq!(o["type"], ty);
        match entry_from_object(&o, "en") {
            Err(IngestError::Unsupported(t)) => assert_eq!(t, ty),
            other => panic!("{ty} {}: expected Unsupported, got {other:?}", o["id"]),
        }
    }
}

#[test]
fn every_object_in_the_fixtures_parses_without_panic() {
    let files = all_fixture_files();
    assert!(files.len() >= 90, "fixtures missing: {}", files.len());
    let (mut seen, mut events, mut entries) = (0, 0, 0);
    for file in files {
        let name = file
            .strip_prefix(fixtures_dir())
            .unwrap()
            .display()
            .to_string();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        let mut objects = Vec::new();
        all_objects(&doc, &mut objects, &name);
        for (at, object) in objects {
            seen += 1;
            let ty = object.get("type").and_then(Value::as_str).unwrap_or("");
            let result = catch_unwind(AssertUnwindSafe(|| entry_from_object(&object, "en")))
                .unwrap_or_else(|_| panic!("entry_from_object panicked on {at}"));
            if ty == "Event" {
                events += 1;
            }
            match result {
                Ok(entry) => {
                    entries += 1;
                    assert_eq!(ty, "Event", "{at}: a {ty:?} became an entry");
                    assert!(matches!(entry, Entry::Event(_)), "{at}");
                }
                Err(IngestError::Unsupported(t)) => {
                    assert_ne!(ty, "Event", "{at}: an Event refused as unsupported");
                    assert_eq!(t, ty, "{at}");
                }
                Err(IngestError::Invalid(m)) => {
                    assert_eq!(ty, "Event", "{at}: a {ty:?} judged invalid ({m})");
                    assert!(!m.is_empty(), "{at}");
                }
            }
        }
    }
    assert!(seen > 700, "only {seen} objects walked");
    // mobilizon/objects/event.json, the three Mobilizon Creates, Gancio's Create.
    assert_eq!(events, 5, "Event objects in the fixtures");
    assert_eq!(
        entries, 4,
        "all but the location-less group event are accepted"
    );
}

// ---------------------------------------------------------------------------------------------
// Actors
// ---------------------------------------------------------------------------------------------

struct ActorCase {
    file: &'static str,
    /// Where the actor is in the document: "" for the document itself.
    at: &'static str,
    ty: &'static str,
    username: &'static str,
    inbox: &'static str,
    shared_inbox: Option<&'static str>,
}

const ACTORS: &[ActorCase] = &[
    ActorCase {
        file: "mastodon/objects/person.json",
        at: "",
        ty: "Person",
        username: "mastodon",
        inbox: "https://masto.qa.urbanwildlife.biz/users/mastodon/inbox",
        shared_inbox: Some("https://masto.qa.urbanwildlife.biz/inbox"),
    },
    ActorCase {
        file: "mobilizon-repo/mastodon-actor.json",
        at: "",
        ty: "Person",
        username: "peertube",
        inbox: "https://framapiaf.org/users/peertube/inbox",
        shared_inbox: Some("https://framapiaf.org/inbox"),
    },
    ActorCase {
        file: "mobilizon-repo/mastodon-update.json",
        at: "object",
        ty: "Person",
        username: "framasoft",
        inbox: "https://framapiaf.org/users/framasoft/inbox",
        shared_inbox: Some("https://framapiaf.org/inbox"),
    },
    ActorCase {
        file: "mobilizon/objects/person.json",
        at: "",
        ty: "Person",
        username: "sanof44",
        inbox: "https://mobilizon.fr/@sanof44/inbox",
        shared_inbox: Some("https://mobilizon.fr/inbox"),
    },
    ActorCase {
        file: "mobilizon/objects/group.json",
        at: "",
        ty: "Group",
        username: "contribateliers",
        inbox: "https://mobilizon.fr/@contribateliers/inbox",
        shared_inbox: Some("https://mobilizon.fr/inbox"),
    },
    ActorCase {
        file: "mobilizon-repo/gancio-actor.json",
        at: "",
        ty: "Application",
        username: "gancio",
        inbox: "https://demo.gancio.org/federation/u/gancio/inbox",
        shared_inbox: None,
    },
    ActorCase {
        file: "friendica/objects/person_1.json",
        at: "",
        ty: "Person",
        username: "jakob",
        inbox: "https://soc.schuerz.at/inbox/jakob",
        shared_inbox: Some("https://soc.schuerz.at/inbox"),
    },
    ActorCase {
        file: "friendica/objects/person_2.json",
        at: "",
        ty: "Organization",
        username: "informapirata",
        inbox: "https://poliverso.org/inbox/informapirata",
        shared_inbox: Some("https://poliverso.org/inbox"),
    },
    ActorCase {
        file: "gnusocial/objects/person.json",
        at: "",
        ty: "Person",
        username: "diogo",
        inbox: "https://instance.gnusocial.test/actor/42/inbox.json",
        shared_inbox: Some("https://instance.gnusocial.test/inbox.json"),
    },
    ActorCase {
        file: "discourse/objects/person.json",
        at: "",
        ty: "Person",
        username: "angus",
        inbox: "https://socialhub.activitypub.rocks/ap/actor/495843076e9e469fbd35ccf467ae9fb1/inbox",
        // At the top level, not in `endpoints`.
        shared_inbox: Some("https://socialhub.activitypub.rocks/ap/users/inbox"),
    },
    ActorCase {
        file: "discourse/objects/group.json",
        at: "",
        ty: "Group",
        username: "threadiverse-wg",
        inbox: "https://socialhub.activitypub.rocks/ap/actor/797217cf18c0e819dfafc52425590146/inbox",
        shared_inbox: None,
    },
    ActorCase {
        file: "peertube/objects/person.json",
        at: "",
        ty: "Person",
        username: "thelinuxexperiment",
        inbox: "https://tilvids.com/accounts/thelinuxexperiment/inbox",
        shared_inbox: Some("https://tilvids.com/inbox"),
    },
    ActorCase {
        file: "peertube/objects/group.json",
        at: "",
        ty: "Group",
        username: "thelinuxexperiment_channel",
        inbox: "https://tilvids.com/video-channels/thelinuxexperiment_channel/inbox",
        shared_inbox: Some("https://tilvids.com/inbox"),
    },
    ActorCase {
        file: "pleroma/objects/person.json",
        at: "",
        ty: "Person",
        username: "lanodan",
        inbox: "https://queer.hacktivis.me/users/lanodan/inbox",
        shared_inbox: Some("https://queer.hacktivis.me/inbox"),
    },
    ActorCase {
        file: "hubzilla/objects/person.json",
        at: "",
        ty: "Person",
        username: "scott",
        inbox: "https://scottstolz.com/inbox/scott",
        shared_inbox: Some("https://scottstolz.com/inbox"),
    },
    ActorCase {
        file: "hubzilla/objects/group.json",
        at: "",
        ty: "Group",
        username: "testing",
        inbox: "https://completehostingguide.com/inbox/testing",
        shared_inbox: Some("https://completehostingguide.com/inbox"),
    },
    ActorCase {
        file: "mbin/objects/instance.json",
        at: "",
        ty: "Application",
        username: "fedia.io",
        inbox: "https://fedia.io/i/inbox",
        shared_inbox: None,
    },
    ActorCase {
        file: "nodebb/objects/person.json",
        at: "",
        ty: "Person",
        username: "julian",
        inbox: "https://bb.devnull.land/uid/1/inbox",
        shared_inbox: Some("https://bb.devnull.land/inbox"),
    },
    ActorCase {
        file: "nodebb/objects/group.json",
        at: "",
        ty: "Group",
        username: "general",
        inbox: "https://bb.devnull.land/category/2/inbox",
        shared_inbox: Some("https://bb.devnull.land/inbox"),
    },
    ActorCase {
        file: "piefed/objects/group.json",
        at: "",
        ty: "Group",
        username: "historyruins",
        inbox: "https://piefed.social/c/historyruins/inbox",
        shared_inbox: Some("https://piefed.social/inbox"),
    },
    ActorCase {
        file: "piefed/objects/feed.json",
        at: "",
        ty: "Feed",
        username: "environment",
        inbox: "https://piefed.social/f/environment/inbox",
        shared_inbox: Some("https://piefed.social/inbox"),
    },
    ActorCase {
        file: "smithereen/objects/person.json",
        at: "",
        ty: "Person",
        username: "grishka",
        inbox: "https://friends.grishka.me/users/1/inbox",
        shared_inbox: Some("https://friends.grishka.me/activitypub/sharedInbox"),
    },
    ActorCase {
        file: "wordpress/objects/person.json",
        at: "",
        ty: "Person",
        username: "matthias",
        inbox: "https://pfefferle.org/wp-json/activitypub/1.0/users/1/inbox",
        shared_inbox: Some("https://pfefferle.org/wp-json/activitypub/1.0/inbox"),
    },
    ActorCase {
        file: "wordpress/objects/group.json",
        at: "",
        ty: "Group",
        username: "dbzer0.com",
        inbox: "https://dbzer0.com/wp-json/activitypub/1.0/actors/0/inbox",
        shared_inbox: Some("https://dbzer0.com/wp-json/activitypub/1.0/inbox"),
    },
];

fn actor_json(case: &ActorCase) -> Value {
    let doc = fixture(case.file);
    if case.at.is_empty() {
        doc
    } else {
        doc[case.at].clone()
    }
}

/// The Mobilizon relay actor, from the body of a response in an HTTP recording.
fn mobilizon_relay_actor() -> Value {
    let cassette = fixture("mobilizon-repo/vcr_cassettes/relay/fetch_relay_follow.json");
    let body = cassette[1]["response"]["body"].as_str().unwrap();
    serde_json::from_str(body).unwrap()
}

fn id_url(json: &Value) -> Url {
    url(json["id"].as_str().unwrap())
}

fn without_spaces(s: &str) -> String {
    s.split_whitespace().collect()
}

fn key_of(json: &Value) -> &Value {
    &json["publicKey"]
}

async fn verify(json: &Value, expected: &Url, data: &Data<AppState>) -> Result<(), String> {
    <RemoteActor as Object>::verify(json, expected, data)
        .await
        .map_err(|e| e.to_string())
}

async fn store(json: &Value, data: &Data<AppState>) -> RemoteActor {
    <RemoteActor as Object>::from_json(json.clone(), data)
        .await
        .unwrap_or_else(|e| panic!("from_json {}: {e}", json["id"]))
}

both_dbs! {
    async fn actors_of_every_software_verify_and_are_stored(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let data = app.state.data().await.unwrap();
        for case in ACTORS {
            let json = actor_json(case);
            let id = id_url(&json);
            verify(&json, &id, &data)
                .await
                .unwrap_or_else(|e| panic!("{}: verify refused: {e}", case.file));
            let actor = store(&json, &data).await;
            let row = &actor.row;
            assert_eq!(row.ap_id, id.as_str(), "{}", case.file);
            assert_eq!(&actor.id, &id);
            assert_eq!(row.actor_type, case.ty, "{}", case.file);
            assert_eq!(row.preferred_username.as_deref(), Some(case.username), "{}", case.file);
            assert_eq!(row.inbox, case.inbox, "{}", case.file);
            assert_eq!(row.shared_inbox.as_deref(), case.shared_inbox, "{}", case.file);
            assert_eq!(
                actor.inbox_for_delivery(),
                case.shared_inbox.unwrap_or(case.inbox),
                "{}",
                case.file
            );
            let key = key_of(&json);
            assert_eq!(row.public_key_id, key["id"].as_str().unwrap(), "{}", case.file);
            let sent = key["publicKeyPem"].as_str().unwrap();
            if case.file == "smithereen/objects/person.json" {
                // One base64 line of 392 columns: wrapped at 64 when stored, same key.
                assert_ne!(row.public_key_pem, sent);
                assert_eq!(without_spaces(&row.public_key_pem), without_spaces(sent));
                assert!(row.public_key_pem.lines().all(|l| l.len() <= 64));
            } else {
                assert_eq!(row.public_key_pem, sent, "{}", case.file);
            }
            // SPKI or (Mobilizon) PKCS#1, and usable to check signatures — except in the
            // Update of Mobilizon's test suite, whose PEM lost characters (63-column lines):
            // stored all the same, a signature by it fails when checked.
            let usable = parse_public_key_pem(&row.public_key_pem);
            if case.file == "mobilizon-repo/mastodon-update.json" {
                assert!(usable.is_err());
            } else {
                usable.unwrap_or_else(|e| panic!("{}: stored key unusable: {e}", case.file));
            }
            assert_eq!(row.domain, passerelle::urls::domain_of(&id), "{}", case.file);
        }

        // Mbin's PEM has \r\n line ends: kept as sent.
        let mbin = store(&fixture("mbin/objects/instance.json"), &data).await;
        assert!(mbin.row.public_key_pem.contains("\r\n"));
        // Hubzilla's key id is the actor id itself (no fragment).
        let hubzilla = store(&fixture("hubzilla/objects/person.json"), &data).await;
        assert_eq!(hubzilla.row.public_key_id, hubzilla.row.ap_id);

        // The Mobilizon relay (an Application, `outbox: null`, PKCS#1 key) from a recording.
        let relay = mobilizon_relay_actor();
        let relay_id = id_url(&relay);
        verify(&relay, &relay_id, &data).await.unwrap();
        let relay = store(&relay, &data).await;
        assert_eq!(relay.row.actor_type, "Application");
        assert_eq!(relay.row.preferred_username.as_deref(), Some("relay"));
        assert_eq!(relay.row.inbox, "http://mobilizon1.com/inbox");
        assert_eq!(relay.row.shared_inbox.as_deref(), Some("http://mobilizon1.com/inbox"));
        assert_eq!(relay.row.outbox, None);
        assert_eq!(relay.row.public_key_id, "http://mobilizon1.com/relay#main-key");
        assert!(relay.row.public_key_pem.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
        parse_public_key_pem(&relay.row.public_key_pem).unwrap();

        // Stored again (a refetch): the same row, updated.
        let json = fixture("mastodon/objects/person.json");
        let first = store(&json, &data).await;
        let mut changed = json.clone();
        changed["name"] = json!("Renamed");
        let second = store(&changed, &data).await;
        assert_eq!(first.row.id, second.row.id);
        assert_eq!(second.row.name.as_deref(), Some("Renamed"));
    }
}

both_dbs! {
    async fn actor_verification_refuses_foreign_ids_and_missing_keys(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let data = app.state.data().await.unwrap();
        for case in ACTORS {
            let json = actor_json(case);
            let id = id_url(&json);

            // Served at a URL on another host than its id.
            let mut elsewhere = id.clone();
            elsewhere.set_host(Some("attacker.example")).unwrap();
            let e = verify(&json, &elsewhere, &data).await.unwrap_err();
            assert!(e.contains("another host"), "{}: {e}", case.file);

            // An id rewritten to another host than the URL it was fetched from.
            let mut forged = json.clone();
            forged["id"] = json!(elsewhere.as_str());
            let e = verify(&forged, &id, &data).await.unwrap_err();
            assert!(e.contains("another host"), "{}: {e}", case.file);

            // No publicKey.
            let mut keyless = json.clone();
            keyless.as_object_mut().unwrap().remove("publicKey");
            let e = verify(&keyless, &id, &data).await.unwrap_err();
            assert!(e.contains("publicKey"), "{}: {e}", case.file);

            // A publicKey without its PEM.
            let mut pemless = json.clone();
            pemless["publicKey"].as_object_mut().unwrap().remove("publicKeyPem");
            let e = verify(&pemless, &id, &data).await.unwrap_err();
            assert!(e.contains("publicKeyPem"), "{}: {e}", case.file);

            // No inbox: not an actor.
            let mut inboxless = json.clone();
            inboxless.as_object_mut().unwrap().remove("inbox");
            let e = verify(&inboxless, &id, &data).await.unwrap_err();
            assert!(e.contains("inbox"), "{}: {e}", case.file);
        }

        // GNU social's (anonymised) group names a key owned by another actor (actor/2 for
        // actor/21): refused, since that key would let actor/2 speak for the group.
        let group = fixture("gnusocial/objects/group.json");
        assert_ne!(group["publicKey"]["owner"], group["id"]);
        let e = verify(&group, &id_url(&group), &data).await.unwrap_err();
        assert!(e.contains("owned by another actor"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Domain checks of the inbox
// ---------------------------------------------------------------------------------------------

/// A stored actor at `id`: Mastodon's actor document moved there.
async fn actor_at(id: &str, data: &Data<AppState>) -> RemoteActor {
    let mut json = fixture("mastodon/objects/person.json");
    json["id"] = json!(id);
    json["inbox"] = json!(format!("{id}/inbox"));
    json["publicKey"]["id"] = json!(format!("{id}#main-key"));
    json["publicKey"]["owner"] = json!(id);
    store(&json, data).await
}

fn with_host(id: &str, host: &str) -> String {
    let mut u = url(id);
    u.set_host(Some(host)).unwrap();
    u.to_string()
}

const ACTIVITIES: &[&str] = &[
    "mastodon/activities/follow.json",
    "mastodon/activities/undo_follow.json",
    "mastodon/activities/like_page.json",
    "mastodon/activities/undo_like_page.json",
    "mastodon/activities/create_note.json",
    "mastodon/activities/delete.json",
    "mobilizon-repo/mastodon-follow-activity.json",
    "mobilizon-repo/mastodon-unfollow-activity.json",
    "mobilizon-repo/mastodon-accept-activity.json",
    "mobilizon-repo/mastodon-reject-activity.json",
    "mobilizon-repo/mastodon-update.json",
    "mobilizon-repo/mastodon-post-activity-hashtag.json",
    "mobilizon-repo/gancio-event-activity.json",
    "mobilizon-repo/mobilizon-post-activity.json",
];

both_dbs! {
    async fn domain_checks_on_real_activities(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let data = app.state.data().await.unwrap();

        // Mastodon's Update carries its actor whole: store that one from the activity itself.
        let update = fixture("mobilizon-repo/mastodon-update.json");
        let framasoft = store(&update["object"], &data).await;
        check_domains(&app.state, &framasoft, &update).unwrap();

        for path in ACTIVITIES {
            let activity = fixture(path);
            let actor_id = activity["actor"].as_str().unwrap();
            let actor = actor_at(actor_id, &data).await;
            check_domains(&app.state, &actor, &activity)
                .unwrap_or_else(|e| panic!("{path}: refused: {e}"));

            // The same activity with its id on another host.
            let mut moved = activity.clone();
            moved["id"] = json!(with_host(activity["id"].as_str().unwrap(), "elsewhere.example"));
            let e = check_domains(&app.state, &actor, &moved).unwrap_err();
            assert!(e.contains("activity id"), "{path}: {e}");

            // The same activity from an actor of another host.
            let other = actor_at(&with_host(actor_id, "other.example"), &data).await;
            let e = check_domains(&app.state, &other, &activity).unwrap_err();
            assert!(e.contains("activity id"), "{path}: {e}");
        }

        // A Create whose object is attributed to an actor on another host.
        let create = fixture("mastodon/activities/create_note.json");
        let felix = actor_at(create["actor"].as_str().unwrap(), &data).await;
        let mut forged = create.clone();
        forged["object"]["attributedTo"] = json!("https://mamot.fr/users/retiolus");
        let e = check_domains(&app.state, &felix, &forged).unwrap_err();
        assert!(e.contains("attributed to an actor on another host"), "{e}");
        // ... as an array, or as an embedded actor object.
        forged["object"]["attributedTo"] =
            json!([create["actor"], {"type": "Person", "id": "https://mamot.fr/users/retiolus"}]);
        let e = check_domains(&app.state, &felix, &forged).unwrap_err();
        assert!(e.contains("attributed to an actor on another host"), "{e}");
        // A Create whose object id is on another host.
        let mut forged = create.clone();
        forged["object"]["id"] =
            json!("https://mamot.fr/users/retiolus/statuses/107224244380204526");
        let e = check_domains(&app.state, &felix, &forged).unwrap_err();
        assert!(e.contains("object id"), "{e}");
        // A Create whose object claims to be ours.
        let mut forged = create.clone();
        forged["object"]["id"] = json!(app.url("/entries/forged").to_string());
        let e = check_domains(&app.state, &felix, &forged).unwrap_err();
        assert!(e.contains("our domain"), "{e}");
        // Gancio's and Mobilizon's Create{Event} forged the same way.
        for path in [
            "mobilizon-repo/gancio-event-activity.json",
            "mobilizon-repo/mobilizon-post-activity.json",
        ] {
            let create = fixture(path);
            let actor = actor_at(create["actor"].as_str().unwrap(), &data).await;
            let mut forged = create.clone();
            forged["object"]["attributedTo"] = json!("https://mobilizon.example/@someone");
            let e = check_domains(&app.state, &actor, &forged).unwrap_err();
            assert!(e.contains("attributed"), "{path}: {e}");
        }
        // An Update of the actor's profile naming another actor.
        let mut forged = update.clone();
        forged["object"]["id"] = json!("https://mastodon.social/users/Gargron");
        let e = check_domains(&app.state, &framasoft, &forged).unwrap_err();
        assert!(e.contains("object id"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Remote HTML
// ---------------------------------------------------------------------------------------------

const HOSTILE: &str = concat!(
    "<script>alert(document.cookie)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=\"alert(2)\">Click <a href=\"javascript:alert(3)\">here</a>",
    " or <a href=\"JaVaScRiPt:alert(4)\">there</a>.</p>",
    "<iframe src=\"javascript:alert(5)\"></iframe>",
    "<svg><script>alert(6)</script></svg>",
    "<style>body{background:url(javascript:alert(7))}</style>",
    "<form action=\"javascript:alert(8)\"><input onfocus=alert(9) autofocus></form>",
);

fn assert_harmless(text: &str) {
    let lower = text.to_lowercase();
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "onfocus",
        "javascript:",
        "<iframe",
        "<",
    ] {
        assert!(!lower.contains(bad), "{bad:?} left in {text:?}");
    }
}

/// A real Mastodon Note, its content edited to carry scripts and event handlers.
fn hostile_note() -> Value {
    let mut note = fixture("mastodon/objects/note_1.json");
    let content = note["content"].as_str().unwrap().to_string();
    let hostile = content.replacen("</p>", &format!("</p>{HOSTILE}"), 1);
    assert_ne!(hostile, content);
    note["content"] = json!(hostile);
    note["contentMap"]["en"] = json!(hostile);
    note
}

#[test]
fn remote_html_is_sanitised() {
    let note = hostile_note();
    let text = html_to_text(note["content"].as_str().unwrap());
    assert_harmless(&text);
    // What is text stays.
    assert!(text.starts_with("@retiolus i have never been disappointed by a thinkpad."));
    assert!(text.contains("Click here or there."), "{text:?}");
    // Script and style bodies go with their tags.
    assert!(!text.contains("alert"), "{text:?}");
    assert!(!text.contains("background"), "{text:?}");

    // Markup escaped in the source is text: it comes out as characters, which go back on the
    // wire (and into pages) escaped again.
    let escaped = html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; is how it starts</p>");
    assert_eq!(escaped, "<script>alert(1)</script> is how it starts");
    assert!(!text_to_html(&escaped).contains("<script"));

    // The HTML contents of other fixtures come out without tags either.
    let tag = regex::Regex::new(r"<[a-zA-Z/!]").unwrap();
    for (file, key) in [
        ("mastodon/objects/note_2.json", "content"),
        ("friendica/objects/note_2.json", "content"),
        ("wordpress/objects/page.json", "content"),
        ("hubzilla/objects/page.json", "content"),
        ("peertube/objects/note.json", "content"),
    ] {
        let text = html_to_text(fixture(file)[key].as_str().unwrap());
        assert!(!text.is_empty(), "{file}");
        assert!(!tag.is_match(&text), "{file}: {text:?}");
    }
}

#[test]
fn hostile_html_in_an_event_is_stored_as_text() {
    // The Note, made an event (a remote peer can send any fields): content and contentMap are
    // cleaned on the way in.
    let mut event = hostile_note();
    event["type"] = json!("Event");
    event["name"] = json!("Thinkpad meetup");
    event["startTime"] = json!("2026-03-01T18:00:00+01:00");
    event["timezone"] = json!("Europe/Paris");
    let e = event_of(&event);
    let description = e.description.get("en").unwrap();
    assert_harmless(description);
    assert!(description.contains("thinkpad"));
    assert_eq!(e.name.get("en"), Some("Thinkpad meetup"));
    assert_eq!(e.online_url, Some(url(event["url"].as_str().unwrap())));
}
