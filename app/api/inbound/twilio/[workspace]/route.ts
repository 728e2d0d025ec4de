import { apiError, errorResponse } from "@/lib/api/respond";
import { findInboundSettings } from "@/lib/inbound/inbound-store";
import { env } from "@/lib/platform/env";
import { answerInboundMessage } from "@/lib/inbound/answer";
import { escapeMarkup } from "@/lib/platform/markup";
import { isValidTwilioSignature } from "@/lib/inbound/twilio-signature";
import { isStorableText } from "@/lib/platform/storable-values";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";

export const dynamic = "force-dynamic";

const E164 = /^\+[1-9]\d{6,14}$/;
// Twilio's are 34 characters; WhatsApp message ids get the same room.
const MAX_MESSAGE_SID = 256;

/**
 * POST /api/inbound/twilio/{workspace}: Twilio's incoming-SMS webhook (form-encoded From, To, Body, ...).
 * Signed by Twilio with the workspace's auth token over the public URL; answered in TwiML.
 */
export async function POST(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  try {
    const settings = await findInboundSettings((await params).workspace);
    if (!settings?.twilioAuthToken) return apiError(404, "not_found", "No SMS webhook is set up at this address.");
    const form = new URLSearchParams(await readBodyText(request, BODY_LIMITS.sms));
    const url = new URL(request.url);
    // Twilio signs the URL it was given, which is the public one, not the one a proxy forwards to.
    if (!isValidTwilioSignature(settings.twilioAuthToken, `${env().APP_URL}${url.pathname}${url.search}`, form, request.headers.get("x-twilio-signature"))) {
      return apiError(403, "invalid_signature", "The X-Twilio-Signature does not match this request.");
    }
    const from = form.get("From");
    const body = form.get("Body");
    if (!from || !E164.test(from)) return apiError(400, "invalid_request", "From: must be a phone number in E.164 form, such as +14155550100.");
    if (body === null) return apiError(400, "invalid_request", "Body: is missing.");
    const messageSid = form.get("MessageSid");
    // It goes into the ledger and the processed-message ids, and PostgreSQL's text refuses NUL.
    if (messageSid !== null && (messageSid.length > MAX_MESSAGE_SID || !isStorableText(messageSid))) {
      return apiError(400, "invalid_request", `MessageSid: must be at most ${MAX_MESSAGE_SID} characters, without the NUL character (U+0000).`);
    }
    const reply = await answerInboundMessage(settings, "sms", from, [body], messageSid, form.get("To"));
    const twiml = reply ? `<Response><Message>${escapeMarkup(reply)}</Message></Response>` : "<Response/>";
    return new Response(`<?xml version="1.0" encoding="UTF-8"?>${twiml}`, {
      headers: { "Content-Type": "text/xml; charset=utf-8", "Cache-Control": "no-store" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
