import "server-only";
import { pool, type SqlClient } from "@/lib/platform/db";
import { ledgerTransaction } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesToContactsWith } from "@/lib/consent/preference-store";
import { changeSuppression } from "@/lib/contacts/suppression-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { KeywordIntent } from "@/lib/inbound/keywords";
import { keywordEffects, REPLAY_WINDOW_DAYS, type ContactAtAddress, type InboundChannel } from "@/lib/inbound/keyword-policy";
import { suppressionHashIfKeyed } from "@/lib/contacts/suppression";
import { isUuid } from "@/lib/platform/uuid";
import { whatsappMarketingEffects } from "@/lib/inbound/delivery-policy";
import { listMarketingTopicKeys } from "@/lib/inbound/delivery-store";
import type { MarketingPreferenceSignal } from "@/lib/inbound/whatsapp-schema";

export type InboundSettings = {
  id: string;
  name: string;
  defaultLocale: string;
  twilioAuthToken: string | null;
  whatsappAppSecret: string | null;
  whatsappVerifyToken: string | null;
  whatsappAccessToken: string | null;
  whatsappPhoneNumberId: string | null;
  resendWebhookSecret: string | null;
  deliveryWebhookSecret: string | null;
  enabledChannels: Channel[];
};

/** The workspace an inbound webhook URL names, with the secrets its signature is checked with; null if none. */
export async function findInboundSettings(workspaceId: string): Promise<InboundSettings | null> {
  if (!isUuid(workspaceId)) return null;
  const { rows } = await pool().query<InboundSettings>(
    `SELECT id, name, default_locale AS "defaultLocale", twilio_auth_token AS "twilioAuthToken",
            whatsapp_app_secret AS "whatsappAppSecret", whatsapp_verify_token AS "whatsappVerifyToken",
            whatsapp_access_token AS "whatsappAccessToken", whatsapp_phone_number_id AS "whatsappPhoneNumberId",
            resend_webhook_secret AS "resendWebhookSecret", delivery_webhook_secret AS "deliveryWebhookSecret",
            enabled_channels::text[] AS "enabledChannels"
     FROM workspaces WHERE id = $1`,
    [workspaceId],
  );
  return rows[0] ?? null;
}

/**
 * Every contact reachable at the address on the channel, locked in id order (so that two keywords from
 * one number queue up instead of deadlocking). For WhatsApp that is the WhatsApp id, or the phone number
 * it is (a WhatsApp id is the number's digits); `direct` marks a match on the channel's own address.
 */
async function lockContactsAt(client: SqlClient, workspaceId: string, channel: InboundChannel, address: string): Promise<ContactAtAddress[]> {
  const { rows } = await client.query<ContactAtAddress>(
    channel === "sms"
      ? "SELECT id, locale, true AS direct FROM contacts WHERE workspace_id = $1 AND phone = $2 AND erased_at IS NULL ORDER BY id FOR UPDATE"
      : `SELECT id, locale, whatsapp_id IS NOT DISTINCT FROM $2 AS direct FROM contacts
         WHERE workspace_id = $1 AND erased_at IS NULL AND (whatsapp_id = $2 OR phone = '+' || $2) ORDER BY id FOR UPDATE`,
    [workspaceId, address],
  );
  return rows;
}

export type KeywordOutcome = { replayed: true } | { replayed: false; contactLocale: string | null };

/**
 * Does what a keyword texted from `address` (E.164 for SMS, the WhatsApp id for WhatsApp) does
 * (lib/inbound/keyword-policy.ts), once per message id: a replayed webhook (the same MessageSid or
 * WhatsApp message id) finds its id taken and changes nothing. The suppression, its history and every
 * contact's change with its ledger entry commit together.
 */
export async function applyKeyword(
  settings: InboundSettings,
  channel: InboundChannel,
  address: string,
  intent: KeywordIntent,
  message: { text: string; messageId: string | null },
): Promise<KeywordOutcome> {
  // Through the workspace's ledger queue: a burst of STOPs waits without holding connections others need.
  return ledgerTransaction(settings.id, async (client) => {
    if (message.messageId) {
      const claimed = await client.query("INSERT INTO inbound_messages (workspace_id, channel, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
        settings.id,
        channel,
        message.messageId,
      ]);
      if (claimed.rowCount === 0) return { replayed: true };
    }
    const contacts = await lockContactsAt(client, settings.id, channel, address);
    const keyedHash = suppressionHashIfKeyed(settings.id, channel, address);
    const effects = keywordEffects({ workspaceId: settings.id, enabledChannels: settings.enabledChannels, channel, intent, contacts, keyedHash, message });
    if (effects.suppression) await changeSuppression(client, effects.suppression);
    if (effects.subscription) {
      const { contactIds, changes, evidence } = effects.subscription;
      await applyPreferenceChangesToContactsWith(client, settings.id, contactIds, changes, evidence);
    }
    return { replayed: false, contactLocale: effects.contactLocale };
  });
}

/**
 * Does what a person's own WhatsApp marketing preference does (lib/inbound/delivery-policy.ts) to every
 * contact at the WhatsApp id, once per signal: a replayed webhook finds its claim taken.
 */
export async function applyWhatsAppMarketingPreference(settings: InboundSettings, signal: MarketingPreferenceSignal): Promise<void> {
  await ledgerTransaction(settings.id, async (client) => {
    const claimed = await client.query("INSERT INTO inbound_messages (workspace_id, channel, message_id) VALUES ($1, 'whatsapp', $2) ON CONFLICT DO NOTHING", [
      settings.id,
      signal.claimId,
    ]);
    if (claimed.rowCount === 0) return;
    const contacts = await lockContactsAt(client, settings.id, "whatsapp", signal.waId);
    const effects = whatsappMarketingEffects({
      enabledChannels: settings.enabledChannels,
      optOut: signal.optOut,
      contactIds: contacts.map((contact) => contact.id),
      marketingTopicKeys: await listMarketingTopicKeys(client, settings.id, "whatsapp"),
      messageId: signal.messageId,
    });
    if (effects) await applyPreferenceChangesToContactsWith(client, settings.id, effects.contactIds, effects.changes, effects.evidence);
  });
}

/** Housekeeping: message ids older than the replay window go (a webhook that old is no longer retried). */
export async function purgeProcessedInboundMessages(): Promise<void> {
  await pool().query("DELETE FROM inbound_messages WHERE received_at < now() - make_interval(days => $1)", [REPLAY_WINDOW_DAYS]);
}
