import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { apiError, errorResponse } from "@/lib/api/respond";
import { applyPreferenceChanges, getContactPreferences, type PreferenceChange } from "@/lib/data/preferences";
import { readJsonObject, validationError } from "@/lib/api/respond";
import { preferencesPatchSchema, type PreferencesPatch } from "@/lib/schemas/preferences-api";
import { apiEvidence } from "@/lib/api/evidence";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/preferences: every enabled channel's switch and every topic's status. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    const state = await getContactPreferences(workspaceId, id);
    if (!state) return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
    return Response.json(preferencesDocument(state), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

function toChange(change: PreferencesPatch["changes"][number]): PreferenceChange {
  const expectedVersion = change.version;
  if ("status" in change) return { kind: "subscription", channel: change.channel, topicKey: change.topic, status: change.status, expectedVersion };
  if ("frequency" in change) return { kind: "frequency", channel: change.channel, frequency: change.frequency, expectedVersion };
  return { kind: "pause", channel: change.channel, pausedUntil: change.pausedUntil ? new Date(change.pausedUntil) : null, expectedVersion };
}

/**
 * PATCH /api/v1/contacts/{id}/preferences: changes, each with the version read (a stale one answers
 * 409 and changes nothing), and the consent evidence. All or nothing; one ledger entry per change.
 */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "write");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    const parsed = preferencesPatchSchema.safeParse(await readJsonObject(request));
    if (!parsed.success) return validationError(parsed.error);
    const { changes, evidence = {} } = parsed.data;
    const results = await applyPreferenceChanges(workspaceId, id, changes.map(toChange), apiEvidence(evidence));
    const state = await getContactPreferences(workspaceId, id);
    return Response.json(
      { ...preferencesDocument(state!), results: results.map(({ changed, version }) => ({ changed, version })) },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return errorResponse(error);
  }
}
