import { streamRoute } from "@/lib/api/row-stream";
import { suppressionsQuery } from "@/lib/contacts/sendability-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/suppressions?channel=&topic=&format=: everyone who must not be sent to, and why. */
export function GET(request: Request) {
  return streamRoute(request, "suppressions", suppressionsQuery);
}
