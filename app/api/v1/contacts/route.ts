import { apiEvidence } from "@/lib/consent/evidence";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { findContactById, listContacts, upsertContact } from "@/lib/contacts/contact-store";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { contactListQuerySchema, contactUpsertSchema } from "@/lib/api/schemas/contacts";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/contacts: creates or updates a contact (matched by external id, then email, phone,
 * WhatsApp id) and records the subscriptions given, with their consent evidence, in the ledger.
 */
export const POST = apiRoute({ scope: "write", body: contactUpsertSchema }, async ({ workspaceId, body: { subscriptions = [], evidence, ...fields } }) => {
  const changes = subscriptions.map((s) => ({ kind: "subscription" as const, channel: s.channel, topicKey: s.topic, status: s.status }));
  const { id, created } = await upsertContact(workspaceId, fields, changes, apiEvidence(evidence));
  const [contact, state] = await Promise.all([findContactById(workspaceId, id), getContactPreferences(workspaceId, id)]);
  return noStoreJson({ ...contact, preferences: preferencesDocument(state!) }, created ? 201 : 200);
});

/** GET /api/v1/contacts?cursor=&limit=: every contact, a page at a time. */
export const GET = apiRoute({ scope: "read", query: contactListQuerySchema }, async ({ workspaceId, query: { cursor, limit } }) =>
  noStoreJson(await listContacts(workspaceId, cursor, limit)),
);
