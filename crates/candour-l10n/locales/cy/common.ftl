### What several parts show (categories, refusals), in Welsh. How to add or
### review one: crates/candour-l10n/README.md.

## Y categorïau (crates/candour-core/src/report.rs): y Safonau Ymddygiad Proffesiynol, Atal,
## canmoliaeth, arall. `category-<id>` yw'r teitl, `-help` ei un llinell.

category-honesty-and-integrity = Gonestrwydd ac uniondeb
category-honesty-and-integrity-help = Dweud celwydd, ffugio cofnodion neu dreuliau, derbyn rhoddion neu ffafrau, camddefnyddio'r swydd er budd personol.
category-authority-respect-and-courtesy = Awdurdod, parch a chwrteisi
category-authority-respect-and-courtesy-help = Bwlio, aflonyddu, camddefnyddio grym dros y cyhoedd neu gydweithwyr.
category-equality-and-diversity = Cydraddoldeb ac amrywiaeth
category-equality-and-diversity-help = Trin pobl yn annheg oherwydd hil, rhyw, crefydd, anabledd, rhywioldeb neu nodweddion gwarchodedig eraill.
category-use-of-force = Defnyddio grym
category-use-of-force-help = Grym a oedd yn ddiangen, yn afresymol neu'n anghymesur.
category-orders-and-instructions = Gorchmynion a chyfarwyddiadau
category-orders-and-instructions-help = Gwrthod neu anwybyddu gorchmynion cyfreithlon, neu roi rhai anghyfreithlon.
category-duties-and-responsibilities = Dyletswyddau a chyfrifoldebau
category-duties-and-responsibilities-help = Esgeuluso dyletswyddau: peidio â chofnodi troseddau, peidio â diogelu pobl agored i niwed, peidio â gwneud y gwaith.
category-confidentiality = Cyfrinachedd
category-confidentiality-help = Camddefnyddio systemau neu wybodaeth yr heddlu: chwilio am bobl heb reswm, datgelu i eraill.
category-fitness-for-work = Ffitrwydd i weithio
category-fitness-for-work-help = Bod yn anaddas i weithio oherwydd diod, cyffuriau neu debyg.
category-discreditable-conduct = Ymddygiad sy'n dwyn anfri
category-discreditable-conduct-help = Ymddygiad ar ddyletswydd neu oddi arni sy'n dwyn anfri ar yr heddlu, gan gynnwys ymddygiad troseddol.
category-challenging-and-reporting-improper-conduct = Herio ac adrodd am ymddygiad amhriodol
category-challenging-and-reporting-improper-conduct-help = Cuddio camymddwyn cydweithiwr, neu fethu â'i herio neu adrodd amdano.
category-prevent-concern = Pryder Atal (radicaleiddio)
category-prevent-concern-help = Pryder bod cydweithiwr yn cael ei dynnu i mewn i derfysgaeth neu eithafiaeth (yn mynd i'r Gangen Arbennig yn unig).
category-compliment = Canmoliaeth
category-compliment-help = Cydnabod gwaith da cydweithiwr: caiff ei throsglwyddo iddynt hwy neu i'w rheolwr llinell, ac ni chaiff dim ei ymchwilio.
category-other = Rhywbeth arall
category-other-help = Rhywbeth nad yw'n perthyn i'r un o'r uchod.

## Am bwy y mae pryder, lle mae hynny'n newid pwy a gaiff ei ddarllen.

concerning-professional-standards-staff = Rhywun yn y Safonau Proffesiynol neu'r Uned Gwrth-lygredd
concerning-chief-officer = Prif swyddog (Prif Gwnstabl Cynorthwyol ac uwch)

## Gwrthodiadau y gall yr adroddwr eu cywiro, wedi'u geirio gan y gorchmynion a modiwl y dudalen

error-token-word-count = mae tocyn blwch post yn 12 gair; mae gan hwn { $count }
error-token-unknown-word = nid yw gair { $number } yn air tocyn: gwiriwch ei sillafu (geiriau Saesneg ydynt)
error-token-checksum = nid yw'r geiriau'n ffurfio tocyn dilys (methodd y swm gwirio): mae gair wedi'i gamdeipio neu allan o'i drefn
error-missing-category = dewiswch gategori ar gyfer yr adroddiad
error-empty-what = dywedwch beth ddigwyddodd (mae'r maes `what` yn wag)
error-nobody-left = heb ei anfon: ni fyddai neb ar ôl i'w ddarllen
error-directory-untrusted = ni ellir ymddiried yng nghyfeiriadur yr adolygwyr, felly ni chaiff dim ei anfon: { $reason }
error-attachments-too-large = mae'r atodiadau'n dod i { $total } MiB; gall porwr selio 100 MiB ar y mwyaf ar y tro. Anfonwch lai o ffeiliau neu rai llai, neu defnyddiwch yr offeryn llinell orchymyn candour, nad oes ganddo derfyn o'r fath
error-no-randomness = nid oes hap-rifau diogel ar gael yn y porwr hwn
error-not-sent = heb ei anfon: { $reason }
error-not-yet-received = Nid oes yr un adolygydd wedi derbyn eich adroddiad eto, felly ni all Candour ddweud eto pwy a gaiff ddarllen rhagor o wybodaeth heb ofyn i chi eto, ac ni fydd yn dyfalu. Ni anfonwyd dim: rhowch gynnig arall arni yn nes ymlaen (mae offeryn adolygydd yn cadarnhau ei fod wedi dod i law y tro nesaf y bydd yn gwirio, fel arfer o fewn diwrnod).
