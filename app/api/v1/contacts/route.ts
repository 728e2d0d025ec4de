import { apiEvidence } from "@/lib/consent/evidence";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { apiRoute, jsonRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { findContactById, listContacts, upsertContact } from "@/lib/contacts/contact-store";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { contactListQuerySchema, contactUpsertSchema } from "@/lib/api/schemas/contacts";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/contacts: creates or updates a contact (matched by external id, then email, phone,
 * WhatsApp id) and records the subscriptions given, with their consent evidence, in the ledger.
 */
export function POST(request: Request) {
  return jsonRoute(request, "write", contactUpsertSchema, async (workspaceId, { subscriptions = [], evidence, ...fields }) => {
    const changes = subscriptions.map((s) => ({ kind: "subscription" as const, channel: s.channel, topicKey: s.topic, status: s.status }));
    const { id, created } = await upsertContact(workspaceId, fields, changes, apiEvidence(evidence));
    const [contact, state] = await Promise.all([findContactById(workspaceId, id), getContactPreferences(workspaceId, id)]);
    return noStoreJson({ ...contact, preferences: preferencesDocument(state!) }, created ? 201 : 200);
  });
}

/** GET /api/v1/contacts?cursor=&limit=: every contact, a page at a time. */
export function GET(request: Request) {
  return apiRoute(request, "read", async (workspaceId) => {
    const { cursor, limit } = contactListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return noStoreJson(await listContacts(workspaceId, cursor, limit));
  });
}
