# Testi dell'interfaccia di Passerelle: italiano.
# Come modificare o aggiungere un catalogo: docs/translating.md

## Tutte le pagine

skip-to-content = Vai al contenuto
language-switcher = Lingua
staff-sign-in-link = Accesso per gli operatori
footer-software = Realizzato con Passerelle, un elenco federato

## Pagina iniziale

home-organizations = Organizzazioni
home-no-organizations = Ancora nessuna organizzazione.
home-newest = Schede più recenti
home-calendar = Calendario degli eventi (iCalendar: iscriviti dalla tua app di calendario)
home-atom = Nuove schede (feed Atom)
home-no-entries = Ancora nessuna scheda.
home-partners = Istanze partner

## Seguire dal fediverso

follow-title = Segui dal tuo account del fediverso
follow-help-org = Copia questo identificativo nella casella di ricerca della tua app Mastodon (o di un altro software del fediverso) e seguilo per vedere le nuove schede.
follow-help-topic = Copia questo identificativo nella casella di ricerca della tua app Mastodon (o di un altro software del fediverso) e seguilo: le nuove schede appariranno nella tua cronologia.

## Pagina di un'organizzazione

org-website = Sito web
org-address = Indirizzo
org-phone = Telefono
org-languages = Lingue parlate

## Pagina di un tema

topic-latest = Schede più recenti
topic-no-entries = Ancora nessuna scheda.

## Pagina di una scheda

kind-service = Servizio
kind-event = Evento
kind-offer = Offerta di volontariato
fallback-note = Questo testo è in { $language }.
fallback-note-code = Questo testo è in un'altra lingua (codice: { $tag }).
field-categories = Categorie
field-languages = Lingue
field-status = Stato
field-opening-hours = Orari di apertura
field-eligibility = A chi si rivolge
field-age = Età
field-cost = Costo
cost-free = Gratuito
cost-not-free = A pagamento
field-how-to-apply = Come accedere
field-documents = Documenti da portare
field-interpretation = Interpretariato
interpretation-available = Disponibile
field-area-served = Zona servita
field-website = Sito web
field-email = Email
field-phone = Telefono
field-online = Online
field-last-verified = Ultima verifica
field-starts = Inizio
field-ends = Fine
field-places = Posti
field-places-left = Posti rimasti
field-how-to-join = Come partecipare
field-registration = Iscrizione
field-contact = Contatto
field-help-offered = Aiuto offerto
field-area = Zona
field-days = Giorni
field-times = Orari
field-until = Fino al
field-requirements = Requisiti
offer-contact = Tramite l'organizzazione, che vi mette in contatto.
location-address = Indirizzo
open-map = Apri in un'app di mappe
origin-local = Pubblicato da { $org } su questa istanza
origin-remote = Pubblicato su { $domain }
service-status-active = Aperto
service-status-inactive = Non attivo al momento
service-status-temporarily-closed = Chiuso temporaneamente
service-status-defunct = Chiuso definitivamente
event-status-tentative = Da confermare
event-status-confirmed = Confermato
event-status-cancelled = Annullato
join-free = Basta venire
join-registration = Prima iscriviti
join-external = Iscrizione su un altro sito
area-city = Città
area-region = Regione
area-online = Online

## Nomi delle lingue (per la nota qui sopra: «Questo testo è in …»)

language-en = inglese
language-fr = francese
language-it = italiano
language-es = spagnolo
language-de = tedesco
language-ar = arabo
language-uk = ucraino
language-fa = persiano
language-ps = pashto
language-ti = tigrino
language-so = somalo
language-tr = turco
language-ru = russo
language-pt = portoghese
language-ro = rumeno
language-ku = curdo

## Pagine per gli operatori

staff-sign-in-title = Accesso per gli operatori
staff-email = Indirizzo email
staff-password = Password
staff-sign-in = Accedi
staff-sign-out = Esci
staff-sign-in-failed = L'indirizzo email o la password non sono corretti.
staff-too-many-attempts = Troppi tentativi di accesso. Attendi qualche minuto, poi riprova.
staff-field-required = Compila questo campo.
staff-signed-in-as = Accesso effettuato come { $email }
staff-dashboard-title = Pagine per gli operatori
staff-your-organizations = Le tue organizzazioni
staff-no-organization = Il tuo account non è ancora collegato a nessuna organizzazione.
staff-no-entries = Questa organizzazione non ha ancora nessuna scheda.
staff-public-page = Pagina pubblica
staff-role = Ruolo
role-admin = Amministratore
role-moderator = Moderatore
role-editor = Redattore
staff-change-password = Cambia password
staff-current-password = Password attuale
staff-new-password = Nuova password
staff-new-password-again = Ripeti la nuova password
staff-save = Salva
staff-password-changed = La tua password è stata cambiata.
staff-wrong-current-password = Questa non è la tua password attuale.
staff-password-too-short = La password deve essere lunga almeno { $min } caratteri.
staff-passwords-differ = Le due nuove password non coincidono.
staff-back = Torna alle pagine per gli operatori
csrf-title = Questo modulo non può essere accettato
csrf-text = Il modulo è rimasto aperto troppo a lungo, oppure è stato inviato da un altro sito. Torna indietro, ricarica la pagina e riprova.
