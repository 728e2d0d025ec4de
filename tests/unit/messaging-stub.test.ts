import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startMessagingStub, type MessagingStub } from "@/lib/platform/dev/messaging-stub";

// The stand-in refuses what Twilio and the Cloud API refuse first, so that a sender that forgets its
// credentials or a required parameter fails here as it would against the real services.

let root: string;
let stub: MessagingStub;
const SID = `AC${"a".repeat(32)}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "messaging-stub-"));
  stub = await startMessagingStub(root);
});

afterAll(async () => {
  await stub.stop();
  await rm(root, { recursive: true, force: true });
});

const twilio = (form: Record<string, string>, authorization?: string, sid = SID) =>
  fetch(`${stub.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(form).toString(),
  });

test("takes a Twilio message only with Basic auth for the account in the path and To, From or MessagingServiceSid, Body", async () => {
  const form = { To: "+14155550100", From: "+15005550006", Body: "Reply YES" };
  expect(await (await twilio(form)).json()).toMatchObject({ code: 20003, status: 401 });
  expect((await twilio(form, basic(`AC${"b".repeat(32)}`, "token"))).status).toBe(401);
  expect(await (await twilio({ From: form.From, Body: form.Body }, basic(SID, "token"))).json()).toMatchObject({ code: 21604, status: 400 });
  expect(await (await twilio({ To: form.To, Body: form.Body }, basic(SID, "token"))).json()).toMatchObject({ code: 21603, status: 400 });
  expect(await (await twilio({ To: form.To, From: form.From }, basic(SID, "token"))).json()).toMatchObject({ code: 21602, status: 400 });
  expect(await stub.smsMessages()).toEqual([]);

  const sent = await twilio(form, basic(SID, "token"));
  expect(sent.status).toBe(201);
  const answer = await sent.json();
  expect(answer).toMatchObject({ account_sid: SID, to: form.To, from: form.From, body: form.Body, status: "queued" });
  expect(answer.sid).toMatch(/^SM[0-9a-f]{32}$/);
  expect(await stub.smsMessages()).toEqual([expect.objectContaining({ sid: answer.sid, auth: { user: SID, password: "token" }, body: "Reply YES" })]);
});

test("takes a Cloud API text message only with a bearer token and answers its message id", async () => {
  const send = (authorization: string | null, body: unknown) =>
    fetch(`${stub.whatsappBaseUrl}/106540352242922/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
  const message = { messaging_product: "whatsapp", recipient_type: "individual", to: "14155550100", type: "text", text: { body: "Obrigado" } };
  expect((await send(null, message)).status).toBe(401);
  expect((await send("Bearer token", { ...message, type: "image" })).status).toBe(400);
  const sent = await send("Bearer token", message);
  expect(sent.status).toBe(200);
  const { messages } = await sent.json();
  expect(await stub.whatsappMessages()).toEqual([
    expect.objectContaining({ id: messages[0].id, phoneNumberId: "106540352242922", to: "14155550100", text: "Obrigado" }),
  ]);
});
