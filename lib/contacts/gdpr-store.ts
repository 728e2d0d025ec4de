import "server-only";
import { randomUUID } from "node:crypto";
import { addressFor } from "@/lib/consent/channels";
import { db } from "@/lib/platform/db";
import { NotFoundError } from "@/lib/platform/errors";
import { appendConsentEvent, ledgerTransaction } from "@/lib/consent/ledger-store";
import { forgetIdempotencyAnswersAbout } from "@/lib/api/idempotency-store";
import { enqueueOutboxEvent } from "@/lib/consent/ledger-store";
import { forgetAddressRateLimits } from "@/lib/platform/rate-limit-store";
import { addSuppression } from "@/lib/contacts/suppression-store";
import { suppressionHash } from "@/lib/contacts/suppression";
import { storedConsentDetailsSchema } from "@/lib/consent/event-details";
import { channelConsent, FORM_CHANNELS, formLocale } from "@/lib/forms/form-content";
import { findFormVersions } from "@/lib/forms/form-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { matchLocale } from "@/lib/platform/i18n";
import { parseStoredJson } from "@/lib/platform/stored-json";

/** Everything held about one person (GDPR Art. 15, LGPD Art. 18): the contact, the state, the ledger, the answers, the bounces and complaints. */
export async function exportContact(workspaceId: string, contactId: string) {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    // The keyed hashes are ours, for matching suppressions; the person's data is the addresses themselves.
    omit: { emailHash: true, phoneHash: true, whatsappHash: true },
    include: {
      channelSubscriptions: { select: { channel: true, subscribed: true, frequency: true, pausedUntil: true, version: true, updatedAt: true } },
      topicSubscriptions: { select: { channel: true, status: true, version: true, updatedAt: true, topic: { select: { key: true } } } },
    },
  });
  if (!contact) return null;
  const [ledger, feedback, deliveryEvents] = await Promise.all([
    db().consentEvent.findMany({
      where: { workspaceId, contactId },
      orderBy: { seq: "asc" },
      select: {
        seq: true,
        createdAt: true,
        channel: true,
        action: true,
        source: true,
        previousStatus: true,
        newStatus: true,
        ip: true,
        userAgent: true,
        messageId: true,
        locale: true,
        wordingHash: true,
        details: true,
        hash: true,
        topic: { select: { key: true } },
      },
    }),
    db().optOutFeedback.findMany({ where: { workspaceId, consentEvent: { contactId } }, select: { reason: true, comment: true, createdAt: true } }),
    db().deliveryEvent.findMany({
      where: { workspaceId, contactId },
      orderBy: { occurredAt: "asc" },
      select: { kind: true, bounceType: true, provider: true, messageId: true, occurredAt: true, receivedAt: true },
    }),
  ]);
  const { channelSubscriptions, topicSubscriptions, workspaceId: _w, ...person } = contact;
  void _w;
  return {
    contact: person,
    channels: channelSubscriptions,
    topics: topicSubscriptions.map(({ topic, ...rest }) => ({ topic: topic.key, ...rest })),
    ledger: await withFormWording(workspaceId, ledger),
    feedback,
    deliveryEvents,
  };
}

type ExportedEntry = { seq: bigint; topic: { key: string } | null; channel: Channel | null; locale: string | null; details: unknown };

/**
 * The ledger as exported: a sign-up form's entry names the form, its version, and the exact consent
 * statement that version showed on the entry's channel in the entry's language (what its wording hash is of).
 */
async function withFormWording<E extends ExportedEntry>(workspaceId: string, ledger: E[]) {
  const forms = ledger.map((entry) => parseStoredJson(storedConsentDetailsSchema, entry.details, `the details of ledger entry ${entry.seq}`)?.form);
  const versions = await findFormVersions(
    workspaceId,
    forms.filter((form) => form !== undefined),
  );
  return ledger.map(({ topic, seq, details: _details, ...entry }, i) => {
    void _details;
    const form = forms[i];
    const version = form && versions.find((v) => v.formId === form.id && v.version === form.version);
    const channel = FORM_CHANNELS.find((c) => c === entry.channel);
    return {
      seq: seq.toString(),
      topic: topic?.key ?? null,
      ...entry,
      ...(form && {
        form: {
          ...form,
          name: version?.name ?? null,
          wording: version && channel ? channelConsent(version.content, formLocale(version.content, matchLocale(entry.locale)), channel).text : null,
        },
      }),
    };
  });
}

/**
 * Erasure (GDPR Art. 17, LGPD Art. 18 VI): the addresses and everything personal go; a keyed hash of
 * each address stays as a suppression (bound to the workspace), so the person is never messaged again
 * after a re-import; the ledger stays, pseudonymised (its IPs and user agents blanked; the chain still
 * verifies), with an `erase` entry of its own. What else named the person goes too: the stored
 * Idempotency-Key answers about them and the rate-limit counts of their address; and where the
 * workspace syncs to Resend, the outbox removes them from its audience. One transaction.
 */
export async function eraseContact(workspaceId: string, contactId: string): Promise<void> {
  await ledgerTransaction(workspaceId, async (client) => {
    // The addresses are read under the row's lock, so the ones suppressed are the ones erased.
    const locked = await client.query<{ email: string | null; phone: string | null; whatsapp_id: string | null; external_id: string | null; synced: boolean }>(
      `SELECT c.email, c.phone, c.whatsapp_id, c.external_id, w.resend_api_key IS NOT NULL AND w.resend_audience_id IS NOT NULL AS synced
       FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
       WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL FOR UPDATE OF c`,
      [workspaceId, contactId],
    );
    const contact = locked.rows[0];
    if (!contact) throw new NotFoundError("contact");
    for (const channel of ["email", "sms", "whatsapp"] as const) {
      const address = addressFor(channel, { email: contact.email, phone: contact.phone, whatsappId: contact.whatsapp_id, externalId: null });
      if (address) await addSuppression(client, workspaceId, channel, suppressionHash(workspaceId, channel, address), "erasure");
    }
    await client.query(
      `UPDATE contacts SET email = NULL, phone = NULL, whatsapp_id = NULL, email_hash = NULL, phone_hash = NULL, whatsapp_hash = NULL, external_id = NULL, locale = NULL, time_zone = NULL, erased_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, contactId],
    );
    await client.query(
      "UPDATE consent_events SET ip = NULL, user_agent = NULL WHERE workspace_id = $1 AND contact_id = $2 AND (ip IS NOT NULL OR user_agent IS NOT NULL)",
      [workspaceId, contactId],
    );
    await client.query(
      "UPDATE opt_out_feedback SET comment = NULL WHERE workspace_id = $1 AND consent_event_id IN (SELECT id FROM consent_events WHERE workspace_id = $1 AND contact_id = $2)",
      [workspaceId, contactId],
    );
    await client.query("DELETE FROM short_links WHERE workspace_id = $1 AND contact_id = $2", [workspaceId, contactId]);
    const traces = [contactId, contact.email, contact.phone, contact.whatsapp_id, contact.external_id].filter((value) => value !== null);
    await forgetIdempotencyAnswersAbout(client, workspaceId, traces);
    if (contact.email) await forgetAddressRateLimits(client, contact.email);
    const event = { id: randomUUID(), createdAt: new Date() };
    await enqueueOutboxEvent(
      client,
      workspaceId,
      "consent.changed",
      { consentEventId: event.id, contactId, action: "erase", occurredAt: event.createdAt.toISOString() },
      contact.synced ? contact.email : null,
    );
    await appendConsentEvent(client, {
      ...event,
      workspaceId,
      contactId,
      channel: null,
      topicId: null,
      action: "erase",
      previousStatus: null,
      newStatus: null,
      evidence: { source: "api" },
    });
  });
}
