# Passerelle interface text: English (the reference catalogue).
# How to edit or add a catalogue: docs/translating.md

## Every page

skip-to-content = Skip to content
language-switcher = Language
staff-sign-in-link = Staff sign-in
footer-software = Powered by Passerelle, a federated directory

## Home page

home-organizations = Organisations
home-no-organizations = No organisation yet.
home-newest = Newest entries
home-calendar = Calendar of events (iCalendar: subscribe in your calendar app)
home-atom = New entries (Atom feed)
home-no-entries = No entry yet.
home-partners = Partner instances

## Following from the fediverse

follow-title = Follow from your fediverse account
follow-help-org = Copy this handle into the search box of your Mastodon (or other fediverse) app and follow it to see new entries.
follow-help-topic = Copy this handle into the search box of your Mastodon (or other fediverse) app and follow it: new entries will appear in your home feed.

## Organisation page

org-website = Website
org-address = Address
org-phone = Phone
org-languages = Languages spoken

## Topic page

topic-latest = Latest entries
topic-no-entries = No entries yet.

## Entry page

kind-service = Service
kind-event = Event
kind-offer = Volunteer offer
# Shown when the entry has no text in the reader's language. $language is a language name.
fallback-note = This text is in { $language }.
# The same when we have no name for the language. $tag is a code such as "ti" or "prs".
fallback-note-code = This text is in another language (code: { $tag }).
field-categories = Categories
field-languages = Languages
field-status = Status
field-opening-hours = Opening hours
field-eligibility = Who can use it
field-age = Age
field-cost = Cost
cost-free = Free
cost-not-free = Not free
field-how-to-apply = How to apply
field-documents = Documents to bring
field-interpretation = Interpretation
interpretation-available = Available
field-area-served = Area served
field-website = Website
field-email = Email
field-phone = Phone
field-online = Online
field-last-verified = Last verified
field-starts = Starts
field-ends = Ends
field-places = Places
field-places-left = Places left
field-how-to-join = How to join
field-registration = Registration
field-contact = Contact
field-help-offered = Help offered
field-area = Area
field-days = Days
field-times = Times
field-until = Until
field-requirements = Requirements
offer-contact = Through the organisation, which puts you in touch.
location-address = Address
open-map = Open in a map application
origin-local = Published by { $org } on this instance
origin-remote = Published on { $domain }
service-status-active = Open
service-status-inactive = Not running at the moment
service-status-temporarily-closed = Temporarily closed
service-status-defunct = Closed for good
event-status-tentative = To be confirmed
event-status-confirmed = Confirmed
event-status-cancelled = Cancelled
join-free = Just come
join-registration = Register first
join-external = Register on another website
area-city = City
area-region = Region
area-online = Online

## Language names (for the note above)

language-en = English
language-fr = French
language-it = Italian
language-es = Spanish
language-de = German
language-ar = Arabic
language-uk = Ukrainian
language-fa = Persian
language-ps = Pashto
language-ti = Tigrinya
language-so = Somali
language-tr = Turkish
language-ru = Russian
language-pt = Portuguese
language-ro = Romanian
language-ku = Kurdish

## Staff pages

staff-sign-in-title = Staff sign-in
staff-email = Email address
staff-password = Password
staff-sign-in = Sign in
staff-sign-out = Sign out
staff-sign-in-failed = The email address or the password is not right.
staff-too-many-attempts = Too many sign-in attempts. Wait a few minutes, then try again.
staff-field-required = Fill in this field.
staff-signed-in-as = Signed in as { $email }
staff-dashboard-title = Staff pages
staff-your-organizations = Your organisations
staff-no-organization = Your account is not linked to an organisation yet.
staff-no-entries = This organisation has no entry yet.
staff-public-page = Public page
staff-role = Role
role-admin = Administrator
role-moderator = Moderator
role-editor = Editor
staff-change-password = Change password
staff-current-password = Current password
staff-new-password = New password
staff-new-password-again = New password again
staff-save = Save
staff-password-changed = Your password has been changed.
staff-wrong-current-password = This is not your current password.
staff-password-too-short = The password must be at least { $min } characters long.
staff-passwords-differ = The two new passwords are not the same.
staff-back = Back to the staff pages
csrf-title = This form cannot be accepted
csrf-text = The form was open for too long, or it was sent from another website. Go back, reload the page and try again.
