# Textos de la interfaz de Passerelle: páginas públicas (búsqueda, calendario, seguir desde el
# fediverso, solicitudes de acompañamiento) y páginas del personal para las solicitudes. Español.

## Página de inicio (añadidos)

home-search-label = Buscar en el directorio
home-events-link = Calendario de eventos, día a día
home-categories = Categorías
home-upcoming = Próximos eventos

## Búsqueda

search-title = Búsqueda
search-has-errors = Algunos filtros no son correctos. Mira los mensajes junto a los campos.
search-words = Palabras que buscar
search-kind = Tipo
search-any = Todos
search-category = Categoría
search-language = Idioma de la ayuda
search-language-hint = Un código de idioma, por ejemplo fr, ar o uk.
search-locality = Ciudad o municipio
search-country = País
search-country-hint = Un código de país de dos letras, por ejemplo FR o IT.
search-near = Cerca de un lugar
search-near-me = Cerca de mí
search-near-wait = Tu navegador está pidiendo tu ubicación…
search-near-done = Ubicación encontrada. Buscando…
search-near-error = Tu ubicación no está disponible. Escribe una ciudad en su lugar.
search-lat = Latitud
search-lon = Longitud
search-radius = Distancia (km)
search-free = Solo gratuitos
search-open-now = Abierto ahora
search-more = Más filtros
search-from = Eventos desde (fecha)
search-to = Eventos hasta (fecha)
search-age = Edad
search-origin = Publicado en
search-origin-hint = «local» para esta instancia, o el dominio de una instancia asociada.
search-status = Estado
search-status-hint = Por ejemplo: all, active, cancelled.
search-submit = Buscar
search-clear = Quitar todos los filtros
search-results = { $count ->
    [one] Un resultado
   *[other] { $count } resultados
}
search-refine = Afinar la búsqueda
search-facet-kind = Tipo
search-facet-category = Categoría
search-facet-language = Idioma de la ayuda
search-facet-country = País
search-distance = a { $km } km
search-nothing = No hay resultados. Prueba con menos palabras o menos filtros.
search-pages = Páginas
search-prev = Página anterior
search-next = Página siguiente
search-page-of = Página { $page } de { $pages }
search-calendar = Estos eventos en tu calendario (iCalendar)
search-atom = Nuevas fichas de esta búsqueda (feed Atom)
search-error-kind = Elige servicio, evento u oferta de voluntariado.
search-error-category = Esta categoría no existe.
search-error-language = Escribe un código de idioma, por ejemplo fr o pt-BR.
search-error-country = Escribe un código de país de dos letras, por ejemplo FR.
search-error-lat = Escribe una latitud entre -90 y 90, junto con una longitud.
search-error-lon = Escribe una longitud entre -180 y 180, junto con una latitud.
search-error-radius_km = Escribe una distancia en kilómetros, mayor que 0 y como máximo 20000, con latitud y longitud.
search-error-from = Escribe una fecha como 2026-12-05.
search-error-to = Escribe una fecha como 2026-12-05, no anterior a la primera fecha.
search-error-open_now = El valor debe ser sí o no.
search-error-free = El valor debe ser sí o no.
search-error-age = Escribe una edad entre 0 y 150.
search-error-origin = Escribe «local» o el dominio de una instancia, por ejemplo directorio.example.org.
search-error-status = Este estado no existe.
search-error-page = Escribe un número de página a partir de 1.
search-error-per_page = Escribe un número de resultados por página entre 1 y 100.

## Calendario de eventos

events-title = Calendario de eventos
events-navigation = Semanas
events-prev-week = Semana anterior
events-next-week = Semana siguiente
events-this-week = Esta semana
events-upcoming = Próximos días
events-upcoming-title = Los próximos { $days } días
events-week-title = Semana { $week }: { $first } – { $last }
events-week-field = Semana (por ejemplo 2026-W48)
events-show = Mostrar
events-zone-note = Las horas son las del lugar de cada evento, con su zona horaria.
events-none = No hay eventos en este periodo.
events-online = En línea
events-ical = Suscribirse en tu aplicación de calendario (iCalendar)
events-error-week = Escribe una semana como 2026-W48.
events-error-from = Escribe una fecha como 2026-11-30.

## Seguir desde otra cuenta del fediverso

follow-copy-handle = Copia este identificador en la búsqueda de tu aplicación de Mastodon (u otra del fediverso), o escribe tu propia cuenta abajo.
follow-your-account = Tu cuenta del fediverso
follow-account-placeholder = tú@tu.servidor
follow-account-hint = Por ejemplo alice@mastodon.social. Pedimos a tu servidor su página para seguir y te enviamos allí.
follow-submit = Seguir desde mi cuenta
follow-back = Volver
follow-error-malformed = Esto no es una dirección de cuenta. Escríbela como nombre@servidor, por ejemplo alice@mastodon.social.
follow-error-blocked = Esta instancia no intercambia con { $server }.
follow-error-unreachable = { $server } no ha respondido. Comprueba la dirección o copia el identificador de arriba en tu aplicación.
follow-error-no-account = { $server } no conoce esta cuenta. Comprueba el nombre.
follow-error-no-template = { $server } no ofrece una página para seguir. Copia el identificador de arriba en tu aplicación.
follow-error-too-many = Demasiados intentos. Espera un minuto y vuelve a intentarlo.
interaction-title = Seguir desde tu cuenta del fediverso
interaction-no-accounts = Este directorio no tiene cuentas de lectores, así que no puedes seguir desde aquí. Sigue desde tu propia cuenta del fediverso (Mastodon u otra).
interaction-copy-uri = Copia esta dirección en la búsqueda de tu aplicación del fediverso:
interaction-home = Volver a la página de inicio
open-osm = Abrir en OpenStreetMap

## Pedir acompañamiento

buddy-title = Pedir acompañamiento
buddy-intro = La organización lee tu solicitud y te pone en contacto con la persona voluntaria. No hace falta una cuenta.
buddy-name = Tu nombre o un seudónimo
buddy-contact = Cómo contactarte
buddy-contact-hint = Un número de teléfono, una dirección de correo u otra forma de contactarte.
buddy-language = Tu idioma preferido
buddy-message = Tu mensaje
buddy-privacy = Solo el personal de la organización lee esta solicitud. No se publica y se borra después de un tiempo.
buddy-submit = Enviar la solicitud
buddy-honeypot = Deja este campo vacío
buddy-sent = Tu solicitud se ha enviado. La organización se pondrá en contacto contigo.
buddy-remote = Esta oferta está publicada en otra instancia: pide acompañamiento en su página allí.
buddy-closed = Esta oferta no acepta solicitudes en este momento.
buddy-required = Rellena este campo.
buddy-too-long = Es demasiado largo: como máximo { $max } caracteres.
buddy-bad-language = Elige un idioma de la lista.
buddy-too-many = Se han enviado demasiadas solicitudes desde tu conexión. Espera unos minutos y vuelve a enviarla.
buddy-refused = Esta solicitud no se puede aceptar.
buddy-too-fast = El formulario se envió muy rápido. Revísalo y vuelve a enviarlo.
buddy-expired = El formulario estuvo abierto demasiado tiempo. Revísalo y vuelve a enviarlo.

## Personal: solicitudes de acompañamiento

requests-title = Solicitudes de acompañamiento
requests-private = Solo el personal de tu organización ve las solicitudes; se borran { $days } días después de su envío.
requests-open = Por atender
requests-handled = Atendidas
requests-none = Ninguna.
requests-detail-title = Solicitud de acompañamiento
requests-back = Todas las solicitudes
requests-offer = Oferta de voluntariado
requests-sent = Enviada el
requests-mark-handled = Marcar como atendida
requests-handled-on = Atendida el { $date }.
