# Textos de la interfaz de Passerelle: español.
# Cómo editar o añadir un catálogo: docs/translating.md

## Todas las páginas

skip-to-content = Ir al contenido
language-switcher = Idioma
staff-sign-in-link = Acceso para el personal
footer-software = Funciona con Passerelle, un directorio federado

## Página de inicio

home-organizations = Organizaciones
home-no-organizations = Todavía no hay ninguna organización.
home-newest = Fichas más recientes
home-calendar = Calendario de eventos (iCalendar: suscríbete desde tu aplicación de calendario)
home-atom = Fichas nuevas (canal Atom)
home-no-entries = Todavía no hay ninguna ficha.
home-partners = Instancias asociadas

## Seguir desde el fediverso

follow-title = Seguir desde tu cuenta del fediverso
follow-help-org = Copia este identificador en el buscador de tu aplicación de Mastodon (u otra del fediverso) y síguelo para ver las nuevas fichas.
follow-help-topic = Copia este identificador en el buscador de tu aplicación de Mastodon (u otra del fediverso) y síguelo: las nuevas fichas aparecerán en tu cronología de inicio.

## Página de una organización

org-website = Sitio web
org-address = Dirección
org-phone = Teléfono
org-languages = Idiomas que se hablan

## Página de un tema

topic-latest = Fichas más recientes
topic-no-entries = Todavía no hay fichas.

## Página de una ficha

kind-service = Servicio
kind-event = Evento
kind-offer = Oferta de voluntariado
fallback-note = Este texto está en { $language }.
fallback-note-code = Este texto está en otro idioma (código: { $tag }).
field-categories = Categorías
field-languages = Idiomas
field-status = Estado
field-opening-hours = Horario de atención
field-eligibility = Para quién es
field-age = Edad
field-cost = Coste
cost-free = Gratuito
cost-not-free = De pago
field-how-to-apply = Cómo solicitarlo
field-documents = Documentos que hay que llevar
field-interpretation = Interpretación
interpretation-available = Disponible
field-area-served = Zona de atención
field-website = Sitio web
field-email = Correo electrónico
field-phone = Teléfono
field-online = En línea
field-last-verified = Última comprobación
field-starts = Empieza
field-ends = Termina
field-places = Plazas
field-places-left = Plazas libres
field-how-to-join = Cómo participar
field-registration = Inscripción
field-contact = Contacto
field-help-offered = Ayuda ofrecida
field-area = Zona
field-days = Días
field-times = Horario
field-until = Hasta
field-requirements = Requisitos
offer-contact = A través de la organización, que os pone en contacto.
location-address = Dirección
open-map = Abrir en una aplicación de mapas
origin-local = Publicado por { $org } en esta instancia
origin-remote = Publicado en { $domain }
service-status-active = Abierto
service-status-inactive = Sin actividad por ahora
service-status-temporarily-closed = Cerrado temporalmente
service-status-defunct = Cerrado definitivamente
event-status-tentative = Por confirmar
event-status-confirmed = Confirmado
event-status-cancelled = Cancelado
join-free = Solo hay que venir
join-registration = Inscríbete antes
join-external = Inscripción en otro sitio web
area-city = Ciudad
area-region = Región
area-online = En línea

## Nombres de idiomas (para la nota de arriba: «Este texto está en …»)

language-en = inglés
language-fr = francés
language-it = italiano
language-es = español
language-de = alemán
language-ar = árabe
language-uk = ucraniano
language-fa = persa
language-ps = pastún
language-ti = tigriña
language-so = somalí
language-tr = turco
language-ru = ruso
language-pt = portugués
language-ro = rumano
language-ku = kurdo

## Páginas del personal

staff-sign-in-title = Acceso para el personal
staff-email = Correo electrónico
staff-password = Contraseña
staff-sign-in = Entrar
staff-sign-out = Salir
staff-sign-in-failed = El correo electrónico o la contraseña no son correctos.
staff-too-many-attempts = Demasiados intentos de acceso. Espera unos minutos y vuelve a intentarlo.
staff-field-required = Rellena este campo.
staff-signed-in-as = Has entrado como { $email }
staff-dashboard-title = Páginas del personal
staff-your-organizations = Tus organizaciones
staff-no-organization = Tu cuenta todavía no está vinculada a ninguna organización.
staff-no-entries = Esta organización todavía no tiene ninguna ficha.
staff-public-page = Página pública
staff-role = Función
role-admin = Administración
role-moderator = Moderación
role-editor = Edición
staff-change-password = Cambiar la contraseña
staff-current-password = Contraseña actual
staff-new-password = Nueva contraseña
staff-new-password-again = Repite la nueva contraseña
staff-save = Guardar
staff-password-changed = Tu contraseña se ha cambiado.
staff-wrong-current-password = Esta no es tu contraseña actual.
staff-password-too-short = La contraseña debe tener al menos { $min } caracteres.
staff-passwords-differ = Las dos contraseñas nuevas no coinciden.
staff-back = Volver a las páginas del personal
csrf-title = No se puede aceptar este formulario
csrf-text = El formulario estuvo abierto demasiado tiempo o se envió desde otro sitio web. Vuelve atrás, recarga la página e inténtalo de nuevo.
