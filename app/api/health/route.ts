import { isDatabaseUp } from "@/lib/platform/health-store";

export const dynamic = "force-dynamic";

export async function GET() {
  if (await isDatabaseUp()) {
    return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  }
  return Response.json(
    { status: "unavailable", error: { code: "database_unavailable", message: "The database does not answer." } },
    { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
  );
}
