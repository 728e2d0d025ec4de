import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { apiEvidence } from "@/lib/api/evidence";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { jsonRoute, noStoreJson } from "@/lib/api/json-route";
import { errorResponse, validationError } from "@/lib/api/respond";
import { findContactById, listContacts, upsertContact } from "@/lib/data/contacts";
import { getContactPreferences } from "@/lib/data/preferences";
import { contactUpsertSchema } from "@/lib/schemas/contacts";

export const dynamic = "force-dynamic";

const listQuerySchema = z.object({
  cursor: z.uuid({ error: "must be the nextCursor of the previous page" }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

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
export async function GET(request: Request) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const query = listQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) return validationError(query.error);
    return Response.json(await listContacts(workspaceId, query.data.cursor, query.data.limit), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
