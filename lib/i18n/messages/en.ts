// English is the reference catalogue: every other locale must have exactly these keys.
const en = {
  "channel.email": "email",
  "channel.sms": "SMS",
  "channel.whatsapp": "WhatsApp",
  "channel.push": "push notifications",

  "unsubscribe.pageTitle": "Unsubscribe",
  "unsubscribe.scopeTopic": "{topic} by {channel} from {sender}",
  "unsubscribe.scopeChannel": "Everything by {channel} from {sender}",
  "unsubscribe.question": "Do you want to stop receiving this?",
  "unsubscribe.confirm": "Unsubscribe",
  "unsubscribe.otherChannelsKept": "Your other channels stay as they are.",
  "unsubscribe.doneTitle": "You're unsubscribed",
  "unsubscribe.doneBody": "You will no longer receive: {scope}.",
  "unsubscribe.undo": "Undo: keep receiving it",
  "unsubscribe.resubscribedTitle": "You're subscribed again",
  "unsubscribe.resubscribedBody": "You will keep receiving: {scope}.",
  "unsubscribe.managePreferences": "Manage all your preferences",

  "reason.question": "Would you tell us why? (optional)",
  "reason.too_frequent": "Too many messages",
  "reason.not_relevant": "Not relevant to me",
  "reason.never_signed_up": "I never signed up",
  "reason.prefer_other_channel": "I prefer another channel",
  "reason.privacy": "Privacy concerns",
  "reason.other": "Another reason",
  "reason.comment": "Anything you'd like to add?",
  "reason.submit": "Send answer",
  "reason.thanks": "Thank you for telling us.",
  "reason.invalid": "Choose one of the reasons, and keep the note under 1000 characters.",

  "invalid.pageTitle": "Link not valid",
  "invalid.title": "This link is no longer valid",
  "invalid.body": "It may have expired or been replaced by a newer one. Nothing has been changed.",
  "invalid.freshLink": "Enter your email address and, if it is on the list, we will send you a fresh link.",
  "fresh.label": "Your email address",
  "fresh.submit": "Email me a new link",
  "fresh.sent": "If that address is on the list, a new link is on its way. It may take a few minutes.",
  "fresh.invalidEmail": "Enter an email address such as name@example.com.",
  "fresh.tooMany": "Too many requests from here. Try again later.",
  "fresh.emailSubject": "Your link to manage your messages from {sender}",
  "fresh.emailBody": "You asked for a new link to choose which messages you receive from {sender}:",
  "fresh.emailIgnore": "If you did not ask for it, you can ignore this email; nothing changes.",
} as const;

export default en;
export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
