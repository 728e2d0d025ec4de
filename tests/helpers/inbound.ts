import { createHmac, randomBytes } from "node:crypto";
import { POST as TWILIO } from "@/app/api/inbound/twilio/[workspace]/route";
import { POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { env } from "@/lib/platform/env";
import { INBOUND_SECRETS } from "@/tests/helpers/fixtures";

// Inbound SMS and WhatsApp webhooks exactly as Twilio and Meta send them, signed with the workspace's
// INBOUND_SECRETS (or not), straight to the route handlers.

const { twilioAuthToken: TWILIO_TOKEN, whatsappAppSecret: APP_SECRET } = INBOUND_SECRETS;

/** A POST exactly as Twilio sends an incoming SMS, signed as Twilio signs it (or not). */
export function signedSms(workspaceId: string, from: string, text: string, options: { signature?: string; messageSid?: string; to?: string } = {}) {
  const form = {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: `SM${randomBytes(16).toString("hex")}`,
    NumMedia: "0",
    ToCity: "SAN FRANCISCO",
    FromZip: "94105",
    SmsSid: `SM${randomBytes(16).toString("hex")}`,
    FromState: "CA",
    SmsStatus: "received",
    FromCity: "SAN FRANCISCO",
    Body: text,
    FromCountry: "US",
    To: options.to ?? "+14155238886",
    ToZip: "94105",
    NumSegments: "1",
    MessageSid: options.messageSid ?? `SM${randomBytes(16).toString("hex")}`,
    AccountSid: `AC${randomBytes(16).toString("hex")}`,
    From: from,
    ApiVersion: "2010-04-01",
  };
  const path = `/api/inbound/twilio/${workspaceId}`;
  const signature = options.signature ?? twilioSignature(TWILIO_TOKEN, `${env().APP_URL}${path}`, form);
  return TWILIO(
    new Request(`http://internal:3000${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature, "user-agent": "TwilioProxy/1.1" },
      body: new URLSearchParams(form).toString(),
    }),
    { params: Promise.resolve({ workspace: workspaceId }) },
  );
}

/** The text of a TwiML answer's <Message>, entities decoded; null for an empty <Response/>. */
export const twimlMessage = async (response: Response) =>
  /<Message>([^<]*)<\/Message>/.exec(await response.text())?.[1]?.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))) ?? null;

/** A POST exactly as the WhatsApp Cloud API sends an incoming message, signed with the app secret. */
export function signedWhatsApp(workspaceId: string, message: Record<string, unknown>, options: { secret?: string; raw?: string; phoneNumberId?: string } = {}) {
  const body =
    options.raw ??
    JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: options.phoneNumberId ?? "106540352242922" },
                contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: message.from }],
                messages: [{ id: `wamid.${randomBytes(12).toString("hex")}`, timestamp: "1749416383", ...message }],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
  const signature = `sha256=${createHmac("sha256", options.secret ?? APP_SECRET)
    .update(body)
    .digest("hex")}`;
  return WHATSAPP(
    new Request(`http://test/api/inbound/whatsapp/${workspaceId}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signature },
      body,
    }),
    {
      params: Promise.resolve({ workspace: workspaceId }),
    },
  );
}
