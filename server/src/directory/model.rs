//! Pure domain model of directory entries: services (Open Referral HSDS 3.0), events
//! (Mobilizon / FEP-8a8e) and volunteer offers (the buddy system). No I/O here.
//!
//! The JSON form of these types (serde, snake_case) is the API form; it is compact: absent
//! optional fields and empty optional lists are not serialized. Values built by
//! [`crate::directory::validate::validate`] are normalised (language tags, country codes), and
//! the JSON of an [`Entry`] validates back to an equal entry.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use url::Url;

use super::taxonomy::Taxonomy;

// ---------------------------------------------------------------------------------------------
// Language maps
// ---------------------------------------------------------------------------------------------

/// Human-readable text in several languages: BCP-47 language tag → text (as ActivityStreams
/// `nameMap` / `contentMap`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct LangMap(pub BTreeMap<String, String>);

impl LangMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// A map with a single language.
    pub fn single(lang: impl Into<String>, text: impl Into<String>) -> Self {
        let mut map = BTreeMap::new();
        map.insert(lang.into(), text.into());
        LangMap(map)
    }

    pub fn insert(&mut self, lang: impl Into<String>, text: impl Into<String>) -> Option<String> {
        self.0.insert(lang.into(), text.into())
    }

    /// Text in exactly this language tag.
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The first entry (in tag order).
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0.iter().next().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Language tags present, in tag order.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The best text for a reader: `(language, text)`.
    ///
    /// For each wanted language in order: the exact tag, then its primary subtag (`fr` for
    /// `fr-BE`), then any tag with the same primary subtag (`fr-CA`). Then the same for
    /// `fallback`, then English, then the first entry. Tags compare case-insensitively.
    /// `None` only when the map is empty.
    pub fn get_best(&self, wanted: &[&str], fallback: &str) -> Option<(&str, &str)> {
        wanted
            .iter()
            .find_map(|w| self.lookup(w))
            .or_else(|| self.lookup(fallback))
            .or_else(|| self.lookup("en"))
            .or_else(|| self.first())
    }

    /// Best text for one reader language (see [`LangMap::get_best`]), `""` when empty.
    pub fn text_for(&self, lang: &str) -> &str {
        self.get_best(&[lang], "en").map_or("", |(_, text)| text)
    }

    fn lookup(&self, wanted: &str) -> Option<(&str, &str)> {
        if wanted.is_empty() || wanted == "*" {
            return None;
        }
        let primary = primary_subtag(wanted);
        let exact = |k: &str| k.eq_ignore_ascii_case(wanted);
        let same_primary_tag = |k: &str| k.eq_ignore_ascii_case(primary);
        let same_primary_subtag = |k: &str| primary_subtag(k).eq_ignore_ascii_case(primary);
        [
            &exact as &dyn Fn(&str) -> bool,
            &same_primary_tag,
            &same_primary_subtag,
        ]
        .into_iter()
        .find_map(|matches| self.iter().find(|(k, _)| matches(k)))
    }
}

impl From<BTreeMap<String, String>> for LangMap {
    fn from(map: BTreeMap<String, String>) -> Self {
        LangMap(map)
    }
}

impl FromIterator<(String, String)> for LangMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        LangMap(iter.into_iter().collect())
    }
}

/// `fr` for `fr-BE`.
pub fn primary_subtag(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

// ---------------------------------------------------------------------------------------------
// String enums
// ---------------------------------------------------------------------------------------------

/// Error of `FromStr` for the string enums of this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}'")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
}

/// Enums serialized as a fixed set of strings.
pub trait StrEnum: Sized + Copy + 'static {
    /// What the value is, for messages ("status", "weekday").
    const WHAT: &'static str;
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;

    /// The value serialized as exactly `s`.
    fn parse_exact(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// The accepted strings, for error messages: `a, b, c`.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $s:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $variant ),+
        }

        impl $name {
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( $name::$variant => $s ),+
                }
            }
        }

        impl StrEnum for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$( $name::$variant ),+];
            fn as_str(&self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$name as StrEnum>::parse_exact(s).ok_or_else(|| ParseEnumError {
                    what: $what,
                    value: s.to_string(),
                })
            }
        }
    };
}

/// The three kinds of directory entry.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Service,
    Event,
    Offer,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Service, Kind::Event, Kind::Offer];

    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Event => "event",
            Kind::Offer => "offer",
        }
    }

    /// The API path segment: `services`, `events`, `offers`.
    pub fn plural(&self) -> &'static str {
        match self {
            Kind::Service => "services",
            Kind::Event => "events",
            Kind::Offer => "offers",
        }
    }
}

impl StrEnum for Kind {
    const WHAT: &'static str = "kind";
    const ALL: &'static [Self] = &Kind::ALL;
    fn as_str(&self) -> &'static str {
        Kind::as_str(self)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ParseEnumError;
    /// Accepts the singular (`service`) and the plural (`services`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.plural() == s)
            .ok_or_else(|| ParseEnumError {
                what: "kind",
                value: s.to_string(),
            })
    }
}

string_enum! {
    /// How precisely a location may be shown and federated.
    #[derive(Default)]
    pub enum Precision: "precision" {
        /// The full address and coordinates.
        #[default]
        Exact = "exact",
        /// The street without house number; coordinates rounded to 3 decimals (~100 m).
        Street = "street",
        /// The locality only; coordinates rounded to 2 decimals (~1 km).
        City = "city",
        /// Never shown outside the instance.
        Hidden = "hidden",
    }
}

string_enum! {
    /// HSDS service status.
    #[derive(Default)]
    pub enum ServiceStatus: "service status" {
        #[default]
        Active = "active",
        Inactive = "inactive",
        TemporarilyClosed = "temporarily closed",
        Defunct = "defunct",
    }
}

string_enum! {
    /// Event status (iCalendar / Mobilizon).
    #[derive(Default)]
    pub enum EventStatus: "event status" {
        Tentative = "tentative",
        #[default]
        Confirmed = "confirmed",
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// Status of a volunteer offer.
    #[derive(Default)]
    pub enum OfferStatus: "offer status" {
        #[default]
        Active = "active",
        Paused = "paused",
        Closed = "closed",
    }
}

string_enum! {
    /// How to take part in an event.
    #[derive(Default)]
    pub enum JoinMode: "join mode" {
        /// Just come.
        #[default]
        Free = "free",
        /// Register first (at `registration_url`).
        Registration = "registration",
        /// Participation is handled elsewhere (at `registration_url`).
        External = "external",
    }
}

string_enum! {
    /// The area a volunteer offer covers.
    pub enum AreaKind: "area kind" {
        City = "city",
        Region = "region",
        Online = "online",
    }
}

string_enum! {
    /// Day of the week, as in iCalendar RRULE `BYDAY`.
    pub enum Weekday: "weekday" {
        Monday = "MO",
        Tuesday = "TU",
        Wednesday = "WE",
        Thursday = "TH",
        Friday = "FR",
        Saturday = "SA",
        Sunday = "SU",
    }
}

string_enum! {
    /// HSDS phone types.
    pub enum PhoneType: "phone type" {
        Voice = "voice",
        Fax = "fax",
        Text = "text",
        Cell = "cell",
        Video = "video",
        Pager = "pager",
        Textphone = "textphone",
    }
}

/// How a set of days is written in short: runs of three or more consecutive days (Monday
/// first) as one range, other days one by one. Each group is a range of day indexes (0 for
/// Monday), a single day when `start == end`.
pub fn day_groups(days: &[Weekday]) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut present = [false; 7];
    for d in days {
        present[d.index()] = true;
    }
    let mut groups = Vec::new();
    let mut i = 0;
    while i < 7 {
        if !present[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < 7 && present[i + 1] {
            i += 1;
        }
        if i - start >= 2 {
            groups.push(start..=i);
        } else {
            groups.extend((start..=i).map(|d| d..=d));
        }
        i += 1;
    }
    groups
}

impl Weekday {
    /// 0 for Monday … 6 for Sunday.
    pub fn index(&self) -> usize {
        self.to_chrono().num_days_from_monday() as usize
    }

    pub fn to_chrono(&self) -> chrono::Weekday {
        match self {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }

    /// Lenient parsing for user input: `MO`, `mo`, `Mon`, `monday` (English), any case.
    pub fn parse_lenient(s: &str) -> Option<Weekday> {
        let lower = s.trim().to_ascii_lowercase();
        Weekday::ALL.iter().copied().find(|d| {
            let name = format!("{:?}", d.to_chrono()).to_ascii_lowercase(); // "mon"
            let full = format!("{d:?}").to_ascii_lowercase(); // "monday"
            lower == d.as_str().to_ascii_lowercase() || lower == name || lower == full
        })
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

/// A physical place. What may be published of it depends on `precision`
/// (see [`Location::public_view`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Always serialized, so that consumers know whether the place is approximate.
    #[serde(default)]
    pub precision: Precision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transportation: Option<LangMap>,
}

impl Location {
    /// What may be shown publicly and federated:
    /// - `exact`: everything;
    /// - `street`: house numbers removed from `street_address`, coordinates rounded to
    ///   3 decimals;
    /// - `city`: only locality, region, postal code, country, accessibility, transportation,
    ///   and coordinates rounded to 2 decimals (name and street dropped);
    /// - `hidden`: nothing (`None`).
    ///
    /// The `precision` field is kept, so consumers know the place is approximate.
    pub fn public_view(&self) -> Option<Location> {
        match self.precision {
            Precision::Exact => Some(self.clone()),
            Precision::Street => Some(Location {
                street_address: self
                    .street_address
                    .as_deref()
                    .map(strip_house_numbers)
                    .filter(|s| !s.is_empty()),
                latitude: self.latitude.map(|v| round_to(v, 3)),
                longitude: self.longitude.map(|v| round_to(v, 3)),
                ..self.clone()
            }),
            Precision::City => Some(Location {
                name: None,
                street_address: None,
                postal_code: self.postal_code.clone(),
                locality: self.locality.clone(),
                region: self.region.clone(),
                country: self.country.clone(),
                latitude: self.latitude.map(|v| round_to(v, 2)),
                longitude: self.longitude.map(|v| round_to(v, 2)),
                precision: Precision::City,
                accessibility: self.accessibility.clone(),
                transportation: self.transportation.clone(),
            }),
            Precision::Hidden => None,
        }
    }

    /// The postal address on one line: `12 rue Solférino, 59000 Lille, Hauts-de-France, FR`.
    /// Falls back to the name (first language) when there is no address at all.
    pub fn one_line(&self) -> String {
        let town = [self.postal_code.as_deref(), self.locality.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let parts: Vec<&str> = [
            self.street_address.as_deref(),
            Some(town.as_str()),
            self.region.as_deref(),
            self.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
        if parts.is_empty() {
            self.name
                .as_ref()
                .and_then(LangMap::first)
                .map(|(_, name)| name.to_string())
                .unwrap_or_default()
        } else {
            parts.join(", ")
        }
    }

    /// A short place for summaries: `Lille, FR` (locality, else region, else postal code,
    /// else the name in `lang`; then the country).
    pub fn short_place(&self, lang: &str) -> String {
        let place = self
            .locality
            .as_deref()
            .or(self.region.as_deref())
            .or(self.postal_code.as_deref())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| self.name.as_ref().map(|n| n.text_for(lang).to_string()))
            .filter(|s| !s.is_empty());
        [place.as_deref(), self.country.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `(latitude, longitude)` when both are known.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

/// Is this token a house number: `12`, `12bis`, `12B`, `12-14`, `12/14`, `12,`?
fn is_house_number(token: &str) -> bool {
    let token = token.trim_end_matches([',', ';', '.']);
    !token.is_empty()
        && token.split(['-', '/', '–']).all(|part| {
            let digits = part.chars().take_while(char::is_ascii_digit).count();
            let suffix = &part[digits..];
            digits > 0
                && suffix.len() <= 6
                && suffix.chars().all(|c| c.is_ascii_alphabetic())
                // "1st Avenue", "5th Street" are street names, not house numbers.
                && !matches!(
                    suffix.to_ascii_lowercase().as_str(),
                    "st" | "nd" | "rd" | "th"
                )
        })
}

/// Removes leading and trailing house-number tokens from a street address:
/// `12 rue Solférino` → `rue Solférino`, `Hauptstraße 12a` → `Hauptstraße`,
/// `12 bis, rue X` → `rue X`, `Via Roma, 12` → `Via Roma`.
pub fn strip_house_numbers(street: &str) -> String {
    let mut tokens: Vec<&str> = street.split_whitespace().collect();
    let mut start = 0;
    while start < tokens.len() && is_house_number(tokens[start]) {
        start += 1;
        // French/Italian/Spanish repetition suffixes written as a separate word.
        while start < tokens.len()
            && matches!(
                tokens[start]
                    .trim_end_matches([',', ';', '.'])
                    .to_lowercase()
                    .as_str(),
                "bis" | "ter" | "quater"
            )
        {
            start += 1;
        }
    }
    tokens.drain(..start);
    while tokens.last().is_some_and(|t| is_house_number(t)) {
        tokens.pop();
    }
    tokens
        .join(" ")
        .trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Phones, schedules, safety
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Phone {
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// HSDS phone type: voice, fax, text, cell, video, pager, textphone (see [`PhoneType`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Languages spoken when calling this number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

/// Weekly opening hours (HSDS `schedule`, RRULE-like `FREQ=WEEKLY;BYDAY=..`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Schedule {
    /// Days it applies to; empty means every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub byday: Vec<Weekday>,
    /// Local time `HH:MM`.
    pub opens_at: String,
    /// Local time `HH:MM` (`24:00` allowed); earlier than or equal to `opens_at` means the
    /// opening runs past midnight into the next day.
    pub closes_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// IANA time zone, e.g. `Europe/Paris`.
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<LangMap>,
}

/// Minutes since midnight of a strict `HH:MM` (00:00 to 23:59, and 24:00 = 1440).
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hours = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let minutes = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    match (hours, minutes) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        _ => None,
    }
}

impl Schedule {
    /// Whether the schedule is open at this instant, reading the wall clock in its own time
    /// zone (so daylight-saving changes are handled). An opening whose `closes_at` is not
    /// after `opens_at` runs past midnight; it belongs to the day it opens (for `byday` and
    /// `valid_from`/`valid_to`). An invalid time zone or time gives `false`.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        let Ok(tz) = self.timezone.parse::<Tz>() else {
            return false;
        };
        let (Some(opens), Some(closes)) = (parse_hhmm(&self.opens_at), parse_hhmm(&self.closes_at))
        else {
            return false;
        };
        let local = at.with_timezone(&tz);
        let date = local.date_naive();
        let minute = local.hour() * 60 + local.minute();
        if opens < closes {
            self.applies_on(date) && minute >= opens && minute < closes
        } else {
            (self.applies_on(date) && minute >= opens)
                || (minute < closes && date.pred_opt().is_some_and(|d| self.applies_on(d)))
        }
    }

    /// Whether an opening starts on this local date.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        let day = Weekday::from(date.weekday());
        (self.byday.is_empty() || self.byday.contains(&day))
            && self.valid_from.is_none_or(|from| date >= from)
            && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// Safeguarding flags.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Safety {
    /// For the local directory only: never sent to other instances.
    #[serde(default)]
    pub do_not_federate: bool,
}

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

/// A service (HSDS 3.0 `service` with its locations, phones and schedules).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Service {
    pub name: LangMap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<LangMap>,
    pub description: LangMap,
    #[serde(default)]
    pub status: ServiceStatus,
    /// Taxonomy category codes (non-empty).
    pub categories: Vec<String>,
    /// Languages in which help is given (non-empty).
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<Url>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u32>,
    #[serde(default)]
    pub free: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_description: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_process: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_documents: Option<LangMap>,
    #[serde(default)]
    pub interpretation_available: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<LangMap>,
    /// HSDS `assured_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verified: Option<NaiveDate>,
    #[serde(default)]
    pub safety: Safety,
}

/// An event (Mobilizon / Gancio / FEP-8a8e).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Event {
    pub name: LangMap,
    pub description: LangMap,
    #[serde(default)]
    pub status: EventStatus,
    #[serde(default)]
    pub categories: Vec<String>,
    /// Languages spoken at the event.
    #[serde(default)]
    pub languages: Vec<String>,
    pub start_time: DateTime<FixedOffset>,
    pub end_time: DateTime<FixedOffset>,
    /// IANA time zone of the event, for display.
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_places: Option<u32>,
    #[serde(default)]
    pub join_mode: JoinMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner_url: Option<Url>,
    /// Organiser contact (free text: e-mail, phone, URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default)]
    pub safety: Safety,
}

/// Area served by a volunteer offer. Never more precise than a locality.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Area {
    pub kind: AreaKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// When a volunteer is available.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Availability {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<Weekday>,
    /// Time of day in words, e.g. "evenings".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<LangMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Availability {
    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.times.is_none() && self.until.is_none()
    }
}

/// A volunteer ("buddy") offer, mediated by the publishing organisation.
///
/// Deliberately has no contact field: requests go through the organisation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Offer {
    pub name: LangMap,
    pub description: LangMap,
    #[serde(default)]
    pub status: OfferStatus,
    /// Optional taxonomy categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Kinds of help (non-empty).
    pub help_types: Vec<String>,
    /// Languages the volunteer speaks (non-empty).
    pub languages: Vec<String>,
    pub area: Area,
    #[serde(default, skip_serializing_if = "Availability::is_empty")]
    pub availability: Availability,
    /// E.g. "training completed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<LangMap>,
    #[serde(default)]
    pub safety: Safety,
}

/// Any directory entry. JSON: the entry's fields plus `"kind": "service" | "event" | "offer"`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Entry {
    Service(Service),
    Event(Event),
    Offer(Offer),
}

impl Entry {
    pub fn kind(&self) -> Kind {
        match self {
            Entry::Service(_) => Kind::Service,
            Entry::Event(_) => Kind::Event,
            Entry::Offer(_) => Kind::Offer,
        }
    }

    pub fn name(&self) -> &LangMap {
        match self {
            Entry::Service(s) => &s.name,
            Entry::Event(e) => &e.name,
            Entry::Offer(o) => &o.name,
        }
    }

    pub fn description(&self) -> &LangMap {
        match self {
            Entry::Service(s) => &s.description,
            Entry::Event(e) => &e.description,
            Entry::Offer(o) => &o.description,
        }
    }

    pub fn categories(&self) -> &[String] {
        match self {
            Entry::Service(s) => &s.categories,
            Entry::Event(e) => &e.categories,
            Entry::Offer(o) => &o.categories,
        }
    }

    /// Languages in which help is given / spoken at the event / spoken by the volunteer.
    pub fn languages(&self) -> &[String] {
        match self {
            Entry::Service(s) => &s.languages,
            Entry::Event(e) => &e.languages,
            Entry::Offer(o) => &o.languages,
        }
    }

    pub fn status_str(&self) -> &'static str {
        match self {
            Entry::Service(s) => s.status.as_str(),
            Entry::Event(e) => e.status.as_str(),
            Entry::Offer(o) => o.status.as_str(),
        }
    }

    /// The first location of a service, the place of an event, nothing for an offer.
    pub fn primary_location(&self) -> Option<&Location> {
        match self {
            Entry::Service(s) => s.locations.first(),
            Entry::Event(e) => e.location.as_ref(),
            Entry::Offer(_) => None,
        }
    }

    /// All locations (a service's, or the event's place).
    pub fn locations(&self) -> Vec<&Location> {
        match self {
            Entry::Service(s) => s.locations.iter().collect(),
            Entry::Event(e) => e.location.iter().collect(),
            Entry::Offer(_) => Vec::new(),
        }
    }

    pub fn online_url(&self) -> Option<&Url> {
        match self {
            Entry::Service(s) => s.online_url.as_ref(),
            Entry::Event(e) => e.online_url.as_ref(),
            Entry::Offer(_) => None,
        }
    }

    pub fn safety(&self) -> &Safety {
        match self {
            Entry::Service(s) => &s.safety,
            Entry::Event(e) => &e.safety,
            Entry::Offer(o) => &o.safety,
        }
    }

    /// The entry as it may be shown publicly and federated: every location replaced by its
    /// [`Location::public_view`], hidden ones dropped.
    pub fn public_view(&self) -> Entry {
        match self {
            Entry::Service(s) => Entry::Service(Service {
                locations: s
                    .locations
                    .iter()
                    .filter_map(Location::public_view)
                    .collect(),
                ..s.clone()
            }),
            Entry::Event(e) => Entry::Event(Event {
                location: e.location.as_ref().and_then(Location::public_view),
                ..e.clone()
            }),
            Entry::Offer(o) => Entry::Offer(o.clone()),
        }
    }

    /// One line saying where, when and in which languages, built from the public view only:
    /// - service: `Lille, FR · Mon–Fri 09:00–17:00 · fr, ar, en`
    /// - event: `Lille, FR · 2026-12-05 14:00–16:00 (Europe/Paris) · fr, uk`
    /// - offer: `Lille (city) · Accompaniment, Interpretation · Sat, Sun · fr, ar`
    ///
    /// Missing parts are left out. Day names and the few words used are in `lang` for the
    /// taxonomy languages (en, fr, de, es, it, ar, uk), English otherwise; help types use
    /// taxonomy labels.
    pub fn summary_line(&self, lang: &str, taxonomy: &Taxonomy) -> String {
        let words = Words::for_lang(lang);
        let public = self.public_view();
        let mut parts: Vec<String> = Vec::new();
        match &public {
            Entry::Service(s) => {
                let mut places = s.locations.iter().map(|l| l.short_place(lang));
                if let Some(first) = places.next().filter(|p| !p.is_empty()) {
                    let others = s.locations.len() - 1;
                    parts.push(if others > 0 {
                        format!("{first} (+{others})")
                    } else {
                        first
                    });
                } else if s.online_url.is_some() {
                    parts.push(words.online.to_string());
                }
                const MAX_SHOWN: usize = 3;
                let mut hours: Vec<String> = s
                    .schedules
                    .iter()
                    .take(MAX_SHOWN)
                    .map(|sc| {
                        format!(
                            "{} {}–{}",
                            format_days(&sc.byday, &words),
                            sc.opens_at,
                            sc.closes_at
                        )
                    })
                    .collect();
                if s.schedules.len() > MAX_SHOWN {
                    hours.push("…".to_string());
                }
                parts.push(hours.join(", "));
            }
            Entry::Event(e) => {
                if let Some(place) = e.location.as_ref().map(|l| l.short_place(lang)) {
                    parts.push(place);
                } else if e.online_url.is_some() {
                    parts.push(words.online.to_string());
                }
                parts.push(event_when(e));
            }
            Entry::Offer(o) => {
                let area = &o.area;
                parts.push(match area.kind {
                    AreaKind::Online => words.online.to_string(),
                    AreaKind::City => match area.locality.as_deref() {
                        Some(l) => format!("{l} ({})", words.city),
                        None => words.city.to_string(),
                    },
                    AreaKind::Region => match area.region.as_deref() {
                        Some(r) => format!("{r} ({})", words.region),
                        None => words.region.to_string(),
                    },
                });
                parts.push(
                    o.help_types
                        .iter()
                        .map(|h| taxonomy.label(h, lang))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                let av = &o.availability;
                let when = [
                    (!av.days.is_empty()).then(|| format_days(&av.days, &words)),
                    av.times
                        .as_ref()
                        .map(|t| t.text_for(lang).to_string())
                        .filter(|t| !t.is_empty()),
                    av.until.map(|d| format!("{} {d}", words.until)),
                ];
                parts.push(when.into_iter().flatten().collect::<Vec<_>>().join(" "));
            }
        }
        parts.push(public.languages().join(", "));
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    }
}

/// `2026-12-05 14:00–16:00 (Europe/Paris)`, in the event's time zone.
fn event_when(e: &Event) -> String {
    let (start, end, zone): (NaiveDateTime, NaiveDateTime, String) = match e.timezone.parse::<Tz>()
    {
        Ok(tz) => (
            e.start_time.with_timezone(&tz).naive_local(),
            e.end_time.with_timezone(&tz).naive_local(),
            e.timezone.clone(),
        ),
        Err(_) => (
            e.start_time.naive_local(),
            e.end_time
                .with_timezone(e.start_time.offset())
                .naive_local(),
            e.start_time.offset().to_string(),
        ),
    };
    let span = if start.date() == end.date() {
        format!(
            "{} {}–{}",
            start.format("%Y-%m-%d"),
            start.format("%H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!(
            "{} – {}",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        )
    };
    format!("{span} ({zone})")
}

/// Days of the week in `lang` (`lun.–ven.`, `Sat, Sun`), for the web pages.
pub fn days_text(days: &[Weekday], lang: &str) -> String {
    format_days(days, &Words::for_lang(lang))
}

/// `Mon–Fri`, `Sat, Sun`, `Mon, Wed–Fri`, `every day`.
fn format_days(days: &[Weekday], words: &Words) -> String {
    let groups = day_groups(days);
    if groups.is_empty() || groups == [0..=6] {
        return words.every_day.to_string();
    }
    groups
        .into_iter()
        .map(|g| match (*g.start(), *g.end()) {
            (s, e) if s == e => words.days[s].to_string(),
            (s, e) => format!("{}–{}", words.days[s], words.days[e]),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The few words summary lines need.
struct Words {
    days: [&'static str; 7],
    every_day: &'static str,
    online: &'static str,
    city: &'static str,
    region: &'static str,
    until: &'static str,
}

impl Words {
    fn for_lang(lang: &str) -> Words {
        match primary_subtag(lang).to_ascii_lowercase().as_str() {
            "fr" => Words {
                days: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
                every_day: "tous les jours",
                online: "En ligne",
                city: "ville",
                region: "région",
                until: "jusqu’au",
            },
            "de" => Words {
                days: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
                every_day: "täglich",
                online: "Online",
                city: "Stadt",
                region: "Region",
                until: "bis",
            },
            "es" => Words {
                days: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
                every_day: "todos los días",
                online: "En línea",
                city: "ciudad",
                region: "región",
                until: "hasta",
            },
            "it" => Words {
                days: ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
                every_day: "tutti i giorni",
                online: "Online",
                city: "città",
                region: "regione",
                until: "fino al",
            },
            "ar" => Words {
                days: [
                    "الاثنين",
                    "الثلاثاء",
                    "الأربعاء",
                    "الخميس",
                    "الجمعة",
                    "السبت",
                    "الأحد",
                ],
                every_day: "كل يوم",
                online: "عبر الإنترنت",
                city: "مدينة",
                region: "منطقة",
                until: "حتى",
            },
            "uk" => Words {
                days: ["пн", "вт", "ср", "чт", "пт", "сб", "нд"],
                every_day: "щодня",
                online: "Онлайн",
                city: "місто",
                region: "регіон",
                until: "до",
            },
            _ => Words {
                days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                every_day: "every day",
                online: "Online",
                city: "city",
                region: "region",
                until: "until",
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Test fixtures (shared with the validation tests)
// ---------------------------------------------------------------------------------------------

/// Realistic multilingual JSON bodies, as a client would send them.
#[cfg(test)]
pub(crate) mod fixtures {
    use serde_json::{Value, json};

    /// A legal-aid desk in Lille, with two schedules.
    pub fn service_json() -> Value {
        json!({
            "organization": "asso-accueil-lille",
            "name": {
                "fr": "Permanence juridique asile – Lille",
                "ar": "مكتب المساعدة القانونية لطالبي اللجوء – ليل",
                "uk": "Юридична консультація з питань притулку – Лілль",
                "en": "Asylum legal aid desk – Lille"
            },
            "alternate_name": {"fr": "PJA Lille"},
            "description": {
                "fr": "Conseils juridiques gratuits pour les demandeurs d'asile : préparation du récit pour l'OFPRA, recours devant la CNDA.",
                "ar": "استشارات قانونية مجانية لطالبي اللجوء: التحضير لمقابلة OFPRA والطعن أمام CNDA.",
                "uk": "Безкоштовні юридичні консультації для шукачів притулку: підготовка до співбесіди в OFPRA, оскарження в CNDA.",
                "en": "Free legal advice for asylum seekers: preparing the OFPRA interview, appeals to the CNDA."
            },
            "status": "active",
            "categories": ["legal", "legal.asylum"],
            "languages": ["fr", "ar", "en"],
            "url": "https://asso-accueil-lille.example/permanence-juridique",
            "email": "juridique@asso-accueil-lille.example",
            "phones": [
                {"number": "+33 3 20 00 00 00", "type": "voice", "languages": ["fr", "ar"]}
            ],
            "locations": [{
                "name": {"fr": "Maison des associations"},
                "street_address": "12 rue Solférino",
                "postal_code": "59000",
                "locality": "Lille",
                "region": "Hauts-de-France",
                "country": "FR",
                "latitude": 50.631_18,
                "longitude": 3.053_64,
                "precision": "exact",
                "accessibility": {"fr": "Accès de plain-pied", "en": "Step-free access"},
                "transportation": {"fr": "Métro République – Beaux-Arts"}
            }],
            "schedules": [
                {"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00", "closes_at": "12:00",
                 "timezone": "Europe/Paris"},
                {"byday": ["WE"], "opens_at": "14:00", "closes_at": "17:00", "timezone": "Europe/Paris",
                 "valid_from": "2026-01-05", "valid_to": "2026-12-18",
                 "notes": {"fr": "Sans rendez-vous", "en": "Walk-in", "uk": "Без запису"}}
            ],
            "eligibility": {"fr": "Personnes en demande d'asile ou déboutées", "en": "Asylum seekers, including refused applicants"},
            "minimum_age": 18,
            "free": true,
            "application_process": {"fr": "Venir sur place avec ses documents.", "ar": "الحضور شخصيا مع الوثائق."},
            "required_documents": {"fr": "Attestation de demande d'asile si vous l'avez"},
            "interpretation_available": true,
            "service_area": {"fr": "Métropole européenne de Lille"},
            "last_verified": "2026-10-01"
        })
    }

    /// A CV workshop at a place in Lille.
    pub fn event_json() -> Value {
        json!({
            "name": {
                "fr": "Atelier CV et recherche d'emploi",
                "uk": "Майстер-клас: резюме та пошук роботи",
                "en": "CV and job-search workshop"
            },
            "description": {
                "fr": "Deux heures pour préparer un CV à la française, avec des bénévoles. Apportez vos diplômes.",
                "uk": "Дві години, щоб підготувати резюме за французьким зразком разом із волонтерами.",
                "ar": "ساعتان لإعداد سيرة ذاتية على الطريقة الفرنسية مع متطوعين."
            },
            "status": "confirmed",
            "categories": ["employment"],
            "languages": ["fr", "uk"],
            "start_time": "2026-12-05T14:00:00+01:00",
            "end_time": "2026-12-05T16:00:00+01:00",
            "timezone": "Europe/Paris",
            "location": {
                "name": {"fr": "Centre social Wazemmes"},
                "street_address": "5 place de la Nouvelle Aventure",
                "postal_code": "59000",
                "locality": "Lille",
                "country": "FR",
                "latitude": 50.625_6,
                "longitude": 3.048_9
            },
            "capacity": 20,
            "remaining_places": 8,
            "join_mode": "registration",
            "registration_url": "https://asso-accueil-lille.example/ateliers/cv",
            "banner_url": "https://asso-accueil-lille.example/media/atelier-cv.jpg",
            "contact": "ateliers@asso-accueil-lille.example"
        })
    }

    /// A buddy offering accompaniment and interpretation in Lille.
    pub fn offer_json() -> Value {
        json!({
            "name": {
                "fr": "Accompagnement en préfecture et interprétariat",
                "ar": "مرافقة إلى المحافظة وترجمة شفوية",
                "en": "Accompaniment to the prefecture and interpreting"
            },
            "description": {
                "fr": "Ancienne demandeuse d'asile, je peux vous accompagner à vos rendez-vous et traduire entre l'arabe et le français.",
                "ar": "كنت طالبة لجوء، يمكنني مرافقتك إلى مواعيدك والترجمة بين العربية والفرنسية.",
                "en": "A former asylum seeker, I can go with you to appointments and interpret between Arabic and French."
            },
            "status": "active",
            "categories": ["administrative"],
            "help_types": ["accompaniment", "interpretation"],
            "languages": ["fr", "ar"],
            "area": {"kind": "city", "locality": "Lille", "country": "FR"},
            "availability": {"days": ["SA", "SU"], "times": {"fr": "après-midi", "en": "afternoons"}},
            "requirements": {"fr": "Formation « binômes » suivie en 2026", "en": "Buddy training completed in 2026"}
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn service() -> Service {
        let Entry::Service(s) = serde_json::from_value::<Entry>({
            let mut v = fixtures::service_json();
            v["kind"] = "service".into();
            v.as_object_mut().unwrap().remove("organization");
            v
        })
        .unwrap() else {
            panic!("not a service")
        };
        s
    }

    fn event() -> Event {
        let mut v = fixtures::event_json();
        v["kind"] = "event".into();
        match serde_json::from_value::<Entry>(v).unwrap() {
            Entry::Event(e) => e,
            other => panic!("not an event: {other:?}"),
        }
    }

    fn offer() -> Offer {
        let mut v = fixtures::offer_json();
        v["kind"] = "offer".into();
        match serde_json::from_value::<Entry>(v).unwrap() {
            Entry::Offer(o) => o,
            other => panic!("not an offer: {other:?}"),
        }
    }

    fn test_taxonomy() -> Taxonomy {
        Taxonomy::from_json(
            r#"{"version":"t","languages":["en","fr"],"categories":[],
            "help_types":[
              {"code":"accompaniment","labels":{"en":"Accompaniment","fr":"Accompagnement"}},
              {"code":"interpretation","labels":{"en":"Interpretation","fr":"Interprétariat"}}]}"#,
        )
        .unwrap()
    }

    fn map(pairs: &[(&str, &str)]) -> LangMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn get_best_fallbacks() {
        let m = map(&[
            ("ar", "مرحبا"),
            ("en", "Hello"),
            ("fr", "Bonjour"),
            ("pt-BR", "Olá"),
        ]);
        // exact
        assert_eq!(m.get_best(&["ar"], "fr"), Some(("ar", "مرحبا")));
        // first wanted language that exists wins
        assert_eq!(
            m.get_best(&["uk", "fr", "ar"], "en"),
            Some(("fr", "Bonjour"))
        );
        // primary subtag
        assert_eq!(m.get_best(&["fr-BE"], "en"), Some(("fr", "Bonjour")));
        // same primary subtag, other region
        assert_eq!(m.get_best(&["pt-PT"], "en"), Some(("pt-BR", "Olá")));
        assert_eq!(m.get_best(&["pt"], "en"), Some(("pt-BR", "Olá")));
        // case-insensitive
        assert_eq!(m.get_best(&["FR"], "en"), Some(("fr", "Bonjour")));
        // then the fallback
        assert_eq!(m.get_best(&["uk"], "fr"), Some(("fr", "Bonjour")));
        // then English
        assert_eq!(m.get_best(&["uk"], "de"), Some(("en", "Hello")));
        assert_eq!(m.get_best(&[], "de"), Some(("en", "Hello")));
        // then the first entry
        let no_en = map(&[("uk", "Привіт"), ("ar", "مرحبا")]);
        assert_eq!(no_en.get_best(&["de"], "fr"), Some(("ar", "مرحبا")));
        assert_eq!(no_en.first(), Some(("ar", "مرحبا")));
        assert_eq!(LangMap::new().get_best(&["fr"], "en"), None);
        assert!(LangMap::new().is_empty());
        assert_eq!(m.text_for("uk"), "Hello");
        assert_eq!(LangMap::new().text_for("uk"), "");
    }

    #[test]
    fn langmap_serializes_as_plain_object() {
        let m = LangMap::single("fr", "Bonjour");
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            serde_json::json!({"fr": "Bonjour"})
        );
    }

    #[test]
    fn kinds() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>(), Ok(k));
            assert_eq!(k.plural().parse::<Kind>(), Ok(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.as_str())
            );
        }
        assert_eq!(Kind::Service.plural(), "services");
        assert_eq!(Kind::Event.plural(), "events");
        assert_eq!(Kind::Offer.plural(), "offers");
        assert!("organization".parse::<Kind>().is_err());
    }

    #[test]
    fn enum_strings() {
        assert_eq!(
            serde_json::to_value(ServiceStatus::TemporarilyClosed).unwrap(),
            serde_json::json!("temporarily closed")
        );
        assert_eq!(
            "temporarily closed".parse::<ServiceStatus>(),
            Ok(ServiceStatus::TemporarilyClosed)
        );
        assert_eq!(
            serde_json::to_value(Weekday::Thursday).unwrap(),
            serde_json::json!("TH")
        );
        assert_eq!(Weekday::parse_lenient("thu"), Some(Weekday::Thursday));
        assert_eq!(Weekday::parse_lenient("Th"), Some(Weekday::Thursday));
        assert_eq!(Weekday::parse_lenient("Thursday"), Some(Weekday::Thursday));
        assert_eq!(Weekday::parse_lenient("jeudi"), None);
        assert_eq!(Weekday::from(chrono::Weekday::Sun), Weekday::Sunday);
        assert_eq!(Precision::default(), Precision::Exact);
        assert_eq!(EventStatus::default(), EventStatus::Confirmed);
        assert_eq!(
            ServiceStatus::expected(),
            "active, inactive, temporarily closed, defunct"
        );
        assert_eq!(
            "closed".parse::<EventStatus>().unwrap_err().to_string(),
            "unknown event status 'closed'"
        );
    }

    #[test]
    fn house_numbers_are_stripped() {
        assert_eq!(strip_house_numbers("12 rue Solférino"), "rue Solférino");
        assert_eq!(strip_house_numbers("12bis rue Solférino"), "rue Solférino");
        assert_eq!(
            strip_house_numbers("12 bis, rue Solférino"),
            "rue Solférino"
        );
        assert_eq!(strip_house_numbers("12-14 rue Nationale"), "rue Nationale");
        assert_eq!(strip_house_numbers("Hauptstraße 12a"), "Hauptstraße");
        assert_eq!(strip_house_numbers("Via Roma, 12"), "Via Roma");
        assert_eq!(strip_house_numbers("221B Baker Street"), "Baker Street");
        assert_eq!(strip_house_numbers("350 5th Avenue"), "5th Avenue");
        assert_eq!(strip_house_numbers("rue de Paris"), "rue de Paris");
        assert_eq!(strip_house_numbers("12"), "");
    }

    #[test]
    fn public_view_exact() {
        let loc = service().locations[0].clone();
        assert_eq!(loc.public_view(), Some(loc));
    }

    #[test]
    fn public_view_street() {
        let mut loc = service().locations[0].clone();
        loc.precision = Precision::Street;
        let public = loc.public_view().unwrap();
        assert_eq!(public.street_address.as_deref(), Some("rue Solférino"));
        assert_eq!(public.latitude, Some(50.631));
        assert_eq!(public.longitude, Some(3.054));
        assert_eq!(public.name, loc.name);
        assert_eq!(public.locality.as_deref(), Some("Lille"));
        assert_eq!(public.precision, Precision::Street);
        assert_eq!(
            public.one_line(),
            "rue Solférino, 59000 Lille, Hauts-de-France, FR"
        );
    }

    #[test]
    fn public_view_city() {
        let mut loc = service().locations[0].clone();
        loc.precision = Precision::City;
        let public = loc.public_view().unwrap();
        assert_eq!(
            public,
            Location {
                name: None,
                street_address: None,
                postal_code: Some("59000".into()),
                locality: Some("Lille".into()),
                region: Some("Hauts-de-France".into()),
                country: Some("FR".into()),
                latitude: Some(50.63),
                longitude: Some(3.05),
                precision: Precision::City,
                accessibility: loc.accessibility.clone(),
                transportation: loc.transportation.clone(),
            }
        );
    }

    #[test]
    fn public_view_hidden_never_serialized() {
        let mut s = service();
        s.locations[0].precision = Precision::Hidden;
        assert_eq!(s.locations[0].public_view(), None);
        let mut second = s.locations[0].clone();
        second.precision = Precision::City;
        second.locality = Some("Roubaix".into());
        s.locations.push(second);
        let public = Entry::Service(s).public_view();
        let json = serde_json::to_string(&public).unwrap();
        assert!(!json.contains("Solférino"), "{json}");
        assert!(!json.contains("Maison des associations"), "{json}");
        assert!(!json.contains("50.63118"), "{json}");
        assert!(!json.contains("\"locality\":\"Lille\""), "{json}");
        assert_eq!(public.locations().len(), 1);
        assert_eq!(
            public.primary_location().unwrap().locality.as_deref(),
            Some("Roubaix")
        );

        let mut e = event();
        e.location.as_mut().unwrap().precision = Precision::Hidden;
        let public = Entry::Event(e).public_view();
        assert_eq!(public.primary_location(), None);
        let json = serde_json::to_string(&public).unwrap();
        assert!(!json.contains("location"), "{json}");
        assert!(!json.contains("Nouvelle Aventure"), "{json}");
    }

    #[test]
    fn one_line_address() {
        let loc = Location {
            street_address: Some("12 rue Solférino".into()),
            postal_code: Some("59000".into()),
            locality: Some("Lille".into()),
            country: Some("FR".into()),
            ..Location::default()
        };
        assert_eq!(loc.one_line(), "12 rue Solférino, 59000 Lille, FR");
        assert_eq!(loc.short_place("en"), "Lille, FR");
        let named = Location {
            name: Some(LangMap::single("fr", "Gare Lille-Flandres")),
            ..Location::default()
        };
        assert_eq!(named.one_line(), "Gare Lille-Flandres");
        assert_eq!(Location::default().one_line(), "");
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn is_open_across_dst_change() {
        // Europe/Paris switches from UTC+1 to UTC+2 on Sunday 2026-03-29.
        let s = Schedule {
            byday: vec![Weekday::Friday, Weekday::Monday],
            opens_at: "09:00".into(),
            closes_at: "17:00".into(),
            timezone: "Europe/Paris".into(),
            ..Schedule::default()
        };
        // Friday 27 March, winter time: 09:00 local = 08:00 UTC.
        assert!(!s.is_open_at(utc(2026, 3, 27, 7, 59)));
        assert!(s.is_open_at(utc(2026, 3, 27, 8, 0)));
        assert!(s.is_open_at(utc(2026, 3, 27, 15, 59)));
        assert!(!s.is_open_at(utc(2026, 3, 27, 16, 0)));
        // Monday 30 March, summer time: 09:00 local = 07:00 UTC, 17:00 local = 15:00 UTC.
        assert!(!s.is_open_at(utc(2026, 3, 30, 6, 59)));
        assert!(s.is_open_at(utc(2026, 3, 30, 7, 0)));
        assert!(s.is_open_at(utc(2026, 3, 30, 14, 59)));
        assert!(!s.is_open_at(utc(2026, 3, 30, 15, 30)));
        // Not on Saturday.
        assert!(!s.is_open_at(utc(2026, 3, 28, 10, 0)));
        // And back to winter time on Sunday 2026-10-25: Monday 26 October, 09:00 = 08:00 UTC.
        assert!(!s.is_open_at(utc(2026, 10, 26, 7, 30)));
        assert!(s.is_open_at(utc(2026, 10, 26, 8, 30)));
    }

    #[test]
    fn is_open_past_midnight() {
        // A night shelter open Friday and Saturday 20:00 → 08:00 (Paris, winter: UTC+1).
        let s = Schedule {
            byday: vec![Weekday::Friday, Weekday::Saturday],
            opens_at: "20:00".into(),
            closes_at: "08:00".into(),
            timezone: "Europe/Paris".into(),
            ..Schedule::default()
        };
        // Friday 2026-01-09 21:00 local.
        assert!(s.is_open_at(utc(2026, 1, 9, 20, 0)));
        // Saturday 02:00 local: still Friday's night.
        assert!(s.is_open_at(utc(2026, 1, 10, 1, 0)));
        // Saturday 10:00 local: closed.
        assert!(!s.is_open_at(utc(2026, 1, 10, 9, 0)));
        // Sunday 07:00 local: Saturday's night.
        assert!(s.is_open_at(utc(2026, 1, 11, 6, 0)));
        // Sunday 21:00 local: no opening on Sunday.
        assert!(!s.is_open_at(utc(2026, 1, 11, 20, 0)));
        // Friday 07:00 local: Thursday is not listed.
        assert!(!s.is_open_at(utc(2026, 1, 9, 6, 0)));
    }

    #[test]
    fn is_open_validity_and_bad_data() {
        let s = Schedule {
            opens_at: "00:00".into(),
            closes_at: "24:00".into(),
            timezone: "Europe/Paris".into(),
            valid_from: NaiveDate::from_ymd_opt(2026, 6, 1),
            valid_to: NaiveDate::from_ymd_opt(2026, 6, 30),
            ..Schedule::default()
        };
        assert!(s.is_open_at(utc(2026, 6, 15, 12, 0)));
        assert!(!s.is_open_at(utc(2026, 7, 1, 12, 0)));
        assert!(!s.is_open_at(utc(2026, 5, 31, 12, 0)));
        let bad = Schedule {
            timezone: "Mars/Olympus".into(),
            ..s.clone()
        };
        assert!(!bad.is_open_at(utc(2026, 6, 15, 12, 0)));
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("9:30"), None);
        assert_eq!(parse_hhmm("12:60"), None);
    }

    #[test]
    fn entry_accessors() {
        let e = Entry::Service(service());
        assert_eq!(e.kind(), Kind::Service);
        assert_eq!(e.name().get("en"), Some("Asylum legal aid desk – Lille"));
        assert_eq!(e.categories(), ["legal", "legal.asylum"]);
        assert_eq!(e.languages(), ["fr", "ar", "en"]);
        assert_eq!(e.status_str(), "active");
        assert_eq!(
            e.primary_location().and_then(|l| l.locality.as_deref()),
            Some("Lille")
        );
        assert!(!e.safety().do_not_federate);
        let o = Entry::Offer(offer());
        assert_eq!(o.kind(), Kind::Offer);
        assert_eq!(o.primary_location(), None);
        assert_eq!(o.status_str(), "active");
        let ev = Entry::Event(event());
        assert_eq!(ev.status_str(), "confirmed");
        assert!(ev.description().get("uk").is_some());
        let json = serde_json::to_value(&ev).unwrap();
        assert_eq!(json["kind"], "event");
    }

    #[test]
    fn summary_lines() {
        let t = test_taxonomy();
        let s = Entry::Service(service());
        assert_eq!(
            s.summary_line("en", &t),
            "Lille, FR · Mon–Fri 09:00–12:00, Wed 14:00–17:00 · fr, ar, en"
        );
        assert_eq!(
            s.summary_line("fr", &t),
            "Lille, FR · lun.–ven. 09:00–12:00, mer. 14:00–17:00 · fr, ar, en"
        );
        let e = Entry::Event(event());
        assert_eq!(
            e.summary_line("en", &t),
            "Lille, FR · 2026-12-05 14:00–16:00 (Europe/Paris) · fr, uk"
        );
        let o = Entry::Offer(offer());
        assert_eq!(
            o.summary_line("en", &t),
            "Lille (city) · Accompaniment, Interpretation · Sat, Sun afternoons · fr, ar"
        );
        assert_eq!(
            o.summary_line("fr-FR", &t),
            "Lille (ville) · Accompagnement, Interprétariat · sam., dim. après-midi · fr, ar"
        );
    }

    #[test]
    fn summary_line_uses_public_view_only() {
        let t = test_taxonomy();
        let mut s = service();
        s.locations[0].precision = Precision::Hidden;
        s.online_url = Some(Url::parse("https://visio.example/permanence").unwrap());
        s.schedules.truncate(1);
        s.schedules[0].byday.clear();
        let line = Entry::Service(s.clone()).summary_line("en", &t);
        assert_eq!(line, "Online · every day 09:00–12:00 · fr, ar, en");
        s.online_url = None;
        let line = Entry::Service(s).summary_line("en", &t);
        assert!(!line.contains("Lille"), "{line}");

        // An event crossing midnight, displayed in its own time zone.
        let mut e = event();
        e.start_time = DateTime::parse_from_rfc3339("2026-12-31T20:00:00Z").unwrap();
        e.end_time = DateTime::parse_from_rfc3339("2027-01-01T01:00:00Z").unwrap();
        e.location.as_mut().unwrap().precision = Precision::City;
        assert_eq!(
            Entry::Event(e).summary_line("en", &t),
            "Lille, FR · 2026-12-31 21:00 – 2027-01-01 02:00 (Europe/Paris) · fr, uk"
        );

        let mut o = offer();
        o.area = Area {
            kind: AreaKind::Online,
            locality: None,
            region: None,
            country: None,
        };
        o.availability = Availability::default();
        assert_eq!(
            Entry::Offer(o).summary_line("en", &t),
            "Online · Accompaniment, Interpretation · fr, ar"
        );
    }

    #[test]
    fn day_ranges() {
        let w = Words::for_lang("en");
        use Weekday::*;
        assert_eq!(
            format_days(&[Monday, Wednesday, Thursday, Friday], &w),
            "Mon, Wed–Fri"
        );
        assert_eq!(format_days(&[Sunday, Saturday], &w), "Sat, Sun");
        assert_eq!(
            format_days(
                &[
                    Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday
                ],
                &w
            ),
            "every day"
        );
    }
}
