### What several parts show (categories, refusals), in English. How to add or
### review one: crates/candour-l10n/README.md.

## The categories (crates/candour-core/src/report.rs): the Standards of Professional
## Behaviour, Prevent, a compliment, other. `category-<id>` is the title, `-help` its one line.

category-honesty-and-integrity = Honesty and integrity
category-honesty-and-integrity-help = Lying, fiddling records or expenses, taking gifts or favours, abusing the job for personal gain.
category-authority-respect-and-courtesy = Authority, respect and courtesy
category-authority-respect-and-courtesy-help = Bullying, harassment, abusing power over the public or colleagues.
category-equality-and-diversity = Equality and diversity
category-equality-and-diversity-help = Treating people unfairly because of race, sex, religion, disability, sexuality or other protected characteristics.
category-use-of-force = Use of force
category-use-of-force-help = Force that was unnecessary, unreasonable or disproportionate.
category-orders-and-instructions = Orders and instructions
category-orders-and-instructions-help = Refusing or ignoring lawful orders, or giving unlawful ones.
category-duties-and-responsibilities = Duties and responsibilities
category-duties-and-responsibilities-help = Neglecting duties: not recording crimes, not safeguarding the vulnerable, not doing the job.
category-confidentiality = Confidentiality
category-confidentiality-help = Misusing police systems or information: looking people up without reason, leaking to others.
category-fitness-for-work = Fitness for work
category-fitness-for-work-help = Being unfit for duty through drink, drugs or similar.
category-discreditable-conduct = Discreditable conduct
category-discreditable-conduct-help = Behaviour on or off duty that discredits the police, including criminal conduct.
category-challenging-and-reporting-improper-conduct = Challenging and reporting improper conduct
category-challenging-and-reporting-improper-conduct-help = Covering up, or failing to challenge or report, a colleague's misconduct.
category-prevent-concern = Prevent concern (radicalisation)
category-prevent-concern-help = A worry that a colleague is being drawn into terrorism or extremism (goes to Special Branch only).
category-compliment = Compliment
category-compliment-help = Recognising a colleague's good work: it is passed to them or their line manager, and nothing is investigated.
category-other = Something else
category-other-help = Something that fits none of the above.

## Whom a concern is about, where that changes who may read it.

concerning-professional-standards-staff = Someone in Professional Standards or the Anti-Corruption Unit
concerning-chief-officer = A chief officer (ACC and above)

## Refusals the reporter can put right, worded by the commands and the page's module

error-token-word-count = a mailbox token is 12 words; this has { $count }
error-token-unknown-word = word { $number } is not a token word: check its spelling
error-token-checksum = the words do not form a valid token (checksum failed): a word is mistyped or out of order
error-missing-category = choose a category for the report
error-empty-what = say what happened (the `what` field is empty)
error-nobody-left = not sent: that leaves nobody to read it
error-directory-untrusted = the reviewer directory cannot be trusted, so nothing will be sent: { $reason }
error-attachments-too-large = the attachments add up to { $total } MiB; a browser can seal at most 100 MiB at once. Send fewer or smaller files, or use the candour command-line tool, which has no such limit
error-no-randomness = no secure randomness is available in this browser
error-not-sent = not sent: { $reason }
error-not-yet-received = No reviewer has received your report yet, so Candour cannot yet tell who may read more information without asking you again, and it will not guess. Nothing was sent: try again later (a reviewer's tool confirms receipt when it next checks, usually within a day).
