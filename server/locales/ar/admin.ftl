# صفحات الإشراف والإدارة (/staff/admin/...) ونموذج الإبلاغ العام (/report).

## التنقل والكلمات المشتركة

admin-links-title = الإشراف والإدارة
admin-overview-title = نظرة عامة على الإشراف
admin-reports-title = البلاغات
admin-review-title = قائمة المراجعة
admin-entries-title = إزالة بطاقة أو استعادتها
admin-blocks-title = النطاقات المحظورة
admin-actors-title = الحسابات البعيدة
admin-log-title = سجل الإشراف
admin-users-title = المستخدمون
admin-orgs-title = المنظمات
admin-import-title = استيراد الخدمات
admin-forbidden-title = غير مسموح
admin-forbidden-text = دورك لا يسمح بالوصول إلى هذه الصفحة.
admin-not-found-title = غير موجود
admin-not-found-text = لا يوجد شيء هنا: ربما حُذف.
admin-refused-title = لم يتم
admin-refused-text = تعذّر تنفيذ هذا الإجراء.
admin-none = لا شيء هنا.
admin-created = تاريخ الإنشاء
admin-when = متى
admin-state = الحالة
admin-target = المحتوى المُبلَّغ عنه
admin-origin = المصدر
admin-entry = البطاقة
admin-kind = النوع
admin-ap-id = معرّف ActivityPub
admin-reason = السبب (يُحفظ في سجل الإشراف)
admin-details = التفاصيل
admin-delete = حذف
admin-find = بحث
admin-filter = تصفية
admin-never = أبدًا
admin-expired = منتهٍ
admin-too-long = هذا النص طويل جدًا.
admin-bad-date = اكتب تاريخًا مثل 2027-01-31.
admin-email = البريد الإلكتروني
admin-password = كلمة المرور
admin-password-help = { $min } حرفًا على الأقل.
admin-organization = المنظمة
admin-no-org = بلا منظمة
admin-choose-org = اختر منظمة
admin-unknown-org = هذه المنظمة غير موجودة.
admin-active = نشط
admin-disabled = معطّل
admin-pages = الصفحات
admin-previous = السابقة
admin-next = التالية

## نظرة عامة

admin-federation-mode = وضع الاتحاد
admin-mode-open = مفتوح: كل الخوادم ما عدا النطاقات المحظورة
admin-mode-allowlist = قائمة مسموح بها: النطاقات المدرجة فقط
admin-review-mode = مراجعة البطاقات البعيدة
admin-open-reports = البلاغات المفتوحة
admin-pending-entries = بطاقات تنتظر المراجعة

## البلاغات

admin-report-filter = عرض البلاغات
admin-reports-open = المفتوحة
admin-reports-resolved = المعالجة
admin-reports-all = الكل
admin-report-open = مفتوح
admin-report-resolved = تمت معالجته
admin-report-local = نموذج الإبلاغ
admin-report-remote = خادم آخر
admin-no-reports = لا توجد بلاغات هنا.
admin-report-title = بلاغ
admin-resolved = تمت المعالجة
admin-forwarded = أُرسل إلى المصدر
admin-resolve = معالجة
admin-resolve-action = الإجراء
admin-resolve-note = ملاحظة
admin-action-none = بلا إجراء
admin-action-remove-entry = إزالة البطاقة
admin-action-limit-domain = تقييد نطاقها
admin-action-block-domain = تعليق نطاقها
admin-forward = إرسال إلى الخادم المصدر
admin-forward-help = يتلقى الخادم المصدر البلاغ من هذا الخادم، دون أي معلومة عن صاحب البلاغ.

## البطاقات والمراجعة

admin-entry-find = عنوان البطاقة أو معرّفها
admin-entry-find-help = معرّف ActivityPub للبطاقة، أو عنوان صفحتها هنا، أو معرّفها.
admin-entry-unknown = لا توجد بطاقة بهذا العنوان أو المعرّف هنا.
admin-removed-entries = البطاقات المُزالة
admin-remove = إزالة
admin-restore = استعادة
admin-already-removed = هذه البطاقة مُزالة بالفعل.
admin-state-visible = معروضة
admin-state-limited = مقيّدة
admin-state-pending-review = تنتظر المراجعة
admin-state-removed = مُزالة
admin-approve = قبول
admin-reject = رفض
admin-review-empty = لا توجد بطاقة تنتظر المراجعة.
admin-not-pending = هذه البطاقة لا تنتظر المراجعة.

## النطاقات المحظورة والحسابات البعيدة

admin-domain = النطاق
admin-domain-help = اسم نطاق مثل spam.example؛ تُحظر نطاقاته الفرعية أيضًا.
admin-bad-domain = اكتب اسم نطاق مثل spam.example.
admin-severity = الشدة
admin-severity-suspend = تعليق
admin-severity-limit = تقييد
admin-severity-suspend-help = لا تبادل إطلاقًا؛ يُحذف محتواه وتُقطع المتابعات
admin-severity-limit-help = مخفي من القوائم والبحث، يمكن الوصول إليه عبر رابط؛ المتابعات تحتاج إلى موافقة
admin-bad-severity = اختر التعليق أو التقييد.
admin-public-reason = السبب العلني
admin-private-reason = السبب الخاص (للفريق فقط)
admin-expires = تاريخ الانتهاء
admin-expires-help = اختياري: ينتهي الحظر في نهاية هذا اليوم (UTC).
admin-expiry-past = يجب أن يكون تاريخ الانتهاء في المستقبل.
admin-no-blocks = لا يوجد نطاق محظور.
admin-block-create = حظر نطاق
admin-actor = الحساب (معرّف ActivityPub)
admin-actor-help = عنوان حساب بعيد، مثل https://social.example/users/name.
admin-bad-actor = اكتب عنوان (https://…) حساب على خادم آخر.
admin-actor-create = تعليق حساب أو تقييده
admin-no-sanctions = لا يوجد حساب بعيد معلّق أو مقيّد.
admin-lift = رفع

## سجل الإشراف

admin-log-action = الإجراء
admin-log-action-help = مثلًا entry.remove أو domain_block.create أو user.role_change.
admin-log-actor = من (البريد الإلكتروني)
admin-log-target = الهدف يحتوي على
admin-log-count = { $count ->
    [zero] لا إجراءات
    [one] إجراء واحد
    [two] إجراءان
    [few] { $count } إجراءات
    [many] { $count } إجراءً
   *[other] { $count } إجراء
}
admin-export-csv = تصدير بصيغة CSV
admin-export-json = تصدير بصيغة JSON

## المستخدمون

admin-user-create = إنشاء مستخدم
admin-bad-role = اختر دورًا.
admin-editor-needs-org = المحرر ينتمي إلى منظمة: اخترها.
admin-user-role = تغيير الدور
admin-user-password = تعيين كلمة مرور جديدة
admin-user-disable = تعطيل هذا الحساب
admin-user-enable = إعادة تفعيل هذا الحساب
admin-user-delete = حذف هذا الحساب
admin-confirm-email-label = اكتب البريد الإلكتروني للحساب للتأكيد
admin-confirm-email = اكتب البريد الإلكتروني للحساب كما هو تمامًا.

## المنظمات

admin-org-create = إنشاء منظمة
admin-slug = المعرّف
admin-slug-help = أحرف لاتينية صغيرة a-z وأرقام و- و_: تصبح المنظمة ‎@المعرّف في الفديفيرس.
admin-org-name = الاسم
admin-org-summary = وصف قصير (باللغة الافتراضية)
admin-default-language = اللغة الافتراضية
admin-default-language-help = رمز لغة مثل ar أو en؛ لغة الخادم إذا تُرك فارغًا.
admin-approve-followers = يجب أن يوافق الفريق على المتابعين

## الاستيراد

admin-import-format = صيغة الملف
admin-import-format-hsds = Open Referral HSDS 3.0 (حزمة بيانات zip أو JSON)
admin-import-format-csv = CSV بالتنسيق البسيط لـ Passerelle
admin-import-file = الملف
admin-import-file-help = { $size } ميبيبايت على الأكثر.
admin-import-dry-run = تجربة: عرض ما سيحدث دون تغيير أي شيء
admin-import-send = استيراد
admin-import-bad-format = اختر صيغة الملف.
admin-import-no-file = اختر ملفًا.
admin-import-too-large = الملف أكبر من حد الاستيراد البالغ { $limit } بايت.
admin-import-broken = انقطع الرفع أو كان تالفًا: أرسل النموذج مرة أخرى.
admin-import-report = تقرير الاستيراد
admin-import-dry-report = تجربة: لم يُحفظ شيء
admin-import-summary = أُنشئ: { $created }، حُدّث: { $updated }، دون تغيير: { $unchanged }، مرفوض: { $refused }
admin-import-record = السجل
admin-import-name = الاسم
admin-import-outcome = النتيجة
admin-outcome-created = أُنشئ
admin-outcome-updated = حُدّث
admin-outcome-unchanged = دون تغيير
admin-outcome-refused = مرفوض

## التأكيدات

admin-done-block-created = حُظر النطاق.
admin-done-block-deleted = رُفع الحظر.
admin-done-actor-created = عُلّق الحساب أو قُيّد.
admin-done-actor-deleted = رُفعت العقوبة.
admin-done-entry-removed = أُزيلت البطاقة.
admin-done-entry-restored = استُعيدت البطاقة.
admin-done-entry-approved = قُبلت البطاقة.
admin-done-entry-rejected = رُفضت البطاقة.
admin-done-report-resolved = عولج البلاغ.
admin-done-report-forwarded = أُرسل البلاغ إلى الخادم المصدر.
admin-done-user-created = أُنشئ المستخدم.
admin-done-user-role = تغيّر الدور.
admin-done-user-disabled = عُطّل الحساب.
admin-done-user-enabled = أُعيد تفعيل الحساب.
admin-done-user-deleted = حُذف الحساب.
admin-done-user-password = عُيّنت كلمة المرور الجديدة؛ انتهت جلسات المستخدم.
admin-done-org-created = أُنشئت المنظمة.
admin-done-org-updated = حُفظت المنظمة.

## نموذج الإبلاغ العام

report-link = الإبلاغ عن مشكلة في هذه الصفحة
report-title = الإبلاغ عن مشكلة
report-about = بخصوص:
report-intro = أخبر مشرفي هذا الدليل بما هو خاطئ. لا تحتاج إلى حساب، ويبقى بلاغك مجهول الهوية.
report-category = ما المشكلة؟
report-category-outdated = معلومات خاطئة أو قديمة
report-category-outdated-help = عنوان أو مواعيد عمل أو رقم هاتف لم يعد صحيحًا
report-category-scam = احتيال أو نصب
report-category-scam-help = يطلب مالًا أو بيانات شخصية بذرائع كاذبة
report-category-hateful = محتوى يحض على الكراهية أو مسيء
report-category-hateful-help = يهاجم الناس بسبب هويتهم
report-category-privacy = مشكلة في الخصوصية
report-category-privacy-help = يعرض معلومات شخصية لأحد دون موافقته
report-category-other = شيء آخر
report-category-other-help = اشرح في التعليق
report-comment = تعليق (اختياري)
report-comment-help = لا تكتب معلوماتك الشخصية هنا.
report-honeypot = اترك هذا الحقل فارغًا
report-send = إرسال البلاغ
report-choose-category = اختر ما المشكلة.
report-comment-too-long = يجب ألا يتجاوز التعليق { $max } حرفًا.
report-too-many = أُرسل عدد كبير جدًا من البلاغات من اتصالك. انتظر بضع دقائق ثم حاول مرة أخرى.
report-refused = تعذّر إرسال هذا البلاغ.
report-unknown-title = لا شيء للإبلاغ عنه
report-unknown-target = هذه الصفحة غير موجودة هنا (أو لم تعد موجودة)، لذا لا يمكن الإبلاغ عنها.
report-thanks-title = شكرًا لك
report-thanks-text = أُرسل بلاغك إلى مشرفي هذا الدليل.
report-back-home = العودة إلى الصفحة الرئيسية
