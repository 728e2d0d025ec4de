import "server-only";
import { env } from "@/lib/platform/env";

// Text messages the service sends itself (SMS opt-in confirmations), through the workspace's own Twilio
// account: Twilio's Messages resource, form-encoded, HTTP Basic with the account SID and auth token.
// https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource

const TWILIO_API = "https://api.twilio.com";
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;

export type TwilioAccount = { accountSid: string; authToken: string; /** A number in E.164, or a Messaging Service SID (MG…). */ sender: string };

export class SmsNotSentError extends Error {
  override name = "SmsNotSentError";
}

/** Sends through Twilio (or the stand-in TWILIO_BASE_URL names); throws SmsNotSentError when it refuses or cannot be reached. Returns the message SID. */
export async function sendSms(account: TwilioAccount, to: string, body: string): Promise<string> {
  const form = new URLSearchParams({ To: to, Body: body });
  form.set(MESSAGING_SERVICE_SID.test(account.sender) ? "MessagingServiceSid" : "From", account.sender);
  const url = `${env().TWILIO_BASE_URL ?? TWILIO_API}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
      signal: AbortSignal.timeout(env().WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new SmsNotSentError(`Twilio could not be reached: ${(error as Error).message}`);
  }
  const answer: unknown = await response.json().catch(() => null);
  const field = (name: string) => (answer && typeof answer === "object" && name in answer ? String((answer as Record<string, unknown>)[name]) : null);
  // Twilio's message may quote the number, which stays out of the logs; its error code says enough.
  if (!response.ok) throw new SmsNotSentError(`Twilio refused the message (${response.status}, error code ${field("code") ?? "none"})`);
  return field("sid") ?? "";
}
