# Moderations- und Verwaltungsseiten (/staff/admin/...) und öffentliches Meldeformular (/report).

## Navigation und allgemeine Wörter

admin-links-title = Moderation und Verwaltung
admin-overview-title = Moderationsübersicht
admin-reports-title = Meldungen
admin-review-title = Prüfwarteschlange
admin-entries-title = Eintrag entfernen oder wiederherstellen
admin-blocks-title = Gesperrte Domains
admin-actors-title = Entfernte Konten
admin-log-title = Moderationsprotokoll
admin-users-title = Benutzer
admin-orgs-title = Organisationen
admin-import-title = Angebote importieren
admin-forbidden-title = Nicht erlaubt
admin-forbidden-text = Ihre Rolle gibt keinen Zugang zu dieser Seite.
admin-not-found-title = Nicht gefunden
admin-not-found-text = Hier ist nichts: Es wurde vielleicht gelöscht.
admin-refused-title = Nicht ausgeführt
admin-refused-text = Diese Aktion konnte nicht ausgeführt werden.
admin-none = Hier ist nichts.
admin-created = Erstellt
admin-when = Wann
admin-state = Status
admin-target = Gemeldeter Inhalt
admin-origin = Herkunft
admin-entry = Eintrag
admin-kind = Art
admin-ap-id = ActivityPub-Kennung
admin-reason = Grund (wird im Moderationsprotokoll gespeichert)
admin-details = Details
admin-delete = Löschen
admin-find = Suchen
admin-filter = Filtern
admin-never = Nie
admin-expired = abgelaufen
admin-too-long = Dieser Text ist zu lang.
admin-bad-date = Schreiben Sie ein Datum wie 2027-01-31.
admin-email = E-Mail-Adresse
admin-password = Passwort
admin-password-help = Mindestens { $min } Zeichen.
admin-organization = Organisation
admin-no-org = Keine Organisation
admin-choose-org = Organisation wählen
admin-unknown-org = Diese Organisation gibt es nicht.
admin-active = Aktiv
admin-disabled = Deaktiviert
admin-pages = Seiten
admin-previous = Zurück
admin-next = Weiter

## Übersicht

admin-federation-mode = Föderationsmodus
admin-mode-open = Offen: alle Instanzen außer gesperrten Domains
admin-mode-allowlist = Positivliste: nur die aufgeführten Domains
admin-review-mode = Prüfung entfernter Einträge
admin-open-reports = Offene Meldungen
admin-pending-entries = Einträge, die auf Prüfung warten

## Meldungen

admin-report-filter = Meldungen anzeigen
admin-reports-open = Offen
admin-reports-resolved = Erledigt
admin-reports-all = Alle
admin-report-open = Offen
admin-report-resolved = Erledigt
admin-report-local = Meldeformular
admin-report-remote = Anderer Server
admin-no-reports = Hier gibt es keine Meldung.
admin-report-title = Meldung
admin-resolved = Erledigt
admin-forwarded = An die Herkunft weitergeleitet
admin-resolve = Erledigen
admin-resolve-action = Maßnahme
admin-resolve-note = Notiz
admin-action-none = Keine Maßnahme
admin-action-remove-entry = Eintrag entfernen
admin-action-limit-domain = Seine Domain einschränken
admin-action-block-domain = Seine Domain sperren
admin-forward = An den Herkunftsserver weiterleiten
admin-forward-help = Der Herkunftsserver erhält die Meldung von dieser Instanz, ohne Angaben dazu, wer gemeldet hat.

## Einträge und Prüfung

admin-entry-find = Adresse oder Kennung des Eintrags
admin-entry-find-help = Die ActivityPub-Kennung des Eintrags, die Adresse seiner Seite hier oder seine Kennung.
admin-entry-unknown = Hier gibt es keinen Eintrag mit dieser Adresse oder Kennung.
admin-removed-entries = Entfernte Einträge
admin-remove = Entfernen
admin-restore = Wiederherstellen
admin-already-removed = Dieser Eintrag ist bereits entfernt.
admin-state-visible = Sichtbar
admin-state-limited = Eingeschränkt
admin-state-pending-review = Wartet auf Prüfung
admin-state-removed = Entfernt
admin-approve = Freigeben
admin-reject = Ablehnen
admin-review-empty = Kein Eintrag wartet auf Prüfung.
admin-not-pending = Dieser Eintrag wartet nicht auf Prüfung.

## Gesperrte Domains und entfernte Konten

admin-domain = Domain
admin-domain-help = Ein Domainname wie spam.example; seine Subdomains werden ebenfalls gesperrt.
admin-bad-domain = Schreiben Sie einen Domainnamen wie spam.example.
admin-severity = Schwere
admin-severity-suspend = Sperren
admin-severity-limit = Einschränken
admin-severity-suspend-help = kein Austausch; seine Inhalte werden entfernt und Abonnements beendet
admin-severity-limit-help = aus Listen und Suche ausgeblendet, per Link erreichbar; Abonnements brauchen eine Freigabe
admin-bad-severity = Wählen Sie Sperren oder Einschränken.
admin-public-reason = Öffentlicher Grund
admin-private-reason = Interner Grund (nur für das Team)
admin-expires = Ablauf
admin-expires-help = Optional: Die Sperre endet am Ende dieses Tages (UTC).
admin-expiry-past = Der Ablauf muss in der Zukunft liegen.
admin-no-blocks = Keine Domain ist gesperrt.
admin-block-create = Domain sperren
admin-actor = Konto (ActivityPub-Kennung)
admin-actor-help = Die Adresse eines entfernten Kontos, etwa https://social.example/users/name.
admin-bad-actor = Schreiben Sie die Adresse (https://…) eines Kontos auf einem anderen Server.
admin-actor-create = Konto sperren oder einschränken
admin-no-sanctions = Kein entferntes Konto ist gesperrt oder eingeschränkt.
admin-lift = Aufheben

## Moderationsprotokoll

admin-log-action = Aktion
admin-log-action-help = Zum Beispiel entry.remove, domain_block.create, user.role_change.
admin-log-actor = Wer (E-Mail)
admin-log-target = Ziel enthält
admin-log-count = { $count ->
    [one] Eine Aktion
   *[other] { $count } Aktionen
}
admin-export-csv = Als CSV exportieren
admin-export-json = Als JSON exportieren

## Benutzer

admin-user-create = Benutzer anlegen
admin-bad-role = Wählen Sie eine Rolle.
admin-editor-needs-org = Redakteure gehören zu einer Organisation: Wählen Sie eine.
admin-user-role = Rolle ändern
admin-user-password = Neues Passwort setzen
admin-user-disable = Dieses Konto deaktivieren
admin-user-enable = Dieses Konto wieder aktivieren
admin-user-delete = Dieses Konto löschen
admin-confirm-email-label = Geben Sie zur Bestätigung die E-Mail-Adresse des Kontos ein
admin-confirm-email = Geben Sie die E-Mail-Adresse des Kontos genau ein.

## Organisationen

admin-org-create = Organisation anlegen
admin-slug = Kennung
admin-slug-help = Kleinbuchstaben a-z, Ziffern, - und _: Die Organisation ist dann @kennung im Fediverse.
admin-org-name = Name
admin-org-summary = Kurzbeschreibung (in der Standardsprache)
admin-default-language = Standardsprache
admin-default-language-help = Ein Sprachcode wie de oder en; leer: die der Instanz.
admin-approve-followers = Follower müssen vom Team freigegeben werden

## Import

admin-import-format = Dateiformat
admin-import-format-hsds = Open Referral HSDS 3.0 (Datapackage-Zip oder JSON)
admin-import-format-csv = CSV im einfachen Passerelle-Format
admin-import-file = Datei
admin-import-file-help = Höchstens { $size } MiB.
admin-import-dry-run = Probelauf: zeigen, was passieren würde, nichts ändern
admin-import-send = Importieren
admin-import-bad-format = Wählen Sie ein Dateiformat.
admin-import-no-file = Wählen Sie eine Datei.
admin-import-too-large = Die Datei überschreitet die Importgrenze von { $limit } Byte.
admin-import-broken = Das Hochladen wurde unterbrochen oder ist fehlerhaft: Senden Sie das Formular erneut.
admin-import-report = Importbericht
admin-import-dry-report = Probelauf: Nichts wurde gespeichert
admin-import-summary = { $created } angelegt, { $updated } aktualisiert, { $unchanged } unverändert, { $refused } abgelehnt
admin-import-record = Datensatz
admin-import-name = Name
admin-import-outcome = Ergebnis
admin-outcome-created = Angelegt
admin-outcome-updated = Aktualisiert
admin-outcome-unchanged = Unverändert
admin-outcome-refused = Abgelehnt

## Bestätigungen

admin-done-block-created = Die Domain ist gesperrt.
admin-done-block-deleted = Die Sperre ist aufgehoben.
admin-done-actor-created = Das Konto ist gesperrt oder eingeschränkt.
admin-done-actor-deleted = Die Maßnahme ist aufgehoben.
admin-done-entry-removed = Der Eintrag ist entfernt.
admin-done-entry-restored = Der Eintrag ist wiederhergestellt.
admin-done-entry-approved = Der Eintrag ist freigegeben.
admin-done-entry-rejected = Der Eintrag ist abgelehnt.
admin-done-report-resolved = Die Meldung ist erledigt.
admin-done-report-forwarded = Die Meldung ist an den Herkunftsserver weitergeleitet.
admin-done-user-created = Der Benutzer ist angelegt.
admin-done-user-role = Die Rolle ist geändert.
admin-done-user-disabled = Das Konto ist deaktiviert.
admin-done-user-enabled = Das Konto ist wieder aktiv.
admin-done-user-deleted = Das Konto ist gelöscht.
admin-done-user-password = Das neue Passwort ist gesetzt; die Sitzungen des Benutzers sind beendet.
admin-done-org-created = Die Organisation ist angelegt.
admin-done-org-updated = Die Organisation ist gespeichert.

## Öffentliches Meldeformular

report-link = Ein Problem mit dieser Seite melden
report-title = Ein Problem melden
report-about = Betrifft:
report-intro = Sagen Sie den Moderatoren dieses Verzeichnisses, was nicht stimmt. Sie brauchen kein Konto, und Ihre Meldung bleibt anonym.
report-category = Was stimmt nicht?
report-category-outdated = Falsche oder veraltete Angaben
report-category-outdated-help = eine Adresse, Öffnungszeiten oder eine Telefonnummer, die nicht mehr stimmt
report-category-scam = Betrug
report-category-scam-help = verlangt unter falschem Vorwand Geld oder persönliche Daten
report-category-hateful = Hass oder Beleidigung
report-category-hateful-help = greift Menschen für das an, was sie sind
report-category-privacy = Datenschutzproblem
report-category-privacy-help = zeigt persönliche Daten einer Person ohne deren Einwilligung
report-category-other = Etwas anderes
report-category-other-help = im Kommentar erklären
report-comment = Kommentar (freiwillig)
report-comment-help = Schreiben Sie hier keine eigenen persönlichen Daten.
report-honeypot = Dieses Feld leer lassen
report-send = Meldung senden
report-choose-category = Wählen Sie, was nicht stimmt.
report-comment-too-long = Der Kommentar darf höchstens { $max } Zeichen lang sein.
report-too-many = Von Ihrer Verbindung wurden zu viele Meldungen gesendet. Warten Sie einige Minuten und versuchen Sie es dann erneut.
report-refused = Diese Meldung konnte nicht gesendet werden.
report-unknown-title = Nichts zu melden
report-unknown-target = Diese Seite gibt es hier nicht (mehr), sie kann also nicht gemeldet werden.
report-thanks-title = Danke
report-thanks-text = Ihre Meldung wurde an die Moderatoren dieses Verzeichnisses gesendet.
report-back-home = Zurück zur Startseite
