import "server-only";
import { apiError, errorResponse, noStoreJson, parseJsonObject, validationError } from "@/lib/api/respond";
import { genericDeliverySchema, genericReports, parseResendEvent } from "@/lib/inbound/delivery-schema";
import { recordDeliveryReports, type DeliveryProvider } from "@/lib/inbound/delivery-store";
import type { DeliveryReport } from "@/lib/inbound/delivery-policy";
import { findInboundSettings } from "@/lib/inbound/inbound-store";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { isStorableText } from "@/lib/platform/storable-values";
import { verifyWebhook } from "@/lib/webhooks/standard-webhooks";

const MAX_WEBHOOK_ID = 256;

type Parsed = { reports: DeliveryReport[] } | { ignored: string } | { invalid: Response };

const PARSERS: Record<DeliveryProvider, (body: Record<string, unknown>) => Parsed> = {
  resend: (body) => {
    const parsed = parseResendEvent(body);
    if (!parsed.ok) return { invalid: validationError(parsed.error) };
    return "ignored" in parsed ? { ignored: parsed.ignored } : { reports: parsed.reports };
  },
  generic: (body) => {
    const parsed = genericDeliverySchema.safeParse(body);
    return parsed.success ? { reports: genericReports(parsed.data) } : { invalid: validationError(parsed.error) };
  },
};

/**
 * A delivery-event webhook of one workspace: Resend's (Svix: svix-id, svix-timestamp, svix-signature)
 * or the generic format (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature; the two
 * schemes are the same, so either set of headers is taken by both). The signature, with the workspace's
 * own secret and within 5 minutes, is checked before anything is read from the body; the webhook id is
 * what makes a replay change nothing. Answers `{ results: [{ outcome }] }`, one per address in order.
 */
export async function answerDeliveryWebhook(request: Request, workspaceId: string, provider: DeliveryProvider): Promise<Response> {
  try {
    const settings = await findInboundSettings(workspaceId);
    const secret = provider === "resend" ? settings?.resendWebhookSecret : settings?.deliveryWebhookSecret;
    if (!settings || !secret) return apiError(404, "not_found", "No delivery-event webhook is set up at this address.");
    const raw = await readBodyText(request, BODY_LIMITS.deliveryEvents);
    const header = (name: string) => request.headers.get(`webhook-${name}`) ?? request.headers.get(`svix-${name}`);
    const webhookId = header("id");
    if (!verifyWebhook(secret, { id: webhookId, timestamp: header("timestamp"), signature: header("signature") }, raw) || !webhookId) {
      return apiError(
        401,
        "invalid_signature",
        "The webhook signature does not match this body with this workspace's secret, or its timestamp is more than 5 minutes off.",
      );
    }
    if (webhookId.length > MAX_WEBHOOK_ID || !isStorableText(webhookId)) {
      return apiError(400, "invalid_request", `The webhook id must be at most ${MAX_WEBHOOK_ID} characters, without the NUL character.`);
    }
    const parsed = PARSERS[provider](parseJsonObject(request.headers.get("content-type"), raw));
    if ("invalid" in parsed) return parsed.invalid;
    // Another event type the webhook is subscribed to: nothing to do, and not worth the sender's retries.
    if ("ignored" in parsed) return noStoreJson({ results: [], ignored: parsed.ignored });
    const outcomes = await recordDeliveryReports(settings, provider, webhookId, parsed.reports);
    return noStoreJson({ results: outcomes.map((outcome) => ({ outcome })) });
  } catch (error) {
    return errorResponse(error);
  }
}
