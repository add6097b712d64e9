# Textes de l'interface de Passerelle : français.
# Comment modifier ou ajouter un catalogue : docs/translating.md

## Toutes les pages

skip-to-content = Aller au contenu
language-switcher = Langue
staff-sign-in-link = Connexion des équipes
footer-software = Propulsé par Passerelle, un annuaire fédéré

## Page d'accueil

home-organizations = Organisations
home-no-organizations = Aucune organisation pour l’instant.
home-newest = Dernières fiches
home-calendar = Agenda des événements (iCalendar : abonnez-vous depuis votre application d’agenda)
home-atom = Nouvelles fiches (flux Atom)
home-no-entries = Aucune fiche pour l’instant.
home-partners = Instances partenaires

## Suivre depuis le fédivers

follow-title = Suivre depuis votre compte du fédivers
follow-help-org = Copiez cet identifiant dans la barre de recherche de votre application Mastodon (ou d’un autre logiciel du fédivers) et abonnez-vous pour voir les nouvelles fiches.
follow-help-topic = Copiez cet identifiant dans la barre de recherche de votre application Mastodon (ou d’un autre logiciel du fédivers) et abonnez-vous : les nouvelles fiches apparaîtront dans votre fil d’accueil.

## Page d'une organisation

org-website = Site web
org-address = Adresse
org-phone = Téléphone
org-languages = Langues parlées

## Page d'un thème

topic-latest = Dernières fiches
topic-no-entries = Aucune fiche pour l’instant.

## Page d'une fiche

kind-service = Service
kind-event = Événement
kind-offer = Offre de bénévolat
fallback-note = Ce texte est en { $language }.
fallback-note-code = Ce texte est dans une autre langue (code : { $tag }).
field-categories = Catégories
field-languages = Langues
field-status = État
field-opening-hours = Horaires d’ouverture
field-eligibility = Pour qui
field-age = Âge
field-cost = Coût
cost-free = Gratuit
cost-not-free = Payant
field-how-to-apply = Comment en bénéficier
field-documents = Documents à apporter
field-interpretation = Interprétariat
interpretation-available = Disponible
field-area-served = Zone desservie
field-website = Site web
field-email = Courriel
field-phone = Téléphone
field-online = En ligne
field-last-verified = Dernière vérification
field-starts = Début
field-ends = Fin
field-places = Places
field-places-left = Places restantes
field-how-to-join = Comment participer
field-registration = Inscription
field-contact = Contact
field-help-offered = Aide proposée
field-area = Zone
field-days = Jours
field-times = Horaires
field-until = Jusqu’au
field-requirements = Conditions
offer-contact = Par l’intermédiaire de l’organisation, qui vous met en relation.
location-address = Adresse
open-map = Ouvrir dans une application de cartes
origin-local = Publié par { $org } sur cette instance
origin-remote = Publié sur { $domain }
service-status-active = Ouvert
service-status-inactive = Pas en activité en ce moment
service-status-temporarily-closed = Fermé temporairement
service-status-defunct = Fermé définitivement
event-status-tentative = À confirmer
event-status-confirmed = Confirmé
event-status-cancelled = Annulé
join-free = Venez sans inscription
join-registration = Inscrivez-vous d’abord
join-external = Inscription sur un autre site
area-city = Ville
area-region = Région
area-online = En ligne

## Noms de langues (pour la note ci-dessus : « Ce texte est en … »)

language-en = anglais
language-fr = français
language-it = italien
language-es = espagnol
language-de = allemand
language-ar = arabe
language-uk = ukrainien
language-fa = persan
language-ps = pachto
language-ti = tigrigna
language-so = somali
language-tr = turc
language-ru = russe
language-pt = portugais
language-ro = roumain
language-ku = kurde

## Pages des équipes

staff-sign-in-title = Connexion des équipes
staff-email = Adresse électronique
staff-password = Mot de passe
staff-sign-in = Se connecter
staff-sign-out = Se déconnecter
staff-sign-in-failed = L’adresse électronique ou le mot de passe n’est pas correct.
staff-too-many-attempts = Trop de tentatives de connexion. Attendez quelques minutes, puis réessayez.
staff-field-required = Remplissez ce champ.
staff-signed-in-as = Connecté·e en tant que { $email }
staff-dashboard-title = Pages des équipes
staff-your-organizations = Vos organisations
staff-no-organization = Votre compte n’est encore rattaché à aucune organisation.
staff-no-entries = Cette organisation n’a encore aucune fiche.
staff-public-page = Page publique
staff-role = Rôle
role-admin = Administrateur·rice
role-moderator = Modérateur·rice
role-editor = Rédacteur·rice
staff-change-password = Changer le mot de passe
staff-current-password = Mot de passe actuel
staff-new-password = Nouveau mot de passe
staff-new-password-again = Nouveau mot de passe (encore)
staff-save = Enregistrer
staff-password-changed = Votre mot de passe a été changé.
staff-wrong-current-password = Ce n’est pas votre mot de passe actuel.
staff-password-too-short = Le mot de passe doit compter au moins { $min } caractères.
staff-passwords-differ = Les deux nouveaux mots de passe ne sont pas identiques.
staff-back = Retour aux pages des équipes
csrf-title = Ce formulaire ne peut pas être accepté
csrf-text = Le formulaire est resté ouvert trop longtemps, ou il a été envoyé depuis un autre site. Revenez en arrière, rechargez la page et réessayez.
