# نصوص واجهة Passerelle: الصفحات العامة (البحث، تقويم الفعاليات، المتابعة من الفديفيرس،
# طلبات المرافقة) وصفحات الفريق الخاصة بالطلبات. العربية.

## الصفحة الرئيسية (إضافات)

home-search-label = ابحث في الدليل
home-events-link = تقويم الفعاليات، يومًا بيوم
home-categories = الفئات
home-upcoming = الفعاليات القادمة

## البحث

search-title = البحث
search-has-errors = بعض عوامل التصفية غير صحيحة. انظر الرسائل بجانب الحقول.
search-words = كلمات للبحث
search-kind = النوع
search-any = الكل
search-category = الفئة
search-language = لغة المساعدة
search-language-hint = رمز لغة، مثل fr أو ar أو uk.
search-locality = المدينة أو البلدة
search-country = البلد
search-country-hint = رمز بلد من حرفين، مثل FR أو IT.
search-near = بالقرب من مكان
search-near-me = بالقرب مني
search-near-wait = يطلب متصفحك موقعك…
search-near-done = تم العثور على الموقع. جارٍ البحث…
search-near-error = موقعك غير متاح. اكتب اسم مدينة بدلًا من ذلك.
search-lat = خط العرض
search-lon = خط الطول
search-radius = المسافة (كم)
search-free = المجاني فقط
search-open-now = مفتوح الآن
search-more = عوامل تصفية أخرى
search-from = الفعاليات من (تاريخ)
search-to = الفعاليات حتى (تاريخ)
search-age = العمر
search-origin = منشور على
search-origin-hint = ‏«local» لهذا الخادم، أو نطاق خادم شريك.
search-status = الحالة
search-status-hint = مثلًا: all أو active أو cancelled.
search-submit = ابحث
search-clear = امسح كل عوامل التصفية
search-results = { $count ->
    [zero] لا توجد نتائج
    [one] نتيجة واحدة
    [two] نتيجتان
    [few] { $count } نتائج
   *[other] { $count } نتيجة
}
search-refine = حسّن البحث
search-facet-kind = النوع
search-facet-category = الفئة
search-facet-language = لغة المساعدة
search-facet-country = البلد
search-distance = على بعد { $km } كم
search-nothing = لا توجد نتائج. جرّب كلمات أقل أو عوامل تصفية أقل.
search-pages = الصفحات
search-prev = الصفحة السابقة
search-next = الصفحة التالية
search-page-of = الصفحة { $page } من { $pages }
search-calendar = هذه الفعاليات في تقويمك (iCalendar)
search-atom = المدخلات الجديدة لهذا البحث (موجز Atom)
search-error-kind = اختر خدمة أو فعالية أو عرض تطوع.
search-error-category = هذه الفئة غير موجودة.
search-error-language = اكتب رمز لغة، مثل fr أو pt-BR.
search-error-country = اكتب رمز بلد من حرفين، مثل FR.
search-error-lat = اكتب خط عرض بين ‎-90 و90، مع خط طول.
search-error-lon = اكتب خط طول بين ‎-180 و180، مع خط عرض.
search-error-radius_km = اكتب مسافة بالكيلومترات، أكبر من 0 وحتى 20000، مع خط عرض وخط طول.
search-error-from = اكتب تاريخًا مثل 2026-12-05.
search-error-to = اكتب تاريخًا مثل 2026-12-05، ليس قبل التاريخ الأول.
search-error-open_now = يجب أن تكون القيمة نعم أو لا.
search-error-free = يجب أن تكون القيمة نعم أو لا.
search-error-age = اكتب عمرًا بين 0 و150.
search-error-origin = اكتب «local» أو نطاق خادم، مثل directory.example.org.
search-error-status = هذه الحالة غير موجودة.
search-error-page = اكتب رقم صفحة يبدأ من 1.
search-error-per_page = اكتب عدد النتائج في الصفحة بين 1 و100.

## تقويم الفعاليات

events-title = تقويم الفعاليات
events-navigation = الأسابيع
events-prev-week = الأسبوع السابق
events-next-week = الأسبوع التالي
events-this-week = هذا الأسبوع
events-upcoming = الأيام القادمة
events-upcoming-title = الأيام الـ{ $days } القادمة
events-week-title = الأسبوع { $week }: { $first } – { $last }
events-week-field = الأسبوع (مثل 2026-W48)
events-show = اعرض
events-zone-note = الأوقات هي أوقات مكان كل فعالية، مع منطقتها الزمنية.
events-none = لا توجد فعاليات في هذه الفترة.
events-online = عبر الإنترنت
events-ical = اشترك في تطبيق التقويم (iCalendar)
events-error-week = اكتب أسبوعًا مثل 2026-W48.
events-error-from = اكتب تاريخًا مثل 2026-11-30.

## المتابعة من حساب آخر في الفديفيرس

follow-copy-handle = انسخ هذا المعرّف في خانة البحث في تطبيق ماستودون (أو تطبيق آخر من الفديفيرس)، أو اكتب حسابك أدناه.
follow-your-account = حسابك في الفديفيرس
follow-account-placeholder = you@your.server
follow-account-hint = مثلًا alice@mastodon.social. نسأل خادمك عن صفحة المتابعة الخاصة به ونرسلك إليها.
follow-submit = تابِع من حسابي
follow-back = رجوع
follow-error-malformed = هذا ليس عنوان حساب. اكتبه بالشكل name@server، مثل alice@mastodon.social.
follow-error-blocked = هذا الخادم لا يتبادل مع { $server }.
follow-error-unreachable = لم يُجب { $server }. تحقّق من العنوان، أو انسخ المعرّف أعلاه في تطبيقك.
follow-error-no-account = ‏{ $server } لا يعرف هذا الحساب. تحقّق من الاسم.
follow-error-no-template = ‏{ $server } لا يوفّر صفحة للمتابعة. انسخ المعرّف أعلاه في تطبيقك بدلًا من ذلك.
follow-error-too-many = محاولات كثيرة جدًا. انتظر دقيقة ثم حاول مرة أخرى.
interaction-title = تابِع من حسابك في الفديفيرس
interaction-no-accounts = لا توجد في هذا الدليل حسابات للقرّاء، لذلك لا يمكنك المتابعة من هنا. تابِع من حسابك الخاص في الفديفيرس (ماستودون أو غيره).
interaction-copy-uri = انسخ هذا العنوان في خانة البحث في تطبيق الفديفيرس:
interaction-home = العودة إلى الصفحة الرئيسية
open-osm = افتح في OpenStreetMap

## طلب مرافق

buddy-title = اطلب مرافقًا
buddy-intro = تقرأ المنظمة طلبك وتضعك على اتصال بالمتطوع. لا حاجة إلى حساب.
buddy-name = اسمك أو اسم مستعار
buddy-contact = كيف يمكن التواصل معك
buddy-contact-hint = رقم هاتف أو عنوان بريد إلكتروني أو طريقة أخرى للتواصل معك.
buddy-language = لغتك المفضلة
buddy-message = رسالتك
buddy-privacy = لا يقرأ هذا الطلب إلا فريق المنظمة. لا يُنشر، ويُحذف بعد مدة.
buddy-submit = أرسل الطلب
buddy-honeypot = اترك هذا الحقل فارغًا
buddy-sent = تم إرسال طلبك. ستتواصل معك المنظمة.
buddy-remote = هذا العرض منشور على خادم آخر: اطلب مرافقًا من صفحته هناك.
buddy-closed = هذا العرض لا يستقبل طلبات حاليًا.
buddy-required = املأ هذا الحقل.
buddy-too-long = النص طويل جدًا: { $max } حرفًا على الأكثر.
buddy-bad-language = اختر لغة من القائمة.
buddy-too-many = أُرسلت طلبات كثيرة جدًا من اتصالك. انتظر بضع دقائق ثم أرسله مرة أخرى.
buddy-refused = لا يمكن قبول هذا الطلب.
buddy-too-fast = أُرسل النموذج بسرعة كبيرة. راجعه ثم أرسله مرة أخرى.
buddy-expired = بقي النموذج مفتوحًا مدة طويلة جدًا. راجعه ثم أرسله مرة أخرى.

## الفريق: طلبات المرافقة

requests-title = طلبات المرافقة
requests-private = لا يرى الطلبات إلا فريق منظمتك، وتُحذف بعد { $days } يومًا من إرسالها.
requests-open = بانتظار المعالجة
requests-handled = تمت معالجتها
requests-none = لا شيء.
requests-detail-title = طلب مرافقة
requests-back = كل الطلبات
requests-offer = عرض التطوع
requests-sent = أُرسل في
requests-mark-handled = حدّد كطلب تمت معالجته
requests-handled-on = تمت المعالجة في { $date }.
