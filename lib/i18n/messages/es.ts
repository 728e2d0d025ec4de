import type { Catalogue } from "./en";

const es: Catalogue = {
  "channel.email": "correo electrónico",
  "channel.sms": "SMS",
  "channel.whatsapp": "WhatsApp",
  "channel.push": "notificaciones push",

  "unsubscribe.pageTitle": "Darse de baja",
  "unsubscribe.scopeTopic": "{topic} por {channel} de {sender}",
  "unsubscribe.scopeChannel": "Todo lo que {sender} envía por {channel}",
  "unsubscribe.question": "¿Quieres dejar de recibir esto?",
  "unsubscribe.confirm": "Darme de baja",
  "unsubscribe.otherChannelsKept": "Tus otros canales se quedan como están.",
  "unsubscribe.doneTitle": "Te has dado de baja",
  "unsubscribe.doneBody": "Ya no recibirás: {scope}.",
  "unsubscribe.undo": "Deshacer: seguir recibiéndolo",
  "unsubscribe.resubscribedTitle": "Te has vuelto a suscribir",
  "unsubscribe.resubscribedBody": "Seguirás recibiendo: {scope}.",
  "unsubscribe.managePreferences": "Gestionar todas tus preferencias",

  "reason.question": "¿Nos cuentas por qué? (opcional)",
  "reason.too_frequent": "Demasiados mensajes",
  "reason.not_relevant": "No me interesa",
  "reason.never_signed_up": "Nunca me suscribí",
  "reason.prefer_other_channel": "Prefiero otro canal",
  "reason.privacy": "Por privacidad",
  "reason.other": "Otro motivo",
  "reason.comment": "¿Quieres añadir algo?",
  "reason.submit": "Enviar respuesta",
  "reason.thanks": "Gracias por contárnoslo.",
  "reason.invalid": "Elige uno de los motivos y escribe menos de 1000 caracteres.",

  "invalid.pageTitle": "Enlace no válido",
  "invalid.title": "Este enlace ya no es válido",
  "invalid.body": "Puede que haya caducado o que lo haya sustituido otro más reciente. No se ha cambiado nada.",
  "invalid.freshLink": "Escribe tu correo electrónico y, si está en la lista, te enviaremos un enlace nuevo.",
  "fresh.label": "Tu correo electrónico",
  "fresh.submit": "Envíame un enlace nuevo",
  "fresh.sent": "Si esa dirección está en la lista, te llegará un enlace nuevo en unos minutos.",
  "fresh.invalidEmail": "Escribe un correo electrónico, por ejemplo nombre@ejemplo.com.",
  "fresh.tooMany": "Demasiadas solicitudes desde aquí. Inténtalo más tarde.",
  "fresh.emailSubject": "Tu enlace para gestionar los mensajes de {sender}",
  "fresh.emailBody": "Pediste un enlace nuevo para elegir qué mensajes recibes de {sender}:",
  "fresh.emailIgnore": "Si no lo pediste, puedes ignorar este correo; no cambia nada.",
};

export default es;
