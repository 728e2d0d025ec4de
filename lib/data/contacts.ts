import "server-only";
import { randomUUID } from "node:crypto";
import { db, transaction, type SqlClient } from "@/lib/db";
import { ledgerTransaction, type ConsentEvidence } from "@/lib/data/ledger";
import { applyPreferenceChangesWith, type PreferenceChange } from "@/lib/data/preferences";
import { UserFacingError } from "@/lib/errors";
import { addressHashes } from "@/lib/suppression";

export type ContactFields = { externalId?: string; email?: string; phone?: string; whatsappId?: string; locale?: string };

const PUBLIC_FIELDS = { id: true, externalId: true, email: true, phone: true, whatsappId: true, locale: true, createdAt: true, updatedAt: true } as const;

const MATCH_ORDER = [
  ["externalId", "external_id"],
  ["email", "email"],
  ["phone", "phone"],
  ["whatsappId", "whatsapp_id"],
] as const;

/**
 * Finds the contact by external id, else email, else phone, else WhatsApp id, and updates it with the
 * fields given (a field not given stays as it is); or creates it. The subscriptions given are recorded
 * with their evidence in the same transaction: the contact and its consent are written together or not
 * at all. An address that already belongs to another contact is a 409.
 */
export async function upsertContact(
  workspaceId: string,
  fields: ContactFields,
  subscriptions: PreferenceChange[] = [],
  evidence: ConsentEvidence = { source: "api" },
): Promise<{ id: string; created: boolean }> {
  const given = { ...fields, email: fields.email?.trim().toLowerCase() };
  const hashes = addressHashes(workspaceId, given);
  const values = [given.externalId, given.email, given.phone, given.whatsappId, given.locale, hashes.emailHash, hashes.phoneHash, hashes.whatsappHash].map((v) => v ?? null);
  const upsert = async (client: SqlClient) => {
    const match = MATCH_ORDER.find(([field]) => given[field]);
    const existing = match
      ? (await client.query<{ id: string }>(`SELECT id FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL AND ${match[1]} = $2 LIMIT 1 FOR UPDATE`, [workspaceId, given[match[0]]])).rows[0]
      : undefined;
    const saved = existing
      ? await client.query<{ id: string }>(
          `UPDATE contacts SET external_id = COALESCE($2, external_id), email = COALESCE($3, email), phone = COALESCE($4, phone),
             whatsapp_id = COALESCE($5, whatsapp_id), locale = COALESCE($6, locale), email_hash = COALESCE($7, email_hash),
             phone_hash = COALESCE($8, phone_hash), whatsapp_hash = COALESCE($9, whatsapp_hash), updated_at = now()
           WHERE id = $1 RETURNING id`,
          [existing.id, ...values],
        )
      : await client.query<{ id: string }>(
          `INSERT INTO contacts (id, workspace_id, external_id, email, phone, whatsapp_id, locale, email_hash, phone_hash, whatsapp_hash, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) RETURNING id`,
          [randomUUID(), workspaceId, ...values],
        );
    const id = saved.rows[0].id;
    if (subscriptions.length > 0) await applyPreferenceChangesWith(client, workspaceId, id, subscriptions, evidence);
    return { id, created: !existing };
  };
  try {
    // Only an upsert that records consent appends to the ledger, and so waits for the workspace's turn.
    return await (subscriptions.length > 0 ? ledgerTransaction(workspaceId, upsert) : transaction(upsert));
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new UserFacingError("conflict", "That email or external id already belongs to another contact in this workspace.", 409);
    }
    throw error;
  }
}

export async function findContactById(workspaceId: string, contactId: string) {
  return db().contact.findFirst({ where: { id: contactId, workspaceId, erasedAt: null }, select: PUBLIC_FIELDS });
}

/** A page of contacts in id order; the last id of a page is the cursor of the next. */
export async function listContacts(workspaceId: string, after: string | undefined, limit: number) {
  const contacts = await db().contact.findMany({
    where: { workspaceId, erasedAt: null, ...(after ? { id: { gt: after } } : {}) },
    orderBy: { id: "asc" },
    take: limit + 1,
    select: PUBLIC_FIELDS,
  });
  const more = contacts.length > limit;
  const page = more ? contacts.slice(0, limit) : contacts;
  return { contacts: page, nextCursor: more ? page[page.length - 1].id : null };
}
