import { z } from "zod";
import { isWebhookSecret } from "@/lib/webhooks/standard-webhooks";

// The credentials a workspace gives us for its inbound channels and the Resend sync. A blank field keeps
// what is stored (secrets are never shown back); "clear" removes it.

const secret = (what: string) =>
  z
    .string()
    .trim()
    .max(512, `${what} is too long`)
    .regex(/^[\x21-\x7e]*$/, `${what} must be printable characters without spaces`);

export const INTEGRATION_FIELDS = {
  twilioAuthToken: secret("the Twilio auth token"),
  twilioAccountSid: z
    .string()
    .trim()
    .regex(/^(AC[0-9a-f]{32})?$/, "the Twilio account SID is AC followed by 32 hexadecimal digits"),
  twilioSender: z
    .string()
    .trim()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-f]{32})?$/, "the Twilio sender is a phone number in E.164 form (+14155550100) or a Messaging Service SID (MG…)"),
  whatsappAppSecret: secret("the WhatsApp app secret"),
  whatsappVerifyToken: secret("the WhatsApp verify token"),
  whatsappAccessToken: secret("the WhatsApp access token"),
  whatsappPhoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{0,32}$/, "the WhatsApp phone number id is digits"),
  whatsappDisplayNumber: z
    .string()
    .trim()
    .regex(/^(\+[1-9]\d{6,14})?$/, "the WhatsApp business number is a phone number in E.164 form (+14155550100)"),
  resendWebhookSecret: secret("the Resend webhook signing secret").refine((value) => !value || isWebhookSecret(value), {
    message: "the Resend webhook signing secret is whsec_ followed by base64, as Resend shows it",
  }),
  deliveryWebhookSecret: secret("the delivery-event secret").refine((value) => !value || isWebhookSecret(value), {
    message: "the delivery-event secret is whsec_ followed by base64 of 24 to 64 random bytes",
  }),
  resendApiKey: secret("the Resend API key").regex(/^(re_\S+)?$/, "the Resend API key starts with re_"),
  resendAudienceId: z
    .string()
    .trim()
    .regex(/^([0-9a-f-]{36})?$/i, "the Resend audience id is a UUID"),
} as const;

export type IntegrationField = keyof typeof INTEGRATION_FIELDS;

export const integrationsFormSchema = z.object(INTEGRATION_FIELDS);
