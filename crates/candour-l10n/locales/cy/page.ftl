### Tudalennau'r adroddiad a'r blwch post, yn Gymraeg. Sut i ychwanegu neu adolygu neges:
### crates/candour-l10n/README.md. Caiff negeseuon yn yr HTML gynnwys <strong> a <code>
### (nid oes dim arall yn goroesi); mae candour.js yn dangos negeseuon `js-` fel testun plaen.

## Y ddwy dudalen

page-product-name = Candour
page-quick-exit = Gadael y wefan hon
page-quick-exit-key = (neu pwyswch Esc)
page-checking-directory = Yn gwirio'r rhestr o bobl sy'n gallu darllen adroddiadau…
page-footer-unproven = Ni all y rhifau hyn brofi bod y dudalen hon yn ddilys: gallai pwy bynnag sy'n ei gweini eu newid hefyd. I fod yn siŵr, defnyddiwch y dudalen y mae eich sefydliad yn ei chyhoeddi a'i gwirio, copi ohoni yr ydych yn ei gadw, neu'r offeryn llinell orchymyn <code>candour</code>.
page-footer-directory = Cyfeiriadur:
page-footer-module = SHA-256 y modiwl, wedi'i gyfrifo gan eich porwr:

## Tudalen yr adroddiad

page-title = Adrodd am gamwedd yn ddiogel · Candour
page-skip = Neidio i'r ffurflen
page-heading = Adrodd am gamwedd yn ddiogel
page-intro = Dywedwch wrth Adran Safonau Proffesiynol neu Uned Gwrth-lygredd eich heddlu beth a welsoch. Caiff eich adroddiad ei gloi ar y ddyfais hon cyn iddo ei gadael: dim ond y bobl a restrir isod sy'n gallu ei agor.
page-noscript = Ni all y dudalen hon anfon dim tra bo JavaScript wedi'i ddiffodd: mae'n cloi eich adroddiad ar y ddyfais hon gyda JavaScript cyn i ddim ei gadael. Yn Tor Browser, dewiswch y lefel ddiogelwch <strong>Standard</strong> neu <strong>Safer</strong> ar gyfer y wefan hon (eicon y darian, yna "Change…"), neu adroddwch gyda'r offeryn llinell orchymyn <code>candour</code> y mae eich heddlu yn ei gyhoeddi. Ni ellir anfon dim a deipiwch ar y dudalen hon fel y mae.
page-safety-heading = Cyn dechrau: cadwch eich hun yn ddiogel
page-safety-device = Defnyddiwch ffôn neu gyfrifiadur <strong>personol</strong>, nid dyfais yr heddlu, ac nid rhwydwaith na Wi-Fi yr heddlu.
page-safety-tor = Os gallwch, defnyddiwch <strong>Tor Browser</strong>: yna ni all y gyfnewidfa weld eich cyfeiriad rhyngrwyd o gwbl.
page-safety-details = Gadewch allan fanylion na allai neb ond chi eu gwybod os ydych am aros yn ddienw. Gallwch ychwanegu rhagor yn nes ymlaen.
page-safety-nothing-saved = Nid oes dim yn cael ei gadw yn y porwr hwn. Caewch y tab pan fyddwch wedi gorffen.
page-kind-legend = Pa fath o bryder ydyw?
page-category-label = Categori
page-category-choose = Dewiswch gategori…
page-category-help = Dewiswch yr un sy'n gweddu orau. Gall adolygwyr ei newid.
page-concerning-label = A yw'n ymwneud ag unrhyw un o'r bobl hyn? (Mae hyn yn newid pwy a gaiff ei ddarllen.)
page-subjects-legend = Am bwy y mae?
page-subjects-help = Llenwch yr hyn a wyddoch. Mae pob maes yn ddewisol.
page-subject-name = Enw
page-subject-collar = Rhif coler neu warant
page-subject-role = Rheng neu rôl
page-subject-station = Gorsaf neu dîm
page-add-subject = Ychwanegu person arall
page-what-legend = Beth ddigwyddodd?
page-what-label = Beth ddigwyddodd
page-required = (gofynnol)
page-what-help = Disgrifiwch yr hyn a welsoch neu a glywsoch, yn eich geiriau eich hun.
page-when-label = Pryd
page-when-help = Dyddiad, amser bras, neu "dros sawl mis".
page-where-label = Ble
page-elsewhere-label = Ydych chi wedi adrodd am hyn yn rhywle arall? Ble?
page-anonymous-legend = Ydych chi am aros yn ddienw?
page-anonymous-yes = Ydw, aros yn ddienw. Byddaf yn defnyddio fy nhocyn i ddarllen atebion.
page-anonymous-no = Nac ydw, byddaf yn rhoi manylion cyswllt, i'w cadw'n gyfrinachol.
page-contact-name = Eich enw
page-contact-how = Sut i gysylltu â chi'n ddiogel
page-attachments-legend = Atodiadau
page-attachments-label = Lluniau, dogfennau neu ffeiliau eraill
page-attachments-help = Caiff manylion cudd megis y camera, y lleoliad a'r awdur eu tynnu o ffeiliau JPEG, PNG a PDF ar y ddyfais hon cyn anfon dim. Ni ellir glanhau mathau eraill o ffeil.
page-exclusions-legend = Pwy na ddylai ei ddarllen?
page-exclusions-help = Ticiwch unrhyw un na ddylai weld yr adroddiad hwn, er enghraifft oherwydd ei fod yn ymwneud â hwy.
page-preview-heading = Pwy fydd yn gallu ei ddarllen
page-preview-empty = Dewiswch gategori i weld pwy fydd yn darllen eich adroddiad.
page-conflicts-heading = Cyn anfon: gallai hwn gyrraedd y person y mae'n ymwneud ag ef
page-keep-route = Ei anfon fel y mae: rwy'n siŵr y dylai'r bobl hyn ei ddarllen
page-send = Cloi ac anfon fy adroddiad
page-sent-heading = Mae eich adroddiad wedi dod i law
page-sent-token-before-link = Dyma eich <strong>tocyn blwch post</strong>. Caiff ei ddangos <strong>unwaith</strong> ac ni ellir ei adfer. Gydag ef, a dim byd arall, gallwch ddarllen atebion ac ychwanegu gwybodaeth o unrhyw ddyfais ar
page-sent-token-link = dudalen y blwch post
page-token-label = Eich tocyn blwch post 12 gair
page-copy-token = Copïo'r tocyn
page-token-paper = Ysgrifennwch ef ar bapur, neu cadwch ef mewn rheolwr cyfrineiriau ar ddyfais bersonol.
page-token-hide = Peidiwch â'i gadw ar ddyfais yr heddlu, yn e-bost yr heddlu, nac yn unman lle gallai cydweithiwr ddod o hyd iddo.
page-token-check = Edrychwch ar y blwch post ymhen ychydig ddyddiau: efallai y bydd gan yr uned gwestiynau na all neb ond chi eu hateb.
page-footer-format = Wedi'i gloi ar eich dyfais gyda fformat Candour.
page-footer-mailbox-link = Darllen atebion i adroddiad cynharach

## Tudalen y blwch post

mailbox-title = Eich blwch post · Candour
mailbox-skip = Neidio i'r tocyn
mailbox-heading = Eich blwch post
mailbox-intro = Darllenwch atebion i'ch adroddiad ac anfonwch ragor o wybodaeth. Mae arnoch angen y tocyn 12 gair a gawsoch pan wnaethoch adrodd.
mailbox-noscript = Ni all y dudalen hon agor eich atebion tra bo JavaScript wedi'i ddiffodd: mae'n eu hagor ar y ddyfais hon gyda JavaScript. Yn Tor Browser, dewiswch y lefel ddiogelwch <strong>Standard</strong> neu <strong>Safer</strong> ar gyfer y wefan hon (eicon y darian, yna "Change…"), neu defnyddiwch <code>candour mailbox</code>, yr offeryn llinell orchymyn y mae eich heddlu yn ei gyhoeddi.
mailbox-safety-heading = Cadwch eich hun yn ddiogel
mailbox-safety-device = Defnyddiwch ddyfais bersonol, nid rhwydwaith yr heddlu. Mae Tor Browser yn cuddio eich cyfeiriad rhyngrwyd.
mailbox-token-label = Eich tocyn 12 gair
mailbox-token-help = Teipiwch y geiriau yn eu trefn, gyda bylchau rhyngddynt. Does dim ots am briflythrennau. Geiriau Saesneg ydynt bob amser.
mailbox-open = Agor fy mlwch post
mailbox-replies-heading = Atebion
mailbox-more-heading = Anfon rhagor o wybodaeth
mailbox-not-received = Nid oes yr un adolygydd wedi derbyn eich adroddiad eto, felly ni all y dudalen hon ddweud eto pwy a gaiff ddarllen rhagor o wybodaeth, ac ni fydd yn dyfalu. Edrychwch eto yn nes ymlaen: mae offeryn adolygydd yn cadarnhau ei fod wedi dod i law y tro nesaf y bydd yn gwirio, fel arfer o fewn diwrnod. Bydd unrhyw beth a deipiwch yma yn aros nes i chi adael y dudalen.
mailbox-message-label = Eich neges
mailbox-attachments-label = Atodiadau
mailbox-attachments-help = Caiff manylion cudd eu tynnu o ffeiliau JPEG, PNG a PDF ar y ddyfais hon cyn anfon.
mailbox-conflicts-heading = Cyn anfon: mae eich neges yn enwi un o'i darllenwyr
mailbox-keep-readers = Ei hanfon at bob un ohonynt: rwy'n siŵr
mailbox-send = Cloi ac anfon
mailbox-new-report-link = Gwneud adroddiad newydd

## Yn cael eu dangos gan sgript y dudalen (candour.js)

js-insecure-context = Rhaid agor y dudalen hon dros https, o gyfeiriad .onion neu o'r ffeil yr ydych yn ei chadw; yma ni all y porwr wirio ei rhannau.
js-part-mismatch = Nid yw {$part} y dudalen yr un y cafodd y dudalen hon ei hadeiladu ag ef (SHA-256 {$found}). Efallai fod rhywun wedi ei newid; ni anfonwyd dim.
js-module-missing = Nid oedd modd llwytho'r modiwl cloi.
js-worker-stopped = Stopiodd gweithiwr y dudalen.
js-unreachable = Nid oedd modd cyrraedd y gyfnewidfa. Gwiriwch eich cysylltiad a rhowch gynnig arall arni.
js-relay-status = statws {$status}
js-relay-refused = Gwrthododd y gyfnewidfa hyn: {$message} ({$code}).
js-directory-info = {$organisation}, fersiwn {$version}, SHA-256 {$sha}
js-late-notices-only = dim ond yn cael gwybod pan fo achos yn hwyr
js-goes-to = Yn mynd i: {$queues}
js-only-these-readers = Dim ond y bobl hyn fydd yn gallu ei ddarllen:
js-supervisor-suffix = {$name} (goruchwyliwr)
js-leave-out = Gadael {$name} allan
js-independent-office = Ei anfon i'r swyddfa annibynnol yn lle hynny
js-attachments-too-large = Mae'r ffeiliau hyn yn dod i {$total} MiB; gall y dudalen hon anfon {$limit} MiB ar y mwyaf ar y tro. Dewiswch lai o ffeiliau neu rai llai, neu defnyddiwch yr offeryn llinell orchymyn candour.
js-send-as-is = Anfon {$name} fel y mae
js-attachment-refused = Ni ellir atodi {$name}: {$reason}
js-choose-category = Dewiswch gategori.
js-say-what-happened = Dywedwch beth ddigwyddodd.
js-conflict-not-sent = Heb ei anfon eto: gallai'r adroddiad hwn gyrraedd y person y mae'n ymwneud ag ef. Dewiswch beth i'w wneud yn y rhybudd uchod.
js-locking-report = Yn cloi eich adroddiad ar y ddyfais hon…
js-sending-report = Yn anfon yr adroddiad sydd wedi'i gloi…
js-not-sent = Heb ei anfon: {$reason}
js-copied = Wedi'i gopïo. Gludwch ef rywle diogel, yna cliriwch eich clipfwrdd.
js-copy-refused = Ni chaniateir copïo yma: ysgrifennwch y geiriau yn lle hynny.
js-sent-as-is = {$name}: wedi'i anfon fel y mae
js-report-sent = Adroddiad wedi'i anfon.
js-receipt-from = {$day} · derbynneb awtomatig gan {$queues}
js-receipt-text = Daeth eich adroddiad i law. Bydd person yn ei gydnabod o fewn 7 diwrnod.
js-reply-from-reviewer = {$day} · gan adolygydd yn {$queues}
js-reply-from-supervisor = {$day} · gan oruchwyliwr yn {$queues}
js-save-attachment = Cadw {$name} ({$bytes} beit)
js-nothing-yet = Dim byd eto: nid oes yr un adolygydd wedi derbyn eich adroddiad. Edrychwch eto yn nes ymlaen.
js-opening-mailbox = Yn agor eich blwch post…
js-mailbox-opened = Mae'r blwch post ar agor.
js-write-first = Ysgrifennwch neges yn gyntaf.
js-follow-up-not-received = Heb ei hanfon: nid oes yr un adolygydd wedi derbyn eich adroddiad eto. Mae eich neges yn aros yma; edrychwch eto yn nes ymlaen.
js-follow-up-conflict = Heb ei hanfon eto: mae eich neges yn enwi un o'i darllenwyr. Dewiswch beth i'w wneud yn y rhybudd uchod.
js-locking-message = Yn cloi eich neges ar y ddyfais hon…
js-sending = Yn anfon…
js-follow-up-sent = Wedi'i hanfon. Mae'n ymuno ag achos eich adroddiad.
js-no-webassembly = Ni all y porwr hwn redeg WebAssembly na fersiwn JavaScript y dudalen hon o'r modiwl cloi, felly ni ellir cloi eich adroddiad ar y ddyfais hon. Defnyddiwch y lefel Standard neu Safer ar gyfer y dudalen hon, neu'r offeryn llinell orchymyn candour.
js-cannot-use = Ni ellir defnyddio'r dudalen hon yn ddiogel, felly ni ellir anfon dim: {$reason}
js-module-internal = Aeth rhywbeth o'i le y tu mewn i'r modiwl cloi; ni anfonwyd dim.
js-module-javascript-build = {$sha} (fersiwn JavaScript y modiwl, ar gyfer porwyr heb WebAssembly)
