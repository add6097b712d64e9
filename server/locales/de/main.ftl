# Texte der Oberfläche von Passerelle: Deutsch.
# Wie man einen Katalog bearbeitet oder hinzufügt: docs/translating.md

## Alle Seiten

skip-to-content = Zum Inhalt springen
language-switcher = Sprache
staff-sign-in-link = Anmeldung für Mitarbeitende
footer-software = Betrieben mit Passerelle, einem föderierten Verzeichnis

## Startseite

home-organizations = Organisationen
home-no-organizations = Noch keine Organisation.
home-newest = Neueste Einträge
home-calendar = Veranstaltungskalender (iCalendar: in Ihrer Kalender-App abonnieren)
home-atom = Neue Einträge (Atom-Feed)
home-no-entries = Noch kein Eintrag.
home-partners = Partner-Instanzen

## Aus dem Fediverse folgen

follow-title = Mit deinem Fediverse-Konto folgen
follow-help-org = Kopiere diese Adresse in das Suchfeld deiner Mastodon-App (oder einer anderen Fediverse-App) und folge ihr, um neue Einträge zu sehen.
follow-help-topic = Kopiere diese Adresse in das Suchfeld deiner Mastodon-App (oder einer anderen Fediverse-App) und folge ihr: Neue Einträge erscheinen dann in deiner Startseite.

## Seite einer Organisation

org-website = Website
org-address = Adresse
org-phone = Telefon
org-languages = Gesprochene Sprachen

## Themenseite

topic-latest = Neueste Einträge
topic-no-entries = Noch keine Einträge.

## Seite eines Eintrags

kind-service = Angebot
kind-event = Veranstaltung
kind-offer = Ehrenamtliches Angebot
fallback-note = Dieser Text ist auf { $language }.
fallback-note-code = Dieser Text ist in einer anderen Sprache (Code: { $tag }).
field-categories = Kategorien
field-languages = Sprachen
field-status = Status
field-opening-hours = Öffnungszeiten
field-eligibility = Für wen
field-age = Alter
field-cost = Kosten
cost-free = Kostenlos
cost-not-free = Kostenpflichtig
field-how-to-apply = So bekommst du Zugang
field-documents = Mitzubringende Unterlagen
field-interpretation = Dolmetschen
interpretation-available = Verfügbar
field-area-served = Einzugsgebiet
field-website = Website
field-email = E-Mail
field-phone = Telefon
field-online = Online
field-last-verified = Zuletzt geprüft
field-starts = Beginn
field-ends = Ende
field-places = Plätze
field-places-left = Freie Plätze
field-how-to-join = Teilnahme
field-registration = Anmeldung
field-contact = Kontakt
field-help-offered = Angebotene Hilfe
field-area = Gebiet
field-days = Tage
field-times = Zeiten
field-until = Bis
field-requirements = Voraussetzungen
offer-contact = Über die Organisation, die euch miteinander in Kontakt bringt.
location-address = Adresse
open-map = In einer Karten-App öffnen
origin-local = Veröffentlicht von { $org } auf dieser Instanz
origin-remote = Veröffentlicht auf { $domain }
service-status-active = Geöffnet
service-status-inactive = Zurzeit nicht in Betrieb
service-status-temporarily-closed = Vorübergehend geschlossen
service-status-defunct = Dauerhaft geschlossen
event-status-tentative = Noch nicht bestätigt
event-status-confirmed = Bestätigt
event-status-cancelled = Abgesagt
join-free = Einfach vorbeikommen
join-registration = Vorher anmelden
join-external = Anmeldung auf einer anderen Website
area-city = Stadt
area-region = Region
area-online = Online

## Sprachnamen (für den Hinweis oben: „Dieser Text ist auf …“)

language-en = Englisch
language-fr = Französisch
language-it = Italienisch
language-es = Spanisch
language-de = Deutsch
language-ar = Arabisch
language-uk = Ukrainisch
language-fa = Persisch
language-ps = Paschtu
language-ti = Tigrinya
language-so = Somali
language-tr = Türkisch
language-ru = Russisch
language-pt = Portugiesisch
language-ro = Rumänisch
language-ku = Kurdisch

## Seiten für Mitarbeitende

staff-sign-in-title = Anmeldung für Mitarbeitende
staff-email = E-Mail-Adresse
staff-password = Passwort
staff-sign-in = Anmelden
staff-sign-out = Abmelden
staff-sign-in-failed = Die E-Mail-Adresse oder das Passwort ist nicht richtig.
staff-too-many-attempts = Zu viele Anmeldeversuche. Warte ein paar Minuten und versuche es dann erneut.
staff-field-required = Bitte fülle dieses Feld aus.
staff-signed-in-as = Angemeldet als { $email }
staff-dashboard-title = Seiten für Mitarbeitende
staff-your-organizations = Deine Organisationen
staff-no-organization = Dein Konto ist noch keiner Organisation zugeordnet.
staff-no-entries = Diese Organisation hat noch keinen Eintrag.
staff-public-page = Öffentliche Seite
staff-role = Rolle
role-admin = Administration
role-moderator = Moderation
role-editor = Redaktion
staff-change-password = Passwort ändern
staff-current-password = Aktuelles Passwort
staff-new-password = Neues Passwort
staff-new-password-again = Neues Passwort wiederholen
staff-save = Speichern
staff-password-changed = Dein Passwort wurde geändert.
staff-wrong-current-password = Das ist nicht dein aktuelles Passwort.
staff-password-too-short = Das Passwort muss mindestens { $min } Zeichen lang sein.
staff-passwords-differ = Die beiden neuen Passwörter stimmen nicht überein.
staff-back = Zurück zu den Seiten für Mitarbeitende
csrf-title = Dieses Formular kann nicht angenommen werden
csrf-text = Das Formular war zu lange geöffnet oder wurde von einer anderen Website gesendet. Geh zurück, lade die Seite neu und versuche es erneut.
