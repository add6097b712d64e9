# Passerelle interface text: public pages (search, events calendar, remote follow, buddy
# requests) and the staff pages of buddy requests. English, the reference.

## Home page additions

home-search-label = Search the directory
home-events-link = Calendar of events, day by day
home-categories = Categories
home-upcoming = Upcoming events

## Search page

search-title = Search
search-has-errors = Some filters are not right. Look at the messages beside the fields.
search-words = Words to look for
search-kind = Kind
search-any = Any
search-category = Category
search-language = Language of help
search-language-hint = A language code, such as fr, ar or uk.
search-locality = City or town
search-country = Country
search-country-hint = A two-letter country code, such as FR or IT.
search-near = Near a place
search-near-me = Near me
search-near-wait = Asking your browser for your location…
search-near-done = Location found. Searching…
search-near-error = Your location is not available. Type a city instead.
search-lat = Latitude
search-lon = Longitude
search-radius = Distance (km)
search-free = Free only
search-open-now = Open now
search-more = More filters
search-from = Events from (date)
search-to = Events until (date)
search-age = Age
search-origin = Published on
search-origin-hint = "local" for this instance, or the domain of a partner instance.
search-status = Status
search-status-hint = For example: all, active, cancelled.
search-submit = Search
search-clear = Clear all filters
search-results = { $count ->
    [one] One result
   *[other] { $count } results
}
search-refine = Refine the search
search-facet-kind = Kind
search-facet-category = Category
search-facet-language = Language of help
search-facet-country = Country
search-distance = { $km } km away
search-nothing = Nothing matches. Try fewer words or fewer filters.
search-pages = Pages
search-prev = Previous page
search-next = Next page
search-page-of = Page { $page } of { $pages }
search-calendar = These events in your calendar (iCalendar)
search-atom = New entries of this search (Atom feed)
search-error-kind = Choose service, event or volunteer offer.
search-error-category = This category does not exist.
search-error-language = Type a language code, such as fr or pt-BR.
search-error-country = Type a two-letter country code, such as FR.
search-error-lat = Type a latitude from -90 to 90, together with a longitude.
search-error-lon = Type a longitude from -180 to 180, together with a latitude.
search-error-radius_km = Type a distance in kilometres, above 0 and at most 20000, with a latitude and a longitude.
search-error-from = Type a date such as 2026-12-05.
search-error-to = Type a date such as 2026-12-05, not before the first date.
search-error-open_now = This must be yes or no.
search-error-free = This must be yes or no.
search-error-age = Type an age from 0 to 150.
search-error-origin = Type "local" or the domain of an instance, such as directory.example.org.
search-error-status = This status does not exist.
search-error-page = Type a page number from 1.
search-error-per_page = Type a number of results per page from 1 to 100.

## Events calendar

events-title = Events calendar
events-navigation = Weeks
events-prev-week = Previous week
events-next-week = Next week
events-this-week = This week
events-upcoming = Coming days
events-upcoming-title = The next { $days } days
events-week-title = Week { $week }: { $first } – { $last }
events-week-field = Week (such as 2026-W48)
events-show = Show
events-zone-note = Times are those of the place of each event, with its time zone.
events-none = No event in this period.
events-online = Online
events-ical = Subscribe in your calendar app (iCalendar)
events-error-week = Type a week such as 2026-W48.
events-error-from = Type a date such as 2026-11-30.

## Following from another fediverse account

follow-copy-handle = Copy this handle into the search box of your Mastodon (or other fediverse) app, or type your own account below.
follow-your-account = Your fediverse account
follow-account-placeholder = you@your.server
follow-account-hint = For example alice@mastodon.social. We ask your server for its follow page and send you there.
follow-submit = Follow from my account
follow-back = Back
follow-error-malformed = This is not an account address. Type it as name@server, for example alice@mastodon.social.
follow-error-blocked = This instance does not exchange with { $server }.
follow-error-unreachable = { $server } did not answer. Check the address, or copy the handle above into your app.
follow-error-no-account = { $server } does not know this account. Check the name.
follow-error-no-template = { $server } does not offer a follow page. Copy the handle above into your app instead.
follow-error-too-many = Too many attempts. Wait a minute, then try again.
interaction-title = Follow from your fediverse account
interaction-no-accounts = This directory has no reader accounts, so you cannot follow from here. Follow from your own fediverse account (Mastodon or another) instead.
interaction-copy-uri = Copy this address into the search box of your fediverse app:
interaction-home = Back to the home page
open-osm = Open in OpenStreetMap

## Asking for a buddy

buddy-title = Ask for a buddy
buddy-intro = The organisation reads your request and puts you in touch with the volunteer. No account is needed.
buddy-name = Your name or a pseudonym
buddy-contact = How to reach you
buddy-contact-hint = A phone number, an email address or another way to reach you.
buddy-language = Your preferred language
buddy-message = Your message
buddy-privacy = Only the organisation's staff read this request. It is not published, and it is deleted after some time.
buddy-submit = Send the request
buddy-honeypot = Leave this field empty
buddy-sent = Your request has been sent. The organisation will contact you.
buddy-remote = This offer is published on another instance: ask for a buddy on its page there.
buddy-closed = This offer does not take requests at the moment.
buddy-required = Fill in this field.
buddy-too-long = This is too long: at most { $max } characters.
buddy-bad-language = Choose a language from the list.
buddy-too-many = Too many requests were sent from your connection. Wait a few minutes, then send it again.
buddy-refused = This request cannot be accepted.
buddy-too-fast = The form was sent very quickly. Check it, then send it again.
buddy-expired = The form was open for too long. Check it, then send it again.

## Staff: buddy requests

requests-title = Buddy requests
requests-private = Requests are seen only by your organisation's staff and are deleted { $days } days after they were sent.
requests-open = To handle
requests-handled = Handled
requests-none = None.
requests-detail-title = Buddy request
requests-back = All requests
requests-offer = Volunteer offer
requests-sent = Sent on
requests-mark-handled = Mark as handled
requests-handled-on = Handled on { $date }.
