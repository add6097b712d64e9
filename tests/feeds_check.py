#!/usr/bin/env python3
"""Parses a calendar or a feed with independent parsers and prints a JSON summary.

    python3 tests/feeds_check.py ical < calendar.ics
    python3 tests/feeds_check.py feed < feed.xml

`ical` uses the `icalendar` package (PyPI): the document must parse, and every VTIMEZONE is
turned into a time zone of its own (not looked up by name) and compared with the tz database
(zoneinfo) on the first day of every month from the events' first year to three years on.
`feed` uses `feedparser` (PyPI) on Atom and RSS. Used by tests/integration/feeds.rs; CI
installs the pinned packages (.ci/run).
"""
import datetime
import json
import sys
import zoneinfo


def prop_str(comp, name):
    value = comp.get(name)
    if value is None:
        return None
    if hasattr(value, "to_ical"):
        raw = value.to_ical()
        return raw.decode() if isinstance(raw, bytes) else str(raw)
    return str(value)


def check_ical(data: bytes):
    import icalendar

    text = data.decode("utf-8")
    lines = text.split("\r\n")
    summary = {
        "crlf_only": "\n" not in text.replace("\r\n", "") and text.endswith("\r\n"),
        "max_line_octets": max(len(line.encode("utf-8")) for line in lines),
    }
    cal = icalendar.Calendar.from_ical(text)
    summary["version"] = str(cal.get("VERSION"))
    summary["prodid"] = str(cal.get("PRODID"))
    summary["name"] = str(cal.get("X-WR-CALNAME"))
    events = []
    first_year = None
    for ev in cal.walk("VEVENT"):
        start = ev.get("DTSTART")
        end = ev.get("DTEND")
        geo = ev.get("GEO")
        raw_cats = ev.get("CATEGORIES")
        cats = []
        for c in raw_cats if isinstance(raw_cats, list) else ([raw_cats] if raw_cats is not None else []):
            cats.extend(str(x) for x in c.cats)
        summary_prop = ev.get("SUMMARY")
        dt = start.dt
        first_year = dt.year if first_year is None else min(first_year, dt.year)
        events.append(
            {
                "uid": str(ev.get("UID")),
                "summary": str(summary_prop),
                "summary_lang": summary_prop.params.get("LANGUAGE"),
                "description": str(ev.get("DESCRIPTION")) if ev.get("DESCRIPTION") else None,
                "dtstart": dt.replace(tzinfo=None).isoformat(),
                "dtstart_tzid": start.params.get("TZID"),
                "dtstart_utc": dt.astimezone(datetime.timezone.utc).isoformat() if dt.tzinfo else None,
                "dtend": end.dt.replace(tzinfo=None).isoformat() if end else None,
                "dtend_tzid": end.params.get("TZID") if end else None,
                "dtstamp": ev.get("DTSTAMP").dt.isoformat(),
                "last_modified": ev.get("LAST-MODIFIED").dt.isoformat()
                if ev.get("LAST-MODIFIED")
                else None,
                "sequence": int(ev.get("SEQUENCE")) if ev.get("SEQUENCE") is not None else None,
                "status": str(ev.get("STATUS")) if ev.get("STATUS") else None,
                "rrule": prop_str(ev, "RRULE"),
                "categories": cats,
                "geo": [geo.latitude, geo.longitude] if geo else None,
                "url": str(ev.get("URL")) if ev.get("URL") else None,
                "location": str(ev.get("LOCATION")) if ev.get("LOCATION") else None,
            }
        )
    summary["events"] = events

    # Every zone used has a VTIMEZONE, and each agrees with the tz database.
    timezones = {}
    for vtz in cal.walk("VTIMEZONE"):
        tzid = str(vtz.get("TZID"))
        own = vtz.to_tz(lookup_tzid=False)
        reference = zoneinfo.ZoneInfo(tzid)
        mismatches = []
        year = first_year or datetime.date.today().year
        for y in range(year, year + 4):
            for m in range(1, 13):
                for d, h in ((1, 12), (15, 3)):
                    naive = datetime.datetime(y, m, d, h, 0)
                    a = naive.replace(tzinfo=own).utcoffset() if not hasattr(own, "localize") else own.localize(naive).utcoffset()
                    b = naive.replace(tzinfo=reference).utcoffset()
                    if a != b:
                        mismatches.append(f"{naive.isoformat()}: {a} != {b}")
        timezones[tzid] = {"mismatches": mismatches[:5]}
    summary["timezones"] = timezones
    used = sorted({e["dtstart_tzid"] for e in events if e["dtstart_tzid"]})
    summary["tzids_used"] = used
    summary["every_tzid_defined"] = all(t in timezones for t in used)
    return summary


def check_feed(data: bytes):
    import feedparser

    parsed = feedparser.parse(data)
    return {
        "bozo": bool(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception")) if parsed.bozo else None,
        "version": parsed.version,
        "title": parsed.feed.get("title"),
        "link": parsed.feed.get("link"),
        "language": parsed.feed.get("language"),
        "updated": parsed.feed.get("updated"),
        "entries": [
            {
                "id": e.get("id"),
                "title": e.get("title"),
                "link": e.get("link"),
                "updated": e.get("updated"),
                "summary": e.get("summary"),
                "tags": [t.get("term") for t in e.get("tags", [])],
                "author": e.get("author"),
            }
            for e in parsed.entries
        ],
    }


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    data = sys.stdin.buffer.read()
    if mode == "ical":
        out = check_ical(data)
    elif mode == "feed":
        out = check_feed(data)
    else:
        sys.exit("usage: feeds_check.py ical|feed < document")
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
