### The desk messages in cy. How to add or review one: crates/candour-l10n/README.md.

## Pob tudalen: y ffrâm, y llywio, y geiriau a rennir.

desk-page-title = { $title } · Desg Candour
desk-brand = Desg Candour
desk-skip-to-content = Neidio i'r cynnwys
desk-nav-label = Desg
desk-nav-inbox = Mewnflwch
desk-nav-overdue = Dros amser
desk-nav-links = Cysylltiadau unigolion
desk-nav-stats = Ystadegau
desk-nav-identity = Ceisiadau am hunaniaeth
desk-nav-escalations = Uwchgyfeiriadau
desk-badge-waiting = { $count } yn aros
desk-badge-new-count = { $count } newydd
desk-new = newydd
desk-sync-now = Cysoni nawr
desk-close = Cau'r ddesg
desk-tampering-title = Canfuwyd ymyrraeth ar y gyfnewidfa.
desk-tampering-text = Ni ellir cofnodi dim ar yr achosion hyn nes i hyn gael ei ddatrys: dywedwch wrth eich goruchwyliwr.
desk-back-to-inbox = Yn ôl i'r mewnflwch
desk-none = dim
desk-nobody = neb
desk-unknown = anhysbys
desk-not-given = heb ei roi
desk-unassigned = heb ei ddyrannu
desk-unassigned-title = Heb ei ddyrannu
desk-nobody-in-unit = neb yn yr uned
desk-nobody-outside = ni ellir dweud wrth neb y tu allan i'r uned
desk-notice-to = hysbysiad i { $recipients }
desk-category = Categori
desk-status = Statws
desk-priority = Blaenoriaeth
desk-assignee = Wedi'i ddyrannu i
desk-queue = Ciw
desk-subjects = Unigolion dan sylw
desk-why = Pam
desk-note = Nodyn
desk-late = yn hwyr
desk-total = Cyfanswm
desk-suppressed = wedi'i atal
desk-days = { $days } diwrnod
desk-overdue-days = { $days } diwrnod dros amser
desk-days-overdue = { $days } diwrnod dros amser
desk-due-by = { $duty } erbyn { $day }

## Enwau'r peiriant adolygu: statws, canlyniadau, blaenoriaethau, categorïau.

desk-status-received = Derbyniwyd
desk-status-acknowledged = Cydnabuwyd
desk-status-assessed = Aseswyd
desk-status-referred-to-iopc = Cyfeiriwyd at yr IOPC
desk-status-under-investigation = Dan ymchwiliad
desk-status-reflective-practice = Ymarfer myfyriol
desk-status-no-further-action = Dim camau pellach
desk-status-closed = Ar gau: { $outcome }
desk-status-discarded = Rhoddwyd o'r neilltu
desk-outcome-no-case-to-answer = Dim achos i'w ateb
desk-outcome-management-action = Camau rheoli
desk-outcome-reflective-practice = Ymarfer myfyriol
desk-outcome-misconduct = Camymddwyn
desk-outcome-written-warning = Rhybudd ysgrifenedig
desk-outcome-final-written-warning = Rhybudd ysgrifenedig terfynol
desk-outcome-gross-misconduct = Camymddwyn difrifol
desk-outcome-dismissed = Diswyddwyd
desk-outcome-resigned-or-retired = Ymddiswyddodd neu ymddeolodd
desk-outcome-referred-to-iopc = Cyfeiriwyd at yr IOPC
desk-outcome-criminal = Troseddol
desk-outcome-other = Arall
desk-outcome-passed-to-officer = Trosglwyddwyd i'r swyddog
desk-outcome-passed-to-line-manager = Trosglwyddwyd i'r rheolwr llinell
desk-outcome-recorded = Cofnodwyd
desk-column-open = Ar agor
desk-priority-low = Isel
desk-priority-normal = Arferol
desk-priority-high = Uchel
desk-priority-urgent = Brys
desk-corruption-infiltration = Ymdreiddio
desk-corruption-disclosure-of-information = Datgelu gwybodaeth
desk-corruption-perverting-the-course-of-justice = Gwyrdroi cwrs cyfiawnder
desk-corruption-sexual-misconduct = Camymddwyn rhywiol
desk-corruption-controlled-drugs = Cyffuriau a reolir
desk-corruption-theft-and-fraud = Dwyn a thwyll
desk-corruption-misuse-of-force-systems = Camddefnyddio systemau'r heddlu
desk-corruption-abuse-of-authority = Camddefnyddio awdurdod
desk-corruption-inappropriate-association = Cysylltiad amhriodol
desk-corruption-vulnerability = Agored i lygredd
desk-corruption-assisting-offenders = Cynorthwyo troseddwyr
desk-corruption-other = Arall
desk-risk-low = Isel
desk-risk-medium = Canolig
desk-risk-high = Uchel
desk-iopc-death-or-serious-injury = Marwolaeth neu anaf difrifol
desk-iopc-serious-assault = Ymosodiad difrifol
desk-iopc-serious-sexual-offence = Trosedd rywiol ddifrifol
desk-iopc-serious-corruption = Llygredd difrifol
desk-iopc-discrimination-aggravated = Wedi'i waethygu gan wahaniaethu
desk-iopc-relevant-offence = Trosedd berthnasol
desk-iopc-same-incident = O'r un digwyddiad
desk-iopc-chief-officer-conduct = Ymddygiad prif swyddog
desk-grading-source-reliable = dibynadwy
desk-grading-source-untested = heb ei phrofi
desk-grading-source-not-reliable = annibynadwy
desk-grading-information-known-directly = yn hysbys yn uniongyrchol
desk-grading-information-known-indirectly-corroborated = yn hysbys yn anuniongyrchol, wedi'i chadarnhau
desk-grading-information-known-indirectly = yn hysbys yn anuniongyrchol
desk-grading-information-not-known = ddim yn hysbys
desk-grading-information-suspected-false = amheuir ei bod yn anwir
desk-grading-handling-permitted = caniateir rhannu
desk-grading-handling-conditions = rhannu ag amodau
desk-discard-reason-spam = sbam
desk-discard-reason-test = prawf
desk-discard-reason-duplicate = dyblygiad
desk-discarded-duplicate-of = { $reason } o { $case }
desk-duty-acknowledge = cydnabod
desk-duty-feedback = adborth
desk-duty-refer-to-iopc = cyfeirio at yr IOPC
desk-reply-kind-acknowledgement = cydnabyddiaeth
desk-reply-kind-feedback = adborth
desk-reply-kind-message = neges
desk-role-reviewer = adolygydd
desk-role-supervisor = goruchwyliwr

## Y mewnflwch.

desk-inbox-title = Mewnflwch
desk-inbox-filters = Hidlo achosion
desk-inbox-any-queue = Unrhyw giw
desk-inbox-any-status = Unrhyw statws
desk-inbox-open = Ar agor
desk-inbox-concluded = Wedi'u cwblhau
desk-inbox-any-category = Unrhyw gategori
desk-inbox-overdue-only = Dros amser yn unig
desk-inbox-filter = Hidlo
desk-inbox-clear = Clirio
desk-inbox-caption = { $shown } o { $total } achos, ar { $today }
desk-column-case = Achos
desk-column-received = Derbyniwyd
desk-column-queues = Ciwiau
desk-column-category = Categori
desk-column-status = Statws
desk-column-priority = Blaenoriaeth
desk-column-assignee = Wedi'i ddyrannu i
desk-column-due = Dyddiad cau nesaf
desk-inbox-linked = Cysylltiedig
desk-inbox-no-match = Nid oes unrhyw achos yn cyfateb.
desk-inbox-set-aside = Wedi'u rhoi o'r neilltu gan nad ydynt yn adroddiadau (dim clociau'n rhedeg):

## Y bwrdd dros amser.

desk-overdue-title = Dros amser
desk-overdue-intro = Achosion sydd wedi methu'r dyddiad cau o 7 diwrnod ar gyfer cydnabod neu 3 mis ar gyfer adborth ar { $today }, fesul swyddog sydd â'r achos, gyda'r goruchwylwyr y cânt eu huwchgyfeirio atynt a phwy y tu allan i'r uned sy'n cael hysbysiad (cyfeirnod yr achos, y ddyletswydd a pha mor hwyr ydyw; byth yr adroddiad).
desk-leavers-title = Achosion agored pobl sydd wedi gadael
desk-leavers-hint = Dyrannwch bob un i ddarllenydd sy'n dal yma (Wedi'i ddyrannu i, ar dudalen yr achos).
desk-leaver-assigned = wedi'i ddyrannu i { $reviewer }, sydd wedi gadael;
desk-leaver-readable = gall y rhai a adawodd ei ddarllen: { $leavers };
desk-leaver-remaining = darllenwyr sy'n dal yma: { $readers }
desk-overdue-nothing = Nid oes dim dros amser.
desk-overdue-for = Dros amser: { $reviewer }
desk-card-was-due = { $duty }: y dyddiad cau oedd { $day }
desk-card-queues = Ciwiau: { $queues }
desk-escalated-on = Uwchgyfeiriwyd ar { $day } at { $within }; { $outside }.
desk-escalate-to = Uwchgyfeirio at { $within }; { $outside }

## Cysylltiadau unigolion.

desk-links-title = Cysylltiadau unigolion
desk-links-intro = Achosion sy'n enwi'r un person, ar ôl tynnu rhengoedd a theitlau a'r seroau ar ddechrau rhifau coler. Gall enw a rennir fod yn gyd-ddigwyddiad: gwiriwch cyn uno achosion.
desk-links-caption = Unigolion a enwir mewn mwy nag un achos: { $count }
desk-links-subject = Unigolyn, fel yr ysgrifennwyd
desk-links-cases = Achosion
desk-links-repeats = Mae achos { $case } yn ailadrodd
desk-links-join = Uno fel dyblygiad
desk-links-none = Nid oes neb wedi'i enwi mewn mwy nag un achos.

## Ystadegau a'r ffigurau cyhoeddedig.

desk-stats-title = Ystadegau
desk-stats-heading = Ystadegau { $year }
desk-stats-choose-year = Dewis y flwyddyn
desk-stats-year = Blwyddyn (yn ôl y diwrnod yr anfonwyd yr adroddiadau)
desk-stats-show = Dangos
desk-published-figures = Ffigurau cyhoeddedig
desk-stats-same-table = Yr un tabl â { $command }.
desk-stats-csv = Llwytho i lawr fel CSV
desk-stats-note = * = wedi'i atal: nifer o dan { $threshold }, neu werth a guddiwyd fel na ellir ei gyfrifo o'r cyfansymiau
desk-stats-allegations-caption = Honiadau a dderbyniwyd yn { $year } fesul categori a chanlyniad
desk-stats-compliments-caption = Canmoliaethau a dderbyniwyd yn { $year }, wedi'u cyfrif ar wahân: nid honiadau ydynt
desk-stats-compliments = Canmoliaethau
desk-published-title = Ystadegau cyhoeddedig { $year }
desk-published-intro = Honiadau a chanmoliaethau a dderbyniwyd yn { $year } (yn ôl y diwrnod yr anfonwyd pob adroddiad) ar draws pob ciw yn yr heddlu: { $cases } achos, pob un wedi'i gyfrif unwaith ni waeth faint o giwiau sy'n ei ddarllen. Ataliwyd niferoedd bach unwaith, ar ôl uno ffigurau'r ciwiau, fel na ellir cyfrifo niferoedd bach unrhyw giw o ffigurau'r heddlu.
desk-sources-title = O ble daw'r ffigurau
desk-sources-intro = Union niferoedd pob ciw, un llinell fesul achos heb gyfeirnod, diwrnod na geiriau, wedi'u llofnodi gan yr adolygydd a'u hallforiodd, ac wedi'u gwirio yn erbyn cyfeiriadur allweddi'r heddlu (fersiwn { $version }) cyn eu huno.
desk-sources-caption = Allforion wedi'u llofnodi a unwyd: { $count }
desk-sources-by = Allforiwyd a llofnodwyd gan
desk-sources-on = Ar
desk-sources-version = Fersiwn y cyfeiriadur
desk-sources-file = Ffeil

## Y siartiau.

desk-chart-numbers = Y niferoedd y tu ôl i “{ $title }”
desk-chart-bar = Bar
desk-chart-unit-cases = achosion
desk-chart-unit-allegations = honiadau
desk-chart-unit-compliments = canmoliaethau
desk-month-jan = Ion
desk-month-feb = Chwef
desk-month-mar = Maw
desk-month-apr = Ebr
desk-month-may = Mai
desk-month-jun = Meh
desk-month-jul = Gorff
desk-month-aug = Awst
desk-month-sep = Medi
desk-month-oct = Hyd
desk-month-nov = Tach
desk-month-dec = Rhag
desk-bucket-days =
    { $range }
    diwrnod
desk-bucket-months = { $range } mis
desk-bucket-months-late =
    { $range } mis
    yn hwyr
desk-bucket-over-a-year = > blwyddyn
desk-bucket-awaiting = yn aros
desk-bucket-overdue = dros amser
desk-bucket-closed-none =
    ar gau,
    dim
desk-chart-received-title = Achosion a dderbyniwyd bob mis, { $year }, fesul categori
desk-chart-received-summary = Derbyniwyd { $count } achos yn { $year }; y nifer fwyaf ym mis { $month } ({ $most }).
desk-chart-received-none = Ni dderbyniwyd unrhyw achos yn { $year }.
desk-chart-acknowledge-title = Amser i gydnabod, adroddiadau a dderbyniwyd yn { $year }
desk-chart-acknowledge-summary = O'r { $done } adroddiad a gydnabuwyd, cydnabuwyd { $on-time } o fewn { $days } diwrnod; mae { $waiting } yn aros am gydnabyddiaeth, { $overdue } ohonynt dros amser; caewyd { $closed } heb gydnabyddiaeth.
desk-series-within-7-days = o fewn 7 diwrnod
desk-series-late = yn hwyr
desk-series-in-time = ddim eto, mewn pryd
desk-series-overdue = ddim eto, dros amser
desk-series-closed-unacknowledged = ar gau heb gydnabyddiaeth
desk-marker-7-days = targed 7 diwrnod
desk-chart-feedback-title = Amser i roi adborth, adroddiadau a dderbyniwyd yn { $year }
desk-chart-feedback-summary = O'r { $given } adroddiad a gafodd adborth, cafodd { $on-time } adborth o fewn { $months } mis; mae { $waiting } yn aros am adborth, { $overdue } ohonynt dros amser.
desk-series-within-3-months = o fewn 3 mis
desk-series-closed-without-feedback = ar gau heb adborth
desk-marker-3-months = targed 3 mis
desk-chart-open-title = Achosion agored yn ôl oed, fesul blaenoriaeth
desk-chart-open-summary = Achosion agored: { $open }; anfonwyd { $old } ohonynt fwy na 3 mis yn ôl.
desk-chart-published-category-title = Honiadau a dderbyniwyd yn { $year }, fesul categori
desk-chart-published-outcome-title = Honiadau a dderbyniwyd yn { $year }, fesul canlyniad neu sefyllfa
desk-chart-published-compliments-title = Canmoliaethau a dderbyniwyd yn { $year }, fesul canlyniad
desk-published-allegations = Honiadau a dderbyniwyd yn { $year }: { $count }.
desk-published-allegations-suppressed = Mae nifer yr honiadau a dderbyniwyd yn { $year } wedi'i atal.
desk-published-compliments = Canmoliaethau a dderbyniwyd yn { $year }: { $count }.
desk-published-compliments-suppressed = Mae nifer y canmoliaethau a dderbyniwyd yn { $year } wedi'i atal.
desk-published-stars = Mae'r barrau a nodir â * wedi'u hatal.

## Achos.

desk-case-title = Achos { $case }
desk-case-page-title = Achos { $case }
desk-case-assignee = Wedi'i ddyrannu i: { $reviewer }
desk-case-grading = Graddio { $grading }
desk-case-queues = Ciwiau: { $queues } · gall y rhain ei ddarllen: { $readers }
desk-case-tampered = Methodd hanes yr achos hwn y broses wirio: { $problem }
desk-case-passed-on = Wedi'i drosglwyddo:
desk-case-passed-on-more = Gallwch ddarllen ei hanes hyd at hynny, ond ni allwch gofnodi dim mwy.
desk-moved-away = Trosglwyddodd { $author } yr achos i { $queue } ({ $readers }) ar { $day }.
desk-moved-readers = ei ddarllenwyr bellach yw { $readers }.
desk-case-not-a-report = Nid yw'n adroddiad: { $reason }
desk-case-duplicate-of = o { $case }
desk-case-set-aside = Rhoddwyd o'r neilltu gan { $by } ar { $day }; nid oes cloc yn rhedeg ac mae'r ystadegau'n ei hepgor.
desk-clocks-title = Clociau
desk-clocks-sent = Anfonwyd
desk-clocks-acknowledge = Cydnabod (7 diwrnod)
desk-clocks-feedback = Adborth (3 mis)
desk-clocks-refer = Cyfeirio at yr IOPC (heb oedi)
desk-clocks-next = Y ddyletswydd nesaf
desk-clock-done = gwnaed { $day }
desk-clock-not-needed = dim angen (wedi'i gwblhau); roedd i'w wneud erbyn { $day }
desk-clock-due = i'w wneud erbyn { $day }
desk-clock-due-left = i'w wneud erbyn { $day } ({ $days } diwrnod ar ôl)
desk-clock-unknown = anhysbys: dim adroddiad
desk-thread-title = Adroddiad ac atebion
desk-thread-report = Adroddiad, anfonwyd { $day }
desk-thread-follow-up = Neges ddilynol, anfonwyd { $day }
desk-thread-routing-note = Holwch am y llwybro:
desk-thread-mailbox-note = Blwch post yr adroddwr:
desk-thread-reply = Ateb ({ $kind }) gan { $author }, { $day }
desk-attachments-caption = Atodiadau (i'w llwytho i lawr yn unig: ni chânt byth eu hagor yn y porwr)
desk-attachments-file = Ffeil
desk-attachments-size = Maint
desk-attachments-download = Llwytho i lawr
desk-save-original-names = Cadw enwau ffeiliau'r adroddwr (gallant gynnwys dyddiadau, lleoedd neu enwau)
desk-save-attachments = Cadw pob atodiad mewn ffolder
desk-fact-concerning = Yn ymwneud â
desk-concerning-psd-staff = staff y Safonau Proffesiynol neu'r Uned Gwrth-lygredd
desk-concerning-chief-officer = prif swyddog
desk-fact-about = Unigolyn dan sylw
desk-fact-what = Beth ddigwyddodd
desk-fact-when = Pryd
desk-fact-where = Ble
desk-fact-reported-elsewhere = Wedi'i adrodd yn rhywle arall
desk-fact-disclosure = Datgelu
desk-disclosure-anonymous = Dienw: atebwch drwy flwch post yr adroddwr yn unig.
desk-confidential-protect = Cyfrinachol: diogelwch y manylion hyn.
desk-disclosure-name = Enw: { $name }
desk-disclosure-contact = Cyswllt: { $contact }
desk-disclosure-held = Cyfrinachol: ceidwad hunaniaeth sy'n dal yr enw a'r manylion cyswllt
desk-disclosure-held-more = ({ $custodians }), wedi'u selio fel na all unrhyw ddarllenydd eu hagor. Gofynnwch amdanynt dan "{ desk-identity-title }".
desk-assessment-title = Yr asesiad presennol
desk-assessment-corruption = Categori llygredd
desk-assessment-iopc = Meini prawf yr IOPC a fodlonwyd
desk-assessment-risk = Risg o niwed
desk-assessment-linked = Achosion cysylltiedig
desk-not-set-lower = heb ei osod
desk-not-assessed-lower = heb ei asesu
desk-history-title = Hanes
desk-history-caption = Digwyddiadau'r achos wedi'u llofnodi, yn y drefn y maent yn gymwys
desk-history-day = Diwrnod
desk-history-by = Gan
desk-history-event = Digwyddiad
desk-history-what = Beth
desk-history-empty = Dim wedi'i gofnodi eto.

## Ffurflenni achos.

desk-triage-title = Brysbennu
desk-triage-category = Categori (Safonau Ymddygiad Proffesiynol)
desk-triage-corruption = Categori llygredd (Uned Gwrth-lygredd)
desk-not-set = Heb ei osod
desk-grading-legend = Graddio cudd-wybodaeth 3x5x2
desk-grading-source = Ffynhonnell
desk-grading-information = Gwybodaeth
desk-grading-handling = Trin
desk-no-subjects = Nid oes neb wedi'i enwi eto.
desk-remove-subject = Tynnu { $subject }
desk-add-subjects = Ychwanegu unigolion (un i bob llinell: enw neu rif coler)
desk-risk-legend = Risg o niwed i'r adroddwr
desk-risk-level = Lefel y risg
desk-not-assessed = Heb ei asesu
desk-risk-measures = Camau a gymerwyd neu a gynlluniwyd
desk-record-triage = Cofnodi'r brysbennu
desk-reply-title = Ateb yr adroddwr
desk-reply-hint = Wedi'i selio ar gyfer yr adroddwr a'i ffeilio yn ei flwch post; mae'n ei ddarllen gyda'i docyn.
desk-reply-text = Neges
desk-reply-kind = Math o ateb
desk-reply-acknowledgement = Cydnabyddiaeth (yn atal y cloc 7 diwrnod)
desk-reply-feedback = Adborth ar yr hyn sy'n cael ei wneud (yn atal y cloc 3 mis)
desk-reply-message = Neges (cwestiwn, cais am fanylion)
desk-reply-send = Anfon yr ateb
desk-summary-title = Crynodeb wedi'i lanweithio
desk-summary-hint = Eich geiriau chi, byth geiriau'r adroddwr: dyma'r unig destun sy'n gadael yr achos (allforion, ystadegau, atgyfeiriadau).
desk-summary-label = Crynodeb
desk-summary-save = Cadw'r crynodeb
desk-iopc-title = Rhestr wirio atgyfeirio at yr IOPC
desk-iopc-legend = Meini prawf atgyfeirio gorfodol a fodlonwyd
desk-iopc-warning = Mae o leiaf un maen prawf wedi'i fodloni: rhaid cyfeirio'r achos at yr IOPC.
desk-iopc-save = Cadw'r rhestr wirio
desk-iopc-referred = Cyfeiriwyd at yr IOPC ar { $day } (cyfeirnod { $reference }).
desk-refer-title = Cofnodi'r atgyfeiriad at yr IOPC
desk-refer-day = Y diwrnod y gwnaed yr atgyfeiriad
desk-refer-reference = Cyfeirnod yr atgyfeiriad
desk-refer-record = Cofnodi'r atgyfeiriad
desk-note-title = Nodyn ar gyfer ffeil yr achos
desk-note-add = Ychwanegu nodyn
desk-restore-title = Adfer fel adroddiad
desk-restore-set-aside = Rhoddwyd o'r neilltu gan { $by } ar { $day }. Mae ei adfer yn ailgychwyn ei glociau.
desk-restore-supervisors-only = Dim ond goruchwyliwr un o giwiau'r achos all ei adfer.
desk-restore-why = Pam ei fod yn adroddiad
desk-restore = Adfer
desk-discard-title = Nid yw'n adroddiad
desk-discard-hint = Yn atal pob cloc ac yn ei dynnu o'r ystadegau; gall goruchwyliwr ddadwneud hyn.
desk-discard-duplicate-of = Ar gyfer dyblygiad: yr achos y mae'n ei ailadrodd
desk-discard = Rhoi o'r neilltu
desk-identity-title = Hunaniaeth yr adroddwr
desk-identity-granted = Caniatawyd i chi gan { $custodian } ar { $day }: { $note }
desk-identity-name = Enw
desk-identity-contact = Cyswllt
desk-identity-held = Mae'r ceidwad hunaniaeth ({ $custodians }) yn ei dal. Ni all unrhyw ddarllenydd ei hagor; gofynnwch, gan ddweud pam: mae'r cais a'r ateb yn mynd i hanes yr achos.
desk-identity-declined = Gwrthodwyd gan { $custodian } ar { $day }: { $note }
desk-identity-why = Pam mae ei hangen arnoch
desk-identity-ask = Gofyn i'r ceidwad
desk-dispose-title = Gwaredu'r achos hwn
desk-dispose-hint = Cyn i gyfnod cadw'r heddlu ddod i ben, gyda chytundeb dau oruchwyliwr: mae'r cyntaf yn ei gynnig, a'r ail yn peri iddo ddod i rym. Wedyn mae offeryn pob darllenydd yn anghofio'r achos a'r ffeiliau atodiad a gadwodd. Mae copïau'r gyfnewidfa yn mynd ar ddiwedd ei chyfnod cadw ei hun.
desk-dispose-proposed = Cynigiwyd gan { $by } ar { $day }: { $note }.
desk-dispose-supervisors-only = Dim ond goruchwyliwr all waredu achos.
desk-dispose-why = Pam (y penderfyniad cofnodion)
desk-dispose = Ei waredu
desk-transfer-title = Trosglwyddo i giw arall
desk-transfer-hint = Darllenwyr y ciw hwnnw fydd ei ddarllenwyr (byth unrhyw un a eithriwyd gan yr adroddwr neu a enwir yn yr adroddiad); caiff yr adroddiad, y negeseuon dilynol a'r hanes eu selio eto ar eu cyfer, ac o hyn ymlaen bydd negeseuon dilynol yr adroddwr yn mynd atynt hwy.
desk-transfer-supervisors-only = Dim ond goruchwyliwr all drosglwyddo achos.
desk-transfer = Trosglwyddo
desk-add-reader-title = Ychwanegu darllenydd
desk-add-reader-hint = Gallant ddarllen yr achos cyfan, a bydd negeseuon dilynol yr adroddwr yn eu cyrraedd hwythau hefyd.
desk-add-reader-reviewer = Adolygydd
desk-add-reader = Ychwanegu'r darllenydd

## Ceisiadau am hunaniaeth, i geidwad hunaniaeth.

desk-identity-requests-title = Ceisiadau am hunaniaeth
desk-identity-requests-intro = Chi sy'n dal enwau a manylion cyswllt adroddwyr cyfrinachol ar ran yr heddlu. Mae darllenydd achos yn gofyn am un yma, gan ddweud pam. Mae caniatáu yn selio manylion yr adroddwr ar gyfer y darllenydd hwnnw yn unig; mae gwrthod yn dweud wrtho pam. Nid ydych byth yn gweld yr adroddiad, ac mae hanes yr achos yn cofnodi pob cais ac ateb.
desk-identity-requests-none = Nid oes unrhyw gais wedi'ch cyrraedd.
desk-identity-request-title = Cais { $number }: achos { $case }
desk-identity-asked-by = Gofynnwyd gan
desk-identity-on = Ar
desk-identity-answer = Ateb
desk-identity-granted-on = caniatawyd ar { $day }
desk-identity-declined-on = gwrthodwyd ar { $day }
desk-identity-waiting = yn aros
desk-identity-note-to = Eich nodyn i { $reviewer }
desk-identity-grant = Caniatáu
desk-identity-decline = Gwrthod

## Uwchgyfeiriadau a dderbyniwyd.

desk-escalations-title = Uwchgyfeiriadau atoch chi
desk-escalations-intro = Achosion hwyr mewn timau nad ydych yn perthyn iddynt, wedi'u huwchgyfeirio atoch am fod y cyfeiriadur yn eich enwi ar eu cyfer. Ni allwch agor yr achosion hyn: mae pob hysbysiad yn rhoi'r cyfeirnod, y ddyletswydd a fethwyd a pha mor hwyr ydyw, byth yr adroddiad. Holwch y tîm sydd â'r achos, gan ddyfynnu ei gyfeirnod.
desk-escalations-none = Nid oes unrhyw achos hwyr wedi'i uwchgyfeirio atoch.
desk-escalations-duty = Dyletswydd a fethwyd
desk-escalations-due = Dyddiad cau
desk-escalations-days-late = Diwrnodau'n hwyr
desk-escalations-by = Uwchgyfeiriwyd gan
desk-escalations-assigned = Wedi'i ddyrannu i
desk-escalations-on = ar { $day }

## Beth wnaeth cam gweithredu, a ddangosir unwaith ar y dudalen nesaf.

desk-not-recorded = Heb ei gofnodi: { $problem }
desk-triage-unchanged = Ni newidiodd dim, felly ni chofnodwyd dim.
desk-triage-recorded = Cofnodwyd y brysbennu (digwyddiad { $event }).
desk-iopc-unchanged = Nid yw'r rhestr wirio wedi newid, felly ni chofnodwyd dim.
desk-iopc-recorded = Cofnodwyd rhestr wirio'r IOPC (digwyddiad { $event }).
desk-summary-unchanged = Nid yw'r crynodeb wedi newid, felly ni chofnodwyd dim.
desk-summary-recorded = Cofnodwyd y crynodeb wedi'i lanweithio (digwyddiad { $event }).
desk-note-missing = Ysgrifennwch y nodyn yn gyntaf.
desk-note-added = Ychwanegwyd y nodyn (digwyddiad { $event }).
desk-discarded = Rhoddwyd achos { $case } o'r neilltu gan nad yw'n adroddiad ({ $reason }); mae ei glociau wedi'u hatal (digwyddiad { $event }).
desk-transfer-queue-missing = Dewiswch y ciw y mae'n mynd iddo.
desk-transfer-why-missing = Dywedwch pam mae'n symud.
desk-add-reader-missing = Dewiswch yr adolygydd i'w ychwanegu.
desk-add-reader-why-missing = Dywedwch pam y dylent ei ddarllen.
desk-moved-transferred = Trosglwyddwyd achos { $case } i { $queue }
desk-moved-shared = Rhannwyd achos { $case } gyda { $reviewer }
desk-moved-sealed = seliwyd yr adroddiad, { $follow-ups } neges ddilynol, { $events } digwyddiad achos eto ar gyfer { $readers } (digwyddiad { $event }).
desk-moved-readers-now = Y darllenwyr bellach: { $readers }.
desk-moved-removed = Nid ydynt yn ddarllenwyr mwyach: { $readers } (gallent ei ddarllen hyd yn hyn; mae eu mewnflwch a'u clociau'n ei ollwng).
desk-moved-passed-over = Ni chafodd ei wneud yn ddarllenydd: { $reviewer } ({ $why }).
desk-moved-history-gone =
    { $count ->
        [one] Roedd { $count } digwyddiad cynharach wedi gadael y gyfnewidfa ac ni ellid ei drosglwyddo.
       *[other] Roedd { $count } digwyddiad cynharach wedi gadael y gyfnewidfa ac ni ellid eu trosglwyddo.
    }
desk-restore-missing = Dywedwch pam ei fod yn adroddiad.
desk-restored = Adferwyd achos { $case } fel adroddiad; mae ei glociau'n rhedeg eto (digwyddiad { $event }).
desk-dispose-missing = Dywedwch pam mae'n cael ei waredu.
desk-dispose-proposed-done = Cynigiwyd a chofnodwyd gwaredu achos { $case }; daw i rym pan fydd ail oruchwyliwr yn cytuno.
desk-disposed = Gwaredwyd achos { $case }: fe'i cofnodwyd, ac mae'r ddesg hon wedi'i anghofio ynghyd â { $files } ffeil atodiad a gadwyd; mae offeryn pob darllenydd arall yn ei anghofio yn ei gysoni nesaf.
desk-disposed-left = Tynnwch y ffeiliau hyn a gadwyd â llaw: { $files }.
desk-refer-day-missing = Rhowch y diwrnod y gwnaed yr atgyfeiriad.
desk-refer-day-invalid = Nid yw { $day } yn ddiwrnod (BBBB-MM-DD).
desk-refer-reference-missing = Rhowch gyfeirnod yr atgyfeiriad.
desk-referred = Cofnodwyd yr atgyfeiriad at yr IOPC ar { $day } (digwyddiad { $event }).
desk-reply-sent = Seliwyd yr ateb ar gyfer yr adroddwr, fe'i ffeiliwyd yn ei flwch post a'i gofnodi (digwyddiad { $event }).
desk-saved =
    { $count ->
        [one] Cadwyd { $count } atodiad, wedi'i ddadgryptio, yn { $folder }. Ni agorwyd dim; agorwch ef yn ofalus.
       *[other] Cadwyd { $count } atodiad, wedi'u dadgryptio, yn { $folder }. Ni agorwyd dim; agorwch hwy yn ofalus.
    }
desk-save-folder-failed = ni ellir creu ffolder o dan { $folder }: { $problem }
desk-save-too-many = gormod o ffolderi wedi'u cadw ar gyfer achos { $case } o dan { $folder }
desk-escalate-not-overdue = Nid yw achos { $case } dros amser heddiw: dim i'w uwchgyfeirio.
desk-escalate-already = Roedd achos { $case } eisoes wedi'i uwchgyfeirio am hyn ar { $day }: ni chofnodwyd dim byd newydd.
desk-escalate-recorded = Cofnodwyd uwchgyfeirio { $case } at { $within } (digwyddiad { $event }).
desk-escalate-nobody-outside = Ni ellid dweud wrth neb y tu allan i'r uned: roedd pob derbynnydd uwchgyfeirio wedi'i eithrio gan yr adroddwr neu wedi'i enwi yn yr adroddiad.
desk-escalate-notice = Anfonwyd hysbysiad wedi'i lanweithio (cyfeirnod, dyletswydd, diwrnodau'n hwyr; dim o gynnwys yr adroddiad) at { $recipients }.
desk-escalate-notice-independent = Anfonwyd hysbysiad wedi'i lanweithio (cyfeirnod, dyletswydd, diwrnodau'n hwyr; dim o gynnwys yr adroddiad) at { $recipients }, y ciw annibynnol, gan fod pawb a enwir ar gyfer y ciw hwn wedi'u hepgor.
desk-identity-decision-missing = Dewiswch ganiatáu neu wrthod.
desk-identity-note-missing = Dywedwch pam, ar gyfer yr un a ofynnodd.
desk-identity-granted-done = Caniatawyd cais { $number }: seliwyd manylion yr adroddwr ar gyfer yr un a ofynnodd yn unig.
desk-identity-declined-done = Gwrthodwyd cais { $number }; dywedir wrth yr un a ofynnodd pam.
desk-identity-reason-missing = Dywedwch pam mae ei hangen arnoch.
desk-identity-requested = Cofnodwyd y cais am hunaniaeth yr adroddwr (digwyddiad { $event }) a'i selio ar gyfer y ceidwaid; daw eu hateb gyda chysoni diweddarach.
desk-synced = Wedi cysoni: { $reports } adroddiad newydd, { $follow-ups } neges ddilynol, { $events } digwyddiad achos newydd.
desk-synced-escalations = Uwchgyfeiriwyd { $count } achos hwyr atoch (gweler Uwchgyfeiriadau).
desk-sync-tampering = YMYRRAETH: achos { $case }: { $what }
desk-sync-vanished = WEDI MYND CYN EI AMSER: { $what }
desk-sync-rejected = gwrthodwyd: { $what }
desk-sync-flagged = holwch am y llwybro: { $what }
desk-sync-malformed = nid amlen a ysgrifennwyd gan Candour: { $what }
desk-sync-deferred = heb ei dderbyn i mewn eto: { $what }
desk-sync-incomplete = achos { $case }: { $what }

## Pam na ellid cofnodi ffurflen.

desk-form-page-stale = Nid yw'r dudalen hon yn cyfateb i'r achos mwyach: ail-lwythwch hi a rhowch gynnig arall arni.
desk-form-grading-incomplete = Rhowch y tair rhan o'r graddio 3x5x2, neu ddim un ohonynt.
desk-form-assignee-not-reader = Ni all { $reviewer } ddarllen yr achos hwn, felly ni ellir ei ddyrannu iddynt.
desk-form-risk-kept = Ni ellir tynnu asesiad risg o niwed, dim ond ei newid.
desk-form-risk-level-missing = Dewiswch lefel risg o niwed ar gyfer y camau.
desk-form-summary-kept = Ni ellir gwagio'r crynodeb wedi'i lanweithio: ysgrifennwch un newydd yn ei le.
desk-form-reply-missing = Ysgrifennwch yr ateb yn gyntaf.
desk-form-reply-kind-unknown = Nid yw { $kind } yn fath o ateb

## Gwallau a gwrthodiadau, a'r ddesg ar gau.

desk-error-not-found = Heb ei ganfod
desk-error-no-such-page = Nid oes tudalen o'r fath ar y ddesg.
desk-error-tampering = Canfuwyd ymyrraeth
desk-error-relay = Methodd y gyfnewidfa
desk-error-other = Methodd rhywbeth
desk-not-signed-in = Heb fewngofnodi
desk-not-signed-in-text = Mae'r ddesg hon yn ateb y porwr a agorodd ei dolen fewngofnodi untro yn unig. Rhedwch { $command } i gael dolen newydd.
desk-login-spent = Nid yw'r ddolen fewngofnodi'n ddilys
desk-login-spent-text = Mae pob dolen fewngofnodi'n gweithio unwaith. Os yw'r porwr hwn eisoes wedi mewngofnodi, ewch i'r mewnflwch yn /; fel arall caewch y ddesg a rhedeg { $command } eto.
desk-login-failed = Methodd y mewngofnodi
desk-login-failed-text = Ni ellid gosod cwci'r sesiwn.
desk-wrong-address = Cyfeiriad anghywir
desk-wrong-address-text = Dim ond yn y cyfeiriad sydd yn ei dolen fewngofnodi y mae'r ddesg yn ateb.
desk-refused = Gwrthodwyd
desk-refused-origin = Ni ddaeth y ffurflen hon o dudalennau'r ddesg ei hun.
desk-refused-csrf = Nid yw'r ffurflen hon yn dod o'r sesiwn ddesg hon: ail-lwythwch y dudalen a rhowch gynnig arall arni.
desk-too-large = Rhy fawr
desk-too-large-text = Mae'r ffurflen yn rhy fawr i'w chofnodi.
desk-not-allowed = Ni chaniateir
desk-not-allowed-text = Dim ond GET a POST y mae'r ddesg yn eu derbyn.
desk-closed-title = Desg ar gau
desk-closed-text = Mae'r ddesg wedi stopio. Gallwch gau'r tab hwn; rhedwch { $command } i'w hagor eto.
