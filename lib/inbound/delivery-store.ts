import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/platform/db";
import { ledgerTransaction } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesToContactsWith } from "@/lib/consent/preference-store";
import { changeSuppression } from "@/lib/contacts/suppression-store";
import { suppressionHashIfKeyed } from "@/lib/contacts/suppression";
import type { Channel } from "@/lib/generated/prisma/enums";
import { deliveryEffects, SOFT_BOUNCE_WINDOW_DAYS, type DeliveryReport } from "@/lib/inbound/delivery-policy";
import type { InboundSettings } from "@/lib/inbound/inbound-store";
import { env } from "@/lib/platform/env";

/** Who reported a delivery event: the key of its replays, beside the webhook's id. */
export type DeliveryProvider = "resend" | "generic";

export type DeliveryOutcome = "suppressed" | "opted_out" | "recorded" | "replayed" | "unknown_contact";

/** The live marketing topics sent on the channel, by key. */
export async function listMarketingTopicKeys(client: Pick<SqlClient, "query">, workspaceId: string, channel: Channel): Promise<string[]> {
  const { rows } = await client.query<{ key: string }>(
    "SELECT key FROM topics WHERE workspace_id = $1 AND kind = 'marketing' AND retired_at IS NULL AND $2 = ANY (channels) ORDER BY key",
    [workspaceId, channel],
  );
  return rows.map((row) => row.key);
}

type Recipient = { contactId: string | null; keyedHash: string | null };

/** The live contact the report is about, and the address's keyed hash: of the address given, else of the contact's email. */
async function findRecipient(client: SqlClient, workspaceId: string, report: DeliveryReport): Promise<Recipient | null> {
  if ("email" in report.recipient) {
    const { rows } = await client.query<{ id: string }>("SELECT id FROM contacts WHERE workspace_id = $1 AND email = $2 AND erased_at IS NULL", [
      workspaceId,
      report.recipient.email,
    ]);
    return { contactId: rows[0]?.id ?? null, keyedHash: suppressionHashIfKeyed(workspaceId, "email", report.recipient.email) };
  }
  const { rows } = await client.query<{ id: string; email: string | null }>(
    "SELECT id, email FROM contacts WHERE workspace_id = $1 AND id = $2 AND erased_at IS NULL",
    [workspaceId, report.recipient.contactId],
  );
  if (!rows[0]) return null;
  return { contactId: rows[0].id, keyedHash: rows[0].email ? suppressionHashIfKeyed(workspaceId, "email", rows[0].email) : null };
}

/**
 * The soft bounces of the address in the window ending at `until`: by its keyed hash, or without
 * SUPPRESSION_KEY by the contact (so that the third still tells, and is refused for want of the key).
 */
async function countSoftBounces(client: SqlClient, workspaceId: string, recipient: Recipient, until: Date): Promise<number> {
  const [column, value] = recipient.keyedHash ? ["address_hash", recipient.keyedHash] : ["contact_id", recipient.contactId];
  if (!value) return 0;
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery_events
     WHERE workspace_id = $1 AND ${column} = $2 AND kind = 'bounce' AND bounce_type = 'soft'
       AND occurred_at > $3::timestamptz - make_interval(days => $4) AND occurred_at <= $3::timestamptz`,
    [workspaceId, value, until, SOFT_BOUNCE_WINDOW_DAYS],
  );
  return rows[0].n;
}

/**
 * Keeps one reported bounce or complaint and does what it does (lib/inbound/delivery-policy.ts), once:
 * the same webhook id and place again finds its row taken and changes nothing. The event, the
 * suppression with its history, the opt-outs with their ledger entries and outbox events commit together.
 */
async function recordDeliveryReport(
  settings: InboundSettings,
  provider: DeliveryProvider,
  webhookId: string,
  position: number,
  report: DeliveryReport,
): Promise<DeliveryOutcome> {
  return ledgerTransaction(settings.id, async (client) => {
    const recipient = await findRecipient(client, settings.id, report);
    if (!recipient) return "unknown_contact";
    const kept = await client.query<{ id: string }>(
      `INSERT INTO delivery_events (id, workspace_id, provider, webhook_id, position, kind, bounce_type, contact_id, address_hash, message_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (workspace_id, provider, webhook_id, position) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        settings.id,
        provider,
        webhookId,
        position,
        report.kind,
        report.bounceType,
        recipient.contactId,
        recipient.keyedHash,
        report.messageId,
        report.occurredAt,
      ],
    );
    if (kept.rows.length === 0) return "replayed";
    const softBounces =
      report.kind === "bounce" && report.bounceType === "soft" ? await countSoftBounces(client, settings.id, recipient, report.occurredAt) : 0;
    const effects = deliveryEffects({
      workspaceId: settings.id,
      enabledChannels: settings.enabledChannels,
      report,
      deliveryEventId: kept.rows[0].id,
      keyedHash: recipient.keyedHash,
      keyed: Boolean(env().SUPPRESSION_KEY),
      contactId: recipient.contactId,
      softBounces,
      marketingTopicKeys: report.kind === "complaint" ? await listMarketingTopicKeys(client, settings.id, "email") : [],
    });
    if (effects.suppression) await changeSuppression(client, effects.suppression);
    if (effects.optOut) {
      const { contactIds, changes, evidence } = effects.optOut;
      await applyPreferenceChangesToContactsWith(client, settings.id, contactIds, changes, evidence);
    }
    return effects.suppression ? "suppressed" : effects.optOut ? "opted_out" : "recorded";
  });
}

/** Each report of one webhook in turn, each in its own transaction: a retry after a failure replays the ones already done. */
export async function recordDeliveryReports(
  settings: InboundSettings,
  provider: DeliveryProvider,
  webhookId: string,
  reports: DeliveryReport[],
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  for (const [position, report] of reports.entries()) outcomes.push(await recordDeliveryReport(settings, provider, webhookId, position, report));
  return outcomes;
}
