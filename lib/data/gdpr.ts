import "server-only";
import { randomUUID } from "node:crypto";
import { db, transaction } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import type { Channel } from "@/lib/generated/prisma/enums";
import { appendConsentEvent } from "@/lib/data/ledger";
import { enqueueOutboxEvent } from "@/lib/data/outbox";
import { suppressionHash } from "@/lib/suppression";

/** Everything held about one person (GDPR Art. 15, LGPD Art. 18): the contact, the state, the ledger, the answers. */
export async function exportContact(workspaceId: string, contactId: string) {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    include: {
      channelSubscriptions: { select: { channel: true, subscribed: true, frequency: true, pausedUntil: true, version: true, updatedAt: true } },
      topicSubscriptions: { select: { channel: true, status: true, version: true, updatedAt: true, topic: { select: { key: true } } } },
    },
  });
  if (!contact) return null;
  const [ledger, feedback] = await Promise.all([
    db().consentEvent.findMany({
      where: { workspaceId, contactId },
      orderBy: { seq: "asc" },
      select: { seq: true, createdAt: true, channel: true, action: true, source: true, previousStatus: true, newStatus: true, ip: true, userAgent: true, messageId: true, locale: true, wordingHash: true, hash: true, topic: { select: { key: true } } },
    }),
    db().optOutFeedback.findMany({ where: { workspaceId, consentEvent: { contactId } }, select: { reason: true, comment: true, createdAt: true } }),
  ]);
  const { channelSubscriptions, topicSubscriptions, workspaceId: _w, ...person } = contact;
  void _w;
  return {
    contact: person,
    channels: channelSubscriptions,
    topics: topicSubscriptions.map(({ topic, ...rest }) => ({ topic: topic.key, ...rest })),
    ledger: ledger.map(({ topic, seq, ...entry }) => ({ seq: seq.toString(), topic: topic?.key ?? null, ...entry })),
    feedback,
  };
}

const ADDRESS_CHANNELS: [Channel, "email" | "phone" | "whatsappId"][] = [
  ["email", "email"],
  ["sms", "phone"],
  ["whatsapp", "whatsappId"],
];

/**
 * Erasure (GDPR Art. 17, LGPD Art. 18 VI): the addresses and everything personal go; a keyed hash of
 * each address stays as a suppression, so the person is never messaged again after a re-import; the
 * ledger stays, pseudonymised (its IPs and user agents blanked; the chain still verifies), with an
 * `erase` entry of its own. One transaction.
 */
export async function eraseContact(workspaceId: string, contactId: string): Promise<void> {
  const contact = await db().contact.findFirst({ where: { id: contactId, workspaceId, erasedAt: null } });
  if (!contact) throw new NotFoundError("contact");
  const suppressions = ADDRESS_CHANNELS.flatMap(([channel, field]) => (contact[field] ? [{ channel, hash: suppressionHash(channel, contact[field]!) }] : []));
  await transaction(async (client) => {
    const locked = await client.query("SELECT id FROM contacts WHERE workspace_id = $1 AND id = $2 AND erased_at IS NULL FOR UPDATE", [workspaceId, contactId]);
    if (locked.rowCount === 0) throw new NotFoundError("contact");
    for (const { channel, hash } of suppressions) {
      await client.query(
        `INSERT INTO suppressions (id, workspace_id, channel, address_hash, reason) VALUES ($1, $2, $3, $4, 'erasure')
         ON CONFLICT (workspace_id, channel, address_hash) DO NOTHING`,
        [randomUUID(), workspaceId, channel, hash],
      );
    }
    await client.query(
      `UPDATE contacts SET email = NULL, phone = NULL, whatsapp_id = NULL, email_hash = NULL, phone_hash = NULL, whatsapp_hash = NULL, external_id = NULL, locale = NULL, erased_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, contactId],
    );
    await client.query("UPDATE consent_events SET ip = NULL, user_agent = NULL WHERE workspace_id = $1 AND contact_id = $2 AND (ip IS NOT NULL OR user_agent IS NOT NULL)", [workspaceId, contactId]);
    await client.query(
      "UPDATE opt_out_feedback SET comment = NULL WHERE workspace_id = $1 AND consent_event_id IN (SELECT id FROM consent_events WHERE workspace_id = $1 AND contact_id = $2)",
      [workspaceId, contactId],
    );
    await client.query("DELETE FROM short_links WHERE workspace_id = $1 AND contact_id = $2", [workspaceId, contactId]);
    const event = { id: randomUUID(), createdAt: new Date() };
    await enqueueOutboxEvent(client, workspaceId, "consent.changed", { consentEventId: event.id, contactId, action: "erase", occurredAt: event.createdAt.toISOString() });
    await appendConsentEvent(client, { ...event, workspaceId, contactId, channel: null, topicId: null, action: "erase", previousStatus: null, newStatus: null, evidence: { source: "api" } });
  });
}
