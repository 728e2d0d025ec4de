import { apiError, errorResponse, parseJsonObject, validationError } from "@/lib/api/respond";
import { env } from "@/lib/platform/env";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { inboundEmailSchema } from "@/lib/inbound/inbound-email-schema";
import { InvalidTokenError } from "@/lib/links/tokens";
import { unsubscribeByLink } from "@/lib/links/unsubscribe";
import { verifyWebhook } from "@/lib/webhooks/standard-webhooks";

export const dynamic = "force-dynamic";

// A JWS: three base64url parts. The mailto of List-Unsubscribe carries one in the subject
// ("unsubscribe <token>"); a recipient address may carry one after a "+".
// Anchored on a non-token character before it, so a long run of token characters is scanned once.
const TOKEN_CANDIDATE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/g;

/**
 * POST /api/inbound/email: a reply to the `mailto:` of List-Unsubscribe (RFC 2369), as Resend's inbound
 * webhook (`email.received`) or a generic `{to, subject}`; signed with INBOUND_EMAIL_SECRET by the
 * Standard Webhooks scheme (Resend's svix-* headers or webhook-* ones). Opts out of exactly what the
 * token in the subject or recipient names.
 */
export async function POST(request: Request) {
  try {
    const secret = env().INBOUND_EMAIL_SECRET;
    if (!secret) return apiError(404, "not_found", "Inbound email is not set up (INBOUND_EMAIL_SECRET).");
    const raw = await readBodyText(request, BODY_LIMITS.inboundEmail);
    const header = (name: string) => request.headers.get(`webhook-${name}`) ?? request.headers.get(`svix-${name}`);
    if (!verifyWebhook(secret, { id: header("id"), timestamp: header("timestamp"), signature: header("signature") }, raw)) {
      return apiError(403, "invalid_signature", "The webhook signature does not match this body, or its timestamp is too old.");
    }
    const parsed = inboundEmailSchema.safeParse(parseJsonObject(request.headers.get("content-type"), raw));
    if (!parsed.success) return validationError(parsed.error);
    const { to, subject, messageId } = parsed.data;
    for (const candidate of [subject, ...to].flatMap((text) => text.match(TOKEN_CANDIDATE) ?? [])) {
      let claims;
      try {
        claims = await verifyLinkToken(candidate, ["unsubscribe"]);
      } catch (error) {
        if (error instanceof InvalidTokenError) continue;
        throw error;
      }
      await unsubscribeByLink(claims, { source: "mailto", details: messageId ? { emailMessageId: messageId } : undefined });
      return Response.json({ handled: true, channel: claims.channel, topic: claims.topic ?? null }, { headers: { "Cache-Control": "no-store" } });
    }
    // Well-formed mail without a valid link (a person writing to the address): nothing to do, and not
    // worth the provider's retries.
    return Response.json({ handled: false, reason: "no_valid_token" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
