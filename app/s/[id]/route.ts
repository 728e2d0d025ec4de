import { findShortLink } from "@/lib/links/short-link-store";
import { preferencesPagePath, signLinkToken, unsubscribePagePath } from "@/lib/links/message-links";

export const dynamic = "force-dynamic";

/** A short link from an SMS or WhatsApp message: resolves to a signed token with the same claims. Reads only. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const link = await findShortLink(id);
  const headers = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" };
  if (!link || link.purpose === "confirm") {
    return new Response("This link is no longer valid.", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  }
  const token = await signLinkToken({
    workspaceId: link.workspaceId,
    contactId: link.contactId,
    channel: link.channel,
    topic: link.topicKey ?? undefined,
    messageId: link.messageId ?? undefined,
    purpose: link.purpose,
    tokenId: link.tokenId,
    // Issued when the message was sent: opening an old message must not give it a fresh lifetime.
    now: link.createdAt,
  });
  const path = link.purpose === "unsubscribe" ? unsubscribePagePath(token) : preferencesPagePath(token);
  return new Response(null, { status: 303, headers: { ...headers, Location: path } });
}
