import type { Catalogue } from "./en";

const ptBR: Catalogue = {
  "channel.email": "e-mail",
  "channel.sms": "SMS",
  "channel.whatsapp": "WhatsApp",
  "channel.push": "notificações push",

  "unsubscribe.pageTitle": "Cancelar inscrição",
  "unsubscribe.scopeTopic": "{topic} por {channel} de {sender}",
  "unsubscribe.scopeChannel": "Tudo o que {sender} envia por {channel}",
  "unsubscribe.question": "Você quer deixar de receber isto?",
  "unsubscribe.confirm": "Cancelar inscrição",
  "unsubscribe.otherChannelsKept": "Seus outros canais continuam como estão.",
  "unsubscribe.doneTitle": "Inscrição cancelada",
  "unsubscribe.doneBody": "Você não vai mais receber: {scope}.",
  "unsubscribe.undo": "Desfazer: continuar recebendo",
  "unsubscribe.resubscribedTitle": "Você está inscrito de novo",
  "unsubscribe.resubscribedBody": "Você vai continuar recebendo: {scope}.",
  "unsubscribe.managePreferences": "Gerenciar todas as suas preferências",

  "reason.question": "Pode nos contar por quê? (opcional)",
  "reason.too_frequent": "Mensagens demais",
  "reason.not_relevant": "Não é do meu interesse",
  "reason.never_signed_up": "Nunca me inscrevi",
  "reason.prefer_other_channel": "Prefiro outro canal",
  "reason.privacy": "Privacidade",
  "reason.other": "Outro motivo",
  "reason.comment": "Quer acrescentar algo?",
  "reason.submit": "Enviar resposta",
  "reason.thanks": "Obrigado por nos contar.",
  "reason.invalid": "Escolha um dos motivos e escreva menos de 1000 caracteres.",

  "invalid.pageTitle": "Link inválido",
  "invalid.title": "Este link não é mais válido",
  "invalid.body": "Ele pode ter expirado ou sido substituído por um mais recente. Nada foi alterado.",
  "invalid.freshLink": "Digite seu e-mail e, se ele estiver na lista, enviaremos um link novo.",
  "fresh.label": "Seu e-mail",
  "fresh.submit": "Envie-me um link novo",
  "fresh.sent": "Se esse endereço estiver na lista, um link novo chegará em alguns minutos.",
  "fresh.invalidEmail": "Digite um e-mail, por exemplo nome@exemplo.com.",
  "fresh.tooMany": "Muitas solicitações daqui. Tente novamente mais tarde.",
  "fresh.emailSubject": "Seu link para gerenciar as mensagens de {sender}",
  "fresh.emailBody": "Você pediu um link novo para escolher quais mensagens recebe de {sender}:",
  "fresh.emailIgnore": "Se não foi você que pediu, ignore este e-mail; nada muda.",
};

export default ptBR;
