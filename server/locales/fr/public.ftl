# Textes de l'interface de Passerelle : pages publiques (recherche, calendrier, suivi depuis le
# fédivers, demandes de binôme) et pages des équipes pour les demandes. Français.

## Page d'accueil (ajouts)

home-search-label = Chercher dans l'annuaire
home-events-link = Calendrier des événements, jour par jour
home-categories = Catégories
home-upcoming = Prochains événements

## Recherche

search-title = Recherche
search-has-errors = Certains filtres ne sont pas corrects. Voyez les messages à côté des champs.
search-words = Mots à chercher
search-kind = Type
search-any = Tous
search-category = Catégorie
search-language = Langue de l'aide
search-language-hint = Un code de langue, par exemple fr, ar ou uk.
search-locality = Ville ou commune
search-country = Pays
search-country-hint = Un code de pays à deux lettres, par exemple FR ou IT.
search-near = Près d'un lieu
search-near-me = Près de moi
search-near-wait = Votre navigateur demande votre position…
search-near-done = Position trouvée. Recherche en cours…
search-near-error = Votre position n'est pas disponible. Tapez plutôt une ville.
search-lat = Latitude
search-lon = Longitude
search-radius = Distance (km)
search-free = Gratuit seulement
search-open-now = Ouvert maintenant
search-more = Plus de filtres
search-from = Événements à partir du (date)
search-to = Événements jusqu'au (date)
search-age = Âge
search-origin = Publié sur
search-origin-hint = « local » pour cette instance, ou le domaine d'une instance partenaire.
search-status = Statut
search-status-hint = Par exemple : all, active, cancelled.
search-submit = Chercher
search-clear = Effacer tous les filtres
search-results = { $count ->
    [one] Un résultat
   *[other] { $count } résultats
}
search-refine = Affiner la recherche
search-facet-kind = Type
search-facet-category = Catégorie
search-facet-language = Langue de l'aide
search-facet-country = Pays
search-distance = à { $km } km
search-nothing = Aucun résultat. Essayez avec moins de mots ou moins de filtres.
search-pages = Pages
search-prev = Page précédente
search-next = Page suivante
search-page-of = Page { $page } sur { $pages }
search-calendar = Ces événements dans votre agenda (iCalendar)
search-atom = Nouvelles fiches de cette recherche (flux Atom)
search-error-kind = Choisissez service, événement ou offre de bénévolat.
search-error-category = Cette catégorie n'existe pas.
search-error-language = Tapez un code de langue, par exemple fr ou pt-BR.
search-error-country = Tapez un code de pays à deux lettres, par exemple FR.
search-error-lat = Tapez une latitude entre -90 et 90, avec une longitude.
search-error-lon = Tapez une longitude entre -180 et 180, avec une latitude.
search-error-radius_km = Tapez une distance en kilomètres, supérieure à 0 et d'au plus 20000, avec une latitude et une longitude.
search-error-from = Tapez une date comme 2026-12-05.
search-error-to = Tapez une date comme 2026-12-05, pas avant la première date.
search-error-open_now = La valeur doit être oui ou non.
search-error-free = La valeur doit être oui ou non.
search-error-age = Tapez un âge entre 0 et 150.
search-error-origin = Tapez « local » ou le domaine d'une instance, par exemple annuaire.example.org.
search-error-status = Ce statut n'existe pas.
search-error-page = Tapez un numéro de page à partir de 1.
search-error-per_page = Tapez un nombre de résultats par page entre 1 et 100.

## Calendrier des événements

events-title = Calendrier des événements
events-navigation = Semaines
events-prev-week = Semaine précédente
events-next-week = Semaine suivante
events-this-week = Cette semaine
events-upcoming = Prochains jours
events-upcoming-title = Les { $days } prochains jours
events-week-title = Semaine { $week } : { $first } – { $last }
events-week-field = Semaine (par exemple 2026-W48)
events-show = Afficher
events-zone-note = Les heures sont celles du lieu de chaque événement, avec son fuseau horaire.
events-none = Aucun événement pendant cette période.
events-online = En ligne
events-ical = S'abonner dans votre agenda (iCalendar)
events-error-week = Tapez une semaine comme 2026-W48.
events-error-from = Tapez une date comme 2026-11-30.

## Suivre depuis un autre compte du fédivers

follow-copy-handle = Copiez cet identifiant dans la recherche de votre application Mastodon (ou d'un autre logiciel du fédivers), ou tapez votre propre compte ci-dessous.
follow-your-account = Votre compte du fédivers
follow-account-placeholder = vous@votre.serveur
follow-account-hint = Par exemple alice@mastodon.social. Nous demandons à votre serveur sa page d'abonnement et vous y envoyons.
follow-submit = Suivre depuis mon compte
follow-back = Retour
follow-error-malformed = Ce n'est pas une adresse de compte. Écrivez-la sous la forme nom@serveur, par exemple alice@mastodon.social.
follow-error-blocked = Cette instance n'échange pas avec { $server }.
follow-error-unreachable = { $server } n'a pas répondu. Vérifiez l'adresse, ou copiez l'identifiant ci-dessus dans votre application.
follow-error-no-account = { $server } ne connaît pas ce compte. Vérifiez le nom.
follow-error-no-template = { $server } ne propose pas de page d'abonnement. Copiez plutôt l'identifiant ci-dessus dans votre application.
follow-error-too-many = Trop de tentatives. Attendez une minute, puis réessayez.
interaction-title = Suivre depuis votre compte du fédivers
interaction-no-accounts = Cet annuaire n'a pas de comptes de lecteurs : vous ne pouvez pas suivre depuis ici. Suivez depuis votre propre compte du fédivers (Mastodon ou autre).
interaction-copy-uri = Copiez cette adresse dans la recherche de votre application du fédivers :
interaction-home = Retour à l'accueil
open-osm = Ouvrir dans OpenStreetMap

## Demander un binôme

buddy-title = Demander un binôme
buddy-intro = L'organisation lit votre demande et vous met en contact avec la personne bénévole. Aucun compte n'est nécessaire.
buddy-name = Votre nom ou un pseudonyme
buddy-contact = Comment vous joindre
buddy-contact-hint = Un numéro de téléphone, une adresse e-mail ou un autre moyen de vous joindre.
buddy-language = Votre langue préférée
buddy-message = Votre message
buddy-privacy = Seule l'équipe de l'organisation lit cette demande. Elle n'est pas publiée et elle est supprimée après un certain temps.
buddy-submit = Envoyer la demande
buddy-honeypot = Laissez ce champ vide
buddy-sent = Votre demande a été envoyée. L'organisation va vous contacter.
buddy-remote = Cette offre est publiée sur une autre instance : demandez un binôme sur sa page là-bas.
buddy-closed = Cette offre ne prend pas de demandes en ce moment.
buddy-required = Remplissez ce champ.
buddy-too-long = C'est trop long : { $max } caractères au plus.
buddy-bad-language = Choisissez une langue dans la liste.
buddy-too-many = Trop de demandes ont été envoyées depuis votre connexion. Attendez quelques minutes, puis envoyez-la de nouveau.
buddy-refused = Cette demande ne peut pas être acceptée.
buddy-too-fast = Le formulaire a été envoyé très vite. Vérifiez-le, puis envoyez-le de nouveau.
buddy-expired = Le formulaire est resté ouvert trop longtemps. Vérifiez-le, puis envoyez-le de nouveau.

## Équipes : demandes de binôme

requests-title = Demandes de binôme
requests-private = Seule l'équipe de votre organisation voit les demandes ; elles sont supprimées { $days } jours après leur envoi.
requests-open = À traiter
requests-handled = Traitées
requests-none = Aucune.
requests-detail-title = Demande de binôme
requests-back = Toutes les demandes
requests-offer = Offre de bénévolat
requests-sent = Envoyée le
requests-mark-handled = Marquer comme traitée
requests-handled-on = Traitée le { $date }.
