import "server-only";
import { applyKeyword, confirmByKeyword, type InboundSettings } from "@/lib/inbound/inbound-store";
import { isOwnSmsNumber, type InboundChannel } from "@/lib/inbound/keyword-policy";
import { resolveLocale, translator } from "@/lib/platform/i18n";
import { classifyKeyword } from "@/lib/inbound/keywords";

const REPLY_KEY = { opt_out: "inbound.optedOut", opt_in: "inbound.optedIn", help: "inbound.help", confirm: "inbound.confirmed" } as const;

/**
 * What SMS and WhatsApp share once the signature is checked: a message that is exactly a keyword (in any
 * of its texts: a button's payload or label, or what was typed) acts on that channel only and gets one
 * confirmation, in the contact's language (else the keyword's, else the workspace's). Any other message
 * changes nothing and gets no reply, and so does a message already answered (a replayed webhook), and a
 * YES with no opt-in waiting for it, or sent to an SMS number that is not the workspace's (`to`).
 */
export async function answerInboundMessage(
  settings: InboundSettings,
  channel: InboundChannel,
  from: string,
  texts: string[],
  messageId: string | null,
  to: string | null = null,
): Promise<string | null> {
  const matches = texts.flatMap((text) => {
    const keyword = classifyKeyword(text);
    return keyword ? [{ text, keyword }] : [];
  });
  if (matches.length === 0) return null;
  const [{ text, keyword }] = matches;
  let contactLocale: string | null;
  if (keyword.intent === "confirm") {
    if (channel === "sms" && !isOwnSmsNumber(settings.twilioSender, to)) return null;
    const outcome = await confirmByKeyword(settings, channel, from, { text, messageId, locale: keyword.locale });
    if (!outcome.confirmed) return null;
    contactLocale = outcome.contactLocale;
  } else {
    const outcome = await applyKeyword(settings, channel, from, keyword.intent, { text, messageId });
    if (outcome.replayed) return null;
    contactLocale = outcome.contactLocale;
  }
  const locale = resolveLocale({ contactLocale: contactLocale ?? keyword.locale, workspaceDefault: settings.defaultLocale });
  const t = translator(locale);
  return t(REPLY_KEY[keyword.intent], { sender: settings.name, channel: t(`channel.${channel}`) });
}
