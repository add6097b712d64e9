# Pagine di moderazione e amministrazione (/staff/admin/...) e modulo pubblico di segnalazione (/report).

## Navigazione e parole comuni

admin-links-title = Moderazione e amministrazione
admin-overview-title = Panoramica della moderazione
admin-reports-title = Segnalazioni
admin-review-title = Coda di revisione
admin-entries-title = Rimuovere o ripristinare una scheda
admin-blocks-title = Domini bloccati
admin-actors-title = Account remoti
admin-log-title = Registro di moderazione
admin-users-title = Utenti
admin-orgs-title = Organizzazioni
admin-import-title = Importare servizi
admin-forbidden-title = Non consentito
admin-forbidden-text = Il tuo ruolo non dà accesso a questa pagina.
admin-not-found-title = Non trovato
admin-not-found-text = Qui non c'è niente: forse è stato eliminato.
admin-refused-title = Non eseguito
admin-refused-text = Non è stato possibile eseguire questa azione.
admin-none = Niente qui.
admin-created = Creato
admin-when = Quando
admin-state = Stato
admin-target = Contenuto segnalato
admin-origin = Origine
admin-entry = Scheda
admin-kind = Tipo
admin-ap-id = Identificativo ActivityPub
admin-reason = Motivo (conservato nel registro di moderazione)
admin-details = Dettagli
admin-delete = Elimina
admin-find = Cerca
admin-filter = Filtra
admin-never = Mai
admin-expired = scaduto
admin-too-long = Questo testo è troppo lungo.
admin-bad-date = Scrivi una data come 2027-01-31.
admin-email = Indirizzo email
admin-password = Password
admin-password-help = Almeno { $min } caratteri.
admin-organization = Organizzazione
admin-no-org = Nessuna organizzazione
admin-choose-org = Scegli un'organizzazione
admin-unknown-org = Questa organizzazione non esiste.
admin-active = Attivo
admin-disabled = Disattivato
admin-pages = Pagine
admin-previous = Precedente
admin-next = Successiva

## Panoramica

admin-federation-mode = Modalità di federazione
admin-mode-open = Aperta: tutte le istanze tranne i domini bloccati
admin-mode-allowlist = Lista consentita: solo i domini elencati
admin-review-mode = Revisione delle schede remote
admin-open-reports = Segnalazioni aperte
admin-pending-entries = Schede in attesa di revisione

## Segnalazioni

admin-report-filter = Mostra segnalazioni
admin-reports-open = Aperte
admin-reports-resolved = Risolte
admin-reports-all = Tutte
admin-report-open = Aperta
admin-report-resolved = Risolta
admin-report-local = Modulo di segnalazione
admin-report-remote = Altro server
admin-no-reports = Nessuna segnalazione qui.
admin-report-title = Segnalazione
admin-resolved = Risolta
admin-forwarded = Inoltrata all'origine
admin-resolve = Risolvi
admin-resolve-action = Azione
admin-resolve-note = Nota
admin-action-none = Nessuna azione
admin-action-remove-entry = Rimuovi la scheda
admin-action-limit-domain = Limita il suo dominio
admin-action-block-domain = Sospendi il suo dominio
admin-forward = Inoltra al server di origine
admin-forward-help = Il server di origine riceve la segnalazione da questa istanza, senza nulla su chi l'ha fatta.

## Schede e revisione

admin-entry-find = Indirizzo o identificativo della scheda
admin-entry-find-help = L'identificativo ActivityPub della scheda, l'indirizzo della sua pagina qui o il suo identificativo.
admin-entry-unknown = Nessuna scheda con questo indirizzo o identificativo qui.
admin-removed-entries = Schede rimosse
admin-remove = Rimuovi
admin-restore = Ripristina
admin-already-removed = Questa scheda è già rimossa.
admin-state-visible = Visibile
admin-state-limited = Limitata
admin-state-pending-review = In attesa di revisione
admin-state-removed = Rimossa
admin-approve = Approva
admin-reject = Rifiuta
admin-review-empty = Nessuna scheda è in attesa di revisione.
admin-not-pending = Questa scheda non è in attesa di revisione.

## Domini bloccati e account remoti

admin-domain = Dominio
admin-domain-help = Un nome di dominio come spam.example; anche i suoi sottodomini sono bloccati.
admin-bad-domain = Scrivi un nome di dominio come spam.example.
admin-severity = Gravità
admin-severity-suspend = Sospendi
admin-severity-limit = Limita
admin-severity-suspend-help = nessuno scambio; i suoi contenuti sono rimossi e i follow interrotti
admin-severity-limit-help = nascosto da elenchi e ricerca, raggiungibile tramite link; i follow richiedono approvazione
admin-bad-severity = Scegli sospendi o limita.
admin-public-reason = Motivo pubblico
admin-private-reason = Motivo privato (solo staff)
admin-expires = Scadenza
admin-expires-help = Facoltativo: il blocco termina alla fine di questo giorno (UTC).
admin-expiry-past = La scadenza deve essere nel futuro.
admin-no-blocks = Nessun dominio è bloccato.
admin-block-create = Blocca un dominio
admin-actor = Account (identificativo ActivityPub)
admin-actor-help = L'indirizzo di un account remoto, come https://social.example/users/nome.
admin-bad-actor = Scrivi l'indirizzo (https://…) di un account su un altro server.
admin-actor-create = Sospendi o limita un account
admin-no-sanctions = Nessun account remoto è sospeso o limitato.
admin-lift = Revoca

## Registro di moderazione

admin-log-action = Azione
admin-log-action-help = Per esempio entry.remove, domain_block.create, user.role_change.
admin-log-actor = Chi (email)
admin-log-target = L'obiettivo contiene
admin-log-count = { $count ->
    [one] Un'azione
   *[other] { $count } azioni
}
admin-export-csv = Esporta in CSV
admin-export-json = Esporta in JSON

## Utenti

admin-user-create = Crea un utente
admin-bad-role = Scegli un ruolo.
admin-editor-needs-org = Un editor appartiene a un'organizzazione: sceglila.
admin-user-role = Cambia il ruolo
admin-user-password = Imposta una nuova password
admin-user-disable = Disattiva questo account
admin-user-enable = Riattiva questo account
admin-user-delete = Elimina questo account
admin-confirm-email-label = Digita l'indirizzo email dell'account per confermare
admin-confirm-email = Digita esattamente l'indirizzo email dell'account.

## Organizzazioni

admin-org-create = Crea un'organizzazione
admin-slug = Identificativo
admin-slug-help = Lettere minuscole a-z, cifre, - e _: l'organizzazione sarà @identificativo nel fediverso.
admin-org-name = Nome
admin-org-summary = Breve descrizione (nella lingua predefinita)
admin-default-language = Lingua predefinita
admin-default-language-help = Un codice di lingua come it o en; quella dell'istanza se vuoto.
admin-approve-followers = I follower devono essere approvati dallo staff

## Importazione

admin-import-format = Formato del file
admin-import-format-hsds = Open Referral HSDS 3.0 (datapackage zip o JSON)
admin-import-format-csv = CSV nel formato semplice di Passerelle
admin-import-file = File
admin-import-file-help = Al massimo { $size } MiB.
admin-import-dry-run = Prova: mostra cosa succederebbe, senza cambiare nulla
admin-import-send = Importa
admin-import-bad-format = Scegli un formato di file.
admin-import-no-file = Scegli un file.
admin-import-too-large = Il file supera il limite di importazione di { $limit } byte.
admin-import-broken = L'invio è stato interrotto o è malformato: invia di nuovo il modulo.
admin-import-report = Rapporto di importazione
admin-import-dry-report = Prova: non è stato salvato nulla
admin-import-summary = { $created } creati, { $updated } aggiornati, { $unchanged } invariati, { $refused } rifiutati
admin-import-record = Record
admin-import-name = Nome
admin-import-outcome = Esito
admin-outcome-created = Creato
admin-outcome-updated = Aggiornato
admin-outcome-unchanged = Invariato
admin-outcome-refused = Rifiutato

## Conferme

admin-done-block-created = Il dominio è bloccato.
admin-done-block-deleted = Il blocco è revocato.
admin-done-actor-created = L'account è sospeso o limitato.
admin-done-actor-deleted = La sanzione è revocata.
admin-done-entry-removed = La scheda è rimossa.
admin-done-entry-restored = La scheda è ripristinata.
admin-done-entry-approved = La scheda è approvata.
admin-done-entry-rejected = La scheda è rifiutata.
admin-done-report-resolved = La segnalazione è risolta.
admin-done-report-forwarded = La segnalazione è inoltrata al server di origine.
admin-done-user-created = L'utente è creato.
admin-done-user-role = Il ruolo è cambiato.
admin-done-user-disabled = L'account è disattivato.
admin-done-user-enabled = L'account è riattivato.
admin-done-user-deleted = L'account è eliminato.
admin-done-user-password = La nuova password è impostata; le sessioni dell'utente sono terminate.
admin-done-org-created = L'organizzazione è creata.
admin-done-org-updated = L'organizzazione è salvata.

## Modulo pubblico di segnalazione

report-link = Segnala un problema in questa pagina
report-title = Segnala un problema
report-about = Riguardo a:
report-intro = Di' ai moderatori di questo elenco cosa non va. Non serve un account e la tua segnalazione resta anonima.
report-category = Cosa non va?
report-category-outdated = Informazione sbagliata o non aggiornata
report-category-outdated-help = un indirizzo, orari o un numero di telefono non più corretti
report-category-scam = Truffa o frode
report-category-scam-help = chiede soldi o dati personali con un falso pretesto
report-category-hateful = Offensivo o d'odio
report-category-hateful-help = attacca le persone per ciò che sono
report-category-privacy = Problema di privacy
report-category-privacy-help = mostra dati personali di qualcuno senza il suo consenso
report-category-other = Altro
report-category-other-help = spiega nel commento
report-comment = Commento (facoltativo)
report-comment-help = Non scrivere qui i tuoi dati personali.
report-honeypot = Lascia vuoto questo campo
report-send = Invia la segnalazione
report-choose-category = Scegli cosa non va.
report-comment-too-long = Il commento deve avere al massimo { $max } caratteri.
report-too-many = Dalla tua connessione sono state inviate troppe segnalazioni. Attendi qualche minuto e riprova.
report-refused = Non è stato possibile inviare questa segnalazione.
report-unknown-title = Niente da segnalare
report-unknown-target = Questa pagina non esiste (più) qui, quindi non può essere segnalata.
report-thanks-title = Grazie
report-thanks-text = La tua segnalazione è stata inviata ai moderatori di questo elenco.
report-back-home = Torna alla pagina iniziale
