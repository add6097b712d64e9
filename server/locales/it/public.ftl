# Testi dell'interfaccia di Passerelle: pagine pubbliche (ricerca, calendario, seguire dal
# fediverso, richieste di affiancamento) e pagine dello staff per le richieste. Italiano.

## Pagina iniziale (aggiunte)

home-search-label = Cerca nell'elenco
home-events-link = Calendario degli eventi, giorno per giorno
home-categories = Categorie
home-upcoming = Prossimi eventi

## Ricerca

search-title = Ricerca
search-has-errors = Alcuni filtri non sono corretti. Guarda i messaggi accanto ai campi.
search-words = Parole da cercare
search-kind = Tipo
search-any = Tutti
search-category = Categoria
search-language = Lingua dell'aiuto
search-language-hint = Un codice di lingua, per esempio fr, ar o uk.
search-locality = Città o comune
search-country = Paese
search-country-hint = Un codice di paese di due lettere, per esempio FR o IT.
search-near = Vicino a un luogo
search-near-me = Vicino a me
search-near-wait = Il browser sta chiedendo la tua posizione…
search-near-done = Posizione trovata. Ricerca in corso…
search-near-error = La tua posizione non è disponibile. Scrivi invece una città.
search-lat = Latitudine
search-lon = Longitudine
search-radius = Distanza (km)
search-free = Solo gratuiti
search-open-now = Aperto ora
search-more = Altri filtri
search-from = Eventi dal (data)
search-to = Eventi fino al (data)
search-age = Età
search-origin = Pubblicato su
search-origin-hint = «local» per questa istanza, oppure il dominio di un'istanza partner.
search-status = Stato
search-status-hint = Per esempio: all, active, cancelled.
search-submit = Cerca
search-clear = Togli tutti i filtri
search-results = { $count ->
    [one] Un risultato
   *[other] { $count } risultati
}
search-refine = Affina la ricerca
search-facet-kind = Tipo
search-facet-category = Categoria
search-facet-language = Lingua dell'aiuto
search-facet-country = Paese
search-distance = a { $km } km
search-nothing = Nessun risultato. Prova con meno parole o meno filtri.
search-pages = Pagine
search-prev = Pagina precedente
search-next = Pagina successiva
search-page-of = Pagina { $page } di { $pages }
search-calendar = Questi eventi nel tuo calendario (iCalendar)
search-atom = Nuove schede di questa ricerca (feed Atom)
search-error-kind = Scegli servizio, evento o offerta di volontariato.
search-error-category = Questa categoria non esiste.
search-error-language = Scrivi un codice di lingua, per esempio fr o pt-BR.
search-error-country = Scrivi un codice di paese di due lettere, per esempio FR.
search-error-lat = Scrivi una latitudine da -90 a 90, insieme a una longitudine.
search-error-lon = Scrivi una longitudine da -180 a 180, insieme a una latitudine.
search-error-radius_km = Scrivi una distanza in chilometri, maggiore di 0 e al massimo 20000, con latitudine e longitudine.
search-error-from = Scrivi una data come 2026-12-05.
search-error-to = Scrivi una data come 2026-12-05, non prima della prima data.
search-error-open_now = Il valore deve essere sì o no.
search-error-free = Il valore deve essere sì o no.
search-error-age = Scrivi un'età da 0 a 150.
search-error-origin = Scrivi «local» o il dominio di un'istanza, per esempio elenco.example.org.
search-error-status = Questo stato non esiste.
search-error-page = Scrivi un numero di pagina a partire da 1.
search-error-per_page = Scrivi un numero di risultati per pagina da 1 a 100.

## Calendario degli eventi

events-title = Calendario degli eventi
events-navigation = Settimane
events-prev-week = Settimana precedente
events-next-week = Settimana successiva
events-this-week = Questa settimana
events-upcoming = Prossimi giorni
events-upcoming-title = I prossimi { $days } giorni
events-week-title = Settimana { $week }: { $first } – { $last }
events-week-field = Settimana (per esempio 2026-W48)
events-show = Mostra
events-zone-note = Gli orari sono quelli del luogo di ogni evento, con il suo fuso orario.
events-none = Nessun evento in questo periodo.
events-online = Online
events-ical = Iscriviti nella tua app di calendario (iCalendar)
events-error-week = Scrivi una settimana come 2026-W48.
events-error-from = Scrivi una data come 2026-11-30.

## Seguire da un altro account del fediverso

follow-copy-handle = Copia questo identificativo nella ricerca della tua app Mastodon (o di un altro software del fediverso), oppure scrivi qui sotto il tuo account.
follow-your-account = Il tuo account del fediverso
follow-account-placeholder = tu@tuo.server
follow-account-hint = Per esempio alice@mastodon.social. Chiediamo al tuo server la sua pagina per seguire e ti mandiamo lì.
follow-submit = Segui dal mio account
follow-back = Indietro
follow-error-malformed = Questo non è un indirizzo di account. Scrivilo come nome@server, per esempio alice@mastodon.social.
follow-error-blocked = Questa istanza non comunica con { $server }.
follow-error-unreachable = { $server } non ha risposto. Controlla l'indirizzo o copia l'identificativo qui sopra nella tua app.
follow-error-no-account = { $server } non conosce questo account. Controlla il nome.
follow-error-no-template = { $server } non offre una pagina per seguire. Copia invece l'identificativo qui sopra nella tua app.
follow-error-too-many = Troppi tentativi. Aspetta un minuto, poi riprova.
interaction-title = Segui dal tuo account del fediverso
interaction-no-accounts = Questo elenco non ha account per i lettori: non puoi seguire da qui. Segui dal tuo account del fediverso (Mastodon o un altro).
interaction-copy-uri = Copia questo indirizzo nella ricerca della tua app del fediverso:
interaction-home = Torna alla pagina iniziale
open-osm = Apri in OpenStreetMap

## Chiedere un affiancamento

buddy-title = Chiedi un affiancamento
buddy-intro = L'organizzazione legge la tua richiesta e ti mette in contatto con la persona volontaria. Non serve un account.
buddy-name = Il tuo nome o uno pseudonimo
buddy-contact = Come contattarti
buddy-contact-hint = Un numero di telefono, un indirizzo email o un altro modo per contattarti.
buddy-language = La tua lingua preferita
buddy-message = Il tuo messaggio
buddy-privacy = Solo lo staff dell'organizzazione legge questa richiesta. Non viene pubblicata e viene cancellata dopo un certo tempo.
buddy-submit = Invia la richiesta
buddy-honeypot = Lascia vuoto questo campo
buddy-sent = La tua richiesta è stata inviata. L'organizzazione ti contatterà.
buddy-remote = Questa offerta è pubblicata su un'altra istanza: chiedi l'affiancamento sulla sua pagina lì.
buddy-closed = Questa offerta al momento non accetta richieste.
buddy-required = Compila questo campo.
buddy-too-long = È troppo lungo: al massimo { $max } caratteri.
buddy-bad-language = Scegli una lingua dall'elenco.
buddy-too-many = Dalla tua connessione sono state inviate troppe richieste. Aspetta qualche minuto, poi inviala di nuovo.
buddy-refused = Questa richiesta non può essere accettata.
buddy-too-fast = Il modulo è stato inviato molto in fretta. Controllalo, poi invialo di nuovo.
buddy-expired = Il modulo è rimasto aperto troppo a lungo. Controllalo, poi invialo di nuovo.

## Staff: richieste di affiancamento

requests-title = Richieste di affiancamento
requests-private = Le richieste sono visibili solo allo staff della tua organizzazione e vengono cancellate { $days } giorni dopo l'invio.
requests-open = Da gestire
requests-handled = Gestite
requests-none = Nessuna.
requests-detail-title = Richiesta di affiancamento
requests-back = Tutte le richieste
requests-offer = Offerta di volontariato
requests-sent = Inviata il
requests-mark-handled = Segna come gestita
requests-handled-on = Gestita il { $date }.
