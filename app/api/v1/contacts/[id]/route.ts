import { contactNotFound, contactRoute } from "@/lib/api/contact-route";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { noStoreJson } from "@/lib/api/respond";
import { findContactById } from "@/lib/contacts/contact-store";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { getContactPreferences } from "@/lib/consent/preference-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** GET /api/v1/contacts/{id}: the contact and its preferences. */
export function GET(request: Request, context: Context) {
  return contactRoute(request, context, "read", async (workspaceId, id) => {
    const [contact, state] = await Promise.all([findContactById(workspaceId, id), getContactPreferences(workspaceId, id)]);
    if (!contact || !state) return contactNotFound();
    return noStoreJson({ ...contact, preferences: preferencesDocument(state) });
  });
}

/** DELETE /api/v1/contacts/{id}: erases the person; their addresses stay suppressed. */
export function DELETE(request: Request, context: Context) {
  return contactRoute(request, context, "write", async (workspaceId, id) => {
    await eraseContact(workspaceId, id);
    return new Response(null, { status: 204 });
  });
}
