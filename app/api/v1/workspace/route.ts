import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { getEmbedSettings, getSendingSettings, updateEmbedSettings, updateSendingSettings } from "@/lib/admin/workspace-store";
import { workspaceSettingsSchema } from "@/lib/api/schemas/workspace";

export const dynamic = "force-dynamic";

/** GET /api/v1/workspace: the embed settings of the key's workspace, its time zone and its send limits. */
export const GET = apiRoute({ scope: "read" }, async ({ workspaceId }) =>
  noStoreJson({ ...(await getEmbedSettings(workspaceId)), ...(await getSendingSettings(workspaceId)) }),
);

/**
 * PATCH /api/v1/workspace: the origins allowed to embed the preference page, the brand it wears, the
 * time zone for contacts without one, frequency caps and quiet hours. The send limits are checked
 * (topics named must exist on their channel) before anything is written.
 */
export const PATCH = apiRoute({ scope: "write", body: workspaceSettingsSchema }, async ({ workspaceId, body: { timeZone, sendLimits, ...embed } }) => {
  const sending = await updateSendingSettings(workspaceId, { timeZone, sendLimits });
  return noStoreJson({ ...(await updateEmbedSettings(workspaceId, embed)), ...sending });
});
