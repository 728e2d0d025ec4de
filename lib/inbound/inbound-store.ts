import "server-only";
import { pool, type SqlClient } from "@/lib/platform/db";
import { ledgerTransaction } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesToContactsWith, applyPreferenceChangesWith } from "@/lib/consent/preference-store";
import { changeSuppression } from "@/lib/contacts/suppression-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import {
  confirmationEffects,
  keywordEffects,
  REPLAY_WINDOW_DAYS,
  type ContactAtAddress,
  type InboundChannel,
  type StandingIntent,
  type WaitingTopic,
} from "@/lib/inbound/keyword-policy";
import { suppressedSql, suppressionHashIfKeyed } from "@/lib/contacts/suppression";
import { isUuid } from "@/lib/platform/uuid";
import { whatsappMarketingEffects } from "@/lib/inbound/delivery-policy";
import { listMarketingTopicKeys } from "@/lib/inbound/delivery-store";
import type { MarketingPreferenceSignal } from "@/lib/inbound/whatsapp-schema";

export type InboundSettings = {
  id: string;
  name: string;
  defaultLocale: string;
  twilioAuthToken: string | null;
  twilioAccountSid: string | null;
  twilioSender: string | null;
  whatsappAppSecret: string | null;
  whatsappVerifyToken: string | null;
  whatsappAccessToken: string | null;
  whatsappPhoneNumberId: string | null;
  whatsappDisplayNumber: string | null;
  resendWebhookSecret: string | null;
  deliveryWebhookSecret: string | null;
  enabledChannels: Channel[];
};

/**
 * The workspace an inbound webhook URL names, with the secrets its signature is checked with (and the
 * SMS and WhatsApp numbers an opt-in confirmation goes out from); null if none.
 */
export async function findInboundSettings(workspaceId: string): Promise<InboundSettings | null> {
  if (!isUuid(workspaceId)) return null;
  const { rows } = await pool().query<InboundSettings>(
    `SELECT id, name, default_locale AS "defaultLocale", twilio_auth_token AS "twilioAuthToken",
            twilio_account_sid AS "twilioAccountSid", twilio_sender AS "twilioSender",
            whatsapp_app_secret AS "whatsappAppSecret", whatsapp_verify_token AS "whatsappVerifyToken",
            whatsapp_access_token AS "whatsappAccessToken", whatsapp_phone_number_id AS "whatsappPhoneNumberId",
            whatsapp_display_number AS "whatsappDisplayNumber",
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
  intent: StandingIntent,
  message: { text: string; messageId: string | null },
): Promise<KeywordOutcome> {
  // Through the workspace's ledger queue: a burst of STOPs waits without holding connections others need.
  return ledgerTransaction(settings.id, async (client) => {
    if (message.messageId && !(await claimMessage(client, settings.id, channel, message.messageId))) return { replayed: true };
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

/** Claims the message id for this workspace and channel: false when it was claimed before (a replayed webhook). */
async function claimMessage(client: SqlClient, workspaceId: string, channel: InboundChannel, messageId: string): Promise<boolean> {
  const claimed = await client.query("INSERT INTO inbound_messages (workspace_id, channel, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
    workspaceId,
    channel,
    messageId,
  ]);
  return claimed.rowCount !== 0;
}

/**
 * YES (SÍ, SIM, SÌ) from `address`: the topics pending on the channel for the contacts at it become
 * subscribed (lib/inbound/keyword-policy.ts), once per message id, together with their ledger entries.
 * A contact whose address is suppressed (whyever: STOP, a bounce, an admin, an erasure) or whose channel
 * is switched off has nothing waiting: a confirmation never overrides those. Nothing waiting, nothing is
 * written (not even the message id), as for any other message that is not a keyword.
 */
export async function confirmByKeyword(
  settings: InboundSettings,
  channel: InboundChannel,
  address: string,
  message: { text: string; messageId: string | null; locale: string },
): Promise<{ confirmed: false } | { confirmed: true; contactLocale: string | null }> {
  if (!settings.enabledChannels.includes(channel)) return { confirmed: false };
  return ledgerTransaction(settings.id, async (client) => {
    const contacts = await lockContactsAt(client, settings.id, channel, address);
    if (contacts.length === 0) return { confirmed: false };
    const { rows: waiting } = await client.query<WaitingTopic>(
      `SELECT ts.contact_id AS "contactId", t.key AS "topicKey", ts.version
       FROM topic_subscriptions ts
       JOIN topics t ON t.workspace_id = ts.workspace_id AND t.id = ts.topic_id AND t.retired_at IS NULL AND ts.channel = ANY (t.channels)
       JOIN contacts c ON c.workspace_id = ts.workspace_id AND c.id = ts.contact_id
       LEFT JOIN channel_subscriptions cs ON cs.workspace_id = ts.workspace_id AND cs.contact_id = ts.contact_id AND cs.channel = ts.channel
       WHERE ts.workspace_id = $1 AND ts.contact_id = ANY ($2::uuid[]) AND ts.channel = $3 AND ts.status = 'pending'
         AND cs.subscribed IS DISTINCT FROM false AND NOT ${suppressedSql(channel, "c", "$1")}
         AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = $1 AND s.channel = $3 AND s.address_hash = $4)
       ORDER BY ts.contact_id, t.key`,
      // The address written to, too: a WhatsApp id suppressed by its own hash may belong to a contact found by phone.
      [settings.id, contacts.map((c) => c.id), channel, suppressionHashIfKeyed(settings.id, channel, address)],
    );
    if (waiting.length === 0) return { confirmed: false };
    if (message.messageId && !(await claimMessage(client, settings.id, channel, message.messageId))) return { confirmed: false };
    for (const { contactId, changes, evidence } of confirmationEffects(channel, waiting, message)) {
      await applyPreferenceChangesWith(client, settings.id, contactId, changes, evidence);
    }
    const confirmedIds = new Set(waiting.map((topic) => topic.contactId));
    const confirmed = contacts.filter((c) => confirmedIds.has(c.id));
    return { confirmed: true, contactLocale: (confirmed.find((c) => c.direct && c.locale) ?? confirmed.find((c) => c.locale))?.locale ?? null };
  });
}

/**
 * Does what a person's own WhatsApp marketing preference does (lib/inbound/delivery-policy.ts) to every
 * contact at the WhatsApp id, once per signal: a replayed webhook finds its claim taken.
 */
export async function applyWhatsAppMarketingPreference(settings: InboundSettings, signal: MarketingPreferenceSignal): Promise<void> {
  await ledgerTransaction(settings.id, async (client) => {
    if (!(await claimMessage(client, settings.id, "whatsapp", signal.claimId))) return;
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
