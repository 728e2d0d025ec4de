import { apiRoute } from "@/lib/api/api-route";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { contactNotFound, noStoreJson } from "@/lib/api/respond";
import { contactPathSchema } from "@/lib/api/schemas/contacts";
import { findContactById } from "@/lib/contacts/contact-store";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { getContactPreferences } from "@/lib/consent/preference-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}: the contact and its preferences. */
export const GET = apiRoute({ scope: "read", params: contactPathSchema }, async ({ workspaceId, params: { id } }) => {
  const [contact, state] = await Promise.all([findContactById(workspaceId, id), getContactPreferences(workspaceId, id)]);
  if (!contact || !state) return contactNotFound();
  return noStoreJson({ ...contact, preferences: preferencesDocument(state) });
});

/** DELETE /api/v1/contacts/{id}: erases the person; their addresses stay suppressed. */
export const DELETE = apiRoute({ scope: "write", params: contactPathSchema }, async ({ workspaceId, params: { id } }) => {
  await eraseContact(workspaceId, id);
  return new Response(null, { status: 204 });
});
