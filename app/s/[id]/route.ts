import { resolveShortLink } from "@/lib/links/message-links";

export const dynamic = "force-dynamic";

/** A short link from an SMS or WhatsApp message: resolves to a signed token with the same claims. Reads only. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const path = await resolveShortLink(id);
  const headers = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" };
  if (!path) {
    return new Response("This link is no longer valid.", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  }
  return new Response(null, { status: 303, headers: { ...headers, Location: path } });
}
