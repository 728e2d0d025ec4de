import { streamRoute } from "@/lib/api/row-stream";
import { audienceQuery } from "@/lib/contacts/sendability-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/audience?channel=&topic=&format=: everyone who may be sent to now, with the address to use. */
export function GET(request: Request) {
  return streamRoute(request, "audience", audienceQuery);
}
