import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { POST as TWILIO } from "@/app/api/inbound/twilio/[workspace]/route";
import { POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { GET as ONE_CLICK_PAGE, POST as ONE_CLICK } from "@/app/api/unsubscribe/[token]/route";
import { PATCH as PREFERENCES } from "@/app/api/v1/contacts/[id]/preferences/route";
import { POST as CONTACTS } from "@/app/api/v1/contacts/route";
import { POST as LINKS } from "@/app/api/v1/links/route";
import { POST as OPTIN } from "@/app/api/v1/optin/route";
import { POST as SENDABILITY } from "@/app/api/v1/sendability/route";
import { GET as SHORT_LINK } from "@/app/s/[id]/route";
import { chooseAlternative, saveChannelPreferences, saveLanguage, saveSurveyAnswer, stopEverything } from "@/lib/pages/preferences-actions";
import { db } from "@/lib/platform/db";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { changeSubscription, getContactPreferences, type ChannelState } from "@/lib/consent/preference-store";
import { findActiveSigningKey } from "@/lib/links/signing-key-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createApiKey } from "@/lib/admin/api-key-store";
import { env } from "@/lib/platform/env";
import type { Channel } from "@/lib/generated/prisma/enums";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { translator } from "@/lib/platform/i18n";
import { mintLinks, signLinkToken } from "@/lib/links/message-links";
import { channelFormChanges } from "@/lib/pages/preference-changes";
import { loadSurvey } from "@/lib/pages/preferences-page";
import { BODY_LIMITS } from "@/lib/platform/request-body";
import { OPT_OUT_REASONS } from "@/lib/pages/opt-out-reason-schema";
import { channelPreferencesForm } from "@/lib/pages/preferences-schema";
import { FREQUENCIES, PAUSE_CHOICES } from "@/lib/consent/choices";
import type { SigningKeyMaterial } from "@/lib/links/tokens";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { CHANGES, createTestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";
import { redirectOf } from "@/tests/helpers/server-action";
import { snapshotRows } from "@/tests/helpers/snapshot";

// Property-based fuzzing (fast-check) of everything a stranger can send: link tokens, API bodies,
// webhook bodies and preference-page form posts. Whatever arrives, the answer is never a 5xx (nor a
// thrown error), a 4xx comes in the one error shape, and a refused request writes nothing at all.
// Each property stops at its run count or its time limit, whichever comes first, and must have made
// a real number of runs; a failure prints the (shrunk) counterexample and the seed to replay it.

// The preference-page server actions read the request's headers through next/headers, which needs
// Next's request context; here each run supplies them (fuzzed too).
const fakeRequest = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<object>()), headers: async () => fakeRequest.headers }));

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const inboundEmailSecret = generateWebhookSecret();
process.env.INBOUND_EMAIL_SECRET = inboundEmailSecret;
// Double opt-in sends its confirmation through the real resend SDK to a local stub; APP_URL is set here.
withMailStub();

const TWILIO_TOKEN = "twilio-auth-token-0123456789abcdef";
const APP_SECRET = "meta-app-secret-0123456789";

type Shop = Awaited<ReturnType<typeof createTestWorkspace>>;

// ---------------------------------------------------------------------------------------------
// Running a property within a budget

type Budget = { numRuns: number; seconds: number };
const ran: string[] = [];
/** What each property's runs were answered, to see that they reach past validation too. */
const outcomes = new Map<string, Map<string, number>>();
function tally(name: string, outcome: string | number) {
  const counts = outcomes.get(name) ?? new Map<string, number>();
  counts.set(String(outcome), (counts.get(String(outcome)) ?? 0) + 1);
  outcomes.set(name, counts);
}

/**
 * The time limit abandons the run in progress, but a predicate cannot be stopped: it goes on, and its
 * writes would land in the next property's "before". This plugin (innermost, so it sees the real run)
 * keeps the run in progress, for `holds` to wait for.
 */
function keepingTheRunInProgress(inProgress: { run: Promise<unknown> }): fc.Plugin<unknown> {
  return () => ({
    decorateRun: (nestedRun) => (value) => {
      const outcome = nestedRun(value);
      if (outcome instanceof Promise) inProgress.run = outcome.catch(() => undefined);
      return outcome;
    },
  });
}

async function holds<Ts>(name: string, property: fc.IRawProperty<Ts>, { numRuns, seconds }: Budget) {
  const started = Date.now();
  const inProgress = { run: Promise.resolve() as Promise<unknown> };
  const details = await fc.check(property, { numRuns, plugins: [fc.interruptAfterTimeLimit(seconds * 1000), keepingTheRunInProgress(inProgress)] });
  await inProgress.run;
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
    throw new Error(`${await fc.asyncDefaultReportMessage(details)}\nGot: ${cause}`);
  }
  const answers = [...(outcomes.get(name) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([outcome, count]) => `${outcome} ×${count}`);
  ran.push(`${name}: ${details.numRuns}/${numRuns} runs in ${((Date.now() - started) / 1000).toFixed(1)} s${details.interrupted ? " (time limit)" : ""}; ${answers.join(", ")}`);
  // Stopping at the time limit is no failure, but a property that barely ran proves nothing.
  expect(details.numRuns, `${name} made too few runs`).toBeGreaterThanOrEqual(Math.ceil(numRuns / 4));
}

afterAll(() => {
  console.info(`fuzz runs:\n  ${ran.join("\n  ")}`);
});

// ---------------------------------------------------------------------------------------------
// Observing the database

// The tables tests/helpers/snapshot.ts compares (consent, its evidence and outbox, subscriptions, reason
// answers, short links), plus contacts, suppressions and the ledger heads; each as the MD5 of all its rows
// in key order, in one query. (snapshotRows() reads every row through Prisma: twice a run, hundreds of
// runs, it would eat the time budget.) A difference names the table that changed.
const WATCHED: Record<string, string> = {
  consent_events: "id",
  outbox_events: "id",
  channel_subscriptions: "contact_id, channel",
  topic_subscriptions: "contact_id, channel, topic_id",
  opt_out_feedback: "id",
  short_links: "id",
  contacts: "id",
  suppressions: "id",
  ledger_heads: "workspace_id",
};
const FINGERPRINT = `SELECT ${Object.entries(WATCHED)
  .map(([table, key]) => `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ${key.replace(/(\w+)/g, "t.$1")}), '')) FROM ${table} t) AS ${table}`)
  .join(", ")}`;

async function everything(): Promise<Record<string, string>> {
  const [row] = await db().$queryRawUnsafe<Record<string, string>[]>(FINGERPRINT);
  return row;
}

/** A 4xx of the business API (and of the webhooks): exactly {"error": {"code", "message", "details"?}}. */
async function expectErrorShape(response: Response) {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`a ${response.status} whose body is not JSON: ${text.slice(0, 200)}`);
  }
  expect(body, text.slice(0, 300)).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  expect(Object.keys((body as { error: object }).error).filter((key) => !["code", "message", "details"].includes(key))).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Generators shared by every property

const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64urlString = (minLength: number, maxLength: number) => fc.string({ unit: chars(B64URL), minLength, maxLength });
const hex = (length: number) => fc.string({ unit: chars("0123456789abcdef"), minLength: length, maxLength: length });

/** Any text: printable, any code point, control characters (NUL among them), lone surrogates, classics. */
const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("a", " ", "\u0000"),
    ),
    maxLength: 12,
  }),
  fc.constantFrom("", " ", "\u0000", "a\u0000b", "null", "__proto__", "constructor", "toString", "%00", "\ud800", "\u202e", "' OR 1=1 --", "😀"),
);
/** Long strings: past every limit a schema sets, up to 200 000 characters. */
const huge: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 65, max: 200_000 }), fc.constantFrom("a", "é", "😀", "\u0000", " ", "-")).map(([n, c]) => c.repeat(n));
/** A value of the wrong type (or a right type with a wrong value). */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  huge,
);
/** Mostly a plausible value, sometimes junk: most bodies stay valid but for one or two fields. */
const field = <T>(good: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<unknown> => fc.oneof({ weight, arbitrary: good }, { weight: 1, arbitrary: junk });
/** A field that is often absent (undefined disappears in JSON). */
const optional = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 8, arbitrary: good }, { weight: 1, arbitrary: junk });
/** A right-looking string, sometimes with one odd character slipped in: NUL, a lone surrogate, a bidi override, a BOM, a newline. */
const plausible = (good: fc.Arbitrary<string>) =>
  fc
    .tuple(
      good,
      fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.oneof({ weight: 3, arbitrary: fc.constant("\u0000") }, { weight: 2, arbitrary: fc.constantFrom("\ud800", "\udfff", "\u202e", "\ufeff", "\n") })) },
      ),
    )
    .map(([value, odd]) => {
      if (!odd) return value;
      const at = odd[0] % (value.length + 1);
      return value.slice(0, at) + odd[1] + value.slice(at);
    });
/** Free text as a field carries it (an external id, a user agent, a message id, a comment). */
const freeText = plausible(fc.string({ minLength: 1, maxLength: 30 }));

type FieldSpec = { good: fc.Arbitrary<unknown>; bad?: fc.Arbitrary<unknown>; optional?: boolean };
/**
 * An object built from the real field names, every field right (most of the time, so that the request
 * gets past validation to the database), or one or two of them wrong: a wrong value, a wrong type or
 * missing; sometimes with one unknown key more ("__proto__" included, as JSON.parse makes it: own).
 */
function shaped(fields: Record<string, FieldSpec>, intact = 4): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(fields);
  const right = fc.record(Object.fromEntries(names.map((name) => [name, fields[name].optional ? fc.option(fields[name].good, { nil: undefined, freq: 3 }) : fields[name].good])));
  const wrong = fc.record(Object.fromEntries(names.map((name) => [name, fc.oneof({ weight: 2, arbitrary: fields[name].bad ?? junk }, junk, fc.constant(undefined))])));
  const broken = fc.oneof({ weight: intact, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }) });
  const extra = fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor")), junk) });
  return fc.tuple(right, wrong, broken, extra).map(([values, wrongValues, which, more]) => {
    const object: Record<string, unknown> = { ...values };
    for (const name of which) object[name] = wrongValues[name];
    if (more) Object.defineProperty(object, more[0], { value: more[1], enumerable: true, configurable: true, writable: true });
    return object;
  });
}
/** Printable ASCII: what an HTTP header can carry. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

/** Nesting tens of thousands deep under one of the real field names. */
const deepNesting = (fields: string[]) =>
  fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 1, max: 50_000 }), fc.constantFrom("[", '{"a":'), fc.boolean()).map(([name, depth, open, balanced]) => {
    const close = open === "[" ? "]" : "}";
    return `{"${name}":${open.repeat(depth)}${open === "[" ? "" : "1"}${balanced ? close.repeat(depth) : ""}}`;
  });

type Body = string | Uint8Array<ArrayBuffer>;
const encoder = new TextEncoder();
const bytes = (body: Body) => (typeof body === "string" ? encoder.encode(body) : body);

/** A JSON body: mostly the structured one, else any JSON, any value, any text, deep nesting, or invalid UTF-8. */
const jsonBody = (structured: fc.Arbitrary<unknown>, fields: string[]): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 20, arbitrary: structured.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? String(value)) },
    { weight: 1, arbitrary: fc.oneof(text, huge) },
    { weight: 1, arbitrary: deepNesting(fields) },
    {
      weight: 1,
      arbitrary: fc.tuple(structured, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { minLength: 1, maxLength: 4 })).map(([value, insertions]) => {
        const encoded = Array.from(encoder.encode(JSON.stringify(value) ?? "null"));
        for (const [at, byte] of insertions) encoded.splice(at % (encoded.length + 1), 0, byte);
        return new Uint8Array(encoded);
      }),
    },
  );

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON"];
const contentType = (usual: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...usual) },
    { weight: 1, arbitrary: fc.constantFrom(null, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "application/xml", "json") },
    { weight: 1, arbitrary: headerText },
  );

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
const keywords = fc.constantFrom("STOP", "stop", " Stop! ", "START", "UNSTOP", "HELP", "baja", "Sair.", " DISISCRIVI! ", "stopp", "STOP STOP", "STOPALL", "UNSUBSCRIBE");

// ---------------------------------------------------------------------------------------------
// Tokens: signing what we like, with keys we hold

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : (JSON.stringify(value) ?? "")).toString("base64url");
const HASHES: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/** A compact JWS over any header and payload, HMAC-signed with the secret given. */
function hmacJws(secret: Uint8Array, header: unknown, payload: unknown, hash = "sha256") {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest("base64url")}`;
}

type Candidate = { how: string; token: string };

type TokenMaterial = {
  keyA: SigningKeyMaterial;
  keyB: SigningKeyMaterial;
  /** The contact whose links are tampered with; every scope they name is subscribed, so a wrong acceptance shows. */
  contactA: string;
  contactB: string;
  realA: string[];
  realB: string[];
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims that would be accepted for A's contact; each forged token gets its own id (one-click limits posts per link). */
function goodClaims(material: TokenMaterial, jti: string) {
  const iat = nowSeconds();
  return { aud: material.keyA.workspaceId, sub: material.contactA, pur: "unsubscribe", ch: "email", jti, iat, exp: iat + 3600 } as Record<string, unknown>;
}
const tokenId = b64urlString(16, 16);

/** True when the candidate is, byte for byte once decoded, one of the real links (a base64url's spare bits can differ). */
function isRealToken(candidate: string, material: TokenMaterial) {
  const parts = candidate.split(".");
  return [...material.realA, ...material.realB].some((real) => {
    const [header, payload, signature] = real.split(".");
    return (
      parts.length === 3 &&
      parts[0] === header &&
      parts[1] === payload &&
      /^[\w-]*$/.test(parts[2]) &&
      Buffer.from(parts[2], "base64url").equals(Buffer.from(signature, "base64url"))
    );
  });
}

/** Every kind of bad token: any string, JWS-shaped noise, tampered real links, forged headers and claims. */
function badTokens(material: TokenMaterial): fc.Arbitrary<Candidate> {
  const { keyA, keyB } = material;
  const realA = fc.constantFrom(...material.realA);
  const realB = fc.constantFrom(...material.realB);

  const anyString = fc.oneof(text, huge, fc.string({ unit: "binary", maxLength: 3000 }), fc.constantFrom("", ".", "..", "a.b.c", "not-a-token")).map((token) => ({ how: "any string", token }));
  const jwsShaped = fc.tuple(b64urlString(10, 120), b64urlString(10, 400), b64urlString(20, 200)).map((parts) => ({ how: "random JWS-shaped", token: parts.join(".") }));
  const jsonParts = fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), b64urlString(20, 60))
    .map(([header, payload, signature]) => ({ how: "random JSON header and payload", token: `${b64(header)}.${b64(payload)}.${signature}` }));

  const mutation = fc.oneof(
    fc.tuple(fc.nat(), fc.oneof({ weight: 4, arbitrary: chars(B64URL) }, { weight: 1, arbitrary: chars(".=+/ %\u0000é") })).map(([at, char]) => ({ kind: "flip" as const, at, char })),
    fc.nat().map((at) => ({ kind: "truncate" as const, at })),
    fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 5 })).map(([at, insert]) => ({ kind: "insert" as const, at, insert })),
    fc.tuple(fc.integer({ min: 0, max: 2 }), realB).map(([part, other]) => ({ kind: "part from the other workspace's link" as const, part, other })),
    fc.constantFrom("upper case", "lower case", "reorder", "extra part", "drop signature", "trailing space") .map((kind) => ({ kind })),
  );
  const tampered = fc.tuple(realA, mutation).map(([real, change]) => {
    const parts = real.split(".");
    let token: string;
    switch (change.kind) {
      case "flip": {
        const at = change.at % real.length;
        token = real.slice(0, at) + change.char + real.slice(at + 1);
        break;
      }
      case "truncate":
        token = real.slice(0, change.at % real.length);
        break;
      case "insert": {
        const at = change.at % (real.length + 1);
        token = real.slice(0, at) + change.insert + real.slice(at);
        break;
      }
      case "part from the other workspace's link":
        token = parts.map((part, i) => (i === change.part ? change.other.split(".")[i] : part)).join(".");
        break;
      case "upper case":
        token = real.toUpperCase();
        break;
      case "lower case":
        token = real.toLowerCase();
        break;
      case "reorder":
        token = [parts[1], parts[0], parts[2]].join(".");
        break;
      case "extra part":
        token = `${real}.${parts[2]}`;
        break;
      case "drop signature":
        token = `${parts[0]}.${parts[1]}.`;
        break;
      case "trailing space":
        token = `${real} `;
        break;
    }
    return { how: `tampered (${change.kind})`, token };
  });

  // Headers other than {alg: HS256, kid: A's}, over good claims, signed with A's secret (or not at all).
  const header = fc.record(
    {
      alg: field(fc.constantFrom("HS256", "HS384", "HS512", "none", "None", "RS256", "ES256", "hs256"), 6),
      kid: field(fc.constantFrom(keyA.kid, keyB.kid, `${keyA.kid}x`, "", "k".repeat(65), "\u0000", "__proto__"), 4),
      typ: optional(fc.constant("JWT")),
      crit: optional(fc.constant(["b64"])),
      b64: optional(fc.constant(false)),
    },
    { requiredKeys: [] },
  );
  const forgedHeader = fc
    .tuple(header, fc.constantFrom("A's secret", "the header's algorithm with A's secret", "B's secret", "no signature"), tokenId)
    // (b64 outside crit is ignored, as RFC 7797 asks: such a header with A's signature is a good token.)
    .filter(([h, signer]) => !(h.alg === "HS256" && h.kid === keyA.kid && h.crit === undefined && signer !== "B's secret" && signer !== "no signature"))
    .map(([h, signer, jti]) => {
      const claims = goodClaims(material, jti);
      const hash = signer === "the header's algorithm with A's secret" && typeof h.alg === "string" && Object.hasOwn(HASHES, h.alg) ? HASHES[h.alg] : "sha256";
      const signed = hmacJws(signer === "B's secret" ? keyB.secret : keyA.secret, h, claims, hash);
      const token = signer === "no signature" ? `${signed.slice(0, signed.lastIndexOf("."))}.` : signed;
      return { how: `forged header ${JSON.stringify(h)}, signed with ${signer}`, token };
    });

  // Good header and A's real secret, claims with one or more fields wrong: the parser past the signature.
  const badClaim = {
    aud: fc.oneof(fc.constant(keyB.workspaceId), fc.uuid(), fc.constant([keyA.workspaceId]), fc.constant(undefined), junk),
    sub: fc.oneof(fc.constant(material.contactB), fc.uuid(), fc.constant(undefined), junk),
    pur: fc.oneof(fc.constantFrom("preferences", "confirm", "Unsubscribe", "unsubscribe "), fc.constant(undefined), junk),
    // Not "push": a link signed for a channel the workspace does not send (now) is a valid link, whose opt-out counts.
    ch: fc.oneof(fc.constantFrom("fax", "EMAIL"), fc.constant(undefined), junk),
    tp: fc.oneof(fc.constantFrom("nope", "", "OFFERS", "a".repeat(65)), junk),
    mid: fc.oneof(fc.constantFrom("", "m".repeat(201)), fc.integer(), fc.constant(null)),
    jti: fc.oneof(fc.constantFrom("short", "", "j".repeat(65)), fc.constant(undefined), fc.integer()),
    iat: fc.oneof(fc.constantFrom(1.5, "now", null), fc.constant(undefined)),
    exp: fc.oneof(fc.integer({ min: 1, max: 100_000_000 }).map((ago) => nowSeconds() - ago), fc.constantFrom(nowSeconds() + 0.5, "tomorrow", null), fc.constant(undefined)),
  };
  type ClaimName = keyof typeof badClaim;
  const forgedClaims = fc
    .tuple(fc.subarray(Object.keys(badClaim) as ClaimName[], { minLength: 1, maxLength: 3 }), fc.record(badClaim), tokenId)
    .filter(([which, bad]) => which.every((name) => !(typeof bad[name] === "string" && ["offers", "reminders", "sms", "whatsapp", "unsubscribe"].includes(bad[name] as string))))
    .map(([which, bad, jti]) => {
      const claims = goodClaims(material, jti);
      for (const name of which) claims[name] = bad[name];
      return { how: `claims with ${which.join(", ")} wrong`, token: hmacJws(keyA.secret, { alg: "HS256", kid: keyA.kid }, claims) };
    });

  // Signed by B's key: for A's audience and contact, or for B's audience naming A's contact.
  const otherWorkspace = fc.tuple(fc.constantFrom("aud A", "aud B"), tokenId).map(([which, jti]) => {
    const claims = { ...goodClaims(material, jti), aud: which === "aud A" ? keyA.workspaceId : keyB.workspaceId };
    return { how: `signed with B's key, ${which}, A's contact`, token: hmacJws(keyB.secret, { alg: "HS256", kid: keyB.kid }, claims) };
  });

  return fc
    .oneof(
      { weight: 2, arbitrary: anyString },
      { weight: 1, arbitrary: jwsShaped },
      { weight: 1, arbitrary: jsonParts },
      { weight: 4, arbitrary: tampered },
      { weight: 2, arbitrary: forgedHeader },
      { weight: 4, arbitrary: forgedClaims },
      { weight: 1, arbitrary: otherWorkspace },
    )
    .filter((candidate) => !isRealToken(candidate.token, material));
}

async function tokenMaterial(): Promise<TokenMaterial & { shopA: Shop; shopB: Shop }> {
  const [shopA, shopB] = [await createTestWorkspace(), await createTestWorkspace()];
  const keyA = (await findActiveSigningKey(shopA.workspace.id))!;
  const keyB = (await findActiveSigningKey(shopB.workspace.id))!;
  const links = (shop: Shop) =>
    Promise.all(
      [
        { channel: "email" as const },
        { channel: "email" as const, topic: "reminders" },
        { channel: "sms" as const, messageId: "m-1" },
        { channel: "whatsapp" as const },
      ].map((scope) => signLinkToken({ workspaceId: shop.workspace.id, contactId: shop.contact.id, purpose: "unsubscribe", ...scope })),
    );
  return { shopA, shopB, keyA, keyB, contactA: shopA.contact.id, contactB: shopB.contact.id, realA: await links(shopA), realB: await links(shopB) };
}

function oneClick(token: string, body: Body = "List-Unsubscribe=One-Click", type: string | null = "application/x-www-form-urlencoded") {
  const headers = new Headers(type === null ? {} : { "content-type": type });
  return ONE_CLICK(new Request("http://test/api/unsubscribe/fuzz", { method: "POST", headers, body: bytes(body) }), { params: Promise.resolve({ token }) });
}

it("the fingerprint changes exactly when snapshotRows() does", async () => {
  const { workspace, contact } = await createTestWorkspace();
  const stop = () => changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "sms", status: "unsubscribed", evidence: { source: "api" } });
  const [rows, print] = [await snapshotRows(), await everything()];
  await stop();
  expect(await snapshotRows()).not.toBe(rows);
  expect(await everything()).not.toEqual(print);
  const [rowsAfter, printAfter] = [await snapshotRows(), await everything()];
  await stop(); // already so: nothing written
  expect(await snapshotRows()).toBe(rowsAfter);
  expect(await everything()).toEqual(printAfter);
});

describe("tokens", () => {
  let material: Awaited<ReturnType<typeof tokenMaterial>>;
  beforeAll(async () => {
    material = await tokenMaterial();
  });

  it("a forged token built like the bad ones, but with every claim right, is accepted (the generators are meaningful)", async () => {
    const spare = await createContact(material.keyA.workspaceId, { email: "spare@example.com" });
    const token = hmacJws(material.keyA.secret, { alg: "HS256", kid: material.keyA.kid }, { ...goodClaims(material, "fuzz-sanity-0001"), sub: spare.id });
    expect((await oneClick(token)).status).toBe(200);
    expect(await db().consentEvent.count({ where: { contactId: spare.id, ...CHANGES } })).toBe(1);
  });

  it("one-click POST: a bad token answers 404 (or 429, the per-link limit) and changes no row; GET only redirects on this site", async () => {
    await holds(
      "one-click tokens",
      fc.asyncProperty(badTokens(material), async ({ token }) => {
        const before = await everything();
        const response = await oneClick(token);
        tally("one-click tokens", response.status);
        expect([404, 429]).toContain(response.status);
        const page = await ONE_CLICK_PAGE(new Request("http://test/api/unsubscribe/fuzz"), { params: Promise.resolve({ token }) });
        expect(page.status).toBe(303);
        expect(page.headers.get("location")).toMatch(/^\/u\/[^/?#]*$/);
        expect(await everything()).toEqual(before);
      }),
      { numRuns: 300, seconds: 3 },
    );
  });

  it("one-click POST with a good token: any other body or content type answers 400 and changes nothing", async () => {
    const { workspace, contact } = material.shopA;
    const oneClickish = fc
      .tuple(fc.constantFrom("List-Unsubscribe", "list-unsubscribe", "List-Unsubscribe ", "List%2DUnsubscribe"), fc.constantFrom("One-Click", "one-click", "One+Click", "One-Click\u0000", "One-Click%00", "One-Clic", ""), fc.array(fc.tuple(text, text), { maxLength: 2 }))
      .map(([name, value, extra]) => [`${name}=${value}`, ...(extra.length > 0 ? [new URLSearchParams(extra).toString()] : [])].join("&"));
    const multipart = fc.tuple(fc.oneof(fc.constant("x"), b64urlString(1, 30)), fc.oneof(fc.constant("List-Unsubscribe"), text), fc.oneof(fc.constant("One-Click"), text), fc.boolean()).map(([boundary, name, value, closed]) => ({
      body: `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n${closed ? `--${boundary}--\r\n` : ""}`,
      type: `multipart/form-data; boundary=${boundary}`,
    }));
    const request = fc.oneof(
      fc.tuple(fc.oneof(oneClickish, text, huge), fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=iso-8859-1", "text/plain", "application/json")).map(([body, type]) => ({ body: body as Body, type: type as string | null })),
      multipart,
      fc.tuple(fc.uint8Array({ maxLength: 300 }).map((array) => new Uint8Array(array)), contentType(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])).map(([body, type]) => ({ body: body as Body, type })),
    );
    await holds(
      "one-click bodies",
      fc.asyncProperty(request, async ({ body, type }) => {
        // A fresh link each run: one-click allows 10 posts a minute per link.
        const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, purpose: "unsubscribe", channel: "whatsapp" });
        const before = await everything();
        const response = await oneClick(token, body, type);
        tally("one-click bodies", response.status);
        // A form body is read, up to its limit; any other is refused unread.
        const tooLarge = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type ?? "") && bytes(body).byteLength > BODY_LIMITS.oneClick;
        expect(tooLarge ? [413] : [200, 400]).toContain(response.status);
        if (response.status !== 200) {
          expect(await everything()).toEqual(before);
          return;
        }
        // A body that does say List-Unsubscribe=One-Click: the opt-out happened; undo it for the next run.
        const channelRow = await db().channelSubscription.findFirstOrThrow({ where: { contactId: contact.id, channel: "whatsapp" } });
        expect(channelRow.subscribed).toBe(false);
        await changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "whatsapp", status: "subscribed", evidence: { source: "api" } });
      }),
      { numRuns: 150, seconds: 2 },
    );
  });

  it("short links: any id answers 303 (only a real one) or 404, and reads only", async () => {
    const { workspace, contact } = material.shopA;
    const real: string[] = [];
    for (const channel of ["sms", "whatsapp"] as const) {
      const links = await mintLinks({ workspaceId: workspace.id, contactId: contact.id, channel, topic: channel === "sms" ? "reminders" : undefined });
      real.push(links.unsubscribeUrl.split("/s/")[1], links.preferencesUrl.split("/s/")[1]);
    }
    const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const id = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...real) },
      { weight: 2, arbitrary: fc.oneof(text, huge, fc.string({ unit: "binary", maxLength: 100 })) },
      { weight: 2, arbitrary: fc.string({ unit: chars(ALPHABET), minLength: 11, maxLength: 13 }) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...real), fc.nat(11), fc.oneof(chars(`${ALPHABET}l1I0O`), fc.constantFrom("", "\u0000", "/", "%")), fc.boolean())
          .map(([link, at, char, caseSwap]) => (caseSwap ? link.toUpperCase() : link.slice(0, at) + char + link.slice(at + 1))),
      },
    );
    await holds(
      "short links",
      fc.asyncProperty(id, async (value) => {
        const before = await everything();
        const response = await SHORT_LINK(new Request("http://test/s/fuzz"), { params: Promise.resolve({ id: value }) });
        tally("short links", response.status);
        if (real.includes(value)) {
          expect(response.status).toBe(303);
          expect(response.headers.get("location")).toMatch(/^\/[up]\/[\w-]+\.[\w-]+\.[\w-]+$/);
        } else {
          expect(response.status).toBe(404);
        }
        expect(await everything()).toEqual(before);
      }),
      { numRuns: 200, seconds: 1.5 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The business API

type ApiCall = { body: Body; type: string | null; authorization: string | null; idempotencyKey: string | null; workspaceHeader: string | null; id: string };

describe("API bodies", () => {
  let shop: Shop;
  let key: string;
  beforeAll(async () => {
    shop = await createTestWorkspace();
    const created = await createApiKey(shop.workspace.id, "k");
    key = created.key;
    await db().apiKey.update({ where: { id: created.id }, data: { rateLimitPerMinute: 1_000_000 } });
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
    const headers = new Headers({ authorization: c.authorization === null ? `Bearer ${key}` : c.authorization.replace("KEY", key) });
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
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          await expectErrorShape(response);
          expect(await everything()).toEqual(before);
        }
      }),
      budget,
    );
  }

  const contactId = (): FieldSpec => ({ good: fc.oneof({ weight: 3, arbitrary: fc.constant(shop.contact.id) }, fc.uuid()), bad: text });
  const subscription = shaped({ channel, topic: topicKey, status }, 6);

  it("POST /api/v1/contacts", async () => {
    const body = shaped({
      externalId: { good: freeText, bad: fc.oneof(fc.constant(" "), huge), optional: true },
      email: { good: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}([._-][a-z0-9]{1,8})?@example\.(com|org)$/), fc.constant(shop.contact.email)), bad: fc.oneof(text, fc.emailAddress()), optional: true },
      phone: { good: fc.oneof(fc.stringMatching(/^\+[1-9]\d{6,14}$/), fc.constant("+14155550100")), bad: text, optional: true },
      whatsappId: { good: fc.stringMatching(/^\d{6,20}$/), bad: text, optional: true },
      locale: { good: fc.constantFrom("es", "pt-BR", "it"), bad: text, optional: true },
      subscriptions: { good: fc.array(subscription, { maxLength: 4 }), bad: fc.array(subscription, { minLength: 51, maxLength: 52 }), optional: true },
      evidence: { good: evidence, optional: true },
    });
    await neverFailsNorWritesOnRefusal("POST /api/v1/contacts", call(jsonBody(body, ["externalId", "subscriptions", "evidence"])), (c) => CONTACTS(request("/api/v1/contacts", "POST", c)), { numRuns: 200, seconds: 3 });
  });

  it("PATCH /api/v1/contacts/{id}/preferences", async () => {
    const version: FieldSpec = { good: fc.nat(4), bad: fc.constantFrom(-1, 1.5, 2 ** 53, 1e300, "1"), optional: true };
    const isoDate = fc
      .tuple(fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }), fc.constantFrom("Z", "+00:00", "+23:59", "-23:59", "+05:30"))
      .map(([date, offset]) => date.toISOString().replace("Z", offset));
    const pausedUntil: FieldSpec = {
      good: fc.oneof(
        fc.constant(null),
        isoDate,
        fc.constantFrom("0000-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00-05:00", "9999-12-31T23:59:59.999-23:59", "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z"),
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
      good: fc.oneof({ weight: 20, arbitrary: fc.array(id.good, { minLength: 1, maxLength: 8 }) }, { weight: 1, arbitrary: fc.constant(Array.from({ length: 10_000 }, (_, i) => uuidFor(i))) }),
      bad: fc.oneof(fc.constant([]), fc.constant(Array.from({ length: 10_001 }, (_, i) => uuidFor(i))), fc.array(fc.oneof(id.good, id.bad!), { minLength: 1, maxLength: 4 })),
    };
    const body = shaped({ channel, topic: topicKey, contactIds });
    await neverFailsNorWritesOnRefusal("POST /api/v1/sendability", call(jsonBody(body, ["contactIds", "topic"])), (c) => SENDABILITY(request("/api/v1/sendability", "POST", c)), { numRuns: 150, seconds: 2 });
  });

  it("POST /api/v1/links", async () => {
    const body = shaped({ contactId: contactId(), channel, topic: topicKey, messageId: { good: freeText, bad: fc.oneof(fc.constant(" "), huge), optional: true } });
    await neverFailsNorWritesOnRefusal("POST /api/v1/links", call(jsonBody(body, ["contactId", "messageId"])), (c) => LINKS(request("/api/v1/links", "POST", c)), { numRuns: 150, seconds: 2 });
  });

  it("POST /api/v1/optin", async () => {
    const topics: FieldSpec = {
      good: fc.array(topicKey.good, { minLength: 1, maxLength: 3 }),
      bad: fc.oneof(fc.constant([]), fc.array(topicKey.good, { minLength: 21, maxLength: 22 }), fc.array(fc.oneof(topicKey.good, topicKey.bad!), { minLength: 1, maxLength: 3 })),
    };
    const body = shaped({ contactId: contactId(), topics, evidence: { good: evidence, optional: true } });
    await neverFailsNorWritesOnRefusal("POST /api/v1/optin", call(jsonBody(body, ["topics", "evidence"])), (c) => OPTIN(request("/api/v1/optin", "POST", c)), { numRuns: 150, seconds: 2 });
  });
});

// ---------------------------------------------------------------------------------------------
// Inbound webhooks

describe("webhook bodies", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await createTestWorkspace();
    // No WhatsApp access token: the confirmation reply is not sent anywhere.
    await db().workspace.update({ where: { id: shop.workspace.id }, data: { twilioAuthToken: TWILIO_TOKEN, whatsappAppSecret: APP_SECRET } });
  });

  /** Puts a channel switch where the run wants it before it starts, so that a keyword has something to change. */
  const setChannel = (channel: Channel, subscribed: boolean) =>
    changeSubscription({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel, status: subscribed ? "subscribed" : "unsubscribed", evidence: { source: "api" } });

  async function expectRefused(response: Response, before: Record<string, string>, status = 403) {
    expect(response.status).toBe(status);
    await expectErrorShape(response);
    expect(await everything()).toEqual(before);
  }

  async function expectAnswered(response: Response, before: Record<string, string>) {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      await expectErrorShape(response);
      expect(await everything()).toEqual(before);
    }
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
    const signature = fc.oneof({ weight: 3, arbitrary: fc.constant("valid") }, fc.constantFrom("missing", "empty", "another token", "another URL", "another body"), headerText.map((s) => `garbage ${s}`));
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
        const response = await TWILIO(new Request(`http://internal:3000${path}`, { method: "POST", headers, body }), { params: Promise.resolve({ workspace: shop.workspace.id }) });
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
        interactive: { good: shaped({ type: { good: fc.constant("button_reply") }, button_reply: { good: shaped({ id: words, title: words }, 6), optional: true } }, 6), optional: true },
      },
      4,
    );
    const value = shaped(
      {
        messaging_product: { good: fc.constant("whatsapp") },
        metadata: { good: shaped({ display_phone_number: { good: fc.constant("15550783881") }, phone_number_id: { good: fc.constant("106540352242922") } }, 6), optional: true },
        messages: { good: fc.array(message, { minLength: 1, maxLength: 3 }), optional: true },
      },
      6,
    );
    const entry = shaped({ id: { good: fc.constant("102290129340398") }, changes: { good: fc.array(shaped({ field: { good: fc.constant("messages") }, value: { good: value } }, 6), { minLength: 1, maxLength: 2 }) } }, 6);
    const body = shaped({ object: { good: fc.constant("whatsapp_business_account"), bad: fc.constantFrom("page", "") }, entry: { good: fc.array(entry, { minLength: 1, maxLength: 2 }) } });
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
    const token = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: badTokens(material).map((candidate) => candidate.token) });
    const subject: FieldSpec = {
      good: fc.oneof({ weight: 4, arbitrary: token.map((t) => `unsubscribe ${t}`) }, token.map((t) => `Re: ${t}, thanks`), freeText, fc.constant("x".repeat(2_000)), fc.constant(null)),
      bad: fc.constant("x".repeat(2_001)),
      optional: true,
    };
    const address = fc.oneof({ weight: 2, arbitrary: token.map((t) => `unsubscribe+${t}@prefs.example.com`) }, fc.emailAddress(), freeText);
    const to: FieldSpec = { good: fc.oneof(address, fc.array(address, { maxLength: 4 })), bad: fc.oneof(fc.constant("x".repeat(2_001)), fc.array(address, { minLength: 101, maxLength: 101 })) };
    const messageId = (nullable: boolean): FieldSpec => ({
      good: fc.oneof({ weight: 4, arbitrary: plausible(fc.constant("<abc@example.com>")) }, nullable ? fc.constant(null) : freeText),
      bad: huge,
      optional: true,
    });
    const resend = shaped({
      type: { good: fc.constant("email.received"), bad: fc.constantFrom("email.sent", "") },
      created_at: { good: fc.constant("2026-11-23T10:00:00.000Z") },
      data: { good: shaped({ email_id: { good: fc.uuid() }, from: { good: fc.constant("Person <person@example.com>"), optional: true }, to, subject, message_id: messageId(true) }) },
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
        if (how === "valid, among others") signed = { ...signed, "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${signed["webhook-signature"]} v1a,xyz` };
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
});

// ---------------------------------------------------------------------------------------------
// Preference-page form posts

const fileValue = fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.string({ maxLength: 10 })).map(([content, name]) => new File([new Uint8Array(content)], name));
/** A form field's value: mostly a right one as the page posts it, sometimes a wrong one, any text, or a file. */
const formValue = (good: fc.Arbitrary<string>, bad: fc.Arbitrary<string> = text) =>
  fc.oneof({ weight: 48, arbitrary: good }, { weight: 2, arbitrary: bad }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: huge }, { weight: 1, arbitrary: fileValue });
const absentOr = <T>(value: fc.Arbitrary<T>) => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 12, arbitrary: value });

const isoDay = fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
const formFields = fc.record({
  channel: absentOr(formValue(fc.constantFrom("email", "sms", "whatsapp"), fc.constantFrom("push", "EMAIL"))),
  intent: absentOr(formValue(fc.constantFrom("save", "stop-channel", ""))),
  channelVersion: absentOr(formValue(fc.oneof(fc.nat(5).map(String), fc.constantFrom("1e0", "0x1", "", " 2 ")), fc.constantFrom("-1", "1.5", "Infinity", "9007199254740993"))),
  channelOn: absentOr(formValue(fc.constantFrom("on", "off", ""))),
  frequency: absentOr(formValue(fc.constantFrom(...FREQUENCIES))),
  pause: absentOr(formValue(fc.constantFrom(...PAUSE_CHOICES))),
  pauseUntil: absentOr(formValue(fc.oneof(isoDay, fc.constantFrom("2024-02-29", "0000-01-01", "0001-01-01", "9999-12-31")), fc.constantFrom("2026-02-30", "2026-1-1"))),
  locale: absentOr(formValue(fc.constantFrom("es", "pt-BR", "it", "en", "xx", "PT"))),
  parent: absentOr(formValue(fc.constantFrom("https://shop.example.com", "javascript:alert(1)"))),
  reason: absentOr(formValue(fc.constantFrom(...OPT_OUT_REASONS))),
  comment: absentOr(formValue(plausible(fc.lorem()), fc.constantFrom(" ".repeat(1_001), "x".repeat(1_001)))),
  topics: fc.array(
    fc.record({
      key: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("offers", "reminders", "nope", "constructor") }, fc.constantFrom("__proto__", "hasOwnProperty", "", "a".repeat(65)), text),
      version: formValue(fc.nat(4).map(String)),
      on: absentOr(formValue(fc.constant("on"))),
    }),
    { maxLength: 3 },
  ),
  extra: fc.array(fc.tuple(fc.oneof(text, fc.constantFrom("channel", "topicVersion.offers", "topic.offers", "pause")), formValue(text)), { maxLength: 3 }),
});
type FormFields = typeof formFields extends fc.Arbitrary<infer T> ? T : never;

function toFormData(fields: FormFields): FormData {
  const form = new FormData();
  const { topics, extra, ...named } = fields;
  for (const [name, value] of Object.entries(named)) if (value !== undefined) form.append(name, value);
  for (const topic of topics) {
    form.append(`topicVersion.${topic.key}`, topic.version);
    if (topic.on !== undefined) form.append(`topic.${topic.key}`, topic.on);
  }
  for (const [name, value] of extra) form.append(name, value);
  return form;
}

describe("form posts", () => {
  it("channelPreferencesForm: any form data parses to a valid change or a clean failure", async () => {
    const email: ChannelState = {
      channel: "email",
      reachable: true,
      subscribed: true,
      frequency: "immediate",
      pausedUntil: new Date("2026-06-01T00:00:00Z"),
      paused: true,
      version: 3,
      topics: ["offers", "reminders"].map((key, i) => ({ id: key, key, names: { en: key }, descriptions: {}, requiresOptIn: i === 0, status: i === 0 ? "pending" : "subscribed", version: i })),
    };
    await holds(
      "form parsing",
      fc.property(formFields, (fields) => {
        const parsed = channelPreferencesForm.safeParse(toFormData(fields));
        tally("form parsing", parsed.success ? "parsed" : "refused");
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        const data = parsed.data;
        expect(["email", "sms", "whatsapp", "push"]).toContain(data.channel);
        expect(Number.isSafeInteger(data.channelVersion) && data.channelVersion >= 0).toBe(true);
        for (const [key, topic] of Object.entries(data.topics)) {
          expect(key).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
          expect(Number.isSafeInteger(topic.version) && topic.version >= 0).toBe(true);
        }
        for (const change of channelFormChanges(email, data)) {
          if (change.kind === "pause" && change.pausedUntil) expect(Number.isNaN(change.pausedUntil.getTime())).toBe(false);
          if (change.expectedVersion !== undefined) expect(Number.isSafeInteger(change.expectedVersion)).toBe(true);
        }
      }),
      { numRuns: 1000, seconds: 1 },
    );
  });

  it("the preference-page actions: any form, token and bound arguments end in a redirect on the page, never an error; a refused one writes nothing", async () => {
    const shop = await createTestWorkspace();
    const { workspace, contact } = shop;
    await db().workspace.update({ where: { id: workspace.id }, data: { allowedEmbedOrigins: ["https://shop.example.com"] } });
    const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "preferences" });
    const wrongPurpose = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "unsubscribe" });
    const optOut = await changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "email", topicKey: "reminders", status: "unsubscribed", evidence: { source: "one_click" } });
    await recordFeedbackForEvent(workspace.id, contact.id, optOut.consentEventId!, "too_frequent", null);
    const eventId = fc.oneof({ weight: 4, arbitrary: fc.constant(optOut.consentEventId!) }, fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), text);
    const call = fc.record({
      action: fc.oneof({ weight: 3, arbitrary: fc.constant("save") }, fc.constantFrom("stop", "language", "survey", "alternative")),
      token: fc.oneof({ weight: 12, arbitrary: fc.constant(token) }, fc.constant(wrongPurpose), text, b64urlString(10, 60).map((s) => `${s}.${s}.${s}${s}`)),
      kind: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("page", "embed") }, text),
      eventId,
      alternativeId: fc.oneof(fc.constantFrom("weekly", "pause", "switch:sms", "switch:whatsapp", "switch:email"), text),
      form: formFields,
      headers: fc.record({ "accept-language": absentOr(fc.oneof(fc.constantFrom("es", "pt-BR,pt;q=0.9", "*", "it;q=abc"), headerText)), "user-agent": absentOr(headerText), "x-forwarded-for": absentOr(fc.oneof(fc.ipV4(), headerText)) }),
    });
    await holds(
      "preference-page actions",
      fc.asyncProperty(call, async (c) => {
        fakeRequest.headers = new Headers(Object.entries(c.headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
        const form = toFormData(c.form);
        const before = await everything();
        const url = await redirectOf(() => {
          switch (c.action) {
            case "save":
              return saveChannelPreferences(c.token, c.kind, form);
            case "stop":
              return stopEverything(c.token, c.kind, form);
            case "language":
              return saveLanguage(c.token, c.kind, form);
            case "survey":
              return saveSurveyAnswer(c.token, c.kind, c.eventId, form);
            default:
              return chooseAlternative(c.token, c.kind, c.eventId, c.alternativeId, form);
          }
        });
        // Always back to the page itself (no open redirect), and a refusal changes nothing.
        expect(url).toMatch(/^\/(embed\/)?p\//);
        // Whatever was saved, the contact's preferences still read back (no Invalid Date stored).
        const state = (await getContactPreferences(workspace.id, contact.id))!;
        for (const channel of state.channels) expect(channel.pausedUntil === null || Number.isFinite(channel.pausedUntil.getTime())).toBe(true);
        const query = new URL(url, "http://test").searchParams;
        tally("preference-page actions", `${c.action} → ${[...query.keys()].filter((key) => key !== "lang" && key !== "parent").join("&") || (query.has("lang") ? "done" : "bad link")}`);
        if (!query.has("lang") || query.get("error") === "invalid" || query.get("reason") === "invalid" || query.has("stale")) {
          expect(await everything()).toEqual(before);
        }
      }),
      { numRuns: 200, seconds: 3.5 },
    );
  });

  it("the preference page's survey query (?survey=…): any value shows the survey or nothing, never an error", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const optOut = await changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "sms", status: "unsubscribed", evidence: { source: "one_click" } });
    const state = (await getContactPreferences(workspace.id, contact.id))!;
    const survey = fc.oneof(fc.constant(optOut.consentEventId!), fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), text);
    await holds(
      "survey query",
      fc.asyncProperty(survey, async (eventId) => {
        const view = await loadSurvey(state, eventId, translator("en"), "en");
        tally("survey query", view ? "survey" : "none");
        expect(view === null || view.eventId === optOut.consentEventId).toBe(true);
      }),
      { numRuns: 200, seconds: 1 },
    );
  });
});
