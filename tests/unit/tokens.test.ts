import { randomBytes } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { InvalidTokenError, signToken, verifyToken, type SigningKeyMaterial, type TokenPurpose, type TokenRequest } from "@/lib/links/tokens";

const WORKSPACE = "0b6f3a9e-1d2c-4e5f-8a7b-9c0d1e2f3a4b";
const OTHER_WORKSPACE = "7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f";
const CONTACT = "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170";

function makeKey(overrides: Partial<SigningKeyMaterial> = {}): SigningKeyMaterial {
  return { kid: `k_${randomBytes(4).toString("hex")}`, workspaceId: WORKSPACE, secret: randomBytes(32), status: "active", ...overrides };
}

function resolverFor(...keys: SigningKeyMaterial[]) {
  return async (kid: string) => keys.find((k) => k.kid === kid) ?? null;
}

const request = {
  workspaceId: WORKSPACE,
  contactId: CONTACT,
  purpose: "unsubscribe" as TokenPurpose,
  channel: "email" as const,
  topic: "offers",
  messageId: "msg-42",
};

async function reasonOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as InvalidTokenError).reason;
  }
  throw new Error("the token was accepted");
}

describe("signed links", () => {
  it("round-trips the claims, with the key id in the header and no personal data", async () => {
    const key = makeKey();
    const token = await signToken(request, key);
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toEqual({ alg: "HS256", kid: key.kid });
    expect(Object.keys(payload).sort()).toEqual(["aud", "ch", "exp", "iat", "jti", "mid", "pur", "sub", "tp"]);
    expect(token).not.toMatch(/@|%40/);

    const claims = await verifyToken(token, resolverFor(key), { purposes: ["unsubscribe"] });
    expect(claims).toMatchObject({
      workspaceId: WORKSPACE,
      contactId: CONTACT,
      purpose: "unsubscribe",
      channel: "email",
      topic: "offers",
      messageId: "msg-42",
    });
    expect(claims.tokenId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it("signs byte for byte what jose's SignJWT signs for the same claims, and jose verifies it", async () => {
    const key = makeKey();
    const now = new Date("2026-03-01T12:34:56.789Z");
    const iat = Math.floor(now.getTime() / 1000);
    const variants: TokenRequest[] = [
      request,
      { ...request, purpose: "preferences", topic: undefined },
      { ...request, purpose: "confirm", channel: "sms", messageId: undefined },
      { ...request, channel: "whatsapp", topic: undefined, messageId: undefined },
      { ...request, messageId: 'Primavera "ñ" ✉️ 春 \\ </script>' },
    ];
    const lifetime = { unsubscribe: 400 * 86_400, preferences: 90 * 86_400, confirm: 7 * 86_400 };
    for (const variant of variants) {
      const jti = randomBytes(12).toString("base64url");
      const ours = await signToken({ ...variant, tokenId: jti, now }, key);
      const jose = await new SignJWT({
        pur: variant.purpose,
        ch: variant.channel,
        ...(variant.topic ? { tp: variant.topic } : {}),
        ...(variant.messageId ? { mid: variant.messageId } : {}),
      })
        .setProtectedHeader({ alg: "HS256", kid: key.kid })
        .setAudience(variant.workspaceId)
        .setSubject(variant.contactId)
        .setJti(jti)
        .setIssuedAt(iat)
        .setExpirationTime(iat + lifetime[variant.purpose])
        .sign(key.secret);
      expect(ours).toBe(jose);
      await expect(verifyToken(ours, resolverFor(key), { purposes: [variant.purpose], now })).resolves.toMatchObject({
        tokenId: jti,
        messageId: variant.messageId,
      });
    }
  });

  it("lives a year and more for unsubscribe, 90 days for preferences, 7 days for confirmation", async () => {
    const key = makeKey();
    const days = async (purpose: TokenPurpose) => {
      const claims = await verifyToken(await signToken({ ...request, purpose }, key), resolverFor(key), { purposes: [purpose] });
      return (claims.expiresAt.getTime() - claims.issuedAt.getTime()) / 86_400_000;
    };
    expect(await days("unsubscribe")).toBeGreaterThanOrEqual(365);
    expect(await days("preferences")).toBe(90);
    expect(await days("confirm")).toBe(7);
  });

  it("expires: accepted the day before, refused the day after", async () => {
    const key = makeKey();
    const issued = new Date("2026-01-01T00:00:00Z");
    const token = await signToken({ ...request, purpose: "confirm", now: issued }, key);
    const verify = (now: Date) => verifyToken(token, resolverFor(key), { purposes: ["confirm"], now });
    await expect(verify(new Date("2026-01-07T23:00:00Z"))).resolves.toBeTruthy();
    expect(await reasonOf(verify(new Date("2026-01-08T01:00:00Z")))).toBe("expired");
  });

  it("refuses any changed byte in the header, payload or signature", async () => {
    const key = makeKey();
    const token = await signToken(request, key);
    const [header, payload, signature] = token.split(".");
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...decoded, sub: "11111111-1111-4111-8111-111111111111" })).toString("base64url");
    expect(await reasonOf(verifyToken(`${header}.${forged}.${signature}`, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("signature");
    const flippedTopic = Buffer.from(JSON.stringify({ ...decoded, tp: "newsletter" })).toString("base64url");
    expect(await reasonOf(verifyToken(`${header}.${flippedTopic}.${signature}`, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("signature");
    const badSignature = signature.slice(0, -2) + (signature.endsWith("AA") ? "BB" : "AA");
    expect(await reasonOf(verifyToken(`${header}.${payload}.${badSignature}`, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("signature");
    for (let i = 0; i < 20; i++) {
      const position = Math.floor(Math.random() * token.length);
      const replacement = token[position] === "A" ? "B" : "A";
      const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
      if (mutated === token || token[position] === ".") continue;
      await expect(verifyToken(mutated, resolverFor(key), { purposes: ["unsubscribe"] })).rejects.toBeInstanceOf(InvalidTokenError);
    }
  });

  it("refuses alg none and any other algorithm", async () => {
    const key = makeKey();
    const claims = { pur: "unsubscribe", ch: "email", aud: WORKSPACE, sub: CONTACT, jti: "abcdefghijkl" };
    const unsecured = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime("1h").encode();
    await expect(verifyToken(unsecured, resolverFor(key), { purposes: ["unsubscribe"] })).rejects.toBeInstanceOf(InvalidTokenError);
    const withKid = `${Buffer.from(JSON.stringify({ alg: "none", kid: key.kid })).toString("base64url")}.${unsecured.split(".")[1]}.${"A".repeat(43)}`;
    expect(await reasonOf(verifyToken(withKid, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("malformed");
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: "HS512", kid: key.kid }).setIssuedAt().setExpirationTime("1h").sign(randomBytes(64));
    expect(await reasonOf(verifyToken(hs512, resolverFor({ ...key, secret: randomBytes(64) }), { purposes: ["unsubscribe"] }))).toBe("malformed");
  });

  it("refuses an unknown key id, a retired key and a missing key id", async () => {
    const key = makeKey();
    const token = await signToken(request, key);
    expect(await reasonOf(verifyToken(token, resolverFor(), { purposes: ["unsubscribe"] }))).toBe("unknown_key");
    expect(await reasonOf(verifyToken(token, resolverFor({ ...key, status: "retired" }), { purposes: ["unsubscribe"] }))).toBe("retired_key");
    const noKid = await new SignJWT({ pur: "unsubscribe", ch: "email" })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(WORKSPACE)
      .setSubject(CONTACT)
      .setJti("abcdefghijkl")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key.secret);
    expect(await reasonOf(verifyToken(noKid, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("malformed");
  });

  it("refuses a token whose audience is not its key's workspace", async () => {
    const key = makeKey();
    const foreign = await new SignJWT({ pur: "unsubscribe", ch: "email" })
      .setProtectedHeader({ alg: "HS256", kid: key.kid })
      .setAudience(OTHER_WORKSPACE)
      .setSubject(CONTACT)
      .setJti("abcdefghijkl")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key.secret);
    expect(await reasonOf(verifyToken(foreign, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("audience");
    await expect(signToken({ ...request, workspaceId: OTHER_WORKSPACE }, key)).rejects.toThrow(/another workspace/);
  });

  it("refuses a token used for another purpose", async () => {
    const key = makeKey();
    const token = await signToken({ ...request, purpose: "preferences" }, key);
    expect(await reasonOf(verifyToken(token, resolverFor(key), { purposes: ["unsubscribe"] }))).toBe("purpose");
  });

  it("rotates: the new active key signs, the old one keeps verifying until retired", async () => {
    const old = makeKey();
    const oldToken = await signToken(request, old);
    const rotated = { ...old, status: "verify_only" as const };
    const fresh = makeKey();
    await expect(signToken(request, rotated)).rejects.toThrow(/not active/);
    const freshToken = await signToken(request, fresh);
    expect(freshToken.split(".")[0]).not.toBe(oldToken.split(".")[0]);
    await expect(verifyToken(oldToken, resolverFor(rotated, fresh), { purposes: ["unsubscribe"] })).resolves.toBeTruthy();
    await expect(verifyToken(freshToken, resolverFor(rotated, fresh), { purposes: ["unsubscribe"] })).resolves.toBeTruthy();
    expect(await reasonOf(verifyToken(oldToken, resolverFor({ ...old, status: "retired" }, fresh), { purposes: ["unsubscribe"] }))).toBe("retired_key");
  });

  it("refuses garbage without looking up any key", async () => {
    let lookups = 0;
    const counting = async () => {
      lookups += 1;
      return null;
    };
    for (const garbage of ["", "abc", "a.b.c", "x".repeat(5000), "eyJ.eyJ.sig", "../../etc/passwd", "<script>.x.y"]) {
      expect(await reasonOf(verifyToken(garbage, counting, { purposes: ["unsubscribe"] }))).toBe("malformed");
    }
    expect(lookups).toBe(0);
  });

  it("lets a key lookup that could not reach the database fail as such, not as an invalid link", async () => {
    const key = makeKey();
    const token = await signToken(request, key);
    const unreachable = Object.assign(new Error("timeout exceeded when trying to connect"), { code: "ETIMEDOUT" });
    const failing = async () => {
      throw unreachable;
    };
    await expect(verifyToken(token, failing, { purposes: ["unsubscribe"] })).rejects.toBe(unreachable);
  });
});
