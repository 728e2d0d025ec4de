import { createHmac } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as DELIVERY } from "@/app/api/inbound/delivery/[workspace]/route";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { POST as RESEND } from "@/app/api/inbound/resend/[workspace]/route";
import { POST as TWILIO } from "@/app/api/inbound/twilio/[workspace]/route";
import { POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { changeSubscription } from "@/lib/consent/preference-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { env } from "@/lib/platform/env";
import { BODY_LIMITS } from "@/lib/platform/request-body";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { createTestWorkspace, INBOUND_SECRETS, type TestWorkspace } from "@/tests/helpers/fixtures";
import {
  bytes,
  chars,
  contentType,
  everything,
  expectAnswered,
  expectErrorShape,
  freeText,
  headerText,
  holds,
  huge,
  JSON_TYPES,
  jsonBody,
  plausible,
  shaped,
  tally,
  text,
  type FieldSpec,
} from "@/tests/helpers/fuzz";
import { badTokens, tokenMaterial } from "@/tests/helpers/fuzz-tokens";

// Fuzzing the inbound webhooks (tests/helpers/fuzz.ts): Twilio SMS, the WhatsApp Cloud API, inbound
// email and the delivery events (bounces, complaints), signed or not.

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const inboundEmailSecret = generateWebhookSecret();
process.env.INBOUND_EMAIL_SECRET = inboundEmailSecret;

const { twilioAuthToken: TWILIO_TOKEN, whatsappAppSecret: APP_SECRET } = INBOUND_SECRETS;

const hex = (length: number) => fc.string({ unit: chars("0123456789abcdef"), minLength: length, maxLength: length });
const keywords = fc.constantFrom(
  "STOP",
  "stop",
  " Stop! ",
  "START",
  "UNSTOP",
  "HELP",
  "baja",
  "Sair.",
  " DISISCRIVI! ",
  "stopp",
  "STOP STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "YES",
  "y",
  "Sí.",
  "SIM",
  "sì",
  "si\u0301",
);

describe("webhook bodies", () => {
  let shop: TestWorkspace;
  beforeAll(async () => {
    // No WhatsApp access token: the confirmation reply is not sent anywhere.
    shop = await createTestWorkspace({ integrations: INBOUND_SECRETS });
  });

  /**
   * Puts a channel switch where the run wants it before it starts, and an opt-in waiting on the channel,
   * so that a keyword (a YES among them) has something to change.
   */
  const setChannel = async (channel: Channel, subscribed: boolean) => {
    const change = { workspaceId: shop.workspace.id, contactId: shop.contact.id, channel, evidence: { source: "api" as const } };
    await changeSubscription({ ...change, status: subscribed ? "subscribed" : "unsubscribed" });
    await changeSubscription({ ...change, topicKey: "offers", status: "pending" });
  };

  async function expectRefused(response: Response, before: Record<string, string>, status = 403) {
    expect(response.status).toBe(status);
    await expectErrorShape(response);
    expect(await everything()).toEqual(before);
  }

  it("Twilio SMS: any form, signed or not", async () => {
    const path = `/api/inbound/twilio/${shop.workspace.id}`;
    const form = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(
            fc.record(
              {
                From: fc.oneof({ weight: 3, arbitrary: fc.constant("+14155550100") }, fc.stringMatching(/^\+[1-9]\d{6,14}$/), text),
                Body: fc.oneof({ weight: 3, arbitrary: keywords }, text, huge),
                MessageSid: fc.oneof({ weight: 3, arbitrary: plausible(hex(32).map((h) => `SM${h}`)) }, text, huge),
                To: fc.constant("+14155238886"),
                NumMedia: fc.constantFrom("0", "1"),
              },
              { requiredKeys: [] },
            ),
            fc.array(fc.tuple(fc.oneof(text, fc.constantFrom("From", "Body", "MessageSid")), fc.oneof(text, keywords)), { maxLength: 3 }),
          )
          .map(([known, extra]) => new URLSearchParams([...Object.entries(known), ...extra]).toString()),
      },
      { weight: 1, arbitrary: fc.oneof(text, huge) },
    );
    const signature = fc.oneof(
      { weight: 3, arbitrary: fc.constant("valid") },
      fc.constantFrom("missing", "empty", "another token", "another URL", "another body"),
      headerText.map((s) => `garbage ${s}`),
    );
    await holds(
      "Twilio",
      fc.asyncProperty(form, signature, contentType(["application/x-www-form-urlencoded"]), fc.boolean(), async (body, how, type, subscribed) => {
        await setChannel("sms", subscribed);
        const url = `${env().APP_URL}${path}`;
        const params = new URLSearchParams(body);
        const signed =
          how === "valid"
            ? twilioSignature(TWILIO_TOKEN, url, params)
            : how === "another token"
              ? twilioSignature("someone-elses-token", url, params)
              : how === "another URL"
                ? twilioSignature(TWILIO_TOKEN, `${env().APP_URL}/api/inbound/twilio/00000000-0000-4000-8000-000000000000`, params)
                : how === "another body"
                  ? twilioSignature(TWILIO_TOKEN, url, new URLSearchParams([...params, ["Body", "STOP"], ["Extra", String(params.size)]]))
                  : how === "empty"
                    ? ""
                    : how;
        const headers = new Headers(type === null ? {} : { "content-type": type });
        if (how !== "missing") headers.set("x-twilio-signature", signed);
        const before = await everything();
        const response = await TWILIO(new Request(`http://internal:3000${path}`, { method: "POST", headers, body }), {
          params: Promise.resolve({ workspace: shop.workspace.id }),
        });
        tally("Twilio", `${how === "valid" ? "signed" : "unsigned"} ${response.status}`);
        if (bytes(body).byteLength > BODY_LIMITS.sms) return expectRefused(response, before, 413);
        if (how !== "valid") return expectRefused(response, before);
        await expectAnswered(response, before);
        if (response.status === 200) expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
      }),
      { numRuns: 200, seconds: 3 },
    );
  });

  it("WhatsApp Cloud API: any body, signed or not", async () => {
    const words = { good: fc.oneof(keywords, freeText), bad: huge };
    const message = shaped(
      {
        from: { good: fc.oneof({ weight: 3, arbitrary: fc.constant(shop.contact.whatsappId!) }, fc.stringMatching(/^\d{6,20}$/)), bad: text },
        id: { good: plausible(hex(24).map((h) => `wamid.${h}`)), bad: fc.oneof(fc.constant(""), huge) },
        timestamp: { good: fc.constant("1749416383"), optional: true },
        type: { good: fc.constantFrom("text", "button", "interactive", "image") },
        text: { good: shaped({ body: words }, 6), optional: true },
        button: { good: shaped({ payload: { ...words, optional: true }, text: { ...words, optional: true } }, 6), optional: true },
        interactive: {
          good: shaped({ type: { good: fc.constant("button_reply") }, button_reply: { good: shaped({ id: words, title: words }, 6), optional: true } }, 6),
          optional: true,
        },
      },
      4,
    );
    const value = shaped(
      {
        messaging_product: { good: fc.constant("whatsapp") },
        metadata: {
          good: shaped({ display_phone_number: { good: fc.constant("15550783881") }, phone_number_id: { good: fc.constant("106540352242922") } }, 6),
          optional: true,
        },
        messages: { good: fc.array(message, { minLength: 1, maxLength: 3 }), optional: true },
      },
      6,
    );
    const entry = shaped(
      {
        id: { good: fc.constant("102290129340398") },
        changes: { good: fc.array(shaped({ field: { good: fc.constant("messages") }, value: { good: value } }, 6), { minLength: 1, maxLength: 2 }) },
      },
      6,
    );
    const body = shaped({
      object: { good: fc.constant("whatsapp_business_account"), bad: fc.constantFrom("page", "") },
      entry: { good: fc.array(entry, { minLength: 1, maxLength: 2 }) },
    });
    const signature = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("valid", "valid, upper case", "valid, padded") },
      fc.constantFrom("missing", "another secret", "sha1", "short", "another body"),
      headerText.map((s) => `garbage ${s}`),
    );
    await holds(
      "WhatsApp",
      fc.asyncProperty(jsonBody(body, ["entry", "object"]), signature, contentType(JSON_TYPES), fc.boolean(), async (raw, how, type, subscribed) => {
        await setChannel("whatsapp", subscribed);
        // The signature covers the body as the server reads it (text, so invalid UTF-8 arrives replaced).
        const read = new TextDecoder().decode(bytes(raw));
        const hmac = (secret: string, over = read) => createHmac("sha256", secret).update(over).digest("hex");
        const signed =
          how === "valid"
            ? `sha256=${hmac(APP_SECRET)}`
            : how === "valid, upper case"
              ? `SHA256=${hmac(APP_SECRET).toUpperCase()}`
              : how === "valid, padded"
                ? ` sha256=${hmac(APP_SECRET)} `
                : how === "another secret"
                  ? `sha256=${hmac("wrong")}`
                  : how === "sha1"
                    ? `sha1=${createHmac("sha1", APP_SECRET).update(read).digest("hex")}`
                    : how === "short"
                      ? `sha256=${hmac(APP_SECRET).slice(0, 62)}`
                      : how === "another body"
                        ? `sha256=${hmac(APP_SECRET, `${read} `)}`
                        : how;
        const headers = new Headers(type === null ? {} : { "content-type": type });
        if (how !== "missing") headers.set("x-hub-signature-256", signed);
        const before = await everything();
        const response = await WHATSAPP(new Request(`http://test/api/inbound/whatsapp/${shop.workspace.id}`, { method: "POST", headers, body: bytes(raw) }), {
          params: Promise.resolve({ workspace: shop.workspace.id }),
        });
        tally("WhatsApp", `${how.startsWith("valid") ? "signed" : "unsigned"} ${response.status}`);
        if (!how.startsWith("valid")) return expectRefused(response, before);
        await expectAnswered(response, before);
      }),
      { numRuns: 200, seconds: 4 },
    );
  });

  it("inbound email: any body, signed or not", async () => {
    const material = await tokenMaterial();
    const valid = [material.realA[0], material.realA[1]];
    const token = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...valid) },
      { weight: 1, arbitrary: badTokens(material).map((candidate) => candidate.token) },
    );
    const subject: FieldSpec = {
      good: fc.oneof(
        { weight: 4, arbitrary: token.map((t) => `unsubscribe ${t}`) },
        token.map((t) => `Re: ${t}, thanks`),
        freeText,
        fc.constant("x".repeat(2_000)),
        fc.constant(null),
      ),
      bad: fc.constant("x".repeat(2_001)),
      optional: true,
    };
    const address = fc.oneof({ weight: 2, arbitrary: token.map((t) => `unsubscribe+${t}@prefs.example.com`) }, fc.emailAddress(), freeText);
    const to: FieldSpec = {
      good: fc.oneof(address, fc.array(address, { maxLength: 4 })),
      bad: fc.oneof(fc.constant("x".repeat(2_001)), fc.array(address, { minLength: 101, maxLength: 101 })),
    };
    const messageId = (nullable: boolean): FieldSpec => ({
      good: fc.oneof({ weight: 4, arbitrary: plausible(fc.constant("<abc@example.com>")) }, nullable ? fc.constant(null) : freeText),
      bad: huge,
      optional: true,
    });
    const resend = shaped({
      type: { good: fc.constant("email.received"), bad: fc.constantFrom("email.sent", "") },
      created_at: { good: fc.constant("2026-11-23T10:00:00.000Z") },
      data: {
        good: shaped({
          email_id: { good: fc.uuid() },
          from: { good: fc.constant("Person <person@example.com>"), optional: true },
          to,
          subject,
          message_id: messageId(true),
        }),
      },
    });
    const generic = shaped({ to, subject, from: { good: freeText, optional: true }, messageId: messageId(false) });
    const signature = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("valid (webhook-*)", "valid (svix-*)", "valid, among others") },
      fc.constantFrom("missing", "another secret", "too old", "from the future", "another id", "another body", "not a number", "v2"),
    );
    const contactId = material.contactA;
    const workspaceId = material.keyA.workspaceId;
    await holds(
      "inbound email",
      fc.asyncProperty(jsonBody(fc.oneof(resend, generic), ["to", "data", "subject"]), signature, contentType(JSON_TYPES), async (raw, how, type) => {
        const read = new TextDecoder().decode(bytes(raw));
        const id = "msg_2Qx7d0Yk";
        const now = new Date();
        const sign = (over = read, secret = inboundEmailSecret, at = now) => signWebhook(secret, id, at, over);
        let signed = sign();
        if (how === "another secret") signed = sign(read, generateWebhookSecret());
        if (how === "too old") signed = sign(read, inboundEmailSecret, new Date(now.getTime() - 301_000));
        if (how === "from the future") signed = sign(read, inboundEmailSecret, new Date(now.getTime() + 301_000));
        if (how === "another id") signed = { ...signed, "webhook-id": "msg_other" };
        if (how === "another body") signed = sign(`${read} `);
        if (how === "not a number") signed = { ...signed, "webhook-timestamp": `${signed["webhook-timestamp"]}.0` };
        if (how === "v2") signed = { ...signed, "webhook-signature": signed["webhook-signature"].replace(/^v1,/, "v2,") };
        if (how === "valid, among others")
          signed = { ...signed, "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${signed["webhook-signature"]} v1a,xyz` };
        const headers = new Headers(type === null ? {} : { "content-type": type });
        if (how !== "missing") {
          const prefix = how === "valid (svix-*)" ? "svix" : "webhook";
          headers.set(`${prefix}-id`, signed["webhook-id"]);
          headers.set(`${prefix}-timestamp`, signed["webhook-timestamp"]);
          headers.set(`${prefix}-signature`, signed["webhook-signature"]);
        }
        const before = await everything();
        const response = await EMAIL(new Request("http://test/api/inbound/email", { method: "POST", headers, body: bytes(raw) }));
        const handled = response.status === 200 && (await response.clone().json()).handled === true;
        tally("inbound email", `${how.startsWith("valid") ? "signed" : "unsigned"} ${response.status}${handled ? " (opted out)" : ""}`);
        // The size is checked before the signature: a body past the limit is 413, signed or not.
        if (bytes(raw).byteLength > BODY_LIMITS.inboundEmail) return expectRefused(response, before, 413);
        if (!how.startsWith("valid")) return expectRefused(response, before);
        await expectAnswered(response, before);
        if (handled) {
          // A real link in the mail: the opt-out happened; put the scopes back for the next run.
          for (const topicKey of [undefined, "reminders"]) {
            await changeSubscription({ workspaceId, contactId, channel: "email", topicKey, status: "subscribed", evidence: { source: "api" } });
          }
        }
      }),
      { numRuns: 200, seconds: 3 },
    );
  });
  it("delivery events (Resend and generic): any body, signed or not", async () => {
    const secrets = { resendWebhookSecret: generateWebhookSecret(), deliveryWebhookSecret: generateWebhookSecret() };
    const events = await createTestWorkspace({ integrations: secrets });
    const workspaceId = events.workspace.id;
    const address = fc.oneof({ weight: 3, arbitrary: fc.constant(events.contact.email!) }, fc.emailAddress(), freeText);
    const instant = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }).map((days) => new Date(Date.now() - days * 86_400_000).toISOString()) },
      fc.constantFrom("2999-01-01T00:00:00Z", "yesterday", "0000-01-01T00:00:00Z"),
    );
    const messageId: FieldSpec = { good: plausible(fc.constant("spring-sale")), bad: huge, optional: true };
    const generic = shaped({
      type: { good: fc.constantFrom("bounce", "complaint"), bad: fc.constantFrom("unsubscribe", "") },
      bounceType: { good: fc.constantFrom("hard", "soft"), bad: fc.constant("medium"), optional: true },
      email: { good: address, optional: true },
      contactId: { good: fc.oneof(fc.constant(events.contact.id), fc.uuid()), bad: fc.constant("not-a-uuid"), optional: true },
      messageId,
      occurredAt: { good: instant },
    });
    const resend = shaped({
      type: { good: fc.constantFrom("email.bounced", "email.complained", "email.delivered"), bad: fc.constant("") },
      created_at: { good: instant, optional: true },
      data: {
        good: shaped({
          email_id: messageId,
          to: { good: fc.oneof(address, fc.array(address, { maxLength: 4 })), bad: fc.array(address, { minLength: 101, maxLength: 101 }) },
          bounce: { good: shaped({ type: { good: fc.constantFrom("Permanent", "Transient", "Undetermined") } }), optional: true },
          tags: { good: fc.oneof(fc.dictionary(fc.constantFrom("message_id", "category"), freeText)), optional: true },
        }),
      },
    });
    const target = fc.constantFrom("resend", "generic");
    const signature = fc.oneof({ weight: 4, arbitrary: fc.constant("valid") }, fc.constantFrom("missing", "another secret", "too old", "another body"));
    await holds(
      "delivery events",
      fc.asyncProperty(
        target,
        jsonBody(fc.oneof(generic, shaped({ events: { good: fc.array(generic, { minLength: 1, maxLength: 3 }) } }), resend), ["type", "data", "events"]),
        signature,
        contentType(JSON_TYPES),
        async (which, raw, how, type) => {
          const read = new TextDecoder().decode(bytes(raw));
          const secret = which === "resend" ? secrets.resendWebhookSecret : secrets.deliveryWebhookSecret;
          const now = new Date();
          const id = `msg_${Math.random().toString(36).slice(2)}`;
          let signed = signWebhook(secret, id, now, read);
          if (how === "another secret") signed = signWebhook(generateWebhookSecret(), id, now, read);
          if (how === "too old") signed = signWebhook(secret, id, new Date(now.getTime() - 301_000), read);
          if (how === "another body") signed = signWebhook(secret, id, now, `${read} `);
          const headers = new Headers(type === null ? {} : { "content-type": type });
          if (how !== "missing")
            for (const [name, value] of Object.entries(signed)) headers.set(which === "resend" ? name.replace("webhook-", "svix-") : name, value);
          const before = await everything();
          const request = new Request(`http://test/api/inbound/${which === "resend" ? "resend" : "delivery"}/${workspaceId}`, {
            method: "POST",
            headers,
            body: bytes(raw),
          });
          const response = await (which === "resend" ? RESEND : DELIVERY)(request, { params: Promise.resolve({ workspace: workspaceId }) });
          tally("delivery events", `${which} ${how === "valid" ? "signed" : "unsigned"} ${response.status}`);
          if (bytes(raw).byteLength > BODY_LIMITS.deliveryEvents) return expectRefused(response, before, 413);
          if (how !== "valid") return expectRefused(response, before, 401);
          await expectAnswered(response, before);
        },
      ),
      { numRuns: 200, seconds: 3 },
    );
  });
});
