# Páginas de moderación y administración (/staff/admin/...) y formulario público de denuncia (/report).

## Navegación y palabras comunes

admin-links-title = Moderación y administración
admin-overview-title = Resumen de la moderación
admin-reports-title = Denuncias
admin-review-title = Cola de revisión
admin-entries-title = Retirar o restaurar una ficha
admin-blocks-title = Dominios bloqueados
admin-actors-title = Cuentas remotas
admin-log-title = Registro de moderación
admin-users-title = Usuarios
admin-orgs-title = Organizaciones
admin-import-title = Importar servicios
admin-forbidden-title = No permitido
admin-forbidden-text = Tu rol no da acceso a esta página.
admin-not-found-title = No encontrado
admin-not-found-text = Aquí no hay nada: puede que se haya eliminado.
admin-refused-title = No realizado
admin-refused-text = No se pudo realizar esta acción.
admin-none = Nada aquí.
admin-created = Creado
admin-when = Cuándo
admin-state = Estado
admin-target = Contenido denunciado
admin-origin = Origen
admin-entry = Ficha
admin-kind = Tipo
admin-ap-id = Identificador ActivityPub
admin-reason = Motivo (se guarda en el registro de moderación)
admin-details = Detalles
admin-delete = Eliminar
admin-find = Buscar
admin-filter = Filtrar
admin-never = Nunca
admin-expired = caducado
admin-too-long = Este texto es demasiado largo.
admin-bad-date = Escribe una fecha como 2027-01-31.
admin-email = Correo electrónico
admin-password = Contraseña
admin-password-help = Al menos { $min } caracteres.
admin-organization = Organización
admin-no-org = Ninguna organización
admin-choose-org = Elige una organización
admin-unknown-org = Esa organización no existe.
admin-active = Activa
admin-disabled = Desactivada
admin-pages = Páginas
admin-previous = Anterior
admin-next = Siguiente

## Resumen

admin-federation-mode = Modo de federación
admin-mode-open = Abierto: todas las instancias excepto los dominios bloqueados
admin-mode-allowlist = Lista permitida: solo los dominios de la lista
admin-review-mode = Revisión de fichas remotas
admin-open-reports = Denuncias abiertas
admin-pending-entries = Fichas pendientes de revisión

## Denuncias

admin-report-filter = Mostrar denuncias
admin-reports-open = Abiertas
admin-reports-resolved = Resueltas
admin-reports-all = Todas
admin-report-open = Abierta
admin-report-resolved = Resuelta
admin-report-local = Formulario de denuncia
admin-report-remote = Otro servidor
admin-no-reports = No hay denuncias aquí.
admin-report-title = Denuncia
admin-resolved = Resuelta
admin-forwarded = Reenviada al origen
admin-resolve = Resolver
admin-resolve-action = Acción
admin-resolve-note = Nota
admin-action-none = Ninguna acción
admin-action-remove-entry = Retirar la ficha
admin-action-limit-domain = Limitar su dominio
admin-action-block-domain = Suspender su dominio
admin-forward = Reenviar al servidor de origen
admin-forward-help = El servidor de origen recibe la denuncia de parte de esta instancia, sin nada sobre quién la hizo.

## Fichas y revisión

admin-entry-find = Dirección o identificador de la ficha
admin-entry-find-help = El identificador ActivityPub de la ficha, la dirección de su página aquí o su identificador.
admin-entry-unknown = No hay ninguna ficha con esa dirección o identificador aquí.
admin-removed-entries = Fichas retiradas
admin-remove = Retirar
admin-restore = Restaurar
admin-already-removed = Esta ficha ya está retirada.
admin-state-visible = Visible
admin-state-limited = Limitada
admin-state-pending-review = Pendiente de revisión
admin-state-removed = Retirada
admin-approve = Aprobar
admin-reject = Rechazar
admin-review-empty = Ninguna ficha espera revisión.
admin-not-pending = Esta ficha no espera revisión.

## Dominios bloqueados y cuentas remotas

admin-domain = Dominio
admin-domain-help = Un nombre de dominio como spam.example; sus subdominios también se bloquean.
admin-bad-domain = Escribe un nombre de dominio como spam.example.
admin-severity = Gravedad
admin-severity-suspend = Suspender
admin-severity-limit = Limitar
admin-severity-suspend-help = ningún intercambio; su contenido se elimina y los seguimientos se cortan
admin-severity-limit-help = oculto de listados y búsquedas, accesible por enlace; los seguimientos requieren aprobación
admin-bad-severity = Elige suspender o limitar.
admin-public-reason = Motivo público
admin-private-reason = Motivo privado (solo el equipo)
admin-expires = Caducidad
admin-expires-help = Opcional: el bloqueo termina al final de ese día (UTC).
admin-expiry-past = La caducidad debe estar en el futuro.
admin-no-blocks = No hay ningún dominio bloqueado.
admin-block-create = Bloquear un dominio
admin-actor = Cuenta (identificador ActivityPub)
admin-actor-help = La dirección de una cuenta remota, como https://social.example/users/nombre.
admin-bad-actor = Escribe la dirección (https://…) de una cuenta en otro servidor.
admin-actor-create = Suspender o limitar una cuenta
admin-no-sanctions = No hay ninguna cuenta remota suspendida ni limitada.
admin-lift = Levantar

## Registro de moderación

admin-log-action = Acción
admin-log-action-help = Por ejemplo entry.remove, domain_block.create, user.role_change.
admin-log-actor = Quién (correo)
admin-log-target = El objetivo contiene
admin-log-count = { $count ->
    [one] Una acción
   *[other] { $count } acciones
}
admin-export-csv = Exportar en CSV
admin-export-json = Exportar en JSON

## Usuarios

admin-user-create = Crear un usuario
admin-bad-role = Elige un rol.
admin-editor-needs-org = Un editor pertenece a una organización: elígela.
admin-user-role = Cambiar el rol
admin-user-password = Poner una contraseña nueva
admin-user-disable = Desactivar esta cuenta
admin-user-enable = Reactivar esta cuenta
admin-user-delete = Eliminar esta cuenta
admin-confirm-email-label = Escribe el correo de la cuenta para confirmar
admin-confirm-email = Escribe exactamente el correo de la cuenta.

## Organizaciones

admin-org-create = Crear una organización
admin-slug = Identificador
admin-slug-help = Minúsculas a-z, cifras, - y _: la organización será @identificador en el fediverso.
admin-org-name = Nombre
admin-org-summary = Descripción breve (en el idioma predeterminado)
admin-default-language = Idioma predeterminado
admin-default-language-help = Un código de idioma como es o en; el de la instancia si está vacío.
admin-approve-followers = El equipo debe aprobar a los seguidores

## Importación

admin-import-format = Formato del archivo
admin-import-format-hsds = Open Referral HSDS 3.0 (datapackage zip o JSON)
admin-import-format-csv = CSV con el formato sencillo de Passerelle
admin-import-file = Archivo
admin-import-file-help = Como máximo { $size } MiB.
admin-import-dry-run = Simulación: mostrar lo que pasaría, sin cambiar nada
admin-import-send = Importar
admin-import-bad-format = Elige un formato de archivo.
admin-import-no-file = Elige un archivo.
admin-import-too-large = El archivo supera el límite de importación de { $limit } bytes.
admin-import-broken = El envío se interrumpió o está mal formado: envía el formulario de nuevo.
admin-import-report = Informe de importación
admin-import-dry-report = Simulación: no se guardó nada
admin-import-summary = { $created } creadas, { $updated } actualizadas, { $unchanged } sin cambios, { $refused } rechazadas
admin-import-record = Registro
admin-import-name = Nombre
admin-import-outcome = Resultado
admin-outcome-created = Creada
admin-outcome-updated = Actualizada
admin-outcome-unchanged = Sin cambios
admin-outcome-refused = Rechazada

## Confirmaciones

admin-done-block-created = El dominio está bloqueado.
admin-done-block-deleted = El bloqueo se ha levantado.
admin-done-actor-created = La cuenta está suspendida o limitada.
admin-done-actor-deleted = La sanción se ha levantado.
admin-done-entry-removed = La ficha está retirada.
admin-done-entry-restored = La ficha está restaurada.
admin-done-entry-approved = La ficha está aprobada.
admin-done-entry-rejected = La ficha está rechazada.
admin-done-report-resolved = La denuncia está resuelta.
admin-done-report-forwarded = La denuncia se ha reenviado al servidor de origen.
admin-done-user-created = El usuario está creado.
admin-done-user-role = El rol ha cambiado.
admin-done-user-disabled = La cuenta está desactivada.
admin-done-user-enabled = La cuenta está reactivada.
admin-done-user-deleted = La cuenta está eliminada.
admin-done-user-password = La contraseña nueva está puesta; las sesiones del usuario han terminado.
admin-done-org-created = La organización está creada.
admin-done-org-updated = La organización está guardada.

## Formulario público de denuncia

report-link = Denunciar un problema en esta página
report-title = Denunciar un problema
report-about = Sobre:
report-intro = Cuenta a los moderadores de este directorio qué está mal. No necesitas cuenta y tu denuncia es anónima.
report-category = ¿Qué está mal?
report-category-outdated = Información errónea o desactualizada
report-category-outdated-help = una dirección, un horario o un teléfono que ya no es correcto
report-category-scam = Estafa o fraude
report-category-scam-help = pide dinero o datos personales con engaños
report-category-hateful = Odio o abuso
report-category-hateful-help = ataca a personas por lo que son
report-category-privacy = Problema de privacidad
report-category-privacy-help = muestra datos personales de alguien sin su consentimiento
report-category-other = Otra cosa
report-category-other-help = explícalo en el comentario
report-comment = Comentario (opcional)
report-comment-help = No escribas aquí tus propios datos personales.
report-honeypot = Deja este campo vacío
report-send = Enviar la denuncia
report-choose-category = Elige qué está mal.
report-comment-too-long = El comentario debe tener como máximo { $max } caracteres.
report-too-many = Se han enviado demasiadas denuncias desde tu conexión. Espera unos minutos y vuelve a intentarlo.
report-refused = No se pudo enviar esta denuncia.
report-unknown-title = Nada que denunciar
report-unknown-target = Esta página no existe (ya) aquí, así que no se puede denunciar.
report-thanks-title = Gracias
report-thanks-text = Tu denuncia se ha enviado a los moderadores de este directorio.
report-back-home = Volver a la página de inicio
