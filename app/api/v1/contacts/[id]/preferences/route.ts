import { apiRoute } from "@/lib/api/api-route";
import { apiEvidence } from "@/lib/consent/evidence";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { contactNotFound, noStoreJson } from "@/lib/api/respond";
import { contactPathSchema } from "@/lib/api/schemas/contacts";
import { applyPreferenceChanges, getContactPreferences, type PreferenceChange } from "@/lib/consent/preference-store";
import { preferencesPatchSchema, type PreferencesPatch } from "@/lib/api/schemas/preferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/preferences: every enabled channel's switch and every topic's status. */
export const GET = apiRoute({ scope: "read", params: contactPathSchema }, async ({ workspaceId, params: { id } }) => {
  const state = await getContactPreferences(workspaceId, id);
  if (!state) return contactNotFound();
  return noStoreJson(preferencesDocument(state));
});

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
export const PATCH = apiRoute(
  { scope: "write", params: contactPathSchema, body: preferencesPatchSchema },
  async ({ workspaceId, params: { id }, body: { changes, evidence } }) => {
    const results = await applyPreferenceChanges(workspaceId, id, changes.map(toChange), apiEvidence(evidence));
    const state = await getContactPreferences(workspaceId, id);
    return noStoreJson({ ...preferencesDocument(state!), results: results.map(({ changed, version }) => ({ changed, version })) });
  },
);
