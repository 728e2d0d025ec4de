import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { PATCH as PREFERENCES } from "@/app/api/v1/contacts/[id]/preferences/route";
import { POST as CONTACTS } from "@/app/api/v1/contacts/route";
import { POST as LINKS } from "@/app/api/v1/links/route";
import { POST as OPTIN } from "@/app/api/v1/optin/route";
import { POST as SENDABILITY } from "@/app/api/v1/sendability/route";
import { FREQUENCIES } from "@/lib/consent/choices";
import { bearer } from "@/tests/helpers/api-client";
import { createTestApiKey, createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";
import {
  bytes,
  contentType,
  everything,
  expectAnswered,
  freeText,
  headerText,
  holds,
  huge,
  JSON_TYPES,
  jsonBody,
  junk,
  plausible,
  shaped,
  tally,
  text,
  type Body,
  type Budget,
  type FieldSpec,
} from "@/tests/helpers/fuzz";
import { withMailStub } from "@/tests/helpers/mail";

// Fuzzing the business API's bodies and headers (tests/helpers/fuzz.ts).

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
// Double opt-in sends its confirmation through the real resend SDK to a local stub; APP_URL is set here.
withMailStub();

// The fixture's real values, and the wrong ones around them.
const channel: FieldSpec = { good: fc.constantFrom("email", "sms", "whatsapp"), bad: fc.constantFrom("push", "fax", "EMAIL", "") };
const topicKey: FieldSpec = {
  good: fc.constantFrom("offers", "reminders", " offers "),
  bad: fc.oneof(fc.constantFrom("nope", "OFFERS", "offers\u0000", "a".repeat(65)), fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/)),
  optional: true,
};
const status: FieldSpec = { good: fc.constantFrom("subscribed", "unsubscribed", "pending"), bad: fc.constantFrom("Subscribed", "") };
const evidence = shaped({
  ip: { good: fc.oneof(fc.ipV4(), fc.ipV6()), bad: fc.oneof(text, fc.constant("256.0.0.1")), optional: true },
  userAgent: { good: freeText, bad: huge, optional: true },
  wording: { good: plausible(fc.lorem()), bad: fc.oneof(fc.constant(""), huge), optional: true },
  locale: { good: plausible(fc.constantFrom("en", "es-MX")), bad: huge, optional: true },
  messageId: { good: freeText, bad: huge, optional: true },
});

type ApiCall = { body: Body; type: string | null; authorization: string | null; idempotencyKey: string | null; workspaceHeader: string | null; id: string };

describe("API bodies", () => {
  let shop: TestWorkspace;
  let key: string;
  beforeAll(async () => {
    shop = await createTestWorkspace();
    ({ key } = await createTestApiKey(shop.workspace.id, { rateLimitPerMinute: 1_000_000 }));
  });

  /** Headers around a body: mostly the right key and JSON, sometimes not. */
  function call(body: fc.Arbitrary<Body>, id: fc.Arbitrary<string> = fc.constant("")): fc.Arbitrary<ApiCall> {
    return fc.record({
      body,
      type: contentType(JSON_TYPES),
      authorization: fc.oneof(
        { weight: 20, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.oneof(fc.constantFrom("", "Bearer", "Bearer nope", "bearer KEY", "Basic KEY", "Bearer KEYx", "Bearer  KEY  "), headerText) },
      ),
      idempotencyKey: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: headerText }),
      workspaceHeader: fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.oneof(fc.constant("SELF"), fc.uuid(), headerText) }),
      id,
    });
  }

  function request(path: string, method: string, c: ApiCall) {
    const headers = new Headers(c.authorization === null ? bearer(key) : { authorization: c.authorization.replace("KEY", key) });
    if (c.type !== null) headers.set("content-type", c.type);
    if (c.idempotencyKey !== null) headers.set("idempotency-key", c.idempotencyKey);
    if (c.workspaceHeader !== null) headers.set("x-workspace-id", c.workspaceHeader === "SELF" ? shop.workspace.id : c.workspaceHeader);
    return new Request(`http://test${path}`, { method, headers, body: bytes(c.body) });
  }

  async function neverFailsNorWritesOnRefusal(name: string, calls: fc.Arbitrary<ApiCall>, send: (c: ApiCall) => Promise<Response>, budget: Budget) {
    await holds(
      name,
      fc.asyncProperty(calls, async (c) => {
        const before = await everything();
        const response = await send(c);
        tally(name, response.status);
        await expectAnswered(response, before);
      }),
      budget,
    );
  }

  const contactId = (): FieldSpec => ({ good: fc.oneof({ weight: 3, arbitrary: fc.constant(shop.contact.id) }, fc.uuid()), bad: text });
  const subscription = shaped({ channel, topic: topicKey, status }, 6);

  it("POST /api/v1/contacts", async () => {
    const body = shaped({
      externalId: { good: freeText, bad: fc.oneof(fc.constant(" "), huge), optional: true },
      email: {
        good: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}([._-][a-z0-9]{1,8})?@example\.(com|org)$/), fc.constant(shop.contact.email)),
        bad: fc.oneof(text, fc.emailAddress()),
        optional: true,
      },
      phone: { good: fc.oneof(fc.stringMatching(/^\+[1-9]\d{6,14}$/), fc.constant("+14155550100")), bad: text, optional: true },
      whatsappId: { good: fc.stringMatching(/^\d{6,20}$/), bad: text, optional: true },
      locale: { good: fc.constantFrom("es", "pt-BR", "it"), bad: text, optional: true },
      subscriptions: { good: fc.array(subscription, { maxLength: 4 }), bad: fc.array(subscription, { minLength: 51, maxLength: 52 }), optional: true },
      evidence: { good: evidence, optional: true },
    });
    await neverFailsNorWritesOnRefusal(
      "POST /api/v1/contacts",
      call(jsonBody(body, ["externalId", "subscriptions", "evidence"])),
      (c) => CONTACTS(request("/api/v1/contacts", "POST", c)),
      { numRuns: 200, seconds: 3 },
    );
  });

  it("PATCH /api/v1/contacts/{id}/preferences", async () => {
    const version: FieldSpec = { good: fc.nat(4), bad: fc.constantFrom(-1, 1.5, 2 ** 53, 1e300, "1"), optional: true };
    const isoDate = fc
      .tuple(
        fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.constantFrom("Z", "+00:00", "+23:59", "-23:59", "+05:30"),
      )
      .map(([date, offset]) => date.toISOString().replace("Z", offset));
    const pausedUntil: FieldSpec = {
      good: fc.oneof(
        fc.constant(null),
        isoDate,
        fc.constantFrom(
          "0000-01-01T00:00:00Z",
          "0001-01-01T00:00:00+05:00",
          "0001-01-01T00:00:00-05:00",
          "9999-12-31T23:59:59.999-23:59",
          "9999-12-31T23:59:59Z",
          "2024-02-29T12:00:00Z",
        ),
      ),
      bad: fc.constantFrom("2023-02-29T12:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01", "yesterday"),
    };
    const change = fc.oneof(
      { weight: 4, arbitrary: shaped({ channel, topic: topicKey, status, version }, 6) },
      { weight: 3, arbitrary: shaped({ channel, frequency: { good: fc.constantFrom(...FREQUENCIES), bad: fc.constant("hourly") }, version }, 6) },
      { weight: 3, arbitrary: shaped({ channel, pausedUntil, version }, 6) },
      { weight: 1, arbitrary: junk },
    );
    const body = shaped({
      changes: { good: fc.array(change, { minLength: 1, maxLength: 4 }), bad: fc.oneof(fc.constant([]), fc.array(change, { minLength: 51, maxLength: 51 })) },
      evidence: { good: evidence, optional: true },
    });
    const id = fc.oneof({ weight: 8, arbitrary: fc.constant(shop.contact.id) }, fc.uuid(), text);
    await neverFailsNorWritesOnRefusal(
      "PATCH /api/v1/contacts/{id}/preferences",
      call(jsonBody(body, ["changes", "evidence"]), id),
      (c) => PREFERENCES(request("/api/v1/contacts/x/preferences", "PATCH", c), { params: Promise.resolve({ id: c.id }) }),
      { numRuns: 200, seconds: 3 },
    );
  });

  it("POST /api/v1/sendability", async () => {
    const uuidFor = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const id = contactId();
    const contactIds: FieldSpec = {
      good: fc.oneof(
        { weight: 20, arbitrary: fc.array(id.good, { minLength: 1, maxLength: 8 }) },
        { weight: 1, arbitrary: fc.constant(Array.from({ length: 10_000 }, (_, i) => uuidFor(i))) },
      ),
      bad: fc.oneof(
        fc.constant([]),
        fc.constant(Array.from({ length: 10_001 }, (_, i) => uuidFor(i))),
        fc.array(fc.oneof(id.good, id.bad!), { minLength: 1, maxLength: 4 }),
      ),
    };
    const body = shaped({ channel, topic: topicKey, contactIds });
    await neverFailsNorWritesOnRefusal(
      "POST /api/v1/sendability",
      call(jsonBody(body, ["contactIds", "topic"])),
      (c) => SENDABILITY(request("/api/v1/sendability", "POST", c)),
      { numRuns: 150, seconds: 2 },
    );
  });

  it("POST /api/v1/links", async () => {
    const body = shaped({
      contactId: contactId(),
      channel,
      topic: topicKey,
      messageId: { good: freeText, bad: fc.oneof(fc.constant(" "), huge), optional: true },
    });
    await neverFailsNorWritesOnRefusal(
      "POST /api/v1/links",
      call(jsonBody(body, ["contactId", "messageId"])),
      (c) => LINKS(request("/api/v1/links", "POST", c)),
      { numRuns: 150, seconds: 2 },
    );
  });

  it("POST /api/v1/optin", async () => {
    const topics: FieldSpec = {
      good: fc.array(topicKey.good, { minLength: 1, maxLength: 3 }),
      bad: fc.oneof(
        fc.constant([]),
        fc.array(topicKey.good, { minLength: 21, maxLength: 22 }),
        fc.array(fc.oneof(topicKey.good, topicKey.bad!), { minLength: 1, maxLength: 3 }),
      ),
    };
    const body = shaped({ contactId: contactId(), topics, evidence: { good: evidence, optional: true } });
    await neverFailsNorWritesOnRefusal("POST /api/v1/optin", call(jsonBody(body, ["topics", "evidence"])), (c) => OPTIN(request("/api/v1/optin", "POST", c)), {
      numRuns: 150,
      seconds: 2,
    });
  });
});
