import "server-only";
import { db } from "@/lib/db";
import { UserFacingError } from "@/lib/errors";
import { addressHashes } from "@/lib/suppression";

export type ContactFields = { externalId?: string; email?: string; phone?: string; whatsappId?: string; locale?: string };

const PUBLIC_FIELDS = { id: true, externalId: true, email: true, phone: true, whatsappId: true, locale: true, createdAt: true, updatedAt: true } as const;

/**
 * Finds the contact by external id, else email, else phone, else WhatsApp id, and updates it with the
 * fields given; or creates it. An address that already belongs to another contact is a 409.
 */
export async function upsertContact(workspaceId: string, fields: ContactFields): Promise<{ id: string; created: boolean }> {
  const email = fields.email?.trim().toLowerCase();
  const match = [
    fields.externalId && { externalId: fields.externalId },
    email && { email },
    fields.phone && { phone: fields.phone },
    fields.whatsappId && { whatsappId: fields.whatsappId },
  ].find(Boolean) as Record<string, string> | undefined;
  const existing = match ? await db().contact.findFirst({ where: { workspaceId, erasedAt: null, ...match }, select: { id: true } }) : null;
  const addresses = { email, phone: fields.phone, whatsappId: fields.whatsappId };
  const data = { externalId: fields.externalId, ...addresses, ...addressHashes(addresses), locale: fields.locale };
  try {
    if (existing) {
      await db().contact.update({ where: { id: existing.id }, data });
      return { id: existing.id, created: false };
    }
    const created = await db().contact.create({ data: { workspaceId, ...data } });
    return { id: created.id, created: true };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
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
