# Сторінки модерації та адміністрування (/staff/admin/...) і публічна форма скарги (/report).

## Навігація та спільні слова

admin-links-title = Модерація та адміністрування
admin-overview-title = Огляд модерації
admin-reports-title = Скарги
admin-review-title = Черга перевірки
admin-entries-title = Прибрати або відновити запис
admin-blocks-title = Заблоковані домени
admin-actors-title = Віддалені облікові записи
admin-log-title = Журнал модерації
admin-users-title = Користувачі
admin-orgs-title = Організації
admin-import-title = Імпорт послуг
admin-forbidden-title = Заборонено
admin-forbidden-text = Ваша роль не дає доступу до цієї сторінки.
admin-not-found-title = Не знайдено
admin-not-found-text = Тут нічого немає: можливо, це видалили.
admin-refused-title = Не виконано
admin-refused-text = Цю дію не вдалося виконати.
admin-none = Тут нічого немає.
admin-created = Створено
admin-when = Коли
admin-state = Стан
admin-target = Вміст, на який поскаржилися
admin-origin = Походження
admin-entry = Запис
admin-kind = Вид
admin-ap-id = Ідентифікатор ActivityPub
admin-reason = Причина (зберігається в журналі модерації)
admin-details = Подробиці
admin-delete = Видалити
admin-find = Знайти
admin-filter = Фільтрувати
admin-never = Ніколи
admin-expired = минув
admin-too-long = Цей текст задовгий.
admin-bad-date = Напишіть дату, наприклад 2027-01-31.
admin-email = Електронна пошта
admin-password = Пароль
admin-password-help = Щонайменше { $min } символів.
admin-organization = Організація
admin-no-org = Без організації
admin-choose-org = Виберіть організацію
admin-unknown-org = Такої організації немає.
admin-active = Активний
admin-disabled = Вимкнений
admin-pages = Сторінки
admin-previous = Попередня
admin-next = Наступна

## Огляд

admin-federation-mode = Режим федерації
admin-mode-open = Відкритий: усі сервери, крім заблокованих доменів
admin-mode-allowlist = Список дозволених: лише вказані домени
admin-review-mode = Перевірка віддалених записів
admin-open-reports = Відкриті скарги
admin-pending-entries = Записи, що чекають на перевірку

## Скарги

admin-report-filter = Показати скарги
admin-reports-open = Відкриті
admin-reports-resolved = Розглянуті
admin-reports-all = Усі
admin-report-open = Відкрита
admin-report-resolved = Розглянута
admin-report-local = Форма скарги
admin-report-remote = Інший сервер
admin-no-reports = Тут немає скарг.
admin-report-title = Скарга
admin-resolved = Розглянуто
admin-forwarded = Переслано до джерела
admin-resolve = Розглянути
admin-resolve-action = Дія
admin-resolve-note = Примітка
admin-action-none = Без дії
admin-action-remove-entry = Прибрати запис
admin-action-limit-domain = Обмежити його домен
admin-action-block-domain = Призупинити його домен
admin-forward = Переслати на сервер-джерело
admin-forward-help = Сервер-джерело отримає скаргу від цього сервера, без жодних даних про те, хто її подав.

## Записи та перевірка

admin-entry-find = Адреса або ідентифікатор запису
admin-entry-find-help = Ідентифікатор ActivityPub запису, адреса його сторінки тут або його ідентифікатор.
admin-entry-unknown = Тут немає запису з такою адресою чи ідентифікатором.
admin-removed-entries = Прибрані записи
admin-remove = Прибрати
admin-restore = Відновити
admin-already-removed = Цей запис уже прибрано.
admin-state-visible = Показується
admin-state-limited = Обмежений
admin-state-pending-review = Чекає на перевірку
admin-state-removed = Прибраний
admin-approve = Схвалити
admin-reject = Відхилити
admin-review-empty = Жоден запис не чекає на перевірку.
admin-not-pending = Цей запис не чекає на перевірку.

## Заблоковані домени та віддалені облікові записи

admin-domain = Домен
admin-domain-help = Доменне ім'я, наприклад spam.example; його піддомени також блокуються.
admin-bad-domain = Напишіть доменне ім'я, наприклад spam.example.
admin-severity = Суворість
admin-severity-suspend = Призупинити
admin-severity-limit = Обмежити
admin-severity-suspend-help = жодного обміну; його вміст видаляється, підписки розриваються
admin-severity-limit-help = прихований зі списків і пошуку, доступний за посиланням; підписки потребують схвалення
admin-bad-severity = Виберіть «призупинити» або «обмежити».
admin-public-reason = Публічна причина
admin-private-reason = Приватна причина (лише для команди)
admin-expires = Закінчується
admin-expires-help = Необов'язково: блокування закінчується наприкінці цього дня (UTC).
admin-expiry-past = Дата закінчення має бути в майбутньому.
admin-no-blocks = Жоден домен не заблоковано.
admin-block-create = Заблокувати домен
admin-actor = Обліковий запис (ідентифікатор ActivityPub)
admin-actor-help = Адреса віддаленого облікового запису, наприклад https://social.example/users/name.
admin-bad-actor = Напишіть адресу (https://…) облікового запису на іншому сервері.
admin-actor-create = Призупинити або обмежити обліковий запис
admin-no-sanctions = Жоден віддалений обліковий запис не призупинено й не обмежено.
admin-lift = Зняти

## Журнал модерації

admin-log-action = Дія
admin-log-action-help = Наприклад entry.remove, domain_block.create, user.role_change.
admin-log-actor = Хто (ел. пошта)
admin-log-target = Ціль містить
admin-log-count = { $count ->
    [one] { $count } дія
    [few] { $count } дії
    [many] { $count } дій
   *[other] { $count } дії
}
admin-export-csv = Експортувати в CSV
admin-export-json = Експортувати в JSON

## Користувачі

admin-user-create = Створити користувача
admin-bad-role = Виберіть роль.
admin-editor-needs-org = Редактор належить до організації: виберіть її.
admin-user-role = Змінити роль
admin-user-password = Встановити новий пароль
admin-user-disable = Вимкнути цей обліковий запис
admin-user-enable = Знову увімкнути цей обліковий запис
admin-user-delete = Видалити цей обліковий запис
admin-confirm-email-label = Введіть адресу ел. пошти облікового запису для підтвердження
admin-confirm-email = Введіть адресу ел. пошти облікового запису точно.

## Організації

admin-org-create = Створити організацію
admin-slug = Ідентифікатор
admin-slug-help = Малі латинські літери a-z, цифри, - та _: організація буде @ідентифікатор у федіверсі.
admin-org-name = Назва
admin-org-summary = Короткий опис (мовою за замовчуванням)
admin-default-language = Мова за замовчуванням
admin-default-language-help = Код мови, наприклад uk або en; якщо порожньо — мова сервера.
admin-approve-followers = Підписників має схвалювати команда

## Імпорт

admin-import-format = Формат файлу
admin-import-format-hsds = Open Referral HSDS 3.0 (datapackage zip або JSON)
admin-import-format-csv = CSV у простому форматі Passerelle
admin-import-file = Файл
admin-import-file-help = Не більше { $size } МіБ.
admin-import-dry-run = Пробний запуск: показати, що станеться, нічого не змінюючи
admin-import-send = Імпортувати
admin-import-bad-format = Виберіть формат файлу.
admin-import-no-file = Виберіть файл.
admin-import-too-large = Файл перевищує ліміт імпорту в { $limit } байтів.
admin-import-broken = Завантаження перервалося або пошкоджене: надішліть форму ще раз.
admin-import-report = Звіт про імпорт
admin-import-dry-report = Пробний запуск: нічого не збережено
admin-import-summary = створено: { $created }, оновлено: { $updated }, без змін: { $unchanged }, відхилено: { $refused }
admin-import-record = Запис
admin-import-name = Назва
admin-import-outcome = Результат
admin-outcome-created = Створено
admin-outcome-updated = Оновлено
admin-outcome-unchanged = Без змін
admin-outcome-refused = Відхилено

## Підтвердження

admin-done-block-created = Домен заблоковано.
admin-done-block-deleted = Блокування знято.
admin-done-actor-created = Обліковий запис призупинено або обмежено.
admin-done-actor-deleted = Санкцію знято.
admin-done-entry-removed = Запис прибрано.
admin-done-entry-restored = Запис відновлено.
admin-done-entry-approved = Запис схвалено.
admin-done-entry-rejected = Запис відхилено.
admin-done-report-resolved = Скаргу розглянуто.
admin-done-report-forwarded = Скаргу переслано на сервер-джерело.
admin-done-user-created = Користувача створено.
admin-done-user-role = Роль змінено.
admin-done-user-disabled = Обліковий запис вимкнено.
admin-done-user-enabled = Обліковий запис знову увімкнено.
admin-done-user-deleted = Обліковий запис видалено.
admin-done-user-password = Новий пароль встановлено; сеанси користувача завершено.
admin-done-org-created = Організацію створено.
admin-done-org-updated = Організацію збережено.

## Публічна форма скарги

report-link = Повідомити про проблему на цій сторінці
report-title = Повідомити про проблему
report-about = Стосується:
report-intro = Розкажіть модераторам цього довідника, що не так. Обліковий запис не потрібен, і ваша скарга залишається анонімною.
report-category = Що не так?
report-category-outdated = Хибна або застаріла інформація
report-category-outdated-help = адреса, години роботи чи номер телефону, що вже неправильні
report-category-scam = Шахрайство
report-category-scam-help = вимагає гроші чи особисті дані під вигаданим приводом
report-category-hateful = Ненависть або образи
report-category-hateful-help = нападає на людей через те, ким вони є
report-category-privacy = Порушення приватності
report-category-privacy-help = показує чиїсь особисті дані без згоди
report-category-other = Інше
report-category-other-help = поясніть у коментарі
report-comment = Коментар (необов'язково)
report-comment-help = Не пишіть тут власних особистих даних.
report-honeypot = Залиште це поле порожнім
report-send = Надіслати скаргу
report-choose-category = Виберіть, що не так.
report-comment-too-long = Коментар має бути не довшим за { $max } символів.
report-too-many = З вашого з'єднання надіслано забагато скарг. Зачекайте кілька хвилин і спробуйте знову.
report-refused = Цю скаргу не вдалося надіслати.
report-unknown-title = Немає на що скаржитися
report-unknown-target = Цієї сторінки тут немає (вже немає), тож на неї не можна поскаржитися.
report-thanks-title = Дякуємо
report-thanks-text = Вашу скаргу надіслано модераторам цього довідника.
report-back-home = Назад на головну сторінку
