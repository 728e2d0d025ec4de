import { apiRoute } from "@/lib/api/api-route";
import { streamRows } from "@/lib/api/row-stream";
import { streamQuerySchema } from "@/lib/api/schemas/streams";
import { audienceQuery } from "@/lib/contacts/sendability-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/audience?channel=&topic=&format=: everyone who may be sent to now, with the address to use. */
export const GET = apiRoute({ scope: "read", query: streamQuerySchema }, async ({ workspaceId, request, query }) =>
  streamRows(await audienceQuery(workspaceId, query.channel, query.topic), {
    filename: "audience",
    format: query.format,
    accept: request.headers.get("accept"),
  }),
);
