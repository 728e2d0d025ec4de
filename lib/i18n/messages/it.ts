import type { Catalogue } from "./en";

const it: Catalogue = {
  "channel.email": "email",
  "channel.sms": "SMS",
  "channel.whatsapp": "WhatsApp",
  "channel.push": "notifiche push",

  "unsubscribe.pageTitle": "Annulla l'iscrizione",
  "unsubscribe.scopeTopic": "{topic} via {channel} da {sender}",
  "unsubscribe.scopeChannel": "Tutto ciò che {sender} invia via {channel}",
  "unsubscribe.question": "Vuoi smettere di ricevere questi messaggi?",
  "unsubscribe.confirm": "Annulla l'iscrizione",
  "unsubscribe.otherChannelsKept": "Gli altri canali restano come sono.",
  "unsubscribe.doneTitle": "Iscrizione annullata",
  "unsubscribe.doneBody": "Non riceverai più: {scope}.",
  "unsubscribe.undo": "Annulla: continua a riceverli",
  "unsubscribe.resubscribedTitle": "Sei di nuovo iscritto",
  "unsubscribe.resubscribedBody": "Continuerai a ricevere: {scope}.",
  "unsubscribe.managePreferences": "Gestisci tutte le tue preferenze",

  "reason.question": "Ci dici perché? (facoltativo)",
  "reason.too_frequent": "Troppi messaggi",
  "reason.not_relevant": "Non mi interessano",
  "reason.never_signed_up": "Non mi sono mai iscritto",
  "reason.prefer_other_channel": "Preferisco un altro canale",
  "reason.privacy": "Motivi di privacy",
  "reason.other": "Altro motivo",
  "reason.comment": "Vuoi aggiungere qualcosa?",
  "reason.submit": "Invia risposta",
  "reason.thanks": "Grazie per avercelo detto.",
  "reason.invalid": "Scegli uno dei motivi e scrivi meno di 1000 caratteri.",

  "invalid.pageTitle": "Link non valido",
  "invalid.title": "Questo link non è più valido",
  "invalid.body": "Potrebbe essere scaduto o essere stato sostituito da uno più recente. Non è stato modificato nulla.",
  "invalid.freshLink": "Inserisci il tuo indirizzo email e, se è nella lista, ti invieremo un nuovo link.",
  "fresh.label": "Il tuo indirizzo email",
  "fresh.submit": "Inviami un nuovo link",
  "fresh.sent": "Se l'indirizzo è nella lista, riceverai un nuovo link entro pochi minuti.",
  "fresh.invalidEmail": "Inserisci un indirizzo email, per esempio nome@esempio.it.",
  "fresh.tooMany": "Troppe richieste da qui. Riprova più tardi.",
  "fresh.emailSubject": "Il tuo link per gestire i messaggi di {sender}",
  "fresh.emailBody": "Hai chiesto un nuovo link per scegliere quali messaggi ricevere da {sender}:",
  "fresh.emailIgnore": "Se non l'hai chiesto tu, puoi ignorare questa email: non cambia nulla.",
};

export default it;
