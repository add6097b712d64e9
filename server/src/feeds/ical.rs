//! iCalendar (RFC 5545) output: content lines (escaping, folding at 75 octets, CRLF), time
//! zone definitions generated from the tz database (chrono-tz), events and the weekly opening
//! hours of services as recurring events.
//!
//! Written by hand rather than with a crate: the crates available do not generate VTIMEZONE
//! components, and the format needed here is small.
use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// An iCalendar document being written.
#[derive(Default)]
pub struct Writer {
    out: String,
}

/// TEXT value escaping: backslash, semicolon, comma and line breaks; other control characters
/// (not allowed in TEXT) are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it contains `:`, `;` or `,` (double quotes are not allowed
/// inside and are dropped, as are control characters).
pub fn param_value(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Folds a content line: at most 75 octets per line (continuation lines begin with a space),
/// never inside a UTF-8 character; each line ends with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    let mut limit = 75;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > limit {
            out.push_str("\r\n ");
            width = 1;
            limit = 75;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// `20261205T140000` (local, floating form).
pub fn local_stamp(t: &NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// `20261205T130000Z`.
pub fn utc_stamp(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `+0100`, `-0330`, `+053000` when there are seconds.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A raw content line (name, parameters and an already formatted value).
    pub fn line(&mut self, name_and_params: &str, value: &str) {
        fold(&format!("{name_and_params}:{value}"), &mut self.out);
    }

    /// A TEXT property.
    pub fn text(&mut self, name_and_params: &str, value: &str) {
        self.line(name_and_params, &escape_text(value));
    }

    /// A TEXT property with a `LANGUAGE` parameter.
    pub fn text_lang(&mut self, name: &str, lang: &str, value: &str) {
        if lang.is_empty() {
            self.text(name, value);
        } else {
            self.text(&format!("{name};LANGUAGE={}", param_value(lang)), value);
        }
    }

    pub fn begin(&mut self, component: &str) {
        self.line("BEGIN", component);
    }

    pub fn end(&mut self, component: &str) {
        self.line("END", component);
    }

    /// A date-time property in a zone: `DTSTART;TZID=Europe/Paris:20261205T140000`; in UTC
    /// when the zone is unknown.
    pub fn zoned(&mut self, name: &str, t: DateTime<Utc>, zone: Option<Tz>) {
        match zone {
            Some(tz) => {
                let local = t.with_timezone(&tz).naive_local();
                self.line(
                    &format!("{name};TZID={}", param_value(tz.name())),
                    &local_stamp(&local),
                );
            }
            None => self.line(name, &utc_stamp(&t)),
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// The zones a calendar uses and the years its times fall in, for VTIMEZONE components.
#[derive(Default)]
pub struct ZoneUse {
    zones: BTreeSet<String>,
    first_year: Option<i32>,
    last_year: Option<i32>,
}

impl ZoneUse {
    pub fn add(&mut self, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) {
        self.zones.insert(tz.name().to_string());
        let (a, b) = (from.year(), to.year());
        self.first_year = Some(self.first_year.map_or(a, |y| y.min(a)));
        self.last_year = Some(self.last_year.map_or(b, |y| y.max(b)));
    }

    /// One VTIMEZONE per zone used, covering the years used up to next year (recurring
    /// events run on: the last transitions carry a yearly RRULE when the zone follows one).
    pub fn write(&self, w: &mut Writer, now: DateTime<Utc>) {
        let (Some(first), Some(last)) = (self.first_year, self.last_year) else {
            return;
        };
        let last = last.max(now.year() + 1).max(first + 1);
        for name in &self.zones {
            if let Ok(tz) = name.parse::<Tz>() {
                write_vtimezone(w, tz, first, last);
            }
        }
    }
}

/// An offset change of a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub at: DateTime<Utc>,
    pub from: i32,
    pub to: i32,
    pub dst: bool,
    pub name: Option<String>,
}

impl Transition {
    /// The wall-clock time of the change, in the offset before it (RFC 5545 DTSTART of an
    /// observance).
    pub fn local_start(&self) -> NaiveDateTime {
        self.at.naive_utc() + Duration::seconds(i64::from(self.from))
    }
}

struct State {
    offset: i32,
    dst: bool,
    name: Option<String>,
}

fn state_at(tz: Tz, t: DateTime<Utc>) -> State {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    State {
        offset: o.fix().local_minus_utc(),
        dst: o.dst_offset().num_seconds() != 0,
        name: o.abbreviation().map(str::to_string),
    }
}

fn same(a: &State, b: &State) -> bool {
    a.offset == b.offset && a.dst == b.dst && a.name == b.name
}

/// The zone's transitions from 1 January of `first` to the end of `last` (UTC), found by
/// comparing the offset day by day and then bisecting to the second.
pub fn transitions(tz: Tz, first: i32, last: i32) -> Vec<Transition> {
    let start = Utc
        .with_ymd_and_hms(first, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let end = Utc
        .with_ymd_and_hms(last + 1, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let mut out = Vec::new();
    let mut t = start;
    let mut before = state_at(tz, t);
    while t < end {
        let next = t + Duration::days(1);
        let after = state_at(tz, next);
        if !same(&before, &after) {
            // The change lies in (t, next]: bisect, in whole seconds.
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let at = DateTime::from_timestamp(mid, 0).unwrap_or(t);
                if same(&state_at(tz, at), &before) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let hi = DateTime::from_timestamp(hi, 0).unwrap_or(next);
            let changed = state_at(tz, hi);
            out.push(Transition {
                at: hi,
                from: before.offset,
                to: changed.offset,
                dst: changed.dst,
                name: changed.name.clone(),
            });
            // Several changes within one day are rare; continue from the change.
            before = changed;
            t = hi;
            continue;
        }
        before = after;
        t = next;
    }
    out
}

/// `1SU`, `2SU`, … or `-1SU` (the last one of the month) for a date.
fn byday_rule(date: NaiveDate) -> (u32, String) {
    let day = match date.weekday() {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    let last_of_month = date
        .checked_add_days(Days::new(7))
        .is_none_or(|d| d.month() != date.month());
    let nth = if last_of_month {
        "-1".to_string()
    } else {
        ((date.day() - 1) / 7 + 1).to_string()
    };
    (date.month(), format!("{nth}{day}"))
}

/// The yearly rule a transition follows, when the same kind of transition of the previous
/// year follows it too (same month, weekday rule, wall-clock time and offsets).
fn yearly_rule(t: &Transition, previous: &[&Transition]) -> Option<String> {
    let local = t.local_start();
    let (month, byday) = byday_rule(local.date());
    let prev = previous
        .iter()
        .find(|p| p.local_start().year() == local.year() - 1)?;
    let pl = prev.local_start();
    let (pmonth, pbyday) = byday_rule(pl.date());
    (pmonth == month
        && pbyday == byday
        && pl.time() == local.time()
        && prev.from == t.from
        && prev.to == t.to)
        .then(|| format!("FREQ=YEARLY;BYMONTH={month};BYDAY={byday}"))
}

fn write_observance(w: &mut Writer, t: &Transition, rrule: Option<&str>) {
    let kind = if t.dst { "DAYLIGHT" } else { "STANDARD" };
    w.begin(kind);
    w.line("DTSTART", &local_stamp(&t.local_start()));
    if let Some(r) = rrule {
        w.line("RRULE", r);
    }
    w.line("TZOFFSETFROM", &utc_offset(t.from));
    w.line("TZOFFSETTO", &utc_offset(t.to));
    if let Some(n) = &t.name {
        w.text("TZNAME", n);
    }
    w.end(kind);
}

/// A VTIMEZONE for `tz` over the years `first..=last`: the observance in force on 1 January
/// of `first`, then one per transition; the last transition of each kind repeats yearly when
/// the zone follows a weekday rule.
pub fn write_vtimezone(w: &mut Writer, tz: Tz, first: i32, last: i32) {
    w.begin("VTIMEZONE");
    w.line("TZID", &param_value(tz.name()));
    let start = Utc
        .with_ymd_and_hms(first, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let initial = state_at(tz, start);
    write_observance(
        w,
        &Transition {
            at: start - Duration::seconds(i64::from(initial.offset)),
            from: initial.offset,
            to: initial.offset,
            dst: initial.dst,
            name: initial.name.clone(),
        },
        None,
    );
    let all = transitions(tz, first, last);
    let last_dst = all.iter().rposition(|t| t.dst);
    let last_std = all.iter().rposition(|t| !t.dst);
    for (i, t) in all.iter().enumerate() {
        let is_last_of_kind = Some(i) == if t.dst { last_dst } else { last_std };
        let in_last_year = t.local_start().year() == last;
        let rule = if is_last_of_kind && in_last_year {
            let earlier: Vec<&Transition> = all[..i].iter().filter(|p| p.dst == t.dst).collect();
            yearly_rule(t, &earlier)
        } else {
            None
        };
        write_observance(w, t, rule.as_deref());
    }
    w.end("VTIMEZONE");
}

/// The first local date on or after `from` on which a weekly opening applies.
pub fn first_opening(
    from: NaiveDate,
    applies: impl Fn(NaiveDate) -> bool,
    until: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let mut d = from;
    for _ in 0..7 {
        if until.is_some_and(|u| d > u) {
            return None;
        }
        if applies(d) {
            return Some(d);
        }
        d = d.succ_opt()?;
    }
    None
}

/// The instant of a local wall-clock time in a zone (the earlier one when ambiguous, the time
/// after the gap when it does not exist).
pub fn local_to_utc(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\u{1}"),
            "a\\,b\\;c\\\\d\\ne\\nf"
        );
        assert_eq!(param_value("Europe/Paris"), "Europe/Paris");
        assert_eq!(param_value("a:b"), "\"a:b\"");
    }

    #[test]
    fn folding_respects_octets_and_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(100));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        let mut short = String::new();
        fold("A:b", &mut short);
        assert_eq!(short, "A:b\r\n");
    }

    #[test]
    fn paris_transitions_and_rules() {
        let all = transitions(chrono_tz::Europe::Paris, 2026, 2027);
        assert_eq!(all.len(), 4);
        assert_eq!(
            all[0].at,
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
        );
        assert!(all[0].dst);
        assert_eq!((all[0].from, all[0].to), (3600, 7200));
        assert_eq!(local_stamp(&all[0].local_start()), "20260329T020000");
        assert_eq!(local_stamp(&all[1].local_start()), "20261025T030000");
        let earlier: Vec<&Transition> = vec![&all[0]];
        assert_eq!(
            yearly_rule(&all[2], &earlier).as_deref(),
            Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
        );
        let mut w = Writer::new();
        write_vtimezone(&mut w, chrono_tz::America::New_York, 2026, 2027);
        let text = w.finish();
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"),
            "{text}"
        );
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"));
        assert!(text.contains("TZOFFSETTO:-0400"));
        // No daylight saving time: one observance.
        let mut w = Writer::new();
        write_vtimezone(&mut w, chrono_tz::Asia::Tokyo, 2026, 2027);
        let text = w.finish();
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1, "{text}");
        assert!(!text.contains("DAYLIGHT"));
    }

    #[test]
    fn offsets() {
        assert_eq!(utc_offset(3600), "+0100");
        assert_eq!(utc_offset(-12600), "-0330");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(561), "+000921");
    }
}
