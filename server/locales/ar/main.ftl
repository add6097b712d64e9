# نصوص واجهة Passerelle: العربية.
# How to edit or add a catalogue / طريقة تعديل الملف أو إضافة لغة: docs/translating.md

## كل الصفحات

skip-to-content = انتقل إلى المحتوى
language-switcher = اللغة
staff-sign-in-link = دخول فريق العمل
footer-software = يعمل ببرنامج Passerelle، وهو دليل ضمن شبكة لامركزية

## الصفحة الرئيسية

home-organizations = المنظمات
home-no-organizations = لا توجد منظمات بعد.
home-newest = أحدث ما نُشر
home-calendar = تقويم الفعاليات (iCalendar: اشترك فيه من تطبيق التقويم لديك)
home-atom = المنشورات الجديدة (موجز Atom)
home-no-entries = لم يُنشر شيء بعد.
home-partners = الخوادم الشريكة

## المتابعة من الفديفرس

follow-title = تابِع من حسابك في الفديفرس
follow-help-org = انسخ هذا المعرّف في خانة البحث في تطبيق ماستودون (أو أي تطبيق آخر في الفديفرس) وتابِعه لترى كل ما يُنشر من جديد.
follow-help-topic = انسخ هذا المعرّف في خانة البحث في تطبيق ماستودون (أو أي تطبيق آخر في الفديفرس) وتابِعه: سيظهر كل جديد في صفحتك الرئيسية.

## صفحة المنظمة

org-website = الموقع الإلكتروني
org-address = العنوان
org-phone = الهاتف
org-languages = اللغات المستخدمة

## صفحة الموضوع

topic-latest = أحدث ما نُشر
topic-no-entries = لم يُنشر شيء بعد.

## صفحة الخدمة أو الفعالية أو العرض

kind-service = خدمة
kind-event = فعالية
kind-offer = عرض تطوعي
fallback-note = هذا النص باللغة { $language }.
fallback-note-code = هذا النص بلغة أخرى (الرمز: { $tag }).
field-categories = الفئات
field-languages = اللغات
field-status = الحالة
field-opening-hours = أوقات الدوام
field-eligibility = لمن هذه الخدمة
field-age = العمر
field-cost = التكلفة
cost-free = مجاني
cost-not-free = بمقابل مادي
field-how-to-apply = طريقة الحصول على الخدمة
field-documents = الوثائق المطلوب إحضارها
field-interpretation = الترجمة الشفوية
interpretation-available = متوفرة
field-area-served = المنطقة المخدومة
field-website = الموقع الإلكتروني
field-email = البريد الإلكتروني
field-phone = الهاتف
field-online = عبر الإنترنت
field-last-verified = آخر تحقق
field-starts = البداية
field-ends = النهاية
field-places = عدد الأماكن
field-places-left = الأماكن المتبقية
field-how-to-join = طريقة المشاركة
field-registration = التسجيل
field-contact = التواصل
field-help-offered = المساعدة المقدَّمة
field-area = المنطقة
field-days = الأيام
field-times = الأوقات
field-until = حتى
field-requirements = الشروط
offer-contact = عن طريق المنظمة، وهي التي تضعك على تواصل مع المتطوع.
location-address = العنوان
open-map = افتح في تطبيق الخرائط
origin-local = نشرته منظمة { $org } على هذا الخادم
origin-remote = نُشر على { $domain }
service-status-active = متاحة
service-status-inactive = غير متاحة حاليًا
service-status-temporarily-closed = مغلقة مؤقتًا
service-status-defunct = مغلقة نهائيًا
event-status-tentative = بانتظار التأكيد
event-status-confirmed = مؤكدة
event-status-cancelled = ملغاة
join-free = تعال مباشرة دون تسجيل
join-registration = سجّل مسبقًا
join-external = التسجيل على موقع آخر
area-city = مدينة
area-region = منطقة
area-online = عبر الإنترنت

## أسماء اللغات (للملاحظة أعلاه: «هذا النص باللغة …»)

language-en = الإنجليزية
language-fr = الفرنسية
language-it = الإيطالية
language-es = الإسبانية
language-de = الألمانية
language-ar = العربية
language-uk = الأوكرانية
language-fa = الفارسية
language-ps = البشتوية
language-ti = التغرينية
language-so = الصومالية
language-tr = التركية
language-ru = الروسية
language-pt = البرتغالية
language-ro = الرومانية
language-ku = الكردية

## صفحات فريق العمل

staff-sign-in-title = دخول فريق العمل
staff-email = البريد الإلكتروني
staff-password = كلمة المرور
staff-sign-in = تسجيل الدخول
staff-sign-out = تسجيل الخروج
staff-sign-in-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
staff-too-many-attempts = محاولات دخول كثيرة جدًا. انتظر بضع دقائق ثم حاول مرة أخرى.
staff-field-required = املأ هذه الخانة.
staff-signed-in-as = تم الدخول باسم { $email }
staff-dashboard-title = صفحات فريق العمل
staff-your-organizations = منظماتك
staff-no-organization = حسابك غير مرتبط بأي منظمة بعد.
staff-no-entries = لم تنشر هذه المنظمة شيئًا بعد.
staff-public-page = الصفحة العامة
staff-role = الدور
role-admin = مسؤول
role-moderator = مشرف
role-editor = محرر
staff-change-password = تغيير كلمة المرور
staff-current-password = كلمة المرور الحالية
staff-new-password = كلمة المرور الجديدة
staff-new-password-again = أعد كتابة كلمة المرور الجديدة
staff-save = حفظ
staff-password-changed = تم تغيير كلمة المرور.
staff-wrong-current-password = هذه ليست كلمة المرور الحالية.
staff-password-too-short = { $min ->
    [few] يجب أن تتكون كلمة المرور من { $min } أحرف على الأقل.
    [many] يجب أن تتكون كلمة المرور من { $min } حرفًا على الأقل.
   *[other] يجب أن تتكون كلمة المرور من { $min } حرف على الأقل.
}
staff-passwords-differ = كلمتا المرور الجديدتان غير متطابقتين.
staff-back = العودة إلى صفحات فريق العمل
csrf-title = لا يمكن قبول هذا النموذج
csrf-text = بقي النموذج مفتوحًا مدة طويلة، أو أُرسل من موقع آخر. ارجع إلى الصفحة السابقة وأعد تحميلها، ثم حاول مرة أخرى.
