import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { pool } from "@/lib/db";
import { changeSubscription } from "@/lib/data/preferences";
import type { KeywordIntent } from "@/lib/inbound/keywords";
import { suppressionHash } from "@/lib/suppression";

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
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace an inbound webhook URL names, with the secrets its signature is checked with; null if none. */
export async function findInboundSettings(workspaceId: string): Promise<InboundSettings | null> {
  if (!UUID.test(workspaceId)) return null;
  const { rows } = await pool().query<InboundSettings>(
    `SELECT id, name, default_locale AS "defaultLocale", twilio_auth_token AS "twilioAuthToken",
            whatsapp_app_secret AS "whatsappAppSecret", whatsapp_verify_token AS "whatsappVerifyToken",
            whatsapp_access_token AS "whatsappAccessToken", whatsapp_phone_number_id AS "whatsappPhoneNumberId"
     FROM workspaces WHERE id = $1`,
    [workspaceId],
  );
  return rows[0] ?? null;
}

export type KeywordOutcome = { contactLocale: string | null; known: boolean };

/**
 * Acts on a keyword texted from `address` (E.164 for SMS, the WhatsApp id for WhatsApp), on that channel
 * only. A known contact's channel switch changes, with the message as evidence in the ledger. An unknown
 * number's opt-out is kept as a suppression (keyed hash), so the number is never messaged even if it is
 * imported later; its opt-in lifts only a suppression a keyword made, never an erasure's.
 */
export async function applyKeyword(workspaceId: string, channel: InboundChannel, address: string, intent: Exclude<KeywordIntent, "help">, message: { text: string; messageId: string | null }): Promise<KeywordOutcome> {
  const contact = await findContactByAddress(workspaceId, channel, address);
  if (contact && (await channelEnabled(workspaceId, channel))) {
    await changeSubscription({
      workspaceId,
      contactId: contact.id,
      channel,
      status: intent === "opt_out" ? "unsubscribed" : "subscribed",
      evidence: {
        source: channel === "sms" ? "sms_keyword" : "whatsapp_keyword",
        messageId: message.messageId,
        wordingHash: createHash("sha256").update(message.text).digest("hex"),
      },
    });
    return { contactLocale: contact.locale, known: true };
  }
  // An unknown number, or a channel the workspace has switched off: the number itself is remembered.
  const hash = suppressionHash(channel, address);
  const reason = `${channel}_keyword`;
  if (intent === "opt_out") {
    await pool().query(
      `INSERT INTO suppressions (id, workspace_id, channel, address_hash, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, channel, address_hash) DO NOTHING`,
      [randomUUID(), workspaceId, channel, hash, reason],
    );
  } else {
    await pool().query("DELETE FROM suppressions WHERE workspace_id = $1 AND channel = $2 AND address_hash = $3 AND reason = $4", [workspaceId, channel, hash, reason]);
  }
  return { contactLocale: contact?.locale ?? null, known: false };
}

async function channelEnabled(workspaceId: string, channel: InboundChannel): Promise<boolean> {
  const { rows } = await pool().query<{ enabled: boolean }>("SELECT $2 = ANY(enabled_channels::text[]) AS enabled FROM workspaces WHERE id = $1", [workspaceId, channel]);
  return rows[0]?.enabled ?? false;
}

/** By WhatsApp id first, then by the phone number it is (a WhatsApp id is the number's digits). */
async function findContactByAddress(workspaceId: string, channel: InboundChannel, address: string) {
  const { rows } = await pool().query<{ id: string; locale: string | null }>(
    channel === "sms"
      ? "SELECT id, locale FROM contacts WHERE workspace_id = $1 AND phone = $2 AND erased_at IS NULL LIMIT 1"
      : `SELECT id, locale FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL AND (whatsapp_id = $2 OR phone = '+' || $2)
         ORDER BY (whatsapp_id = $2) DESC NULLS LAST LIMIT 1`,
    [workspaceId, address],
  );
  return rows[0] ?? null;
}
