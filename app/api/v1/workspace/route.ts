import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { getEmbedSettings, updateEmbedSettings } from "@/lib/admin/workspace-store";
import { embedSettingsSchema } from "@/lib/pages/branding";

export const dynamic = "force-dynamic";

/** GET /api/v1/workspace: the embed settings of the key's workspace. */
export const GET = apiRoute({ scope: "read" }, async ({ workspaceId }) => noStoreJson(await getEmbedSettings(workspaceId)));

/** PATCH /api/v1/workspace: the origins allowed to embed the preference page, and the brand it wears. */
export const PATCH = apiRoute({ scope: "write", body: embedSettingsSchema }, async ({ workspaceId, body }) =>
  noStoreJson(await updateEmbedSettings(workspaceId, body)),
);
