import { beforeAll, describe, expect, it } from "vitest";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { POST as TWILIO } from "@/app/api/inbound/twilio/[workspace]/route";
import { POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { POST as ONE_CLICK } from "@/app/api/unsubscribe/[token]/route";
import { PATCH as PREFERENCES } from "@/app/api/v1/contacts/[id]/preferences/route";
import { POST as LINKS } from "@/app/api/v1/links/route";
import { mintLinks } from "@/lib/links/message-links";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";
import { apiClient, bearer } from "@/tests/helpers/api-client";
import { withAppServer } from "@/tests/helpers/app-server";
import { ONE_CLICK_BODY, postOneClick } from "@/tests/helpers/one-click";
import { createTestApiKey, createTestWorkspace, INBOUND_SECRETS, type TestWorkspace } from "@/tests/helpers/fixtures";

// Every endpoint a stranger can post to refuses a body past its documented size with 413, before any
// signature check, and never holds more of it than the limit: a declared Content-Length past it is
// refused unread, and a chunked body is read only until it passes the limit.

const inboundEmailSecret = generateWebhookSecret();
process.env.INBOUND_EMAIL_SECRET = inboundEmailSecret;

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 16 * KiB;

/** A body of `total` bytes (of the letter a), or until `counter.stop`, that counts what the reader pulled from it. */
function countedBody(total: number) {
  const counter = { pulled: 0, stop: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total || counter.stop) return controller.close();
      const size = Math.min(CHUNK, total - counter.pulled);
      counter.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { stream, counter };
}

let shop: TestWorkspace;
let apiKey: string;
let oneClickToken: string;

beforeAll(async () => {
  shop = await createTestWorkspace({ integrations: INBOUND_SECRETS });
  ({ key: apiKey } = await createTestApiKey(shop.workspace.id));
  oneClickToken = (await mintLinks({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" })).oneClickUrl.split("/").pop()!;
});

type Endpoint = { name: string; limit: number; path: () => string; headers: () => Record<string, string>; call: (request: Request) => Promise<Response> };

const endpoints: Endpoint[] = [
  {
    name: "one-click unsubscribe",
    limit: 8 * KiB,
    path: () => `/api/unsubscribe/${oneClickToken}`,
    headers: () => ({ "content-type": "application/x-www-form-urlencoded" }),
    call: (r) => ONE_CLICK(r, { params: Promise.resolve({ token: oneClickToken }) }),
  },
  {
    name: "inbound SMS (Twilio)",
    limit: 64 * KiB,
    path: () => `/api/inbound/twilio/${shop.workspace.id}`,
    headers: () => ({ "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" }),
    call: (r) => TWILIO(r, { params: Promise.resolve({ workspace: shop.workspace.id }) }),
  },
  {
    name: "inbound WhatsApp",
    limit: 3 * MiB,
    path: () => `/api/inbound/whatsapp/${shop.workspace.id}`,
    headers: () => ({ "content-type": "application/json", "x-hub-signature-256": "sha256=00" }),
    call: (r) => WHATSAPP(r, { params: Promise.resolve({ workspace: shop.workspace.id }) }),
  },
  {
    name: "inbound email",
    limit: 1 * MiB,
    path: () => "/api/inbound/email",
    headers: () => ({
      "content-type": "application/json",
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
      "webhook-signature": "v1,AAAA",
    }),
    call: (r) => EMAIL(r),
  },
  {
    name: "API (POST /api/v1/links)",
    limit: 1 * MiB,
    path: () => "/api/v1/links",
    headers: () => ({ "content-type": "application/json", ...bearer(apiKey) }),
    call: (r) => LINKS(r),
  },
  {
    name: "API (PATCH /api/v1/contacts/{id}/preferences)",
    limit: 1 * MiB,
    path: () => `/api/v1/contacts/${shop.contact.id}/preferences`,
    headers: () => ({ "content-type": "application/json", ...bearer(apiKey) }),
    call: (r) => PREFERENCES(r, { params: Promise.resolve({ id: shop.contact.id }) }),
  },
];

async function expectTooLarge(response: Response, limit: number) {
  expect(response.status).toBe(413);
  expect(await response.text()).toContain(`${limit} bytes`);
}

describe.each(endpoints)("$name", ({ limit, path, headers, call }) => {
  it("refuses a declared Content-Length past the limit without reading the body", async () => {
    const { stream, counter } = countedBody(limit + 1);
    const response = await call(
      new Request(`http://internal${path()}`, {
        method: "POST",
        headers: { ...headers(), "content-length": String(limit + 1) },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    await expectTooLarge(response, limit);
    expect(counter.pulled).toBeLessThanOrEqual(CHUNK);
  });

  it("answers a chunked body that never ends as soon as it passes the limit", async () => {
    const { stream, counter } = countedBody(Infinity);
    const response = await call(new Request(`http://internal${path()}`, { method: "POST", headers: headers(), body: stream, duplex: "half" } as RequestInit));
    counter.stop = true;
    await expectTooLarge(response, limit);
  });

  it("still reads a body of exactly the limit (refused later for what it says, not its size)", async () => {
    const response = await call(new Request(`http://internal${path()}`, { method: "POST", headers: headers(), body: "a".repeat(limit) }));
    expect(response.status).not.toBe(413);
    expect(response.status).toBeLessThan(500);
  });
});

describe("over HTTP, as the built app serves it", () => {
  const app = withAppServer({ INBOUND_EMAIL_SECRET: inboundEmailSecret });

  it("answers 413 to a declared Content-Length past the limit, and to a chunked body that passes it", async () => {
    const declared = await postOneClick({ baseUrl: app.baseUrl, token: oneClickToken }, { body: `${ONE_CLICK_BODY}&${"a".repeat(8 * KiB)}` });
    await expectTooLarge(declared, 8 * KiB);

    const chunked = await fetch(`${app.baseUrl}/api/v1/links`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(apiKey) },
      body: countedBody(4 * MiB).stream,
      // Answered before it is all sent; the same connection serves the next request.
      duplex: "half",
    } as RequestInit);
    await expectTooLarge(chunked, MiB);
    const answer = await apiClient(apiKey, { baseUrl: app.baseUrl }).post("/api/v1/links", { contactId: shop.contact.id, channel: "email" });
    expect(answer.status).toBe(200);
  });
});
