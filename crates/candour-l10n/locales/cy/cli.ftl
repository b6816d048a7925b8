### The cli messages in cy. How to add or review one: crates/candour-l10n/README.md.

## candour report (src/cli/report.rs, attach.rs, net.rs). Dangosir bwlch ar ôl pob cwestiwn;
## rhestr o atebion yw'r hyn y gellir ei deipio, wedi'u gwahanu gan atalnodau.

report-intro = Adroddiad Candour. Defnyddiwch ddyfais bersonol, nid rhwydwaith yr heddlu; Tor os gallwch chi.
report-skip-hint = Pwyswch Enter i hepgor unrhyw gwestiwn nad oes rhaid ei ateb.
report-ask-category = Pa gategori sy'n gweddu orau? (rhif)
report-type-a-number = Teipiwch rif o 1 i { $last }.
report-type-a-listed-number = Teipiwch rif o'r rhestr.
report-ask-about-psd = A yw'n ymwneud â rhywun yn yr Adran Safonau Proffesiynol neu'r Uned Gwrth-lygredd? [i/N]
report-ask-about-chief-officer = A yw'n ymwneud â phrif swyddog (Prif Gwnstabl Cynorthwyol neu uwch)? [i/N]
report-ask-subject-name = Enw rhywun y mae'r adroddiad yn ymwneud â nhw (Enter i orffen):
report-ask-subject-collar = Eu rhif coler neu warant, os ydych chi'n gwybod:
report-ask-subject-role = Eu rheng neu eu rôl, os ydych chi'n gwybod:
report-ask-subject-station = Eu gorsaf neu eu tîm, os ydych chi'n gwybod:
report-ask-what = Beth ddigwyddodd? Gorffennwch gyda llinell sy'n cynnwys dim ond atalnod llawn (.)
report-ask-when = Pryd digwyddodd hyn?
report-ask-where = Ble digwyddodd hyn?
report-ask-elsewhere = Ydych chi wedi adrodd amdano yn rhywle arall? Ble?
report-confidential-with-report = mae eich enw a'ch manylion cyswllt wedi'u cloi gyda'r adroddiad, a gall y bobl sy'n ei ddarllen eu gweld.
report-confidential-custodians = mae eich enw a'ch manylion cyswllt wedi'u cloi i { $custodians } yn unig, sy'n gofalu am hunaniaeth y rhai sy'n adrodd, ac nid i'r bobl sy'n darllen yr adroddiad: rhaid i ddarllenydd sydd eu hangen ofyn amdanynt, gan roi rheswm.
report-disclosure-explained = Dienw: ni chaiff neb wybod pwy ydych chi, ac rydych chi'n darllen atebion gyda'r tocyn a roddir i chi. Cyfrinachol: { $confidential } Nid yw'r gyfnewidfa (y gweinydd sy'n cludo'r adroddiadau wedi'u hamgryptio) byth yn gweld y naill na'r llall.
report-ask-anonymous = Aros yn ddienw? [I/n]
report-ask-name = Eich enw (caiff ei gadw'n gyfrinachol):
report-ask-contact = Ffordd ddiogel o gysylltu â chi:
report-ask-attachment = Ffeil i'w hatodi (Enter i orffen):
report-would-read = Dim ond y bobl hyn fyddai'n gallu ei ddarllen:
report-ask-exclude = A oes unrhyw un ohonynt na ddylai ei ddarllen? Eu dynodyddion, wedi'u gwahanu gan atalnodau (Enter os neb):
report-not-among-them = Nid yw { $id } yn eu plith; teipiwch ddynodyddion o'r rhestr uchod.
# Dwy eitem olaf rhestr: mae $vowel yn "yes" pan fydd $last yn dechrau â llafariad.
report-and = { $vowel ->
        [yes] { $first } ac { $last }
       *[other] { $first } a { $last }
    }

# Ie a na, fel y'u teipir i unrhyw gwestiwn; dangosir report-yes-no ar ôl cwestiwn lle mai na
# yw'r ateb oni theipir ie.
report-answers-yes = i, ie, iawn, ydw, ydy, ydyn, do, y, yes
report-answers-no = n, na, nage, naddo, nac ydw, nac ydy, no
report-yes-no = [i/N]
report-no-terminal-to-confirm = heb ei anfon: nid oes terfynell i gadarnhau arni; edrychwch ar y rhestr uchod a rhowch --yes i'w anfon

## Pwy fydd yn ei ddarllen (y rhagolwg) a'r hyn a allai gyrraedd y person y mae'n ymwneud ag ef.

report-preview-goes-to = Yn mynd i: { $queues }
report-preview-readers = Dim ond y bobl hyn fydd yn gallu ei ddarllen:
report-preview-fallback = Gan eich bod wedi gadael pawb yn { $emptied } allan, bydd yr adroddiad hwn hefyd yn mynd i { $queue }, sy'n annibynnol ar yr Adran Safonau Proffesiynol a'r Uned Gwrth-lygredd.
report-preview-held = Mae eich enw a'ch manylion cyswllt wedi'u selio i geidwad yr hunaniaethau ({ $custodians }) yn unig. Y cyfan y mae'r bobl uchod yn ei weld yw eu bod yn cael eu cadw; i wybod pwy ydych chi, rhaid iddynt ofyn i'r ceidwad, gan roi rheswm.
report-preview-confidential = Bydd pawb uchod yn darllen eich enw a'ch manylion cyswllt, gyda'r adroddiad.
report-note = Nodyn: { $note }
report-warning = Rhybudd: { $warning }
report-confirm-send = Anfon yr adroddiad at y bobl hyn?
report-look-first = Cyn anfon, edrychwch ar hyn:
report-person-number = Person rhif { $number }
report-person-described = Y person rydych chi'n ei ddisgrifio fel "{ $details }"
report-subject-collar = rhif coler { $collar }
report-subject-no-details = (dim manylion wedi'u rhoi)
report-conflict-professional-standards = { $described }: mae'n ymddangos bod y person hwn yn gweithio yn yr Adran Safonau Proffesiynol neu'r Uned Gwrth-lygredd ("{ $matched }"), ond byddai'r adroddiad hwn yn mynd i'r timau hynny. Anfonwch ef i'r swyddfa annibynnol yn lle hynny.
report-conflict-chief-officer = { $described }: mae'n ymddangos bod y person hwn yn brif swyddog ("{ $matched }"), ond byddai'r adroddiad hwn yn mynd i dimau sy'n atebol i'r person hwnnw. Anfonwch ef i'r swyddfa annibynnol yn lle hynny.
# $on yw'r hyn a oedd yn cyfateb: name, alias neu collar.
report-conflict-subject-is-reader = { $on ->
        [name] { $described }: mae enw'r person hwn yr un fath ag enw { $reader }, a fyddai'n gallu darllen yr adroddiad hwn. Gadewch { $reader } allan, neu anfonwch yr adroddiad i'r swyddfa annibynnol.
        [alias] { $described }: mae enw'r person hwn yr un fath ag enw arall sydd gan { $reader }, a fyddai'n gallu darllen yr adroddiad hwn. Gadewch { $reader } allan, neu anfonwch yr adroddiad i'r swyddfa annibynnol.
       *[collar] { $described }: mae rhif coler y person hwn yr un fath â rhif coler { $reader }, a fyddai'n gallu darllen yr adroddiad hwn. Gadewch { $reader } allan, neu anfonwch yr adroddiad i'r swyddfa annibynnol.
    }
report-conflict-text-names-reader = Mae eich geiriau'n sôn am { $reader } (wrth { $on ->
        [name] enw
        [alias] enw arall
       *[collar] rif coler
    }), a fyddai'n gallu darllen hwn. Os yw'n ymwneud â'r person hwnnw, gadewch { $reader } allan.
report-what-now = Beth hoffech chi ei wneud?
report-choice-independent = Ei anfon i'r swyddfa annibynnol (y tu allan i'r Adran Safonau Proffesiynol a'r Uned Gwrth-lygredd) yn lle hynny
report-choice-leave-out = Gadael { $ids } allan
report-choice-both = Y ddau
report-choice-as-it-is = Ei anfon fel y mae: rwy'n siŵr
report-choice-stop = Stopio: peidio ag anfon dim
report-ask-choice = Eich dewis (1-5):
report-keep-route = Yn ei anfon fel y'i cyfeiriwyd, fel y mae --keep-route yn gofyn.
report-not-sent-because = heb ei anfon: { $why }
report-conflict-advice = gallai'r adroddiad gyrraedd y person y mae'n ymwneud ag ef (gweler uchod). Anfonwch ef i'r swyddfa annibynnol neu gadewch nhw allan gyda { $ways }, neu rhowch --keep-route i'w anfon fel y'i cyfeiriwyd
report-and-or = a/neu
report-not-sent = Heb ei anfon. Ni ysgrifennwyd dim ar y ddisg.

## Anfon, a'r tocyn.

report-progress-kib = Wedi selio ac anfon { $kib } KiB
report-progress-mib = Wedi selio ac anfon { $mib } MiB
report-send-failed = Heb ei anfon: { $error }
report-after-failure = Mae eich atebion wedi'u cadw, ar y ddyfais hon yn unig. [C]ynnig eto, [d]iwygio ateb, neu [r]oi'r gorau iddi?
report-answers-try-again = c, cynnig, i, ie
report-answers-change = d, diwygio, newid
report-answers-quit = r, rhoi'r gorau, roi'r gorau, g, gadael, n, na
report-after-failure-again = Teipiwch c, d neu r.
report-answers-gone = Heb ei anfon. Ni ysgrifennwyd dim ar y ddisg; mae eich atebion wedi mynd gyda'r rhaglen hon.
report-field-category = categori
report-field-what = beth ddigwyddodd
report-field-when = pryd
report-field-where = ble
report-field-elsewhere = a adroddwyd amdano yn rhywle arall
report-field-subjects = am bwy y mae
report-field-disclosure = dienw neu gyfrinachol
report-ask-which-answer = Pa ateb? (rhif)
report-received = Mae eich adroddiad wedi dod i law ac wedi'i gadw.
report-token-heading = Eich tocyn blwch post (fe'i dangosir unwaith, byth eto):
report-token-use = Gyda'r 12 gair hyn yn unig, o unrhyw ddyfais, gallwch ddarllen atebion ac anfon rhagor o wybodaeth:
report-token-command = candour mailbox --lang cy --relay { $relay } --root <yr un allwedd wraidd>
report-token-keep = Cadwch nhw oddi ar ddyfeisiau a systemau'r heddlu: ysgrifennwch nhw i lawr a'u cadw rywle lle mai dim ond chi sy'n gallu eu cyrraedd.
report-token-anyone = Gall unrhyw un sydd â'r geiriau hyn ddarllen yr atebion i'ch adroddiad.

## Y llinell orchymyn a'i ffeiliau.

report-stdin-twice = ni all --from - a --what-file - ill dau ddarllen y mewnbwn safonol
report-refusing-to-send = yn gwrthod anfon
report-needs-category = mae angen categori ar adroddiad (--category); y categorïau dilys yw:
report-needs-what = dywedwch beth ddigwyddodd (--what-file, neu "what" yn y ffeil --from)
report-reading = yn darllen { $file }
report-not-a-report =
    Nid yw { $file } yn adroddiad dilys: { $error }
    Meysydd: category, concerning, subjects (name, collar_number, role, station), what, when, where, reported_elsewhere, disclosure.
    Categorïau: { $categories }
report-arguments-seen = Rhoddwyd { $flags } ar y llinell orchymyn, lle gall hanes eich cragen (shell) a defnyddwyr eraill y cyfrifiadur hwn (ps) ei weld. Y tro nesaf, defnyddiwch --what-file neu --from (mae "-" yn darllen o'r bysellfwrdd neu o bibell), a chliriwch y gorchymyn hwn o hanes eich cragen.
report-note-flag-replaces = mae { $flag } o'r llinell orchymyn yn disodli'r hyn sydd yn y ffeil
report-note-what-replaces = mae beth ddigwyddodd, o'r llinell orchymyn, yn disodli'r hyn sydd yn y ffeil
report-note-concerning-added = ychwanegir --concerning { $concerning } at yr hyn sydd yn y ffeil
report-note-subjects-added = ychwanegir { $count ->
        [one] 1 person
       *[other] { $count } o bobl
    } o --subject at y rhai sydd yn y ffeil
report-note-contact-replaces = mae --confidential-name/--contact yn disodli'r manylion cyswllt sydd yn y ffeil
report-onion-needs-tor = { $error }. Dechreuwch Tor a rhowch --proxy socks5h://127.0.0.1:9050
report-root-unreadable = nid yw { $root } yn allwedd gyhoeddus wraidd nac yn ffeil y gellir ei darllen
report-root-invalid = nid oes allwedd gyhoeddus wraidd yn { $root }

## Atodiadau. Mae'r hyn a dynnwyd ($removed, $kept) wedi'i enwi yn Saesneg gan y stripiwr.

report-attach-cannot-open = yn agor yr atodiad { $file }
report-attach-unstripped = { $file }: ni ellir tynnu metadata o'r math hwn o ffeil, a gallai ddatgelu pwy a'i gwnaeth (awdur, dyfais, lleoliad, dyddiadau). Troswch hi i PDF, JPEG neu PNG, neu rhowch --allow-unstripped i'w hanfon fel y mae.
report-attach-cannot-strip = yn tynnu metadata o { $file }
report-attach-as-is = Anfonir { $file } fel y mae; ni ellid tynnu ei metadata.
report-attach-line = { $file }: { $what }
report-attach-nothing-removed = ni chafwyd hyd i fetadata
report-attach-removed-what = tynnwyd { $removed }
report-attach-kept = cadwyd { $kept }

## candour mailbox (src/cli/mailbox.rs).

mbox-ask-token = Eich tocyn 12 gair (ni chaiff ei ddangos wrth i chi deipio):
mbox-token-instead = defnyddiwch --token-file FFEIL
mbox-no-terminal-for-token = nid oes terfynell i ofyn am y tocyn arni: defnyddiwch --token-file
mbox-reading = yn darllen { $file }
mbox-reading-stdin = yn darllen y mewnbwn safonol
mbox-stdin-needs-token-file = mae --send-file - yn darllen y mewnbwn safonol, felly rhaid i'r tocyn ddod o --token-file
mbox-attach-needs-send = mae --attach yn mynd gyda --send neu --send-file
mbox-refusing = yn gwrthod mynd ymlaen
mbox-warning = Rhybudd: { $warning }
mbox-note = Nodyn: { $note }
mbox-send-seen = Rhoddwyd --send ar y llinell orchymyn, lle gall hanes eich cragen (shell) a defnyddwyr eraill y cyfrifiadur hwn (ps) ei weld. Y tro nesaf, defnyddiwch --send-file (mae "-" yn darllen o'r bysellfwrdd neu o bibell), a chliriwch y gorchymyn hwn o hanes eich cragen.
mbox-empty = Dim byd yn eich blwch post eto: nid oes adolygydd wedi cael eich adroddiad (neu mae'r tocyn wedi'i gamdeipio).
# Mae $role yn supervisor neu reviewer (treiglad meddal ar ôl "gan"); $queues yw dynodyddion y ciwiau.
mbox-receipt = { $day }: daeth eich adroddiad i law (derbynneb awtomatig, gan { $role ->
        [supervisor] oruchwyliwr
       *[other] adolygydd
    } yn { $queues })
mbox-reply-from = { $day }, gan { $role ->
        [supervisor] oruchwyliwr
       *[other] adolygydd
    } yn { $queues }
mbox-seen = { $count ->
        [one] Ysgrifennwyd ar ôl darllen 1 neges gennych chi, a anfonwyd ar { $day }.
       *[other] Ysgrifennwyd ar ôl darllen { $count } neges gennych chi, a'r ddiweddaraf wedi'i hanfon ar { $day }.
    }
mbox-attachment = atodiad { $name }, { $bytes } beit
mbox-repeats = { $count ->
        [one] Ymddangosodd 1 neges yn eich blwch post fwy nag unwaith: fe'i dangosir unwaith yn unig.
       *[other] Ymddangosodd { $count } neges yn eich blwch post fwy nag unwaith: dangosir pob un unwaith yn unig.
    }
mbox-problem-not-a-reply = nid yw neges yn y blwch post yn ateb i'r adroddiad hwn
mbox-problem-forged-signer = mae ateb yn honni ei fod yn dod gan { $reviewer } ond nid yw wedi'i lofnodi â'u hallwedd yn y cyfeiriadur: anwybyddwch ef
mbox-problem-forged-route = mae neges gan { $reviewer } yn newid y rhestr o ddarllenwyr a ddewisodd eich adroddiad, ac ni chaiff unrhyw adolygydd wneud hynny: anwybyddwch hi
mbox-problem-malformed = mae ateb wedi'i ffurfio'n wallus: { $why }
mbox-seen-less = Ysgrifennwyd ateb { $day } gan adolygydd yn { $queues } ar ôl darllen { $count } o'ch negeseuon (a'r ddiweddaraf wedi'i hanfon ar { $newest }), llai nag yr oedd ateb { $earlier-day } wedi'u darllen ({ $earlier-count }, a'r ddiweddaraf wedi'i hanfon ar { $earlier-newest }): efallai nad yw rhywbeth a anfonoch chi wedi eu cyrraedd. Efallai yr hoffech ei anfon eto.
mbox-no-current-queue = dim ciw ar hyn o bryd

## At bwy yr aiff neges ddilynol.

mbox-note-older-version = Anfonwyd eich adroddiad gan fersiwn hŷn o Candour, felly mae pwy sy'n darllen eich negeseuon dilynol yn dibynnu ar air yr ateb diweddaraf yn hytrach nag ar eich adroddiad chi ei hun.
mbox-note-excluded-asked-for = Gofynnodd neges i { $ids } gael darllen eich negeseuon dilynol. Fe wnaethoch chi eu gadael allan pan wnaethoch chi adrodd: nid ydynt yn cael eu hychwanegu, ac ni fyddant byth.
mbox-note-proposed = Cynigiodd { $by } y dylai { $added } ddarllen eich negeseuon dilynol hefyd. Nid eich adroddiad a'u dewisodd, felly nid ydynt yn cael eu hychwanegu: dim ond at y darllenwyr a ddewisodd eich adroddiad y mae eich negeseuon dilynol yn mynd.
# $shape: "to" ($added yn unig), "away" ($removed yn unig), "both", neu'r naill na'r llall.
mbox-note-passed-on = { $shape ->
        [to] Ar { $day }, trosglwyddodd { $author } eich adroddiad i { $added }. Mae eich negeseuon dilynol bellach yn mynd i { $readers }. Ni ellir ychwanegu neb a adawsoch allan fel hyn.
        [away] Ar { $day }, trosglwyddodd { $author } eich adroddiad oddi wrth { $removed }. Mae eich negeseuon dilynol bellach yn mynd i { $readers }. Ni ellir ychwanegu neb a adawsoch allan fel hyn.
        [both] Ar { $day }, trosglwyddodd { $author } eich adroddiad i { $added }, oddi wrth { $removed }. Mae eich negeseuon dilynol bellach yn mynd i { $readers }. Ni ellir ychwanegu neb a adawsoch allan fel hyn.
       *[other] Ar { $day }, trosglwyddodd { $author } eich adroddiad ymlaen. Mae eich negeseuon dilynol bellach yn mynd i { $readers }. Ni ellir ychwanegu neb a adawsoch allan fel hyn.
    }
mbox-note-change-refused = Dywedodd neges fod { $author } wedi trosglwyddo eich adroddiad i { $added }, ond nid yw hynny'n gywir ({ $why }), felly nid yw eich negeseuon dilynol yn mynd yno.
mbox-note-departed = Nid yw { $ids } yn y rhestr o adolygwyr mwyach, felly ni all eich negeseuon dilynol eu cyrraedd.
mbox-ask-answer = Eu hateb nawr? Dim ond darllenwyr eich adroddiad fydd yn ei gael. [i/N]
mbox-answer-how = Eich ateb. Gorffennwch gyda llinell sy'n cynnwys dim ond atalnod llawn (.)
mbox-not-yet-received = Heb ei anfon: nid oes adolygydd wedi cael eich adroddiad eto, felly ni all Candour ddweud eto pwy gaiff ddarllen rhagor o wybodaeth heb ofyn i chi eto, ac ni fydd yn dyfalu. Ni anfonwyd dim: rhowch gynnig arall arni yn nes ymlaen (mae teclyn adolygydd yn cadarnhau ei fod wedi'i gael pan fydd yn gwirio nesaf, fel arfer o fewn diwrnod).
mbox-still-in-file = Mae eich neges yn dal yn y ffeil a roddoch.
mbox-look-first = Cyn anfon, edrychwch ar hyn:
mbox-named-readers-not-sent = heb ei anfon: gadewch nhw allan gyda { $flags }, neu rhowch --keep-readers i'w anfon at bob darllenydd
mbox-confirm-leave-out = Gadael { $ids } allan?
mbox-confirm-send = Anfon hwn at y bobl hyn?
mbox-not-sent = Heb ei anfon.
mbox-sent = Wedi'i anfon. Mae'n ymuno ag achos eich adroddiad.

## Wedi'u geirio gan fodiwl y dudalen (crates/candour-web/src/api.rs) o'r un penderfyniadau

report-conflicts-choose = { $conflicts } Dewiswch beth i'w wneud yn y rhybudd uchod.
report-attach-unstripped-page = ni ellir tynnu metadata o'r math hwn o ffeil, a gallai ddatgelu pwy a'i gwnaeth (awdur, dyfais, lleoliad, dyddiadau). Trowch hi'n PDF, JPEG neu PNG, neu ticiwch "anfon fel y mae".
