### The reporter and mailbox pages, in English. How to add or review one:
### crates/candour-l10n/README.md. Messages shown in the HTML may hold <strong> and <code>
### (nothing else survives escaping); `js-` messages are shown by candour.js as plain text.

## Both pages

page-product-name = Candour
page-quick-exit = Leave this site
page-quick-exit-key = (or press Esc)
page-checking-directory = Checking the list of people who can read reports…
page-footer-unproven = These numbers cannot prove this page is genuine: whoever serves it could change them too. To be sure, use the page your organisation publishes and checks, a copy of it you keep, or the <code>candour</code> command-line tool.
page-footer-directory = Directory:
page-footer-module = Module SHA-256, computed by your browser:

## The report page

page-title = Report wrongdoing safely · Candour
page-skip = Skip to the form
page-heading = Report wrongdoing safely
page-intro = Tell your force's Professional Standards Department or Anti-Corruption Unit what you have seen. Your report is locked on this device before it leaves it: only the people listed below can open it.
page-noscript = This page cannot send anything with JavaScript turned off: it locks your report on this device with JavaScript before anything leaves it. In Tor Browser, choose the <strong>Standard</strong> or <strong>Safer</strong> security level for this site (the shield icon, then "Change…"), or report with the <code>candour</code> command-line tool your force publishes. Nothing you type on this page can be sent as it is.
page-safety-heading = Before you start: keep yourself safe
page-safety-device = Use a <strong>personal</strong> phone or computer, not a force device, and not the force network or Wi-Fi.
page-safety-tor = If you can, use <strong>Tor Browser</strong>: then the relay cannot see your internet address at all.
page-safety-details = Leave out details only you could know if you want to stay anonymous. You can add more later.
page-safety-nothing-saved = Nothing is saved in this browser. Close the tab when you have finished.
page-kind-legend = What kind of concern is it?
page-category-label = Category
page-category-choose = Choose a category…
page-category-help = Choose the one that fits best. Reviewers can change it.
page-concerning-label = Is it about any of these people? (This changes who may read it.)
page-subjects-legend = Who is it about?
page-subjects-help = Fill in what you know. Every field is optional.
page-subject-name = Name
page-subject-collar = Collar or warrant number
page-subject-role = Rank or role
page-subject-station = Station or team
page-add-subject = Add another person
page-what-legend = What happened?
page-what-label = What happened
page-required = (required)
page-what-help = Describe what you saw or heard, in your own words.
page-when-label = When
page-when-help = A date, a rough time, or "over several months".
page-where-label = Where
page-elsewhere-label = Have you reported this anywhere else? Where?
page-anonymous-legend = Do you want to stay anonymous?
page-anonymous-yes = Yes, stay anonymous. I will use my token to read replies.
page-anonymous-no = No, I will give contact details, to be kept confidential.
page-contact-name = Your name
page-contact-how = How to contact you safely
page-attachments-legend = Attachments
page-attachments-label = Photos, documents or other files
page-attachments-help = Hidden details such as the camera, location and author are removed from JPEG, PNG and PDF files on this device before anything is sent. Other file types cannot be cleaned.
page-exclusions-legend = Who must not read it?
page-exclusions-help = Tick anyone who should not see this report, for example because it is about them.
page-preview-heading = Who will be able to read it
page-preview-empty = Choose a category to see who will read your report.
page-conflicts-heading = Before you send: this may reach the person it is about
page-keep-route = Send it as it is: I am sure these people should read it
page-send = Lock and send my report
page-sent-heading = Your report has been received
page-sent-token-before-link = This is your <strong>mailbox token</strong>. It is shown <strong>once</strong> and cannot be recovered. With it, and nothing else, you can read replies and add information from any device at
page-sent-token-link = the mailbox page
page-token-label = Your 12-word mailbox token
page-copy-token = Copy the token
page-token-paper = Write it down on paper, or keep it in a password manager on a personal device.
page-token-hide = Do not keep it on a force device, in force email, or anywhere a colleague could find it.
page-token-check = Check the mailbox in a few days: the unit may have questions only you can answer.
page-footer-format = Locked on your device with the Candour format.
page-footer-mailbox-link = Read replies to an earlier report

## The mailbox page

mailbox-title = Your mailbox · Candour
mailbox-skip = Skip to the token
mailbox-heading = Your mailbox
mailbox-intro = Read replies to your report and send more information. You need the 12-word token you were given when you reported.
mailbox-noscript = This page cannot open your replies with JavaScript turned off: it opens them on this device with JavaScript. In Tor Browser, choose the <strong>Standard</strong> or <strong>Safer</strong> security level for this site (the shield icon, then "Change…"), or use <code>candour mailbox</code>, the command-line tool your force publishes.
mailbox-safety-heading = Keep yourself safe
mailbox-safety-device = Use a personal device, not the force network. Tor Browser hides your internet address.
mailbox-token-label = Your 12-word token
mailbox-token-help = Type the words in order, separated by spaces. Capitals do not matter.
mailbox-open = Open my mailbox
mailbox-replies-heading = Replies
mailbox-more-heading = Send more information
mailbox-not-received = No reviewer has received your report yet, so this page cannot yet tell who may read more information, and it will not guess. Check again later: a reviewer's tool confirms receipt when it next checks, usually within a day. Anything you type here stays until you leave the page.
mailbox-message-label = Your message
mailbox-attachments-label = Attachments
mailbox-attachments-help = Hidden details are removed from JPEG, PNG and PDF files on this device before sending.
mailbox-conflicts-heading = Before you send: your message names one of its readers
mailbox-keep-readers = Send it to all of them: I am sure
mailbox-send = Lock and send
mailbox-new-report-link = Make a new report

## Shown by the page script (candour.js)

js-insecure-context = This page must be opened over https, from a .onion address or from the file you keep; here the browser cannot check its parts.
js-part-mismatch = The page's {$part} is not the one this page was built with (SHA-256 {$found}). Someone may have changed it; nothing was sent.
js-module-missing = The sealing module could not be loaded.
js-worker-stopped = The page's worker stopped.
js-unreachable = The relay could not be reached. Check your connection and try again.
js-relay-status = status {$status}
js-relay-refused = The relay refused it: {$message} ({$code}).
js-directory-info = {$organisation}, version {$version}, SHA-256 {$sha}
js-late-notices-only = told only when a case is late
js-goes-to = Goes to: {$queues}
js-only-these-readers = Only these people will be able to read it:
js-supervisor-suffix = {$name} (supervisor)
js-leave-out = Leave out {$name}
js-independent-office = Send it to the independent office instead
js-attachments-too-large = These files add up to {$total} MiB; this page can send at most {$limit} MiB at once. Choose fewer or smaller files, or use the candour command-line tool.
js-send-as-is = Send {$name} as it is
js-attachment-refused = {$name} cannot be attached: {$reason}
js-choose-category = Choose a category.
js-say-what-happened = Say what happened.
js-conflict-not-sent = Not sent yet: this report may reach the person it is about. Choose what to do in the warning above.
js-locking-report = Locking your report on this device…
js-sending-report = Sending the locked report…
js-not-sent = Not sent: {$reason}
js-copied = Copied. Paste it somewhere safe, then clear your clipboard.
js-copy-refused = Copying is not allowed here: write the words down instead.
js-sent-as-is = {$name}: sent as it is
js-report-sent = Report sent.
js-receipt-from = {$day} · automatic receipt from {$queues}
js-receipt-text = Your report was received. A person will acknowledge it within 7 days.
js-reply-from-reviewer = {$day} · from a reviewer in {$queues}
js-reply-from-supervisor = {$day} · from a supervisor in {$queues}
js-save-attachment = Save {$name} ({$bytes} bytes)
js-nothing-yet = Nothing yet: no reviewer has received your report. Check again later.
js-opening-mailbox = Opening your mailbox…
js-mailbox-opened = Mailbox opened.
js-write-first = Write a message first.
js-follow-up-not-received = Not sent: no reviewer has received your report yet. Your message stays here; check again later.
js-follow-up-conflict = Not sent yet: your message names one of its readers. Choose what to do in the warning above.
js-locking-message = Locking your message on this device…
js-sending = Sending…
js-follow-up-sent = Sent. It joins your report's case.
js-no-webassembly = This browser can run neither WebAssembly nor this page's JavaScript build of the sealing module, so your report cannot be locked on this device. Use the Standard or Safer level for this page, or the candour command-line tool.
js-cannot-use = This page cannot be used safely, so nothing can be sent: {$reason}
js-module-internal = Something went wrong inside the sealing module; nothing was sent.
js-module-javascript-build = {$sha} (the JavaScript build of the module, for browsers without WebAssembly)
