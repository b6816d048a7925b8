### The cli messages in en-GB. How to add or review one: crates/candour-l10n/README.md.

## candour report (src/cli/report.rs, attach.rs, net.rs). A prompt is shown with one space
## after it; a list of answers is what may be typed, comma-separated.

report-intro = Candour report. Use a personal device, not the force network; Tor if you can.
report-skip-hint = Press Enter to skip any question that is not required.
report-ask-category = Which category fits best? (number)
report-type-a-number = Please type a number from 1 to { $last }.
report-type-a-listed-number = Please type a number from the list.
report-ask-about-psd = Is it about someone in PSD or the ACU? [y/N]
report-ask-about-chief-officer = Is it about a chief officer (ACC or above)? [y/N]
report-ask-subject-name = Name of a person it is about (Enter when done):
report-ask-subject-collar = Their collar or warrant number, if known:
report-ask-subject-role = Their rank or role, if known:
report-ask-subject-station = Their station or team, if known:
report-ask-what = What happened? Finish with a line containing only a full stop (.)
report-ask-when = When did it happen?
report-ask-where = Where did it happen?
report-ask-elsewhere = Have you reported it anywhere else? Where?
report-confidential-with-report = your name and contact are locked with the report, and the people who read it can see them.
report-confidential-custodians = your name and contact are locked to { $custodians } alone, who look after reporters' identities, not to the people who read the report: a reader who needs them must ask, giving a reason.
report-disclosure-explained = Anonymous: nobody is told who you are, and you read replies with the token you are given. Confidential: { $confidential } The relay never sees either.
report-ask-anonymous = Stay anonymous? [Y/n]
report-ask-name = Your name (kept confidential):
report-ask-contact = A safe way to contact you:
report-ask-attachment = File to attach (Enter when done):
report-would-read = Only these people would be able to read it:
report-ask-exclude = Anyone of them who must NOT read it? Their ids, separated by commas (Enter for none):
report-not-among-them = { $id } is not among them; type ids from the list above.
# A list's last two items: $vowel is "yes" when $last starts with a vowel.
report-and = { $first } and { $last }

# Yes and no, as typed at any question; report-yes-no is shown after a question whose answer is
# no unless yes is typed.
report-answers-yes = y, yes
report-answers-no = n, no
report-yes-no = [y/N]
report-no-terminal-to-confirm = not sent: there is no terminal to confirm on; review the list above and pass --yes to send

## Who will read it (the preview) and what may reach the person it is about.

report-preview-goes-to = Goes to: { $queues }
report-preview-readers = Only these people will be able to read it:
report-preview-fallback = Because you excluded everyone in { $emptied }, this report will also go to { $queue }, which is independent of PSD and the ACU.
report-preview-held = Your name and contact are sealed to the identity custodian ({ $custodians }) alone. The people above see only that they are held, and must ask the custodian, giving a reason, to learn who you are.
report-preview-confidential = Your name and contact will be read by everyone above, with the report.
report-note = Note: { $note }
report-warning = Warning: { $warning }
report-confirm-send = Send the report to these people?
report-look-first = Before sending, look at this:
report-person-number = Person { $number }
report-person-described = The person you describe as "{ $details }"
report-subject-collar = collar { $collar }
report-subject-no-details = (no details given)
report-conflict-professional-standards = { $described } appears to work in Professional Standards or the Anti-Corruption Unit ("{ $matched }"), but this report would go to those teams. Send it to the independent office instead.
report-conflict-chief-officer = { $described } appears to be a chief officer ("{ $matched }"), but this report would go to teams that answer to them. Send it to the independent office instead.
# $on is what matched: name, alias or collar.
report-conflict-subject-is-reader = { $described } has the same { $on ->
        [name] name
        [alias] another name they are known by
       *[collar] collar number
    } as { $reader }, who would be able to read this report. Exclude them, or send it to the independent office.
report-conflict-text-names-reader = Your words mention { $reader } (by { $on ->
        [name] name
        [alias] another name they are known by
       *[collar] collar number
    }), who would be able to read this. If it is about them, exclude them.
report-what-now = What would you like to do?
report-choice-independent = Send it to the independent office (outside PSD and the ACU) instead
report-choice-leave-out = Leave out { $ids }
report-choice-both = Both
report-choice-as-it-is = Send it as it is: I am sure
report-choice-stop = Stop: send nothing
report-ask-choice = Your choice (1-5):
report-keep-route = Sending as routed, as --keep-route asks.
report-not-sent-because = not sent: { $why }
report-conflict-advice = the report may reach the person it is about (see above). Send it to the independent office or leave them out with { $ways }, or pass --keep-route to send it as routed
report-and-or = and/or
report-not-sent = Not sent. Nothing was written to disk.

## Sending, and the token.

report-progress-kib = Sealed and sent { $kib } KiB
report-progress-mib = Sealed and sent { $mib } MiB
report-send-failed = Not sent: { $error }
report-after-failure = Your answers are kept, on this device only. [T]ry again, [c]hange an answer, or [q]uit?
report-answers-try-again = t, try, y
report-answers-change = c, change
report-answers-quit = q, quit, n
report-after-failure-again = Please type t, c or q.
report-answers-gone = Not sent. Nothing was written to disk; your answers are gone with this program.
report-field-category = category
report-field-what = what happened
report-field-when = when
report-field-where = where
report-field-elsewhere = reported anywhere else
report-field-subjects = who it is about
report-field-disclosure = anonymous or confidential
report-ask-which-answer = Which answer? (number)
report-received = Your report has been received and stored.
report-token-heading = Your mailbox token (shown once, never again):
report-token-use = With these 12 words alone, from any device, you can read replies and send more information:
report-token-command = candour mailbox --relay { $relay } --root <the same root key>
report-token-keep = Keep them off force devices and systems: write them down and keep them somewhere only you can reach.
report-token-anyone = Anyone holding them can read the replies to your report.

## The command line and its files.

report-stdin-twice = --from - and --what-file - cannot both read standard input
report-refusing-to-send = refusing to send
report-needs-category = a report needs a category (--category); valid categories:
report-needs-what = say what happened (--what-file, or "what" in the --from file)
report-reading = reading { $file }
report-not-a-report =
    { $file } is not a valid report: { $error }
    Fields: category, concerning, subjects (name, collar_number, role, station), what, when, where, reported_elsewhere, disclosure.
    Categories: { $categories }
report-arguments-seen = { $flags } given on the command line, where your shell's history and other users of this computer (ps) can see it. Next time use --what-file or --from ("-" reads from the keyboard or a pipe), and clear this command from your shell's history.
report-note-flag-replaces = { $flag } from the command line replaces the file's
report-note-what-replaces = what happened, from the command line, replaces the file's
report-note-concerning-added = --concerning { $concerning } is added to the file's
report-note-subjects-added = { $count ->
        [one] 1 person from --subject is added
       *[other] { $count } people from --subject are added
    } to the file's
report-note-contact-replaces = --confidential-name/--contact replace the file's contact details
report-onion-needs-tor = { $error }. Start Tor and give --proxy socks5h://127.0.0.1:9050
report-root-unreadable = { $root } is neither a root public key nor a readable file
report-root-invalid = { $root } does not hold a root public key

## Attachments. What was removed ($removed, $kept) is named in English by the stripper.

report-attach-cannot-open = opening attachment { $file }
report-attach-unstripped = { $file }: metadata cannot be removed from this type of file, and it may reveal who made it (author, device, location, dates). Convert it to PDF, JPEG or PNG, or pass --allow-unstripped to send it as it is.
report-attach-cannot-strip = removing metadata from { $file }
report-attach-as-is = { $file } is sent as it is; its metadata could not be removed.
report-attach-line = { $file }: { $what }
report-attach-nothing-removed = no metadata found
report-attach-removed-what = removed { $removed }
report-attach-kept = kept { $kept }

## candour mailbox (src/cli/mailbox.rs).

mbox-ask-token = Your 12-word token (not shown as you type):
mbox-token-instead = use --token-file FILE
mbox-no-terminal-for-token = no terminal to ask for the token on: use --token-file
mbox-reading = reading { $file }
mbox-reading-stdin = reading standard input
mbox-stdin-needs-token-file = --send-file - reads standard input, so the token must come from --token-file
mbox-attach-needs-send = --attach goes with --send or --send-file
mbox-refusing = refusing to go on
mbox-warning = Warning: { $warning }
mbox-note = Note: { $note }
mbox-send-seen = --send was given on the command line, where your shell's history and other users of this computer (ps) can see it. Next time use --send-file ("-" reads from the keyboard or a pipe), and clear this command from your shell's history.
mbox-empty = Nothing in your mailbox yet: no reviewer has received your report (or the token is mistyped).
# $role is supervisor or reviewer; $queues the queues' ids.
mbox-receipt = { $day }: your report was received (automatic receipt, by a { $role ->
        [supervisor] supervisor
       *[other] reviewer
    } in { $queues })
mbox-reply-from = { $day } from a { $role ->
        [supervisor] supervisor
       *[other] reviewer
    } in { $queues }
mbox-seen = { $count ->
        [one] Written having read 1 message from you, sent on { $day }.
       *[other] Written having read { $count } messages from you, the newest sent on { $day }.
    }
mbox-attachment = attachment { $name }, { $bytes } bytes
mbox-repeats = { $count ->
        [one] 1 message
       *[other] { $count } messages
    } appeared in your mailbox more than once: each is shown once.
mbox-problem-not-a-reply = a message in the mailbox is not a reply to this report
mbox-problem-forged-signer = a reply claims to come from { $reviewer } but is not signed by their key in the directory: ignore it
mbox-problem-forged-route = a message from { $reviewer } changes the list of readers your report chose, which no reviewer may do: ignore it
mbox-problem-malformed = a reply is malformed: { $why }
mbox-seen-less = The reply of { $day } from a reviewer in { $queues } was written having read { $count } of your messages (the newest sent on { $newest }), less than the reply of { $earlier-day } had ({ $earlier-count }, the newest sent on { $earlier-newest }): something you sent may not have reached them. You may want to send it again.
mbox-no-current-queue = no current queue

## Who a follow-up goes to.

mbox-note-older-version = Your report was sent by an older version of Candour, so who reads your follow-ups rests on the newest reply's word rather than your report's own.
mbox-note-excluded-asked-for = A message asked for { $ids } to read your follow-ups. You excluded them when you reported: they are not added, and never will be.
mbox-note-proposed = { $by } proposed that { $added } read your follow-ups as well. Your report did not choose them, so they are not added: your follow-ups go only to the readers your report chose.
# $shape: "to" ($added only), "away" ($removed only), "both", or neither.
mbox-note-passed-on = { $shape ->
        [to] On { $day }, { $author } passed your report on to { $added }. Your follow-ups now go to { $readers }. Nobody you excluded can be added this way.
        [away] On { $day }, { $author } passed your report on, away from { $removed }. Your follow-ups now go to { $readers }. Nobody you excluded can be added this way.
        [both] On { $day }, { $author } passed your report on to { $added }, away from { $removed }. Your follow-ups now go to { $readers }. Nobody you excluded can be added this way.
       *[other] On { $day }, { $author } passed your report on. Your follow-ups now go to { $readers }. Nobody you excluded can be added this way.
    }
mbox-note-change-refused = A message said { $author } had passed your report on to { $added }, but that does not check out ({ $why }), so your follow-ups do not go there.
mbox-note-departed = { $ids } { $count ->
        [one] is
       *[other] are
    } no longer in the list of reviewers, so your follow-ups cannot reach them.
mbox-ask-answer = Answer them now? It goes to your report's readers only. [y/N]
mbox-answer-how = Your answer. Finish with a line containing only a full stop (.)
mbox-not-yet-received = Not sent: No reviewer has received your report yet, so Candour cannot yet tell who may read more information without asking you again, and it will not guess. Nothing was sent: try again later (a reviewer's tool confirms receipt when it next checks, usually within a day).
mbox-still-in-file = Your message is still in the file you gave.
mbox-look-first = Before sending, look at this:
mbox-named-readers-not-sent = not sent: leave them out with { $flags }, or pass --keep-readers to send it to every reader
mbox-confirm-leave-out = Leave out { $ids }?
mbox-confirm-send = Send this to these people?
mbox-not-sent = Not sent.
mbox-sent = Sent. It joins your report's case.

## Worded by the page's module (crates/candour-web/src/api.rs) from the same decisions

report-conflicts-choose = { $conflicts } Choose what to do in the warning above.
report-attach-unstripped-page = metadata cannot be removed from this type of file, and it may reveal who made it (author, device, location, dates). Convert it to PDF, JPEG or PNG, or tick "send it as it is".
