import { apiRoute } from "@/lib/api/api-route";
import { streamRows } from "@/lib/api/row-stream";
import { streamQuerySchema } from "@/lib/api/schemas/streams";
import { suppressionsQuery } from "@/lib/contacts/sendability-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/suppressions?channel=&topic=&format=: everyone who must not be sent to, and why. */
export const GET = apiRoute({ scope: "read", query: streamQuerySchema }, async ({ workspaceId, request, query }) =>
  streamRows(await suppressionsQuery(workspaceId, query.channel, query.topic), {
    filename: "suppressions",
    format: query.format,
    accept: request.headers.get("accept"),
  }),
);
