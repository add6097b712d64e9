# Moderation and administration pages (/staff/admin/...) and the public report form (/report).

## Navigation and common words

admin-links-title = Moderation and administration
admin-overview-title = Moderation overview
admin-reports-title = Reports
admin-review-title = Review queue
admin-entries-title = Remove or restore an entry
admin-blocks-title = Domain blocks
admin-actors-title = Remote accounts
admin-log-title = Moderation log
admin-users-title = Users
admin-orgs-title = Organisations
admin-import-title = Import services
admin-forbidden-title = Not allowed
admin-forbidden-text = Your role does not give access to this page.
admin-not-found-title = Not found
admin-not-found-text = There is nothing here: it may have been deleted.
admin-refused-title = Not done
admin-refused-text = This action could not be done.
admin-none = Nothing here.
admin-created = Created
admin-when = When
admin-state = State
admin-target = Reported content
admin-origin = Origin
admin-entry = Entry
admin-kind = Kind
admin-ap-id = ActivityPub id
admin-reason = Reason (kept in the moderation log)
admin-details = Details
admin-delete = Delete
admin-find = Find
admin-filter = Filter
admin-never = Never
admin-expired = expired
admin-too-long = This text is too long.
admin-bad-date = Write a date such as 2027-01-31.
admin-email = Email address
admin-password = Password
admin-password-help = At least { $min } characters.
admin-organization = Organisation
admin-no-org = No organisation
admin-choose-org = Choose an organisation
admin-unknown-org = There is no such organisation.
admin-active = Active
admin-disabled = Disabled
admin-pages = Pages
admin-previous = Previous
admin-next = Next

## Overview

admin-federation-mode = Federation mode
admin-mode-open = Open: every instance except blocked domains
admin-mode-allowlist = Allow-list: only the listed domains
admin-review-mode = Review of remote entries
admin-open-reports = Open reports
admin-pending-entries = Entries waiting for review

## Reports

admin-report-filter = Show reports
admin-reports-open = Open
admin-reports-resolved = Resolved
admin-reports-all = All
admin-report-open = Open
admin-report-resolved = Resolved
admin-report-local = Report form
admin-report-remote = Other server
admin-no-reports = No report here.
admin-report-title = Report
admin-resolved = Resolved
admin-forwarded = Forwarded to the origin
admin-resolve = Resolve
admin-resolve-action = Action
admin-resolve-note = Note
admin-action-none = No action
admin-action-remove-entry = Remove the entry
admin-action-limit-domain = Limit its domain
admin-action-block-domain = Suspend its domain
admin-forward = Forward to the origin server
admin-forward-help = The origin server receives the report from this instance, without anything about who reported it.

## Entries and review

admin-entry-find = Address or id of the entry
admin-entry-find-help = The entry's ActivityPub id, the address of its page here, or its id.
admin-entry-unknown = No entry with this address or id here.
admin-removed-entries = Removed entries
admin-remove = Remove
admin-restore = Restore
admin-already-removed = This entry is already removed.
admin-state-visible = Shown
admin-state-limited = Limited
admin-state-pending-review = Waiting for review
admin-state-removed = Removed
admin-approve = Approve
admin-reject = Reject
admin-review-empty = No entry is waiting for review.
admin-not-pending = This entry is not waiting for review.

## Domain blocks and remote accounts

admin-domain = Domain
admin-domain-help = A domain name such as spam.example; its subdomains are blocked too.
admin-bad-domain = Write a domain name such as spam.example.
admin-severity = Severity
admin-severity-suspend = Suspend
admin-severity-limit = Limit
admin-severity-suspend-help = no exchange at all; its content is removed and follows are severed
admin-severity-limit-help = hidden from listings and search, still reachable by link; follows need approval
admin-bad-severity = Choose suspend or limit.
admin-public-reason = Public reason
admin-private-reason = Private reason (staff only)
admin-expires = Expires
admin-expires-help = Optional: the block ends at the end of this day (UTC).
admin-expiry-past = The expiry must be in the future.
admin-no-blocks = No domain is blocked.
admin-block-create = Block a domain
admin-actor = Account (ActivityPub id)
admin-actor-help = The address of a remote account, such as https://social.example/users/name.
admin-bad-actor = Write the address (https://…) of an account on another server.
admin-actor-create = Suspend or limit an account
admin-no-sanctions = No remote account is suspended or limited.
admin-lift = Lift

## Moderation log

admin-log-action = Action
admin-log-action-help = For example entry.remove, domain_block.create, user.role_change.
admin-log-actor = Who (email)
admin-log-target = Target contains
admin-log-count = { $count ->
    [one] One action
   *[other] { $count } actions
}
admin-export-csv = Export as CSV
admin-export-json = Export as JSON

## Users

admin-user-create = Create a user
admin-bad-role = Choose a role.
admin-editor-needs-org = An editor belongs to an organisation: choose one.
admin-user-role = Change the role
admin-user-password = Set a new password
admin-user-disable = Disable this account
admin-user-enable = Enable this account again
admin-user-delete = Delete this account
admin-confirm-email-label = Type the email address of the account to confirm
admin-confirm-email = Type the account's email address exactly.

## Organisations

admin-org-create = Create an organisation
admin-slug = Handle
admin-slug-help = Lower-case letters a-z, digits, - and _: the organisation is then @handle on the fediverse.
admin-org-name = Name
admin-org-summary = Short description (in the default language)
admin-default-language = Default language
admin-default-language-help = A language tag such as fr or en; the instance's when empty.
admin-approve-followers = Followers must be approved by staff

## Import

admin-import-format = File format
admin-import-format-hsds = Open Referral HSDS 3.0 (datapackage zip or JSON)
admin-import-format-csv = CSV in Passerelle's simple layout
admin-import-file = File
admin-import-file-help = At most { $size } MiB.
admin-import-dry-run = Dry run: show what would happen, change nothing
admin-import-send = Import
admin-import-bad-format = Choose a file format.
admin-import-no-file = Choose a file.
admin-import-too-large = The file is larger than the import limit of { $limit } bytes.
admin-import-broken = The upload was interrupted or malformed: send the form again.
admin-import-report = Import report
admin-import-dry-report = Dry run: nothing was saved
admin-import-summary = { $created } created, { $updated } updated, { $unchanged } unchanged, { $refused } refused
admin-import-record = Record
admin-import-name = Name
admin-import-outcome = Outcome
admin-outcome-created = Created
admin-outcome-updated = Updated
admin-outcome-unchanged = Unchanged
admin-outcome-refused = Refused

## Confirmations

admin-done-block-created = The domain is blocked.
admin-done-block-deleted = The block is lifted.
admin-done-actor-created = The account is suspended or limited.
admin-done-actor-deleted = The sanction is lifted.
admin-done-entry-removed = The entry is removed.
admin-done-entry-restored = The entry is restored.
admin-done-entry-approved = The entry is approved.
admin-done-entry-rejected = The entry is rejected.
admin-done-report-resolved = The report is resolved.
admin-done-report-forwarded = The report is forwarded to the origin server.
admin-done-user-created = The user is created.
admin-done-user-role = The role is changed.
admin-done-user-disabled = The account is disabled.
admin-done-user-enabled = The account is enabled.
admin-done-user-deleted = The account is deleted.
admin-done-user-password = The new password is set; the user's sessions have ended.
admin-done-org-created = The organisation is created.
admin-done-org-updated = The organisation is saved.

## Public report form

report-link = Report a problem with this page
report-title = Report a problem
report-about = About:
report-intro = Tell the moderators of this directory what is wrong. You do not need an account, and your report stays anonymous.
report-category = What is wrong?
report-category-outdated = Wrong or outdated information
report-category-outdated-help = an address, opening hours or a phone number that is no longer right
report-category-scam = Scam or fraud
report-category-scam-help = asks for money or personal data under false pretences
report-category-hateful = Hateful or abusive
report-category-hateful-help = attacks people for who they are
report-category-privacy = Privacy problem
report-category-privacy-help = shows someone's personal information without their consent
report-category-other = Something else
report-category-other-help = explain in the comment
report-comment = Comment (optional)
report-comment-help = Do not write your own personal information here.
report-honeypot = Leave this field empty
report-send = Send the report
report-choose-category = Choose what is wrong.
report-comment-too-long = The comment must be at most { $max } characters long.
report-too-many = Too many reports were sent from your connection. Wait a few minutes, then try again.
report-refused = This report could not be sent.
report-unknown-title = Nothing to report
report-unknown-target = This page does not exist here (any more), so it cannot be reported.
report-thanks-title = Thank you
report-thanks-text = Your report has been sent to the moderators of this directory.
report-back-home = Back to the home page
