import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileName, readJsonFiles, storeJson } from "@/lib/platform/dev/mail-stub";

// A stand-in for Twilio's Messages API and the WhatsApp Cloud API's messages endpoint, for demo mode
// and the tests (TWILIO_BASE_URL, WHATSAPP_API_BASE_URL): it checks what the real ones check first (the
// credentials' form, the required parameters), keeps each message as a JSON file in <dir>/sms or
// <dir>/whatsapp, and answers in the providers' own JSON shapes.

export type StoredSms = {
  sid: string;
  accountSid: string;
  /** The user name and password of the request's HTTP Basic authorization. */
  auth: { user: string; password: string };
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  createdAt: string;
};

export type StoredWhatsApp = { id: string; phoneNumberId: string; authorization: string; to: string; text: string; createdAt: string };

export type MessagingStub = {
  url: string;
  /** What to set WHATSAPP_API_BASE_URL to: the stub with a Graph API version in the path, as the real one has. */
  whatsappBaseUrl: string;
  dir: string;
  smsMessages: () => Promise<StoredSms[]>;
  whatsappMessages: () => Promise<StoredWhatsApp[]>;
  stop: () => Promise<void>;
};

/** Twilio's magic test number for a "To" it refuses as invalid (error 21211), as its test credentials do. */
export const INVALID_TO_NUMBER = "+15005550001";

const TWILIO_MESSAGES = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/;
const CLOUD_API_MESSAGES = /^\/v\d+\.\d+\/(\d+)\/messages$/;

type Answer = { status: number; body: unknown };

/** Twilio's error body: https://www.twilio.com/docs/api/errors */
const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 ? { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

async function twilioMessage(dir: string, accountSid: string, request: http.IncomingMessage, raw: string): Promise<Answer> {
  const auth = basicCredentials(request.headers.authorization);
  if (!auth || auth.user !== accountSid || !auth.password) return twilioError(401, 20003, "Authenticate");
  if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    return twilioError(400, 20001, "The request body must be form-encoded.");
  }
  const form = new URLSearchParams(raw);
  const to = form.get("To");
  const body = form.get("Body");
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (to === INVALID_TO_NUMBER) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!form.get("From") && !form.get("MessagingServiceSid")) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!body) return twilioError(400, 21602, "Message body is required.");
  const sms: StoredSms = {
    sid: `SM${randomBytes(16).toString("hex")}`,
    accountSid,
    auth,
    to,
    from: form.get("From"),
    messagingServiceSid: form.get("MessagingServiceSid"),
    body,
    createdAt: new Date().toISOString(),
  };
  await storeJson(path.join(dir, "sms"), fileName(sms.createdAt, sms.sid), sms);
  return {
    status: 201,
    body: {
      sid: sms.sid,
      account_sid: accountSid,
      to: sms.to,
      from: sms.from,
      messaging_service_sid: sms.messagingServiceSid,
      body: sms.body,
      status: "queued",
      direction: "outbound-api",
      num_segments: "1",
      api_version: "2010-04-01",
      date_created: new Date(sms.createdAt).toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sms.sid}.json`,
    },
  };
}

async function cloudApiMessage(dir: string, phoneNumberId: string, request: http.IncomingMessage, raw: string): Promise<Answer> {
  const authorization = request.headers.authorization ?? "";
  const metaError = (status: number, message: string) => ({ status, body: { error: { message, type: "OAuthException", code: status === 401 ? 190 : 100 } } });
  if (!/^Bearer \S+$/.test(authorization)) return metaError(401, "Invalid OAuth access token.");
  let payload: { messaging_product?: unknown; to?: unknown; type?: unknown; text?: { body?: unknown } };
  try {
    payload = JSON.parse(raw);
  } catch {
    return metaError(400, "The request body must be JSON.");
  }
  if (payload.messaging_product !== "whatsapp" || typeof payload.to !== "string" || payload.type !== "text" || typeof payload.text?.body !== "string") {
    return metaError(400, "messaging_product, to, type text and text.body are required.");
  }
  const message: StoredWhatsApp = {
    id: `wamid.${randomBytes(16).toString("hex")}`,
    phoneNumberId,
    authorization,
    to: payload.to,
    text: payload.text.body,
    createdAt: new Date().toISOString(),
  };
  await storeJson(path.join(dir, "whatsapp"), fileName(message.createdAt, message.id), message);
  return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id: message.id }] } };
}

export async function startMessagingStub(dir: string): Promise<MessagingStub> {
  await mkdir(path.join(dir, "sms"), { recursive: true });
  await mkdir(path.join(dir, "whatsapp"), { recursive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = request.url ?? "";
      const twilio = TWILIO_MESSAGES.exec(url);
      const cloudApi = CLOUD_API_MESSAGES.exec(url);
      const answer: Answer =
        request.method !== "POST"
          ? twilioError(405, 20004, "Method not allowed")
          : twilio
            ? await twilioMessage(dir, twilio[1], request, raw)
            : cloudApi
              ? await cloudApiMessage(dir, cloudApi[1], request, raw)
              : twilioError(404, 20404, "Only Twilio's Messages.json and the Cloud API's /{phone-number-id}/messages are stubbed.");
      response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    whatsappBaseUrl: `${url}/v21.0`,
    dir,
    smsMessages: () => readJsonFiles<StoredSms>(path.join(dir, "sms")),
    whatsappMessages: () => readJsonFiles<StoredWhatsApp>(path.join(dir, "whatsapp")),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
