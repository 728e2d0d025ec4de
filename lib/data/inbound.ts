import "server-only";
import { pool } from "@/lib/db";
import { changeSubscription } from "@/lib/data/preferences";
import { addSuppression } from "@/lib/data/suppressions";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { KeywordIntent } from "@/lib/inbound/keywords";
import { sha256Hex } from "@/lib/sha256";
import { suppressionHash } from "@/lib/suppression";
import { isUuid } from "@/lib/uuid";

export type InboundChannel = "sms" | "whatsapp";

export type InboundSettings = {
  id: string;
  name: string;
  defaultLocale: string;
  twilioAuthToken: string | null;
  whatsappAppSecret: string | null;
  whatsappVerifyToken: string | null;
  whatsappAccessToken: string | null;
  whatsappPhoneNumberId: string | null;
  enabledChannels: Channel[];
};

/** The workspace an inbound webhook URL names, with the secrets its signature is checked with; null if none. */
export async function findInboundSettings(workspaceId: string): Promise<InboundSettings | null> {
  if (!isUuid(workspaceId)) return null;
  const { rows } = await pool().query<InboundSettings>(
    `SELECT id, name, default_locale AS "defaultLocale", twilio_auth_token AS "twilioAuthToken",
            whatsapp_app_secret AS "whatsappAppSecret", whatsapp_verify_token AS "whatsappVerifyToken",
            whatsapp_access_token AS "whatsappAccessToken", whatsapp_phone_number_id AS "whatsappPhoneNumberId",
            enabled_channels::text[] AS "enabledChannels"
     FROM workspaces WHERE id = $1`,
    [workspaceId],
  );
  return rows[0] ?? null;
}

export type InboundContact = { id: string; locale: string | null };

/** By WhatsApp id first, then by the phone number it is (a WhatsApp id is the number's digits). */
export async function findContactByAddress(workspaceId: string, channel: InboundChannel, address: string): Promise<InboundContact | null> {
  const { rows } = await pool().query<InboundContact>(
    channel === "sms"
      ? "SELECT id, locale FROM contacts WHERE workspace_id = $1 AND phone = $2 AND erased_at IS NULL LIMIT 1"
      : `SELECT id, locale FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL AND (whatsapp_id = $2 OR phone = '+' || $2)
         ORDER BY (whatsapp_id = $2) DESC NULLS LAST LIMIT 1`,
    [workspaceId, address],
  );
  return rows[0] ?? null;
}

/**
 * Acts on a keyword texted from `address` (E.164 for SMS, the WhatsApp id for WhatsApp), on that channel
 * only. A known contact's channel switch changes, with the message as evidence in the ledger. An unknown
 * number's opt-out (or one on a channel the workspace has switched off) is kept as a suppression (keyed
 * hash), so the number is never messaged even if it is imported later; its opt-in lifts only a
 * suppression a keyword made, never an erasure's.
 */
export async function applyKeyword(
  settings: InboundSettings,
  channel: InboundChannel,
  address: string,
  contact: InboundContact | null,
  intent: Exclude<KeywordIntent, "help">,
  message: { text: string; messageId: string | null },
): Promise<void> {
  if (contact && settings.enabledChannels.includes(channel)) {
    await changeSubscription({
      workspaceId: settings.id,
      contactId: contact.id,
      channel,
      status: intent === "opt_out" ? "unsubscribed" : "subscribed",
      evidence: { source: channel === "sms" ? "sms_keyword" : "whatsapp_keyword", messageId: message.messageId, wordingHash: sha256Hex(message.text) },
    });
    return;
  }
  const hash = suppressionHash(settings.id, channel, address);
  const reason = `${channel}_keyword`;
  if (intent === "opt_out") await addSuppression(pool(), settings.id, channel, hash, reason);
  else await pool().query("DELETE FROM suppressions WHERE workspace_id = $1 AND channel = $2 AND address_hash = $3 AND reason = $4", [settings.id, channel, hash, reason]);
}
