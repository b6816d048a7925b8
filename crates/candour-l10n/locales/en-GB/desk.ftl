### The desk messages in en-GB. How to add or review one: crates/candour-l10n/README.md.

## Every page: the frame, the navigation, the words several pages share.

# $title (String) - the page's own title
desk-page-title = { $title } · Candour desk
desk-brand = Candour desk
desk-skip-to-content = Skip to content
desk-nav-label = Desk
desk-nav-inbox = Inbox
desk-nav-overdue = Overdue
desk-nav-links = Subject links
desk-nav-stats = Statistics
desk-nav-identity = Identity requests
desk-nav-escalations = Escalations
# $count (Number) - identity requests not yet answered
desk-badge-waiting = { $count } waiting
# $count (Number) - how many are new
desk-badge-new-count = { $count } new
desk-new = new
desk-sync-now = Sync now
desk-close = Close desk
desk-tampering-title = Tampering found on the relay.
desk-tampering-text = Nothing can be recorded on these cases until it is resolved: tell your supervisor.
desk-back-to-inbox = Back to the inbox
desk-none = none
desk-nobody = nobody
desk-unknown = unknown
desk-not-given = not given
desk-unassigned = unassigned
desk-unassigned-title = Unassigned
desk-nobody-in-unit = nobody in the unit
desk-nobody-outside = nobody outside the unit can be told
# $recipients (String) - those outside the unit, comma-separated
desk-notice-to = notice to { $recipients }
desk-category = Category
desk-status = Status
desk-priority = Priority
desk-assignee = Assignee
desk-queue = Queue
desk-subjects = Subjects
desk-why = Why
desk-note = Note
desk-late = late
desk-total = Total
desk-suppressed = suppressed
# $days (Number)
desk-days = { $days } d
# $days (Number) - days past the deadline
desk-overdue-days = overdue { $days } d
# $days (Number) - days past the deadline
desk-days-overdue = { $days } d overdue
# $duty (String) - a duty in lower case; $day (String) - its deadline
desk-due-by = { $duty } by { $day }

## The names of the review engine: statuses, outcomes, priorities, categories.

desk-status-received = Received
desk-status-acknowledged = Acknowledged
desk-status-assessed = Assessed
desk-status-referred-to-iopc = Referred to IOPC
desk-status-under-investigation = Under investigation
desk-status-reflective-practice = Reflective practice
desk-status-no-further-action = No further action
# $outcome (String) - the outcome it was closed with
desk-status-closed = Closed: { $outcome }
desk-status-discarded = Discarded
desk-outcome-no-case-to-answer = No case to answer
desk-outcome-management-action = Management action
desk-outcome-reflective-practice = Reflective practice
desk-outcome-misconduct = Misconduct
desk-outcome-written-warning = Written warning
desk-outcome-final-written-warning = Final written warning
desk-outcome-gross-misconduct = Gross misconduct
desk-outcome-dismissed = Dismissed
desk-outcome-resigned-or-retired = Resigned or retired
desk-outcome-referred-to-iopc = Referred to IOPC
desk-outcome-criminal = Criminal
desk-outcome-other = Other
desk-outcome-passed-to-officer = Passed to officer
desk-outcome-passed-to-line-manager = Passed to line manager
desk-outcome-recorded = Recorded
# A compliment not yet closed, as a column of the published table.
desk-column-open = Open
desk-priority-low = Low
desk-priority-normal = Normal
desk-priority-high = High
desk-priority-urgent = Urgent
desk-corruption-infiltration = Infiltration
desk-corruption-disclosure-of-information = Disclosure of information
desk-corruption-perverting-the-course-of-justice = Perverting the course of justice
desk-corruption-sexual-misconduct = Sexual misconduct
desk-corruption-controlled-drugs = Controlled drugs
desk-corruption-theft-and-fraud = Theft and fraud
desk-corruption-misuse-of-force-systems = Misuse of force systems
desk-corruption-abuse-of-authority = Abuse of authority
desk-corruption-inappropriate-association = Inappropriate association
desk-corruption-vulnerability = Vulnerability
desk-corruption-assisting-offenders = Assisting offenders
desk-corruption-other = Other
desk-risk-low = Low
desk-risk-medium = Medium
desk-risk-high = High
desk-iopc-death-or-serious-injury = Death or serious injury
desk-iopc-serious-assault = Serious assault
desk-iopc-serious-sexual-offence = Serious sexual offence
desk-iopc-serious-corruption = Serious corruption
desk-iopc-discrimination-aggravated = Discrimination aggravated
desk-iopc-relevant-offence = Relevant offence
desk-iopc-same-incident = Same incident
desk-iopc-chief-officer-conduct = Chief officer conduct
desk-grading-source-reliable = reliable
desk-grading-source-untested = untested
desk-grading-source-not-reliable = not reliable
desk-grading-information-known-directly = known directly
desk-grading-information-known-indirectly-corroborated = known indirectly, corroborated
desk-grading-information-known-indirectly = known indirectly
desk-grading-information-not-known = not known
desk-grading-information-suspected-false = suspected false
desk-grading-handling-permitted = sharing permitted
desk-grading-handling-conditions = sharing with conditions
desk-discard-reason-spam = spam
desk-discard-reason-test = test
desk-discard-reason-duplicate = duplicate
# $reason (String) - "duplicate"; $case (String) - the case it repeats
desk-discarded-duplicate-of = { $reason } of { $case }
desk-duty-acknowledge = acknowledge
desk-duty-feedback = feedback
desk-duty-refer-to-iopc = IOPC referral
desk-reply-kind-acknowledgement = acknowledgement
desk-reply-kind-feedback = feedback
desk-reply-kind-message = message
desk-role-reviewer = reviewer
desk-role-supervisor = supervisor

## The inbox.

desk-inbox-title = Inbox
desk-inbox-filters = Filter cases
desk-inbox-any-queue = Any queue
desk-inbox-any-status = Any status
desk-inbox-open = Open
desk-inbox-concluded = Concluded
desk-inbox-any-category = Any category
desk-inbox-overdue-only = Overdue only
desk-inbox-filter = Filter
desk-inbox-clear = Clear
# $shown (Number) - cases shown; $total (Number) - cases in all; $today (String) - the day
desk-inbox-caption =
    { $shown } of { $total ->
        [one] { $total } case
       *[other] { $total } cases
    }, as of { $today }
desk-column-case = Case
desk-column-received = Received
desk-column-queues = Queues
desk-column-category = Category
desk-column-status = Status
desk-column-priority = Priority
desk-column-assignee = Assignee
desk-column-due = Next deadline
desk-inbox-linked = Linked
desk-inbox-no-match = No cases match.
desk-inbox-set-aside = Set aside as not reports (no clocks run):

## The overdue board.

desk-overdue-title = Overdue
# $today (String) - the day the clocks run to
desk-overdue-intro = Cases past the 7-day acknowledgement or 3-month feedback deadline on { $today }, by assignee, with the supervisors they escalate to and who outside the unit receives a notice (the case reference, the duty and how late it is; never the report).
desk-leavers-title = Open cases of people who have left
desk-leavers-hint = Reassign each to a reader who is still here (Assignee, on the case page).
# After a case reference. $reviewer (String)
desk-leaver-assigned = assigned to { $reviewer }, who has left;
# $leavers (String) - comma-separated
desk-leaver-readable = readable by leavers { $leavers };
# $readers (String) - comma-separated, or "nobody"
desk-leaver-remaining = readers still here: { $readers }
desk-overdue-nothing = Nothing is overdue.
# $reviewer (String) - an assignee, or "unassigned"
desk-overdue-for = Overdue for { $reviewer }
# $duty (String) - the duty in lower case; $day (String) - its deadline
desk-card-was-due = { $duty } was due { $day }
# $queues (String) - comma-separated
desk-card-queues = Queues { $queues }
# $day (String); $within (String) - supervisors, or "nobody in the unit"; $outside (String) - who outside the unit is told
desk-escalated-on = Escalated on { $day } to { $within }; { $outside }.
# A button. $within (String); $outside (String)
desk-escalate-to = Escalate to { $within }; { $outside }

## Subject links.

desk-links-title = Subject links
desk-links-intro = Cases that name the same person, after removing ranks and titles and leading zeros from collar numbers. A shared name can be a coincidence: check before joining cases.
# $count (Number)
desk-links-caption =
    { $count ->
        [one] { $count } subject named in more than one case
       *[other] { $count } subjects named in more than one case
    }
desk-links-subject = Subject, as written
desk-links-cases = Cases
# $case (String)
desk-links-repeats = Case { $case } repeats
desk-links-join = Join as a duplicate
desk-links-none = No subject is named in more than one case.

## Statistics and the published figures.

desk-stats-title = Statistics
# $year (Number)
desk-stats-heading = Statistics { $year }
desk-stats-choose-year = Choose the year
desk-stats-year = Year (by the day reports were sent)
desk-stats-show = Show
desk-published-figures = Published figures
# $command (String) - the command, shown as code
desk-stats-same-table = The same table as { $command }.
desk-stats-csv = Download as CSV
# $threshold (Number) - the smallest count shown
desk-stats-note = * = suppressed: a count below { $threshold }, or a value hidden so that it cannot be worked out from the totals
# $year (Number)
desk-stats-allegations-caption = Allegations received in { $year } by category and outcome
# $year (Number)
desk-stats-compliments-caption = Compliments received in { $year }, counted apart: they are not allegations
desk-stats-compliments = Compliments
# $year (Number)
desk-published-title = Published statistics { $year }
# $year (Number); $cases (Number)
desk-published-intro =
    Allegations and compliments received in { $year } (by the day each report was sent) across every queue of the force: { $cases ->
        [one] { $cases } case
       *[other] { $cases } cases
    }, each counted once however many queues read it. Small numbers were suppressed once, after the queues' figures were merged, so that no queue's small counts can be worked out from the force's.
desk-sources-title = Where the figures come from
# $version (String) - the key directory's version
desk-sources-intro = Each queue's exact counts, one line per case with no reference, day or words, signed by the reviewer who exported them, and verified against the force's key directory (version { $version }) before merging.
# $count (Number)
desk-sources-caption =
    { $count ->
        [one] { $count } signed export merged
       *[other] { $count } signed exports merged
    }
desk-sources-by = Exported and signed by
desk-sources-on = On
desk-sources-version = Directory version
desk-sources-file = File

## The charts.

# $title (String) - the chart's title
desk-chart-numbers = The numbers behind “{ $title }”
desk-chart-bar = Bar
desk-chart-unit-cases = cases
desk-chart-unit-allegations = allegations
desk-chart-unit-compliments = compliments
desk-month-jan = Jan
desk-month-feb = Feb
desk-month-mar = Mar
desk-month-apr = Apr
desk-month-may = May
desk-month-jun = Jun
desk-month-jul = Jul
desk-month-aug = Aug
desk-month-sep = Sep
desk-month-oct = Oct
desk-month-nov = Nov
desk-month-dec = Dec
# Under a bar: a range of days ("0–1", "> 30"). At most two lines fit.
desk-bucket-days = { $range } d
# Under a bar: a range of months ("1–2", "≤ 1").
desk-bucket-months = { $range } mo
# Under a bar: how many months late.
desk-bucket-months-late =
    { $range } mo
    late
desk-bucket-over-a-year = > 1 year
desk-bucket-awaiting = awaiting
desk-bucket-overdue = overdue
desk-bucket-closed-none =
    closed,
    none
# $year (Number)
desk-chart-received-title = Cases received per month, { $year }, by category
# $count (Number); $year (Number); $month (String) - the busiest month; $most (Number) - its count
desk-chart-received-summary =
    { $count ->
        [one] { $count } case
       *[other] { $count } cases
    } received in { $year }; the most in { $month } ({ $most }).
# $year (Number)
desk-chart-received-none = No cases received in { $year }.
# $year (Number)
desk-chart-acknowledge-title = Time to acknowledge, reports received in { $year }
# $done (Number) - acknowledged; $on-time (Number); $days (Number) - the duty; $waiting, $overdue, $closed (Number)
desk-chart-acknowledge-summary =
    Of { $done ->
        [one] { $done } report
       *[other] { $done } reports
    } acknowledged, { $on-time } within { $days } days; { $waiting } awaiting acknowledgement, { $overdue } of them overdue; { $closed } closed without acknowledgement.
desk-series-within-7-days = within 7 days
desk-series-late = late
desk-series-in-time = not yet, in time
desk-series-overdue = not yet, overdue
desk-series-closed-unacknowledged = closed without acknowledgement
desk-marker-7-days = 7-day target
# $year (Number)
desk-chart-feedback-title = Time to feedback, reports received in { $year }
# $given (Number); $on-time (Number); $months (Number) - the duty; $waiting, $overdue (Number)
desk-chart-feedback-summary =
    Of { $given ->
        [one] { $given } report
       *[other] { $given } reports
    } given feedback, { $on-time } within { $months } months; { $waiting } awaiting feedback, { $overdue } of them overdue.
desk-series-within-3-months = within 3 months
desk-series-closed-without-feedback = closed without feedback
desk-marker-3-months = 3-month target
desk-chart-open-title = Open cases by age, by priority
# $open (Number); $old (Number) - sent more than 3 months ago
desk-chart-open-summary =
    { $open ->
        [one] { $open } case
       *[other] { $open } cases
    } open; { $old } sent more than 3 months ago.
# $year (Number)
desk-chart-published-category-title = Allegations received in { $year }, by category
# $year (Number)
desk-chart-published-outcome-title = Allegations received in { $year }, by outcome or where they stand
# $year (Number)
desk-chart-published-compliments-title = Compliments received in { $year }, by outcome
# $count (Number); $year (Number)
desk-published-allegations =
    { $count ->
        [one] { $count } allegation
       *[other] { $count } allegations
    } received in { $year }.
# $year (Number)
desk-published-allegations-suppressed = The number of allegations received in { $year } is suppressed.
# $count (Number); $year (Number)
desk-published-compliments =
    { $count ->
        [one] { $count } compliment
       *[other] { $count } compliments
    } received in { $year }.
# $year (Number)
desk-published-compliments-suppressed = The number of compliments received in { $year } is suppressed.
desk-published-stars = Bars marked * are suppressed.

## A case.

# $case (String) - the case reference, shown as code
desk-case-title = Case { $case }
# $case (String)
desk-case-page-title = Case { $case }
# $reviewer (String) - or "nobody"
desk-case-assignee = Assignee: { $reviewer }
# $grading (String) - e.g. 2BP
desk-case-grading = Grading { $grading }
# $queues (String); $readers (String) - comma-separated
desk-case-queues = Queues { $queues } · readable by { $readers }
# $problem (String) - what verification found, in the engine's words
desk-case-tampered = This case's history failed verification: { $problem }
desk-case-passed-on = Passed on:
desk-case-passed-on-more = You can read its history up to then, and record nothing more.
# $author (String); $queue (String); $readers (String); $day (String)
desk-moved-away = { $author } transferred it to { $queue } ({ $readers }) on { $day }.
# $readers (String)
desk-moved-readers = its readers are now { $readers }.
# $reason (String) - spam, test or duplicate, capitalised
desk-case-not-a-report = Not a report: { $reason }
# $case (String) - a link to the case it repeats
desk-case-duplicate-of = of { $case }
# $by (String); $day (String)
desk-case-set-aside = Set aside by { $by } on { $day }; no clock runs and the statistics leave it out.
desk-clocks-title = Clocks
desk-clocks-sent = Sent
desk-clocks-acknowledge = Acknowledge (7 days)
desk-clocks-feedback = Feedback (3 months)
desk-clocks-refer = Refer to the IOPC (without delay)
desk-clocks-next = Next duty
# $day (String)
desk-clock-done = done { $day }
# $day (String)
desk-clock-not-needed = not needed (concluded); was due { $day }
# $day (String)
desk-clock-due = due { $day }
# $day (String); $days (Number) - days left
desk-clock-due-left = due { $day } ({ $days } d left)
desk-clock-unknown = unknown: no report
desk-thread-title = Report and replies
# $day (String)
desk-thread-report = Report, sent { $day }
# $day (String)
desk-thread-follow-up = Follow-up, sent { $day }
desk-thread-routing-note = Routing to ask about:
desk-thread-mailbox-note = The reporter's mailbox:
# $kind (String) - what the reply was for; $author (String); $day (String)
desk-thread-reply = Reply ({ $kind }) by { $author }, { $day }
desk-attachments-caption = Attachments (downloads only: never opened in the browser)
desk-attachments-file = File
desk-attachments-size = Size
desk-attachments-download = Download
desk-save-original-names = Keep the reporter's file names (they may hold dates, places or names)
desk-save-attachments = Save all attachments to a folder
desk-fact-concerning = Concerning
desk-concerning-psd-staff = PSD or ACU staff
desk-concerning-chief-officer = a chief officer
desk-fact-about = About
desk-fact-what = What happened
desk-fact-when = When
desk-fact-where = Where
desk-fact-reported-elsewhere = Reported elsewhere
desk-fact-disclosure = Disclosure
desk-disclosure-anonymous = Anonymous: answer only through the reporter's mailbox.
desk-confidential-protect = Confidential: protect these details.
# $name (String) - as the reporter gave it, or "not given"
desk-disclosure-name = Name: { $name }
# $contact (String)
desk-disclosure-contact = Contact: { $contact }
desk-disclosure-held = Confidential: the name and contact are held by the identity custodian
# $custodians (String) - comma-separated
desk-disclosure-held-more = ({ $custodians }), sealed so that no reader can open them. Ask for them under "{ desk-identity-title }".
desk-assessment-title = Current assessment
desk-assessment-corruption = Corruption category
desk-assessment-iopc = IOPC criteria met
desk-assessment-risk = Detriment risk
desk-assessment-linked = Linked cases
desk-not-set-lower = not set
desk-not-assessed-lower = not assessed
desk-history-title = History
desk-history-caption = Signed case events, in the order they apply
desk-history-day = Day
desk-history-by = By
desk-history-event = Event
desk-history-what = What
desk-history-empty = Nothing recorded yet.

## The forms of a case.

desk-triage-title = Triage
desk-triage-category = Category (Standards of Professional Behaviour)
desk-triage-corruption = Corruption category (ACU)
desk-not-set = Not set
desk-grading-legend = 3x5x2 intelligence grading
desk-grading-source = Source
desk-grading-information = Information
desk-grading-handling = Handling
desk-no-subjects = No subjects named yet.
# $subject (String) - shown in quotation marks
desk-remove-subject = Remove { $subject }
desk-add-subjects = Add subjects (one per line: a name or a collar number)
desk-risk-legend = Reporter detriment risk
desk-risk-level = Risk level
desk-not-assessed = Not assessed
desk-risk-measures = Measures taken or planned
desk-record-triage = Record triage
desk-reply-title = Reply to the reporter
desk-reply-hint = Sealed to the reporter and filed in their mailbox; they read it with their token.
desk-reply-text = Message
desk-reply-kind = This reply is
desk-reply-acknowledgement = Acknowledgement (stops the 7-day clock)
desk-reply-feedback = Feedback on what is being done (stops the 3-month clock)
desk-reply-message = Message (a question, a request for detail)
desk-reply-send = Send reply
desk-summary-title = Sanitised summary
desk-summary-hint = Your words, never the reporter's: this is the only text that leaves the case (exports, statistics, referrals).
desk-summary-label = Summary
desk-summary-save = Save summary
desk-iopc-title = IOPC referral checklist
desk-iopc-legend = Mandatory-referral criteria met
desk-iopc-warning = At least one criterion is met: the case must be referred to the IOPC.
desk-iopc-save = Save checklist
# $day (String); $reference (String) - the IOPC's reference
desk-iopc-referred = Referred to the IOPC on { $day } (reference { $reference }).
desk-refer-title = Record the IOPC referral
desk-refer-day = Day the referral was made
desk-refer-reference = Referral reference
desk-refer-record = Record referral
desk-note-title = Note for the case file
desk-note-add = Add note
desk-restore-title = Restore as a report
# $by (String); $day (String)
desk-restore-set-aside = Set aside by { $by } on { $day }. Restoring starts its clocks again.
desk-restore-supervisors-only = Only a supervisor of the case's queues can restore it.
desk-restore-why = Why it is a report
desk-restore = Restore
desk-discard-title = Not a report
desk-discard-hint = Stops every clock and leaves the statistics; a supervisor can undo it.
desk-discard-duplicate-of = For a duplicate: the case it repeats
desk-discard = Set aside
desk-identity-title = Reporter's identity
# $custodian (String); $day (String); $note (String) - the custodian's note
desk-identity-granted = Granted to you by { $custodian } on { $day }: { $note }
desk-identity-name = Name
desk-identity-contact = Contact
# $custodians (String) - comma-separated
desk-identity-held = Held by the identity custodian ({ $custodians }). No reader can open it; ask, saying why: the request and the answer go in the case's history.
# $custodian (String); $day (String); $note (String)
desk-identity-declined = Declined by { $custodian } on { $day }: { $note }
desk-identity-why = Why you need it
desk-identity-ask = Ask the custodian
desk-dispose-title = Dispose of this case
desk-dispose-hint = Before the force's retention ends, agreed by two supervisors: the first proposes it, the second makes it take effect. Every reader's tool then forgets the case and the attachment files it saved. The relay's copies go at the end of its own retention.
# $by (String); $day (String); $note (String)
desk-dispose-proposed = Proposed by { $by } on { $day }: { $note }.
desk-dispose-supervisors-only = Only a supervisor can dispose of a case.
desk-dispose-why = Why (the records decision)
desk-dispose = Dispose of it
desk-transfer-title = Transfer to another queue
desk-transfer-hint = Its readers become that queue's (never anyone the reporter excluded or the report names); the report, follow-ups and history are sealed again to them, and the reporter's follow-ups go to them from now on.
desk-transfer-supervisors-only = Only a supervisor can transfer a case.
desk-transfer = Transfer
desk-add-reader-title = Add a reader
desk-add-reader-hint = They can read the whole case, and the reporter's follow-ups reach them too.
desk-add-reader-reviewer = Reviewer
desk-add-reader = Add reader

## Identity requests, for an identity custodian.

desk-identity-requests-title = Identity requests
desk-identity-requests-intro = You hold confidential reporters' names and contacts for the force. A reader of a case asks for one here, saying why. Granting seals the reporter's own details to that reader alone; declining tells them why not. You never see the report, and the case's history records every request and answer.
desk-identity-requests-none = No request has reached you.
# $number (String) - the request's number; $case (String) - shown as code
desk-identity-request-title = Request { $number }: case { $case }
desk-identity-asked-by = Asked by
desk-identity-on = On
desk-identity-answer = Answer
# $day (String)
desk-identity-granted-on = granted on { $day }
# $day (String)
desk-identity-declined-on = declined on { $day }
desk-identity-waiting = waiting
# $reviewer (String) - who asked
desk-identity-note-to = Your note to { $reviewer }
desk-identity-grant = Grant
desk-identity-decline = Decline

## Escalations received.

desk-escalations-title = Escalations to you
desk-escalations-intro = Late cases in teams you do not belong to, escalated to you as the directory names you for them. You cannot open these cases: each notice gives the reference, the duty missed and how late it is, never the report. Chase the team that holds the case, quoting its reference.
desk-escalations-none = No late case has been escalated to you.
desk-escalations-duty = Duty missed
desk-escalations-due = Due
desk-escalations-days-late = Days late
desk-escalations-by = Escalated by
desk-escalations-assigned = Assigned to
# $day (String) - the day it was escalated
desk-escalations-on = on { $day }

## What an action did, shown once on the next page.

# $problem (String) - why, in the desk's or the engine's words
desk-not-recorded = Not recorded: { $problem }
desk-triage-unchanged = Nothing changed, so nothing was recorded.
# $event (String) - the event's short hash
desk-triage-recorded = Triage recorded (event { $event }).
desk-iopc-unchanged = The checklist is unchanged, so nothing was recorded.
# $event (String)
desk-iopc-recorded = IOPC checklist recorded (event { $event }).
desk-summary-unchanged = The summary is unchanged, so nothing was recorded.
# $event (String)
desk-summary-recorded = Sanitised summary recorded (event { $event }).
desk-note-missing = Write the note first.
# $event (String)
desk-note-added = Note added (event { $event }).
# $case (String); $reason (String) - spam, test or duplicate; $event (String)
desk-discarded = Case { $case } set aside as not a report ({ $reason }); its clocks are stopped (event { $event }).
desk-transfer-queue-missing = Choose the queue it goes to.
desk-transfer-why-missing = Say why it moves.
desk-add-reader-missing = Choose the reviewer to add.
desk-add-reader-why-missing = Say why they should read it.
# $case (String); $queue (String)
desk-moved-transferred = Case { $case } transferred to { $queue }
# $case (String); $reviewer (String)
desk-moved-shared = Case { $case } shared with { $reviewer }
# Follows "Case … transferred to …:". $follow-ups (Number); $events (Number); $readers (String); $event (String)
desk-moved-sealed =
    the report, { $follow-ups ->
        [one] { $follow-ups } follow-up
       *[other] { $follow-ups } follow-ups
    } and { $events ->
        [one] { $events } case event
       *[other] { $events } case events
    } sealed again to { $readers } (event { $event }).
# $readers (String)
desk-moved-readers-now = Readers now: { $readers }.
# $readers (String)
desk-moved-removed = No longer readers: { $readers } (they could read it until now; their inbox and clocks drop it).
# $reviewer (String); $why (String) - in the engine's words
desk-moved-passed-over = Not made a reader: { $reviewer } ({ $why }).
# $count (Number)
desk-moved-history-gone =
    { $count ->
        [one] { $count } earlier event had left the relay and could not be passed on.
       *[other] { $count } earlier events had left the relay and could not be passed on.
    }
desk-restore-missing = Say why it is a report.
# $case (String); $event (String)
desk-restored = Case { $case } restored as a report; its clocks run again (event { $event }).
desk-dispose-missing = Say why it is disposed of.
# $case (String)
desk-dispose-proposed-done = Disposal of case { $case } proposed and recorded; it takes effect once a second supervisor agrees.
# $case (String); $files (Number) - saved attachment files removed
desk-disposed =
    Case { $case } disposed of: recorded, and forgotten by this desk with { $files ->
        [one] { $files } saved attachment file
       *[other] { $files } saved attachment files
    }; every other reader's tool forgets it at its next sync.
# $files (String) - the files left, separated by semicolons
desk-disposed-left = Remove these saved files by hand: { $files }.
desk-refer-day-missing = Give the day the referral was made.
# $day (String) - what was typed, quoted
desk-refer-day-invalid = { $day } is not a day (YYYY-MM-DD).
desk-refer-reference-missing = Give the referral's reference.
# $day (String); $event (String)
desk-referred = Referral to the IOPC on { $day } recorded (event { $event }).
# $event (String)
desk-reply-sent = Reply sealed to the reporter, filed in their mailbox and recorded (event { $event }).
# $count (Number); $folder (String)
desk-saved = { $count } attachment(s) saved, decrypted, in { $folder }. Nothing was opened; open them with care.
# $folder (String); $problem (String) - the system's words
desk-save-folder-failed = cannot create a folder under { $folder }: { $problem }
# $case (String); $folder (String)
desk-save-too-many = too many saved folders for case { $case } under { $folder }
# $case (String)
desk-escalate-not-overdue = Case { $case } is not overdue today: nothing to escalate.
# $case (String); $day (String)
desk-escalate-already = Case { $case } was already escalated for this on { $day }: nothing new was recorded.
# $case (String); $within (String) - supervisors, or "nobody in the unit"; $event (String)
desk-escalate-recorded = Escalation of { $case } to { $within } recorded (event { $event }).
desk-escalate-nobody-outside = Nobody outside the unit could be told: every escalation recipient was excluded by the reporter or is named in the report.
# $recipients (String)
desk-escalate-notice = A sanitised notice (reference, duty, days late; no report content) was sent to { $recipients }.
# $recipients (String)
desk-escalate-notice-independent = A sanitised notice (reference, duty, days late; no report content) was sent to { $recipients }, the independent queue, since everyone named for this queue was passed over.
desk-identity-decision-missing = Choose to grant or decline.
desk-identity-note-missing = Say why, for the requester.
# $number (String) - the request's number
desk-identity-granted-done = Request { $number } granted: the reporter's details were sealed to the requester alone.
# $number (String)
desk-identity-declined-done = Request { $number } declined; the requester is told why.
desk-identity-reason-missing = Say why you need it.
# $event (String)
desk-identity-requested = Request for the reporter's identity recorded (event { $event }) and sealed to the custodians; their answer arrives with a later sync.
# $reports, $follow-ups, $events (Number)
desk-synced = Synced: { $reports } new reports, { $follow-ups } follow-ups, { $events } new case events.
# $count (Number)
desk-synced-escalations =
    { $count ->
        [one] { $count } late case escalated to you (see Escalations).
       *[other] { $count } late cases escalated to you (see Escalations).
    }
# $case (String); $what (String) - in the engine's words
desk-sync-tampering = TAMPERING: case { $case }: { $what }
# $what (String)
desk-sync-vanished = GONE BEFORE ITS TIME: { $what }
# $what (String)
desk-sync-rejected = refused: { $what }
# $what (String)
desk-sync-flagged = routing to ask about: { $what }
# $what (String)
desk-sync-malformed = not an envelope Candour writes: { $what }
# $what (String)
desk-sync-deferred = not taken in yet: { $what }
# $case (String); $what (String)
desk-sync-incomplete = case { $case }: { $what }

## Why a form could not be recorded.

desk-form-page-stale = This page no longer matches the case: reload it and try again.
desk-form-grading-incomplete = Give all three parts of the 3x5x2 grading, or none of them.
# $reviewer (String)
desk-form-assignee-not-reader = { $reviewer } cannot read this case, so it cannot be assigned to them.
desk-form-risk-kept = A detriment-risk assessment cannot be removed, only changed.
desk-form-risk-level-missing = Choose a detriment-risk level for the measures.
desk-form-summary-kept = The sanitised summary cannot be emptied: write its replacement.
desk-form-reply-missing = Write the reply first.
# $kind (String) - what was sent, quoted
desk-form-reply-kind-unknown = { $kind } is not a kind of reply

## Errors and refusals, and the closed desk.

desk-error-not-found = Not found
desk-error-no-such-page = There is no such page on the desk.
desk-error-tampering = Tampering found
desk-error-relay = The relay failed
desk-error-other = Something failed
desk-not-signed-in = Not signed in
# $command (String) - the command, shown as code
desk-not-signed-in-text = This desk only answers the browser that opened its one-time login link. Run { $command } for a new link.
desk-login-spent = Login link not valid
# $command (String)
desk-login-spent-text = Each login link works once. If this browser is already signed in, go to the inbox at /; otherwise close the desk and run { $command } again.
desk-login-failed = Login failed
desk-login-failed-text = The session cookie could not be set.
desk-wrong-address = Wrong address
desk-wrong-address-text = The desk answers only at the address in its login link.
desk-refused = Refused
desk-refused-origin = This form did not come from the desk's own pages.
desk-refused-csrf = This form is not from this desk session: reload the page and try again.
desk-too-large = Too large
desk-too-large-text = The form is too large to record.
desk-not-allowed = Not allowed
desk-not-allowed-text = The desk only takes GET and POST.
desk-closed-title = Desk closed
# $command (String)
desk-closed-text = The desk has stopped. You can close this tab; run { $command } to open it again.
