# Pages de modération et d'administration (/staff/admin/...) et formulaire public de signalement (/report).

## Navigation et mots communs

admin-links-title = Modération et administration
admin-overview-title = Vue d'ensemble de la modération
admin-reports-title = Signalements
admin-review-title = File de relecture
admin-entries-title = Retirer ou rétablir une fiche
admin-blocks-title = Domaines bloqués
admin-actors-title = Comptes distants
admin-log-title = Journal de modération
admin-users-title = Utilisateurs
admin-orgs-title = Organisations
admin-import-title = Importer des services
admin-forbidden-title = Accès refusé
admin-forbidden-text = Votre rôle ne donne pas accès à cette page.
admin-not-found-title = Introuvable
admin-not-found-text = Il n'y a rien ici : l'élément a peut-être été supprimé.
admin-refused-title = Non effectué
admin-refused-text = Cette action n'a pas pu être effectuée.
admin-none = Rien ici.
admin-created = Créé le
admin-when = Quand
admin-state = État
admin-target = Contenu signalé
admin-origin = Origine
admin-entry = Fiche
admin-kind = Type
admin-ap-id = Identifiant ActivityPub
admin-reason = Motif (conservé dans le journal de modération)
admin-details = Détails
admin-delete = Supprimer
admin-find = Chercher
admin-filter = Filtrer
admin-never = Jamais
admin-expired = expiré
admin-too-long = Ce texte est trop long.
admin-bad-date = Écrivez une date comme 2027-01-31.
admin-email = Adresse e-mail
admin-password = Mot de passe
admin-password-help = Au moins { $min } caractères.
admin-organization = Organisation
admin-no-org = Aucune organisation
admin-choose-org = Choisissez une organisation
admin-unknown-org = Cette organisation n'existe pas.
admin-active = Actif
admin-disabled = Désactivé
admin-pages = Pages
admin-previous = Précédente
admin-next = Suivante

## Vue d'ensemble

admin-federation-mode = Mode de fédération
admin-mode-open = Ouvert : toutes les instances sauf les domaines bloqués
admin-mode-allowlist = Liste d'autorisation : seulement les domaines listés
admin-review-mode = Relecture des fiches distantes
admin-open-reports = Signalements ouverts
admin-pending-entries = Fiches en attente de relecture

## Signalements

admin-report-filter = Afficher les signalements
admin-reports-open = Ouverts
admin-reports-resolved = Traités
admin-reports-all = Tous
admin-report-open = Ouvert
admin-report-resolved = Traité
admin-report-local = Formulaire de signalement
admin-report-remote = Autre serveur
admin-no-reports = Aucun signalement ici.
admin-report-title = Signalement
admin-resolved = Traité
admin-forwarded = Transmis à l'origine
admin-resolve = Traiter
admin-resolve-action = Action
admin-resolve-note = Note
admin-action-none = Aucune action
admin-action-remove-entry = Retirer la fiche
admin-action-limit-domain = Limiter son domaine
admin-action-block-domain = Suspendre son domaine
admin-forward = Transmettre au serveur d'origine
admin-forward-help = Le serveur d'origine reçoit le signalement de la part de cette instance, sans rien sur la personne qui l'a fait.

## Fiches et relecture

admin-entry-find = Adresse ou identifiant de la fiche
admin-entry-find-help = L'identifiant ActivityPub de la fiche, l'adresse de sa page ici ou son identifiant.
admin-entry-unknown = Aucune fiche avec cette adresse ou cet identifiant ici.
admin-removed-entries = Fiches retirées
admin-remove = Retirer
admin-restore = Rétablir
admin-already-removed = Cette fiche est déjà retirée.
admin-state-visible = Affichée
admin-state-limited = Limitée
admin-state-pending-review = En attente de relecture
admin-state-removed = Retirée
admin-approve = Approuver
admin-reject = Refuser
admin-review-empty = Aucune fiche n'attend de relecture.
admin-not-pending = Cette fiche n'attend pas de relecture.

## Domaines bloqués et comptes distants

admin-domain = Domaine
admin-domain-help = Un nom de domaine comme spam.example ; ses sous-domaines sont bloqués aussi.
admin-bad-domain = Écrivez un nom de domaine comme spam.example.
admin-severity = Sévérité
admin-severity-suspend = Suspendre
admin-severity-limit = Limiter
admin-severity-suspend-help = aucun échange ; son contenu est supprimé et les abonnements rompus
admin-severity-limit-help = masqué des listes et de la recherche, accessible par lien ; abonnements soumis à approbation
admin-bad-severity = Choisissez suspendre ou limiter.
admin-public-reason = Motif public
admin-private-reason = Motif privé (équipe seulement)
admin-expires = Expiration
admin-expires-help = Facultatif : le blocage prend fin à la fin de ce jour (UTC).
admin-expiry-past = L'expiration doit être dans le futur.
admin-no-blocks = Aucun domaine n'est bloqué.
admin-block-create = Bloquer un domaine
admin-actor = Compte (identifiant ActivityPub)
admin-actor-help = L'adresse d'un compte distant, comme https://social.example/users/nom.
admin-bad-actor = Écrivez l'adresse (https://…) d'un compte sur un autre serveur.
admin-actor-create = Suspendre ou limiter un compte
admin-no-sanctions = Aucun compte distant n'est suspendu ni limité.
admin-lift = Lever

## Journal de modération

admin-log-action = Action
admin-log-action-help = Par exemple entry.remove, domain_block.create, user.role_change.
admin-log-actor = Qui (e-mail)
admin-log-target = La cible contient
admin-log-count = { $count ->
    [one] Une action
   *[other] { $count } actions
}
admin-export-csv = Exporter en CSV
admin-export-json = Exporter en JSON

## Utilisateurs

admin-user-create = Créer un utilisateur
admin-bad-role = Choisissez un rôle.
admin-editor-needs-org = Un éditeur appartient à une organisation : choisissez-la.
admin-user-role = Changer le rôle
admin-user-password = Définir un nouveau mot de passe
admin-user-disable = Désactiver ce compte
admin-user-enable = Réactiver ce compte
admin-user-delete = Supprimer ce compte
admin-confirm-email-label = Tapez l'adresse e-mail du compte pour confirmer
admin-confirm-email = Tapez exactement l'adresse e-mail du compte.

## Organisations

admin-org-create = Créer une organisation
admin-slug = Identifiant
admin-slug-help = Lettres minuscules a-z, chiffres, - et _ : l'organisation sera @identifiant sur le fédivers.
admin-org-name = Nom
admin-org-summary = Description courte (dans la langue par défaut)
admin-default-language = Langue par défaut
admin-default-language-help = Un code de langue comme fr ou en ; celle de l'instance si vide.
admin-approve-followers = Les abonnés doivent être approuvés par l'équipe

## Import

admin-import-format = Format du fichier
admin-import-format-hsds = Open Referral HSDS 3.0 (datapackage zip ou JSON)
admin-import-format-csv = CSV au format simple de Passerelle
admin-import-file = Fichier
admin-import-file-help = { $size } Mio au plus.
admin-import-dry-run = Essai à blanc : montrer ce qui se passerait, sans rien changer
admin-import-send = Importer
admin-import-bad-format = Choisissez un format de fichier.
admin-import-no-file = Choisissez un fichier.
admin-import-too-large = Le fichier dépasse la limite d'import de { $limit } octets.
admin-import-broken = L'envoi a été interrompu ou est mal formé : renvoyez le formulaire.
admin-import-report = Rapport d'import
admin-import-dry-report = Essai à blanc : rien n'a été enregistré
admin-import-summary = { $created } créés, { $updated } mis à jour, { $unchanged } inchangés, { $refused } refusés
admin-import-record = Enregistrement
admin-import-name = Nom
admin-import-outcome = Résultat
admin-outcome-created = Créé
admin-outcome-updated = Mis à jour
admin-outcome-unchanged = Inchangé
admin-outcome-refused = Refusé

## Confirmations

admin-done-block-created = Le domaine est bloqué.
admin-done-block-deleted = Le blocage est levé.
admin-done-actor-created = Le compte est suspendu ou limité.
admin-done-actor-deleted = La sanction est levée.
admin-done-entry-removed = La fiche est retirée.
admin-done-entry-restored = La fiche est rétablie.
admin-done-entry-approved = La fiche est approuvée.
admin-done-entry-rejected = La fiche est refusée.
admin-done-report-resolved = Le signalement est traité.
admin-done-report-forwarded = Le signalement est transmis au serveur d'origine.
admin-done-user-created = L'utilisateur est créé.
admin-done-user-role = Le rôle est changé.
admin-done-user-disabled = Le compte est désactivé.
admin-done-user-enabled = Le compte est réactivé.
admin-done-user-deleted = Le compte est supprimé.
admin-done-user-password = Le nouveau mot de passe est défini ; les sessions de l'utilisateur sont terminées.
admin-done-org-created = L'organisation est créée.
admin-done-org-updated = L'organisation est enregistrée.

## Formulaire public de signalement

report-link = Signaler un problème sur cette page
report-title = Signaler un problème
report-about = À propos de :
report-intro = Dites aux modérateurs de cet annuaire ce qui ne va pas. Pas besoin de compte, et votre signalement reste anonyme.
report-category = Qu'est-ce qui ne va pas ?
report-category-outdated = Information fausse ou dépassée
report-category-outdated-help = une adresse, des horaires ou un numéro de téléphone qui ne sont plus justes
report-category-scam = Arnaque ou fraude
report-category-scam-help = demande de l'argent ou des données personnelles sous un faux prétexte
report-category-hateful = Haineux ou injurieux
report-category-hateful-help = s'en prend à des personnes pour ce qu'elles sont
report-category-privacy = Atteinte à la vie privée
report-category-privacy-help = montre des informations personnelles de quelqu'un sans son accord
report-category-other = Autre chose
report-category-other-help = expliquez dans le commentaire
report-comment = Commentaire (facultatif)
report-comment-help = N'écrivez pas vos propres informations personnelles ici.
report-honeypot = Laissez ce champ vide
report-send = Envoyer le signalement
report-choose-category = Choisissez ce qui ne va pas.
report-comment-too-long = Le commentaire doit faire au plus { $max } caractères.
report-too-many = Trop de signalements ont été envoyés depuis votre connexion. Attendez quelques minutes, puis réessayez.
report-refused = Ce signalement n'a pas pu être envoyé.
report-unknown-title = Rien à signaler
report-unknown-target = Cette page n'existe pas (ou plus) ici, elle ne peut donc pas être signalée.
report-thanks-title = Merci
report-thanks-text = Votre signalement a été transmis aux modérateurs de cet annuaire.
report-back-home = Retour à l'accueil
