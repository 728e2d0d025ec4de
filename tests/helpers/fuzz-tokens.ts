import { createHmac } from "node:crypto";
import fc from "fast-check";
import { findActiveSigningKey } from "@/lib/links/signing-key-store";
import { signLinkToken } from "@/lib/links/message-links";
import type { SigningKeyMaterial } from "@/lib/links/tokens";
import { createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";
import { B64URL, b64urlString, chars, huge, junk, text } from "@/tests/helpers/fuzz";

// Tokens for fuzzing the links (tests/integration/fuzz-links.test.ts) and the inbound email
// (fuzz-inbound.test.ts): signing what we like, with keys we hold.

/** Mostly a plausible value, sometimes junk: most bodies stay valid but for one or two fields. */
const field = <T>(good: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<unknown> => fc.oneof({ weight, arbitrary: good }, { weight: 1, arbitrary: junk });
/** A field that is often absent (undefined disappears in JSON). */
const optional = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 8, arbitrary: good }, { weight: 1, arbitrary: junk });

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : (JSON.stringify(value) ?? "")).toString("base64url");
const HASHES: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/** A compact JWS over any header and payload, HMAC-signed with the secret given. */
export function hmacJws(secret: Uint8Array, header: unknown, payload: unknown, hash = "sha256") {
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
export function goodClaims(material: TokenMaterial, jti: string) {
  const iat = nowSeconds();
  const claims: Record<string, unknown> = {
    aud: material.keyA.workspaceId,
    sub: material.contactA,
    pur: "unsubscribe",
    ch: "email",
    jti,
    iat,
    exp: iat + 3600,
  };
  return claims;
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
export function badTokens(material: TokenMaterial): fc.Arbitrary<Candidate> {
  const { keyA, keyB } = material;
  const realA = fc.constantFrom(...material.realA);
  const realB = fc.constantFrom(...material.realB);

  const anyString = fc
    .oneof(text, huge, fc.string({ unit: "binary", maxLength: 3000 }), fc.constantFrom("", ".", "..", "a.b.c", "not-a-token"))
    .map((token) => ({ how: "any string", token }));
  const jwsShaped = fc
    .tuple(b64urlString(10, 120), b64urlString(10, 400), b64urlString(20, 200))
    .map((parts) => ({ how: "random JWS-shaped", token: parts.join(".") }));
  const jsonParts = fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), b64urlString(20, 60))
    .map(([header, payload, signature]) => ({ how: "random JSON header and payload", token: `${b64(header)}.${b64(payload)}.${signature}` }));

  const mutation = fc.oneof(
    fc
      .tuple(fc.nat(), fc.oneof({ weight: 4, arbitrary: chars(B64URL) }, { weight: 1, arbitrary: chars(".=+/ %\u0000é") }))
      .map(([at, char]) => ({ kind: "flip" as const, at, char })),
    fc.nat().map((at) => ({ kind: "truncate" as const, at })),
    fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 5 })).map(([at, insert]) => ({ kind: "insert" as const, at, insert })),
    fc.tuple(fc.integer({ min: 0, max: 2 }), realB).map(([part, other]) => ({ kind: "part from the other workspace's link" as const, part, other })),
    fc.constantFrom("upper case", "lower case", "reorder", "extra part", "drop signature", "trailing space").map((kind) => ({ kind })),
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
    exp: fc.oneof(
      fc.integer({ min: 1, max: 100_000_000 }).map((ago) => nowSeconds() - ago),
      fc.constantFrom(nowSeconds() + 0.5, "tomorrow", null),
      fc.constant(undefined),
    ),
  };
  type ClaimName = keyof typeof badClaim;
  const forgedClaims = fc
    .tuple(fc.subarray(Object.keys(badClaim) as ClaimName[], { minLength: 1, maxLength: 3 }), fc.record(badClaim), tokenId)
    .filter(([which, bad]) =>
      which.every((name) => !(typeof bad[name] === "string" && ["offers", "reminders", "sms", "whatsapp", "unsubscribe"].includes(bad[name] as string))),
    )
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

export async function tokenMaterial(): Promise<TokenMaterial & { shopA: TestWorkspace; shopB: TestWorkspace }> {
  const [shopA, shopB] = [await createTestWorkspace(), await createTestWorkspace()];
  const keyA = (await findActiveSigningKey(shopA.workspace.id))!;
  const keyB = (await findActiveSigningKey(shopB.workspace.id))!;
  const links = (shop: TestWorkspace) =>
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
