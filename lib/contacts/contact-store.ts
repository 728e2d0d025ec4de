import "server-only";
import { randomUUID } from "node:crypto";
import { db, type SqlClient } from "@/lib/platform/db";
import { recordCreationDefaults } from "@/lib/consent/defaults-store";
import { storedConsentDetailsSchema } from "@/lib/consent/event-details";
import { ledgerTransaction, type ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesWith, type PreferenceChange } from "@/lib/consent/preference-store";
import { UserFacingError } from "@/lib/platform/errors";
import { isUniqueViolation } from "@/lib/platform/db-errors";
import type { ConsentSource } from "@/lib/generated/prisma/enums";
import { addressHashes } from "@/lib/contacts/suppression";
import { isUuid } from "@/lib/platform/uuid";
import { parseStoredJson } from "@/lib/platform/stored-json";
import { findFormVersions } from "@/lib/forms/form-store";

export type ContactFields = { externalId?: string; email?: string; phone?: string; whatsappId?: string; locale?: string; timeZone?: string };

const PUBLIC_FIELDS = {
  id: true,
  externalId: true,
  email: true,
  phone: true,
  whatsappId: true,
  locale: true,
  timeZone: true,
  createdAt: true,
  updatedAt: true,
} as const;

const MATCH_ORDER = [
  ["externalId", "external_id"],
  ["email", "email"],
  ["phone", "phone"],
  ["whatsappId", "whatsapp_id"],
] as const;

/**
 * Inserts a contact with its keyed address hashes and writes its creation entry (the defaults it
 * receives, lib/consent/defaults-store.ts), inside the caller's ledgerTransaction.
 */
export async function insertContact(client: SqlClient, workspaceId: string, fields: ContactFields, source: ConsentSource): Promise<string> {
  const given = normalized(fields);
  const hashes = addressHashes(workspaceId, given);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO contacts (id, workspace_id, external_id, email, phone, whatsapp_id, locale, email_hash, phone_hash, whatsapp_hash, time_zone, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) RETURNING id`,
    [randomUUID(), workspaceId, ...columnValues(given, hashes)],
  );
  await recordCreationDefaults(client, workspaceId, rows[0].id, source);
  return rows[0].id;
}

const normalized = (fields: ContactFields): ContactFields => ({ ...fields, email: fields.email?.trim().toLowerCase() });

const columnValues = (given: ContactFields, hashes: ReturnType<typeof addressHashes>) =>
  [given.externalId, given.email, given.phone, given.whatsappId, given.locale, hashes.emailHash, hashes.phoneHash, hashes.whatsappHash, given.timeZone].map(
    (v) => v ?? null,
  );

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
  const given = normalized(fields);
  const upsert = async (client: SqlClient) => {
    const match = MATCH_ORDER.find(([field]) => given[field]);
    const existing = match
      ? (
          await client.query<{ id: string }>(`SELECT id FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL AND ${match[1]} = $2 LIMIT 1 FOR UPDATE`, [
            workspaceId,
            given[match[0]],
          ])
        ).rows[0]
      : undefined;
    const id = existing
      ? (
          await client.query<{ id: string }>(
            `UPDATE contacts SET external_id = COALESCE($2, external_id), email = COALESCE($3, email), phone = COALESCE($4, phone),
               whatsapp_id = COALESCE($5, whatsapp_id), locale = COALESCE($6, locale), email_hash = COALESCE($7, email_hash),
               phone_hash = COALESCE($8, phone_hash), whatsapp_hash = COALESCE($9, whatsapp_hash), time_zone = COALESCE($10, time_zone), updated_at = now()
             WHERE id = $1 RETURNING id`,
            [existing.id, ...columnValues(given, addressHashes(workspaceId, given))],
          )
        ).rows[0].id
      : await insertContact(client, workspaceId, given, evidence.source);
    if (subscriptions.length > 0) await applyPreferenceChangesWith(client, workspaceId, id, subscriptions, evidence);
    return { id, created: !existing };
  };
  try {
    // A new contact's creation entry appends to the ledger, so every upsert waits for the workspace's turn.
    return await ledgerTransaction(workspaceId, upsert);
  } catch (error) {
    if (isUniqueViolation(error)) {
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

/** A live contact of this workspace with this email address (stored lower-cased). */
export async function findContactByEmail(workspaceId: string, email: string) {
  return db().contact.findFirst({
    where: { workspaceId, email: email.trim().toLowerCase(), erasedAt: null },
    select: { id: true, locale: true, workspace: { select: { name: true, defaultLocale: true, enabledChannels: true } } },
  });
}

/** Contacts by email, phone (E.164) or external id: exact matches, in this workspace only. */
export async function searchContacts(workspaceId: string, query: string) {
  const q = query.trim();
  if (!q) return [];
  return db().contact.findMany({
    where: { workspaceId, erasedAt: null, OR: [{ email: q.toLowerCase() }, { phone: q }, { externalId: q }, { whatsappId: q.replace(/^\+/, "") }] },
    take: 20,
    select: { id: true, email: true, phone: true, externalId: true, locale: true, createdAt: true },
  });
}

export async function findContact(workspaceId: string, contactId: string) {
  if (!isUuid(contactId)) return null;
  return db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    select: { id: true, email: true, phone: true, whatsappId: true, externalId: true, locale: true, createdAt: true },
  });
}

/**
 * A contact's whole consent history, newest first: what changed, when, how, from which message, and why;
 * its creation entry with the defaults it received, by channel and topic key.
 */
export async function contactTimeline(workspaceId: string, contactId: string) {
  const [entries, topics] = await Promise.all([
    db().consentEvent.findMany({
      where: { workspaceId, contactId },
      orderBy: { seq: "desc" },
      take: 500,
      select: {
        id: true,
        seq: true,
        createdAt: true,
        channel: true,
        action: true,
        source: true,
        previousStatus: true,
        newStatus: true,
        messageId: true,
        locale: true,
        ip: true,
        details: true,
        topic: { select: { key: true } },
        feedback: { select: { reason: true, comment: true } },
      },
    }),
    db().topic.findMany({ where: { workspaceId }, select: { id: true, key: true } }),
  ]);
  const keys = new Map(topics.map((topic) => [topic.id, topic.key]));
  const parsed = entries.map(({ details, ...entry }) => ({
    entry,
    details: parseStoredJson(storedConsentDetailsSchema, details, `the details of ledger entry ${entry.id}`) ?? {},
  }));
  const forms = await findFormVersions(
    workspaceId,
    parsed.flatMap(({ details }) => (details.form ? [details.form] : [])),
  );
  return parsed.map(({ entry, details: { defaults, form } }) => ({
    ...entry,
    defaults: defaults?.map((d) => (d.topic ? `${d.channel} / ${keys.get(d.topic) ?? d.topic}` : d.channel)) ?? null,
    /** The sign-up form and the version whose wording the person was shown. */
    form: form ? { id: form.id, version: form.version, name: forms.find((f) => f.formId === form.id)?.name ?? null } : null,
  }));
}

export type NewContact = {
  externalId?: string | null;
  email?: string | null;
  phone?: string | null;
  whatsappId?: string | null;
  locale?: string | null;
  timeZone?: string | null;
};

/** Creates a contact with its creation entry; `source` says how it arrived (an admin unless told). */
export async function createContact(workspaceId: string, input: NewContact, source: ConsentSource = "admin") {
  const fields = Object.fromEntries(Object.entries(input).filter(([, value]) => value != null)) as ContactFields;
  const id = await ledgerTransaction(workspaceId, (client) => insertContact(client, workspaceId, fields, source));
  return db().contact.findUniqueOrThrow({ where: { id } });
}

export type SignupAddresses = { email?: string; phone?: string; whatsappId?: string };

const ADDRESS_COLUMNS = {
  email: ["email", "email_hash", "emailHash"],
  phone: ["phone", "phone_hash", "phoneHash"],
  whatsappId: ["whatsapp_id", "whatsapp_hash", "whatsappHash"],
} as const;

/**
 * The contact of each address a public sign-up gives: the one that has it; an address nobody has goes
 * to a contact found for another of its addresses that has none of that kind, else to one new contact.
 * A form is open to anyone, so an address a contact already has is never changed, and what is found
 * is never told apart from what is created.
 */
export async function findOrCreateContactsByAddress(
  workspaceId: string,
  addresses: SignupAddresses,
  locale: string,
  source: ConsentSource,
): Promise<Partial<Record<keyof SignupAddresses, string>>> {
  const given = normalized(addresses) as SignupAddresses;
  const fields = (Object.keys(ADDRESS_COLUMNS) as (keyof SignupAddresses)[]).filter((field) => given[field]);
  const hashes = addressHashes(workspaceId, given);
  return ledgerTransaction(workspaceId, async (client) => {
    const found = new Map<keyof SignupAddresses, { id: string; email: string | null; phone: string | null; whatsapp_id: string | null }>();
    for (const field of fields) {
      const { rows } = await client.query<{ id: string; email: string | null; phone: string | null; whatsapp_id: string | null }>(
        `SELECT id, email, phone, whatsapp_id FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL AND ${ADDRESS_COLUMNS[field][0]} = $2
         ORDER BY created_at LIMIT 1 FOR UPDATE`,
        [workspaceId, given[field]],
      );
      if (rows[0]) found.set(field, rows[0]);
    }
    const ids: Partial<Record<keyof SignupAddresses, string>> = Object.fromEntries([...found].map(([field, row]) => [field, row.id]));
    const unclaimed: SignupAddresses = {};
    for (const field of fields.filter((f) => !found.has(f))) {
      const [column, hashColumn, hashField] = ADDRESS_COLUMNS[field];
      const host = [...found.values()].find((row) => row[column] === null);
      if (!host) {
        unclaimed[field] = given[field];
        continue;
      }
      await client.query(`UPDATE contacts SET ${column} = $2, ${hashColumn} = $3, updated_at = now() WHERE id = $1`, [
        host.id,
        given[field],
        hashes[hashField] ?? null,
      ]);
      host[column] = given[field]!;
      ids[field] = host.id;
    }
    if (Object.keys(unclaimed).length > 0) {
      const id = await insertContact(client, workspaceId, { ...unclaimed, locale }, source);
      for (const field of Object.keys(unclaimed) as (keyof SignupAddresses)[]) ids[field] = id;
    }
    return ids;
  });
}
