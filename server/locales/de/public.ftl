# Texte der Passerelle-Oberfläche: öffentliche Seiten (Suche, Kalender, Folgen aus dem
# Fediverse, Anfragen nach Begleitung) und Team-Seiten für die Anfragen. Deutsch.

## Startseite (Ergänzungen)

home-search-label = Im Verzeichnis suchen
home-events-link = Veranstaltungskalender, Tag für Tag
home-categories = Kategorien
home-upcoming = Kommende Veranstaltungen

## Suche

search-title = Suche
search-has-errors = Einige Filter stimmen nicht. Sieh dir die Hinweise neben den Feldern an.
search-words = Suchbegriffe
search-kind = Art
search-any = Alle
search-category = Kategorie
search-language = Sprache der Hilfe
search-language-hint = Ein Sprachcode, zum Beispiel fr, ar oder uk.
search-locality = Stadt oder Ort
search-country = Land
search-country-hint = Ein zweistelliger Ländercode, zum Beispiel FR oder IT.
search-near = In der Nähe eines Ortes
search-near-me = In meiner Nähe
search-near-wait = Dein Browser fragt nach deinem Standort …
search-near-done = Standort gefunden. Suche läuft …
search-near-error = Dein Standort ist nicht verfügbar. Gib stattdessen eine Stadt ein.
search-lat = Breitengrad
search-lon = Längengrad
search-radius = Entfernung (km)
search-free = Nur kostenlose
search-open-now = Jetzt geöffnet
search-more = Weitere Filter
search-from = Veranstaltungen ab (Datum)
search-to = Veranstaltungen bis (Datum)
search-age = Alter
search-origin = Veröffentlicht auf
search-origin-hint = „local“ für diese Instanz oder die Domain einer Partnerinstanz.
search-status = Status
search-status-hint = Zum Beispiel: all, active, cancelled.
search-submit = Suchen
search-clear = Alle Filter entfernen
search-results = { $count ->
    [one] Ein Ergebnis
   *[other] { $count } Ergebnisse
}
search-refine = Suche verfeinern
search-facet-kind = Art
search-facet-category = Kategorie
search-facet-language = Sprache der Hilfe
search-facet-country = Land
search-distance = { $km } km entfernt
search-nothing = Keine Treffer. Versuche es mit weniger Wörtern oder weniger Filtern.
search-pages = Seiten
search-prev = Vorherige Seite
search-next = Nächste Seite
search-page-of = Seite { $page } von { $pages }
search-calendar = Diese Veranstaltungen in deinem Kalender (iCalendar)
search-atom = Neue Einträge dieser Suche (Atom-Feed)
search-error-kind = Wähle Angebot, Veranstaltung oder ehrenamtliches Angebot.
search-error-category = Diese Kategorie gibt es nicht.
search-error-language = Gib einen Sprachcode ein, zum Beispiel fr oder pt-BR.
search-error-country = Gib einen zweistelligen Ländercode ein, zum Beispiel FR.
search-error-lat = Gib einen Breitengrad von -90 bis 90 ein, zusammen mit einem Längengrad.
search-error-lon = Gib einen Längengrad von -180 bis 180 ein, zusammen mit einem Breitengrad.
search-error-radius_km = Gib eine Entfernung in Kilometern ein, über 0 und höchstens 20000, mit Breiten- und Längengrad.
search-error-from = Gib ein Datum wie 2026-12-05 ein.
search-error-to = Gib ein Datum wie 2026-12-05 ein, nicht vor dem ersten Datum.
search-error-open_now = Der Wert muss ja oder nein sein.
search-error-free = Der Wert muss ja oder nein sein.
search-error-age = Gib ein Alter von 0 bis 150 ein.
search-error-origin = Gib „local“ oder die Domain einer Instanz ein, zum Beispiel verzeichnis.example.org.
search-error-status = Diesen Status gibt es nicht.
search-error-page = Gib eine Seitenzahl ab 1 ein.
search-error-per_page = Gib eine Anzahl von Ergebnissen pro Seite von 1 bis 100 ein.

## Veranstaltungskalender

events-title = Veranstaltungskalender
events-navigation = Wochen
events-prev-week = Vorherige Woche
events-next-week = Nächste Woche
events-this-week = Diese Woche
events-upcoming = Kommende Tage
events-upcoming-title = Die nächsten { $days } Tage
events-week-title = Woche { $week }: { $first } – { $last }
events-week-field = Woche (zum Beispiel 2026-W48)
events-show = Anzeigen
events-zone-note = Die Uhrzeiten sind die des Ortes jeder Veranstaltung, mit ihrer Zeitzone.
events-none = Keine Veranstaltung in diesem Zeitraum.
events-online = Online
events-ical = In deiner Kalender-App abonnieren (iCalendar)
events-error-week = Gib eine Woche wie 2026-W48 ein.
events-error-from = Gib ein Datum wie 2026-11-30 ein.

## Von einem anderen Fediverse-Konto folgen

follow-copy-handle = Kopiere diese Adresse in die Suche deiner Mastodon-App (oder einer anderen Fediverse-App) oder gib unten dein eigenes Konto ein.
follow-your-account = Dein Fediverse-Konto
follow-account-placeholder = du@dein.server
follow-account-hint = Zum Beispiel alice@mastodon.social. Wir fragen deinen Server nach seiner Folgen-Seite und schicken dich dorthin.
follow-submit = Von meinem Konto folgen
follow-back = Zurück
follow-error-malformed = Das ist keine Kontoadresse. Schreib sie als name@server, zum Beispiel alice@mastodon.social.
follow-error-blocked = Diese Instanz tauscht nichts mit { $server } aus.
follow-error-unreachable = { $server } hat nicht geantwortet. Prüfe die Adresse oder kopiere die Adresse oben in deine App.
follow-error-no-account = { $server } kennt dieses Konto nicht. Prüfe den Namen.
follow-error-no-template = { $server } bietet keine Folgen-Seite an. Kopiere stattdessen die Adresse oben in deine App.
follow-error-too-many = Zu viele Versuche. Warte eine Minute und versuche es dann noch einmal.
interaction-title = Von deinem Fediverse-Konto folgen
interaction-no-accounts = Dieses Verzeichnis hat keine Konten für Lesende, deshalb kannst du hier nicht folgen. Folge stattdessen von deinem eigenen Fediverse-Konto (Mastodon oder einem anderen).
interaction-copy-uri = Kopiere diese Adresse in die Suche deiner Fediverse-App:
interaction-home = Zurück zur Startseite
open-osm = In OpenStreetMap öffnen

## Nach Begleitung fragen

buddy-title = Nach Begleitung fragen
buddy-intro = Die Organisation liest deine Anfrage und bringt dich mit der ehrenamtlichen Person in Kontakt. Du brauchst kein Konto.
buddy-name = Dein Name oder ein Pseudonym
buddy-contact = Wie du erreichbar bist
buddy-contact-hint = Eine Telefonnummer, eine E-Mail-Adresse oder ein anderer Weg, dich zu erreichen.
buddy-language = Deine bevorzugte Sprache
buddy-message = Deine Nachricht
buddy-privacy = Nur das Team der Organisation liest diese Anfrage. Sie wird nicht veröffentlicht und nach einiger Zeit gelöscht.
buddy-submit = Anfrage senden
buddy-honeypot = Dieses Feld leer lassen
buddy-sent = Deine Anfrage wurde gesendet. Die Organisation meldet sich bei dir.
buddy-remote = Dieses Angebot ist auf einer anderen Instanz veröffentlicht: frag dort auf seiner Seite nach Begleitung.
buddy-closed = Dieses Angebot nimmt gerade keine Anfragen an.
buddy-required = Füll dieses Feld aus.
buddy-too-long = Das ist zu lang: höchstens { $max } Zeichen.
buddy-bad-language = Wähle eine Sprache aus der Liste.
buddy-too-many = Von deiner Verbindung wurden zu viele Anfragen gesendet. Warte ein paar Minuten und sende sie dann noch einmal.
buddy-refused = Diese Anfrage kann nicht angenommen werden.
buddy-too-fast = Das Formular wurde sehr schnell gesendet. Prüfe es und sende es noch einmal.
buddy-expired = Das Formular war zu lange offen. Prüfe es und sende es noch einmal.

## Team: Anfragen nach Begleitung

requests-title = Anfragen nach Begleitung
requests-private = Nur das Team deiner Organisation sieht die Anfragen; sie werden { $days } Tage nach dem Senden gelöscht.
requests-open = Zu erledigen
requests-handled = Erledigt
requests-none = Keine.
requests-detail-title = Anfrage nach Begleitung
requests-back = Alle Anfragen
requests-offer = Ehrenamtliches Angebot
requests-sent = Gesendet am
requests-mark-handled = Als erledigt markieren
requests-handled-on = Erledigt am { $date }.
