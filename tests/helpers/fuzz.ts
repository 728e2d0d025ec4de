import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { db } from "@/lib/platform/db";

// Property-based fuzzing (fast-check) of everything a stranger can send: link tokens, API bodies,
// webhook bodies and preference-page form posts, one test file per target (tests/integration/fuzz-*).
// Whatever arrives, the answer is never a 5xx (nor a thrown error), a 4xx comes in the one error shape,
// and a refused request writes nothing at all. Each property stops at its run count or its time limit,
// whichever comes first, and must have made a real number of runs; a failure prints the (shrunk)
// counterexample and the seed to replay it.

// ---------------------------------------------------------------------------------------------
// Running a property within a budget

export type Budget = { numRuns: number; seconds: number };
const ran: string[] = [];
/** What each property's runs were answered, to see that they reach past validation too. */
const outcomes = new Map<string, Map<string, number>>();
export function tally(name: string, outcome: string | number) {
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

export async function holds<Ts>(name: string, property: fc.IRawProperty<Ts>, { numRuns, seconds }: Budget) {
  const started = Date.now();
  const inProgress: { run: Promise<unknown> } = { run: Promise.resolve() };
  const details = await fc.check(property, { numRuns, plugins: [fc.interruptAfterTimeLimit(seconds * 1000), keepingTheRunInProgress(inProgress)] });
  await inProgress.run;
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
    throw new Error(`${await fc.asyncDefaultReportMessage(details)}\nGot: ${cause}`);
  }
  const answers = [...(outcomes.get(name) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1)).map(([outcome, count]) => `${outcome} ×${count}`);
  ran.push(
    `${name}: ${details.numRuns}/${numRuns} runs in ${((Date.now() - started) / 1000).toFixed(1)} s${details.interrupted ? " (time limit)" : ""}; ${answers.join(", ")}`,
  );
  // Stopping at the time limit is no failure, but a property that barely ran proves nothing.
  expect(details.numRuns, `${name} made too few runs`).toBeGreaterThanOrEqual(Math.ceil(numRuns / 4));
}

// A hook of the test file that imports this: each file reports its own properties' runs.
afterAll(() => {
  console.info(`fuzz runs:\n  ${ran.join("\n  ")}`);
});

// ---------------------------------------------------------------------------------------------
// Observing the database

// The tables tests/helpers/snapshot.ts compares (consent, its evidence and outbox, subscriptions, reason
// answers, short links), plus contacts, suppressions, delivery events and the ledger heads; each as the MD5 of all its rows
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
  delivery_events: "id",
  ledger_heads: "workspace_id",
};
const FINGERPRINT = `SELECT ${Object.entries(WATCHED)
  .map(([table, key]) => `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ${key.replace(/(\w+)/g, "t.$1")}), '')) FROM ${table} t) AS ${table}`)
  .join(", ")}`;

export async function everything(): Promise<Record<string, string>> {
  const [row] = await db().$queryRawUnsafe<Record<string, string>[]>(FINGERPRINT);
  return row;
}

/** A 4xx of the business API (and of the webhooks): exactly {"error": {"code", "message", "details"?}}. */
export async function expectErrorShape(response: Response) {
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

/** Never a 5xx; a 4xx in the one error shape, having written nothing since `before`. */
export async function expectAnswered(response: Response, before: Record<string, string>) {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    await expectErrorShape(response);
    expect(await everything()).toEqual(before);
  }
}

// ---------------------------------------------------------------------------------------------
// Generators shared by the targets

export const chars = (alphabet: string) => fc.constantFrom(...alphabet.split(""));
export const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export const b64urlString = (minLength: number, maxLength: number) => fc.string({ unit: chars(B64URL), minLength, maxLength });

/** Any text: printable, any code point, control characters (NUL among them), lone surrogates, classics. */
export const text: fc.Arbitrary<string> = fc.oneof(
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
export const huge: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 65, max: 200_000 }), fc.constantFrom("a", "é", "😀", "\u0000", " ", "-"))
  .map(([n, c]) => c.repeat(n));
/** A value of the wrong type (or a right type with a wrong value). */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  huge,
);
/** A right-looking string, sometimes with one odd character slipped in: NUL, a lone surrogate, a bidi override, a BOM, a newline. */
export const plausible = (good: fc.Arbitrary<string>) =>
  fc
    .tuple(
      good,
      fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(
            fc.nat(),
            fc.oneof({ weight: 3, arbitrary: fc.constant("\u0000") }, { weight: 2, arbitrary: fc.constantFrom("\ud800", "\udfff", "\u202e", "\ufeff", "\n") }),
          ),
        },
      ),
    )
    .map(([value, odd]) => {
      if (!odd) return value;
      const at = odd[0] % (value.length + 1);
      return value.slice(0, at) + odd[1] + value.slice(at);
    });
/** Free text as a field carries it (an external id, a user agent, a message id, a comment). */
export const freeText = plausible(fc.string({ minLength: 1, maxLength: 30 }));

export type FieldSpec = { good: fc.Arbitrary<unknown>; bad?: fc.Arbitrary<unknown>; optional?: boolean };
/**
 * An object built from the real field names, every field right (most of the time, so that the request
 * gets past validation to the database), or one or two of them wrong: a wrong value, a wrong type or
 * missing; sometimes with one unknown key more ("__proto__" included, as JSON.parse makes it: own).
 */
export function shaped(fields: Record<string, FieldSpec>, intact = 4): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(fields);
  const right = fc.record(
    Object.fromEntries(names.map((name) => [name, fields[name].optional ? fc.option(fields[name].good, { nil: undefined, freq: 3 }) : fields[name].good])),
  );
  const wrong = fc.record(
    Object.fromEntries(names.map((name) => [name, fc.oneof({ weight: 2, arbitrary: fields[name].bad ?? junk }, junk, fc.constant(undefined))])),
  );
  const broken = fc.oneof(
    { weight: intact, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }) },
  );
  const extra = fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor")), junk) },
  );
  return fc.tuple(right, wrong, broken, extra).map(([values, wrongValues, which, more]) => {
    const object: Record<string, unknown> = { ...values };
    for (const name of which) object[name] = wrongValues[name];
    if (more) Object.defineProperty(object, more[0], { value: more[1], enumerable: true, configurable: true, writable: true });
    return object;
  });
}
/** Printable ASCII: what an HTTP header can carry. */
export const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

/** Nesting tens of thousands deep under one of the real field names. */
const deepNesting = (fields: string[]) =>
  fc
    .tuple(fc.constantFrom(...fields), fc.integer({ min: 1, max: 50_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
    .map(([name, depth, open, balanced]) => {
      const close = open === "[" ? "]" : "}";
      return `{"${name}":${open.repeat(depth)}${open === "[" ? "" : "1"}${balanced ? close.repeat(depth) : ""}}`;
    });

export type Body = string | Uint8Array<ArrayBuffer>;
const encoder = new TextEncoder();
export const bytes = (body: Body) => (typeof body === "string" ? encoder.encode(body) : body);

/** A JSON body: mostly the structured one, else any JSON, any value, any text, deep nesting, or invalid UTF-8. */
export const jsonBody = (structured: fc.Arbitrary<unknown>, fields: string[]): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 20, arbitrary: structured.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? String(value)) },
    { weight: 1, arbitrary: fc.oneof(text, huge) },
    { weight: 1, arbitrary: deepNesting(fields) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(structured, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { minLength: 1, maxLength: 4 }))
        .map(([value, insertions]) => {
          const encoded = Array.from(encoder.encode(JSON.stringify(value) ?? "null"));
          for (const [at, byte] of insertions) encoded.splice(at % (encoded.length + 1), 0, byte);
          return new Uint8Array(encoded);
        }),
    },
  );

export const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON"];
export const contentType = (usual: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...usual) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        null,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        "application/xml",
        "json",
      ),
    },
    { weight: 1, arbitrary: headerText },
  );
