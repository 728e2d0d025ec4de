import { apiError, errorResponse, parseJsonObject, validationError } from "@/lib/api/respond";
import { applyWhatsAppMarketingPreference, findInboundSettings, type InboundSettings } from "@/lib/inbound/inbound-store";
import { env } from "@/lib/platform/env";
import { answerInboundMessage } from "@/lib/inbound/answer";
import { isValidMetaSignature } from "@/lib/inbound/meta-signature";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { safeEqualText } from "@/lib/platform/safe-equal";
import { marketingPreferenceSignals, messageWords, whatsappWebhookSchema } from "@/lib/inbound/whatsapp-schema";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ workspace: string }> };

/** GET: Meta's subscription handshake; the challenge comes back only for the workspace's verify token. */
export async function GET(request: Request, { params }: Params) {
  try {
    const settings = await findInboundSettings((await params).workspace);
    if (!settings?.whatsappVerifyToken) return apiError(404, "not_found", "No WhatsApp webhook is set up at this address.");
    const query = new URL(request.url).searchParams;
    const challenge = query.get("hub.challenge");
    if (query.get("hub.mode") !== "subscribe" || !challenge || !safeEqualText(query.get("hub.verify_token") ?? "", settings.whatsappVerifyToken)) {
      return apiError(403, "verification_failed", "hub.mode must be subscribe and hub.verify_token this webhook's verify token.");
    }
    return new Response(challenge, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * POST: incoming messages, signed with the app secret (X-Hub-Signature-256). A keyword, typed or from a
 * quick-reply button, acts on WhatsApp only; the confirmation goes back through the Cloud API. A person
 * stopping or resuming marketing messages in WhatsApp itself (`user_preferences`), or a marketing message
 * refused for that (status error 131050), switches every marketing topic on WhatsApp off or on. A change
 * for a phone number id other than the workspace's is ignored (200, nothing changed).
 */
export async function POST(request: Request, { params }: Params) {
  try {
    const settings = await findInboundSettings((await params).workspace);
    if (!settings?.whatsappAppSecret) return apiError(404, "not_found", "No WhatsApp webhook is set up at this address.");
    const raw = await readBodyText(request, BODY_LIMITS.whatsapp);
    if (!isValidMetaSignature(settings.whatsappAppSecret, raw, request.headers.get("x-hub-signature-256"))) {
      return apiError(403, "invalid_signature", "The X-Hub-Signature-256 does not match this body.");
    }
    const parsed = whatsappWebhookSchema.safeParse(parseJsonObject(request.headers.get("content-type"), raw));
    if (!parsed.success) return validationError(parsed.error);
    for (const change of parsed.data.entry.flatMap((entry) => entry.changes)) {
      // One Meta app (one app secret) can serve several businesses' numbers: act only on this workspace's.
      if (settings.whatsappPhoneNumberId && change.value.metadata?.phone_number_id !== settings.whatsappPhoneNumberId) continue;
      for (const message of change.value.messages ?? []) {
        const reply = await answerInboundMessage(settings, "whatsapp", message.from, messageWords(message), message.id);
        if (reply) await sendReply(settings, change.value.metadata?.phone_number_id, message.from, reply);
      }
      for (const signal of marketingPreferenceSignals(change.value)) await applyWhatsAppMarketingPreference(settings, signal);
    }
    return Response.json({ received: true }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

/** The confirmation, through the Cloud API's messages endpoint. The change is already made: a failed reply is logged, not retried. */
async function sendReply(settings: InboundSettings, payloadPhoneNumberId: string | undefined, to: string, text: string) {
  const phoneNumberId = settings.whatsappPhoneNumberId ?? payloadPhoneNumberId;
  if (!settings.whatsappAccessToken || !phoneNumberId) return;
  try {
    const response = await fetch(`${env().WHATSAPP_API_BASE_URL}/${encodeURIComponent(phoneNumberId)}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${settings.whatsappAccessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { body: text } }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) console.warn(`whatsapp reply: the Cloud API answered ${response.status}`);
  } catch (error) {
    console.warn(`whatsapp reply: ${(error as Error).message}`);
  }
}
