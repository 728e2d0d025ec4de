import "server-only";
import { applyKeyword, type InboundSettings } from "@/lib/inbound/inbound-store";
import type { InboundChannel } from "@/lib/inbound/keyword-policy";
import { resolveLocale, translator } from "@/lib/platform/i18n";
import { classifyKeyword } from "@/lib/inbound/keywords";

const REPLY_KEY = { opt_out: "inbound.optedOut", opt_in: "inbound.optedIn", help: "inbound.help" } as const;

/**
 * What SMS and WhatsApp share once the signature is checked: a message that is exactly a keyword (in any
 * of its texts: a button's payload or label, or what was typed) acts on that channel only and gets one
 * confirmation, in the contact's language (else the keyword's, else the workspace's). Any other message
 * changes nothing and gets no reply, and so does a message already answered (a replayed webhook).
 */
export async function answerInboundMessage(
  settings: InboundSettings,
  channel: InboundChannel,
  from: string,
  texts: string[],
  messageId: string | null,
): Promise<string | null> {
  const matches = texts.flatMap((text) => {
    const keyword = classifyKeyword(text);
    return keyword ? [{ text, keyword }] : [];
  });
  if (matches.length === 0) return null;
  const [{ text, keyword }] = matches;
  const outcome = await applyKeyword(settings, channel, from, keyword.intent, { text, messageId });
  if (outcome.replayed) return null;
  const locale = resolveLocale({ contactLocale: outcome.contactLocale ?? keyword.locale, workspaceDefault: settings.defaultLocale });
  const t = translator(locale);
  return t(REPLY_KEY[keyword.intent], { sender: settings.name, channel: t(`channel.${channel}`) });
}
