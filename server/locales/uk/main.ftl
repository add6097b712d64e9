# Тексти інтерфейсу Passerelle: українська.
# Як редагувати або додати каталог: docs/translating.md

## Усі сторінки

skip-to-content = Перейти до змісту
language-switcher = Мова
staff-sign-in-link = Вхід для працівників
footer-software = Працює на Passerelle — федеративному довіднику

## Головна сторінка

home-organizations = Організації
home-no-organizations = Ще немає жодної організації.
home-newest = Нові записи
home-calendar = Календар подій (iCalendar: підпишіться у своєму застосунку календаря)
home-atom = Нові записи (стрічка Atom)
home-no-entries = Ще немає жодного запису.
home-partners = Партнерські сервери

## Підписка з федіверсу

follow-title = Підписатися з облікового запису у федіверсі
follow-help-org = Скопіюйте цю адресу в поле пошуку вашого застосунку Mastodon (або іншого застосунку федіверсу) і підпишіться, щоб бачити нові записи.
follow-help-topic = Скопіюйте цю адресу в поле пошуку вашого застосунку Mastodon (або іншого застосунку федіверсу) і підпишіться: нові записи з'являтимуться у вашій стрічці.

## Сторінка організації

org-website = Вебсайт
org-address = Адреса
org-phone = Телефон
org-languages = Мови спілкування

## Сторінка теми

topic-latest = Останні записи
topic-no-entries = Ще немає записів.

## Сторінка запису

kind-service = Послуга
kind-event = Подія
kind-offer = Волонтерська пропозиція
# $language — назва мови в орудному відмінку разом зі словом «мовою» (див. нижче).
fallback-note = Цей текст написано { $language }.
fallback-note-code = Цей текст написано іншою мовою (код: { $tag }).
field-categories = Категорії
field-languages = Мови
field-status = Стан
field-opening-hours = Години роботи
field-eligibility = Для кого
field-age = Вік
field-cost = Вартість
cost-free = Безкоштовно
cost-not-free = Платно
field-how-to-apply = Як отримати
field-documents = Які документи взяти з собою
field-interpretation = Усний переклад
interpretation-available = Є
field-area-served = Територія обслуговування
field-website = Вебсайт
field-email = Електронна пошта
field-phone = Телефон
field-online = Онлайн
field-last-verified = Востаннє перевірено
field-starts = Початок
field-ends = Кінець
field-places = Кількість місць
field-places-left = Вільних місць
field-how-to-join = Як долучитися
field-registration = Реєстрація
field-contact = Контакт
field-help-offered = Яка допомога
field-area = Територія
field-days = Дні
field-times = Час
field-until = До
field-requirements = Вимоги
offer-contact = Через організацію, яка допоможе вам зв'язатися.
location-address = Адреса
open-map = Відкрити в застосунку карт
origin-local = Опубліковано організацією { $org } на цьому сервері
origin-remote = Опубліковано на { $domain }
service-status-active = Працює
service-status-inactive = Зараз не працює
service-status-temporarily-closed = Тимчасово зачинено
service-status-defunct = Закрито назавжди
event-status-tentative = Ще не підтверджено
event-status-confirmed = Підтверджено
event-status-cancelled = Скасовано
join-free = Просто приходьте
join-registration = Спершу зареєструйтеся
join-external = Реєстрація на іншому сайті
area-city = Місто
area-region = Регіон
area-online = Онлайн

## Назви мов (для примітки вище: «Цей текст написано …»), в орудному відмінку

language-en = англійською мовою
language-fr = французькою мовою
language-it = італійською мовою
language-es = іспанською мовою
language-de = німецькою мовою
language-ar = арабською мовою
language-uk = українською мовою
language-fa = перською мовою
language-ps = мовою пушту
language-ti = мовою тигринья
language-so = сомалійською мовою
language-tr = турецькою мовою
language-ru = російською мовою
language-pt = португальською мовою
language-ro = румунською мовою
language-ku = курдською мовою

## Сторінки для працівників

staff-sign-in-title = Вхід для працівників
staff-email = Адреса електронної пошти
staff-password = Пароль
staff-sign-in = Увійти
staff-sign-out = Вийти
staff-sign-in-failed = Неправильна адреса електронної пошти або пароль.
staff-too-many-attempts = Забагато спроб входу. Зачекайте кілька хвилин і спробуйте ще раз.
staff-field-required = Заповніть це поле.
staff-signed-in-as = Ви увійшли як { $email }
staff-dashboard-title = Сторінки для працівників
staff-your-organizations = Ваші організації
staff-no-organization = Ваш обліковий запис ще не прив'язано до жодної організації.
staff-no-entries = Ця організація ще не має жодного запису.
staff-public-page = Публічна сторінка
staff-role = Роль
role-admin = Адміністратор
role-moderator = Модератор
role-editor = Редактор
staff-change-password = Змінити пароль
staff-current-password = Поточний пароль
staff-new-password = Новий пароль
staff-new-password-again = Повторіть новий пароль
staff-save = Зберегти
staff-password-changed = Ваш пароль змінено.
staff-wrong-current-password = Це не ваш поточний пароль.
staff-password-too-short = Пароль має містити щонайменше { $min } { $min ->
    [one] символ
    [few] символи
   *[other] символів
}.
staff-passwords-differ = Два нові паролі не збігаються.
staff-back = Повернутися до сторінок для працівників
csrf-title = Цю форму не можна прийняти
csrf-text = Форма була відкрита занадто довго або її надіслано з іншого сайту. Поверніться назад, оновіть сторінку і спробуйте ще раз.
