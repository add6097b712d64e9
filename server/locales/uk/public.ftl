# Тексти інтерфейсу Passerelle: публічні сторінки (пошук, календар подій, підписка з
# федиверсу, запити на супровід) і сторінки команди для запитів. Українська.

## Головна сторінка (доповнення)

home-search-label = Шукати в довіднику
home-events-link = Календар подій, день за днем
home-categories = Категорії
home-upcoming = Найближчі події

## Пошук

search-title = Пошук
search-has-errors = Деякі фільтри неправильні. Перегляньте повідомлення біля полів.
search-words = Слова для пошуку
search-kind = Тип
search-any = Усі
search-category = Категорія
search-language = Мова допомоги
search-language-hint = Код мови, наприклад fr, ar або uk.
search-locality = Місто або селище
search-country = Країна
search-country-hint = Дволітерний код країни, наприклад FR або IT.
search-near = Поблизу місця
search-near-me = Поблизу мене
search-near-wait = Ваш браузер запитує ваше місцезнаходження…
search-near-done = Місцезнаходження знайдено. Шукаємо…
search-near-error = Ваше місцезнаходження недоступне. Введіть натомість місто.
search-lat = Широта
search-lon = Довгота
search-radius = Відстань (км)
search-free = Лише безкоштовні
search-open-now = Відчинено зараз
search-more = Більше фільтрів
search-from = Події від (дата)
search-to = Події до (дата)
search-age = Вік
search-origin = Опубліковано на
search-origin-hint = «local» для цього сервера або домен партнерського сервера.
search-status = Статус
search-status-hint = Наприклад: all, active, cancelled.
search-submit = Шукати
search-clear = Прибрати всі фільтри
search-results = { $count ->
    [one] { $count } результат
    [few] { $count } результати
    [many] { $count } результатів
   *[other] { $count } результату
}
search-refine = Уточнити пошук
search-facet-kind = Тип
search-facet-category = Категорія
search-facet-language = Мова допомоги
search-facet-country = Країна
search-distance = за { $km } км
search-nothing = Нічого не знайдено. Спробуйте менше слів або менше фільтрів.
search-pages = Сторінки
search-prev = Попередня сторінка
search-next = Наступна сторінка
search-page-of = Сторінка { $page } з { $pages }
search-calendar = Ці події у вашому календарі (iCalendar)
search-atom = Нові записи цього пошуку (стрічка Atom)
search-error-kind = Виберіть послугу, подію або волонтерську пропозицію.
search-error-category = Такої категорії немає.
search-error-language = Введіть код мови, наприклад fr або pt-BR.
search-error-country = Введіть дволітерний код країни, наприклад FR.
search-error-lat = Введіть широту від -90 до 90 разом із довготою.
search-error-lon = Введіть довготу від -180 до 180 разом із широтою.
search-error-radius_km = Введіть відстань у кілометрах, більшу за 0 і не більшу за 20000, разом із широтою та довготою.
search-error-from = Введіть дату, наприклад 2026-12-05.
search-error-to = Введіть дату, наприклад 2026-12-05, не раніше за першу дату.
search-error-open_now = Значення має бути так або ні.
search-error-free = Значення має бути так або ні.
search-error-age = Введіть вік від 0 до 150.
search-error-origin = Введіть «local» або домен сервера, наприклад directory.example.org.
search-error-status = Такого статусу немає.
search-error-page = Введіть номер сторінки від 1.
search-error-per_page = Введіть кількість результатів на сторінці від 1 до 100.

## Календар подій

events-title = Календар подій
events-navigation = Тижні
events-prev-week = Попередній тиждень
events-next-week = Наступний тиждень
events-this-week = Цей тиждень
events-upcoming = Найближчі дні
events-upcoming-title = Наступні { $days } днів
events-week-title = Тиждень { $week }: { $first } – { $last }
events-week-field = Тиждень (наприклад 2026-W48)
events-show = Показати
events-zone-note = Час указано за місцем кожної події, з його часовим поясом.
events-none = У цей період подій немає.
events-online = Онлайн
events-ical = Підписатися у вашому календарі (iCalendar)
events-error-week = Введіть тиждень, наприклад 2026-W48.
events-error-from = Введіть дату, наприклад 2026-11-30.

## Підписка з іншого облікового запису федиверсу

follow-copy-handle = Скопіюйте цей ідентифікатор у пошук вашого застосунку Mastodon (або іншого застосунку федиверсу) чи введіть свій обліковий запис нижче.
follow-your-account = Ваш обліковий запис у федиверсі
follow-account-placeholder = ви@ваш.сервер
follow-account-hint = Наприклад alice@mastodon.social. Ми запитаємо ваш сервер про його сторінку підписки й перенаправимо вас туди.
follow-submit = Підписатися з мого облікового запису
follow-back = Назад
follow-error-malformed = Це не адреса облікового запису. Напишіть її як ім'я@сервер, наприклад alice@mastodon.social.
follow-error-blocked = Цей сервер не обмінюється даними з { $server }.
follow-error-unreachable = { $server } не відповів. Перевірте адресу або скопіюйте ідентифікатор вище у свій застосунок.
follow-error-no-account = { $server } не знає цього облікового запису. Перевірте ім'я.
follow-error-no-template = { $server } не має сторінки підписки. Скопіюйте натомість ідентифікатор вище у свій застосунок.
follow-error-too-many = Забагато спроб. Зачекайте хвилину й спробуйте знову.
interaction-title = Підписатися з вашого облікового запису у федиверсі
interaction-no-accounts = У цьому довіднику немає облікових записів для читачів, тож підписатися звідси не можна. Підпишіться зі свого облікового запису у федиверсі (Mastodon чи іншого).
interaction-copy-uri = Скопіюйте цю адресу в пошук вашого застосунку федиверсу:
interaction-home = Повернутися на головну
open-osm = Відкрити в OpenStreetMap

## Запит на супровід

buddy-title = Попросити супровід
buddy-intro = Організація прочитає ваш запит і зв'яже вас із волонтером. Обліковий запис не потрібен.
buddy-name = Ваше ім'я або псевдонім
buddy-contact = Як з вами зв'язатися
buddy-contact-hint = Номер телефону, адреса електронної пошти або інший спосіб зв'язку.
buddy-language = Бажана мова
buddy-message = Ваше повідомлення
buddy-privacy = Цей запит читає лише команда організації. Його не публікують і видаляють через деякий час.
buddy-submit = Надіслати запит
buddy-honeypot = Залиште це поле порожнім
buddy-sent = Ваш запит надіслано. Організація зв'яжеться з вами.
buddy-remote = Цю пропозицію опубліковано на іншому сервері: попросіть супровід на її сторінці там.
buddy-closed = Ця пропозиція зараз не приймає запитів.
buddy-required = Заповніть це поле.
buddy-too-long = Задовго: щонайбільше { $max } символів.
buddy-bad-language = Виберіть мову зі списку.
buddy-too-many = З вашого з'єднання надіслано забагато запитів. Зачекайте кілька хвилин, а потім надішліть знову.
buddy-refused = Цей запит не може бути прийнято.
buddy-too-fast = Форму надіслано дуже швидко. Перевірте її та надішліть знову.
buddy-expired = Форма була відкрита надто довго. Перевірте її та надішліть знову.

## Команда: запити на супровід

requests-title = Запити на супровід
requests-private = Запити бачить лише команда вашої організації; їх видаляють через { $days } днів після надсилання.
requests-open = Опрацювати
requests-handled = Опрацьовані
requests-none = Немає.
requests-detail-title = Запит на супровід
requests-back = Усі запити
requests-offer = Волонтерська пропозиція
requests-sent = Надіслано
requests-mark-handled = Позначити як опрацьований
requests-handled-on = Опрацьовано { $date }.
