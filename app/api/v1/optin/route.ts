import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { startChannelOptIn } from "@/lib/consent/channel-opt-in";
import { startDoubleOptIn } from "@/lib/consent/double-opt-in";
import { apiEvidence } from "@/lib/consent/evidence";
import { optinRequestSchema } from "@/lib/api/schemas/optin";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/optin: double opt-in by email (the default), SMS or WhatsApp; the topics stay pending
 * until the person confirms. 202 when a confirmation went out (for WhatsApp: with the `chatUrl` to
 * show), 200 `alreadySent` when one went out in the last 24 hours.
 */
export const POST = apiRoute({ scope: "write", body: optinRequestSchema }, async ({ workspaceId, body }) => {
  const { channel, contactId, topics, evidence, locale } = body;
  const started =
    channel === "email"
      ? await startDoubleOptIn(workspaceId, body)
      : await startChannelOptIn(workspaceId, { contactId, channel, topics, evidence: apiEvidence(evidence), locale });
  return noStoreJson(started, started.alreadySent ? 200 : 202);
});
