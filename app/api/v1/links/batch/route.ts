import { consumeItemBudget } from "@/lib/api/api-key-auth";
import { apiRoute } from "@/lib/api/api-route";
import { linkBatchRequestSchema } from "@/lib/api/schemas/links";
import { checkLinkBatchScope, mintLinkBatch } from "@/lib/links/message-links";

export const dynamic = "force-dynamic";

const NDJSON = /\bapplication\/x-ndjson\b/i;

/**
 * POST /api/v1/links/batch: the links and List-Unsubscribe headers for one message to each of up to
 * 10,000 contacts, in the order given; one item of the key's item budget per contact, spent once the
 * channel and the topic are known to be right. As one JSON object, or one entry per line when the
 * Accept header asks for NDJSON.
 */
export const POST = apiRoute(
  { scope: "write", body: linkBatchRequestSchema, replays: false },
  async ({ workspaceId, key, request, body: { contactIds, ...message } }) => {
    await checkLinkBatchScope(workspaceId, message.channel, message.topic);
    await consumeItemBudget(key, contactIds.length);
    const links = await mintLinkBatch({ workspaceId, ...message, contactIds });
    const headers = { "Cache-Control": "no-store" };
    if (NDJSON.test(request.headers.get("accept") ?? "")) {
      let text = "";
      for (const entry of links) text += `${JSON.stringify(entry)}\n`;
      return new Response(text, { headers: { ...headers, "Content-Type": "application/x-ndjson; charset=utf-8" } });
    }
    return Response.json({ links }, { headers });
  },
);
