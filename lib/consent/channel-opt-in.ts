import "server-only";
import { releaseConfirmation } from "@/lib/consent/confirmation-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import { beginOptIn, type BegunOptIn } from "@/lib/consent/opt-in-request";
import { topicList } from "@/lib/consent/wording";
import { resolveScope } from "@/lib/contacts/sendability-store";
import { findInboundSettings, type InboundSettings } from "@/lib/inbound/inbound-store";
import { KEYWORDS } from "@/lib/inbound/keywords";
import { UserFacingError } from "@/lib/platform/errors";
import { matchLocale, resolveLocale, translator, type Locale, type Translate } from "@/lib/platform/i18n";
import { sendSms, SmsNotSentError, type TwilioAccount } from "@/lib/platform/sms";

// Double opt-in by SMS and WhatsApp: the topics wait in `pending` (lib/consent/opt-in-request.ts) until
// the person confirms by a reply (YES, SÍ, SIM, SÌ by SMS; the prefilled keyword of a click-to-chat link
// on WhatsApp), which lib/inbound/answer.ts reads. By SMS we text the request ourselves, through the
// workspace's Twilio account; on WhatsApp the person writes first (a business may not), so nothing is sent.

export type ChannelOptInRequest = {
  contactId: string;
  channel: "sms" | "whatsapp";
  topics: string[];
  evidence: ConsentEvidence;
  /** The language the confirmation is written in; the contact's, then the workspace's, when absent. */
  locale?: string;
};

export type ChannelOptInStart = {
  /** The topics now waiting for the person's reply. */
  pending: string[];
  /** A confirmation went out within the period; no other was sent. */
  alreadySent?: true;
  /** WhatsApp: the click-to-chat link whose prefilled message confirms. */
  chatUrl?: string;
};

function twilioAccount(settings: InboundSettings | null): TwilioAccount {
  if (!settings?.twilioAccountSid || !settings.twilioAuthToken || !settings.twilioSender) {
    throw new UserFacingError(
      "sms_not_configured",
      "Set the Twilio account SID, auth token and sender in Settings before asking for SMS confirmations; nothing was changed.",
      422,
    );
  }
  return { accountSid: settings.twilioAccountSid, authToken: settings.twilioAuthToken, sender: settings.twilioSender };
}

function whatsappNumber(settings: InboundSettings | null): string {
  if (!settings?.whatsappDisplayNumber) {
    throw new UserFacingError(
      "whatsapp_not_configured",
      "Set the WhatsApp business number in Settings before asking for WhatsApp confirmations; nothing was changed.",
      422,
    );
  }
  return settings.whatsappDisplayNumber;
}

function confirmationLocale(request: ChannelOptInRequest, { contact, state }: BegunOptIn): Locale {
  return matchLocale(request.locale) ?? resolveLocale({ contactLocale: contact.locale, workspaceDefault: state.workspace.defaultLocale });
}

/** "How often", as carriers want it said: the workspace's SMS frequency cap, else that it varies. */
async function smsFrequency(workspaceId: string, t: Translate): Promise<string> {
  const cap = (await resolveScope(workspaceId, "sms", undefined)).limits.channelCap;
  if (!cap) return t("optin.frequencyVaries");
  const max = String(cap.max);
  if (cap.windowHours === 24) return t("optin.frequencyPerDay", { max });
  if (cap.windowHours === 7 * 24) return t("optin.frequencyPerWeek", { max });
  if (cap.windowHours % 24 === 0) return t("optin.frequencyDays", { max, count: String(cap.windowHours / 24) });
  return t("optin.frequencyHours", { max, count: String(cap.windowHours) });
}

/** The SMS a person replies YES to: the brand, the topics, how often, the rates, HELP and STOP, in their language. */
async function smsConfirmationText(workspaceId: string, begun: BegunOptIn, locale: Locale): Promise<string> {
  const t = translator(locale);
  return t("optin.smsConfirm", {
    sender: begun.state.workspace.name,
    topics: topicList(begun.state, begun.pending, locale),
    frequency: await smsFrequency(workspaceId, t),
  });
}

/** wa.me wants the number as digits only; the text is what the person's WhatsApp opens ready to send. */
export function clickToChatUrl(businessNumber: string, locale: Locale): string {
  return `https://wa.me/${businessNumber.replace(/\D/g, "")}?text=${encodeURIComponent(KEYWORDS.confirm[locale][0])}`;
}

/**
 * Puts the topics in `pending` on the channel with the evidence given. SMS: texts the confirmation (at
 * most one a day per contact: `alreadySent`); a text Twilio does not take gives its claim back (asking
 * again sends one) and answers 502, the topics pending until they lapse. WhatsApp: answers the
 * click-to-chat link to show the person. A workspace without the channel's settings is refused before
 * anything is written.
 */
export async function startChannelOptIn(workspaceId: string, request: ChannelOptInRequest): Promise<ChannelOptInStart> {
  const settings = await findInboundSettings(workspaceId);
  if (request.channel === "whatsapp") {
    const businessNumber = whatsappNumber(settings);
    const { start, begun } = await beginOptIn(workspaceId, request, (contact) => contact.whatsappId ?? contact.phone, null);
    return begun ? { ...start, chatUrl: clickToChatUrl(businessNumber, confirmationLocale(request, begun)) } : start;
  }
  const account = twilioAccount(settings);
  const { start, begun } = await beginOptIn(workspaceId, request, (contact) => contact.phone, "sms");
  if (!begun) return start;
  const text = await smsConfirmationText(workspaceId, begun, confirmationLocale(request, begun));
  try {
    await sendSms(account, begun.contact.phone!, text);
  } catch (error) {
    if (!(error instanceof SmsNotSentError)) throw error;
    await releaseConfirmation(workspaceId, begun.contact.id, "sms");
    console.warn(`sms opt-in of contact ${begun.contact.id}: ${error.message}`);
    throw new UserFacingError("sms_not_sent", "Twilio did not take the confirmation text; the topics wait as pending, and asking again sends it.", 502);
  }
  return start;
}
