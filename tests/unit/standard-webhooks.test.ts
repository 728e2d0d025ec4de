import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook, verifyWebhook } from "@/lib/webhooks/standard-webhooks";

// The test vector published with the Standard Webhooks specification's libraries.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  msgId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: new Date(1614265330 * 1000),
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

function received(headers: ReturnType<typeof signWebhook>) {
  return { id: headers["webhook-id"], timestamp: headers["webhook-timestamp"], signature: headers["webhook-signature"] };
}

describe("Standard Webhooks signing", () => {
  it("reproduces the specification's test vector", () => {
    expect(signWebhook(VECTOR.secret, VECTOR.msgId, VECTOR.timestamp, VECTOR.payload)).toEqual({
      "webhook-id": VECTOR.msgId,
      "webhook-timestamp": "1614265330",
      "webhook-signature": VECTOR.signature,
    });
  });

  it("signs id.timestamp.payload with the decoded secret, computed here by hand", () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const payload = '{"type":"contact.unsubscribed","data":{"channel":"sms","note":"não"}}';
    const expected = createHmac("sha256", Buffer.alloc(32, 7)).update(`msg_1.1767225600.${payload}`).digest("base64");
    const headers = signWebhook(secret, "msg_1", new Date("2026-01-01T00:00:00.900Z"), payload);
    expect(headers["webhook-timestamp"]).toBe("1767225600");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
  });

  it("verifies the test vector, with or without the whsec_ prefix", () => {
    const headers = { id: VECTOR.msgId, timestamp: "1614265330", signature: VECTOR.signature };
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.payload, VECTOR.timestamp)).toBe(true);
    expect(verifyWebhook(VECTOR.secret.slice("whsec_".length), headers, VECTOR.payload, VECTOR.timestamp)).toBe(true);
  });

  it("round-trips a generated secret", () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = signWebhook(secret, "msg_2", now, "{}");
    expect(verifyWebhook(secret, received(headers), "{}", now)).toBe(true);
    expect(verifyWebhook(generateWebhookSecret(), received(headers), "{}", now)).toBe(false);
  });

  it("generates distinct whsec_ secrets of 24 random bytes", () => {
    const secrets = new Set(Array.from({ length: 20 }, generateWebhookSecret));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(24);
    }
  });

  it("refuses any change to the id, timestamp, payload or signature", () => {
    const base = { id: VECTOR.msgId, timestamp: "1614265330", signature: VECTOR.signature };
    const verify = (headers: typeof base, payload = VECTOR.payload) => verifyWebhook(VECTOR.secret, headers, payload, VECTOR.timestamp);
    expect(verify(base)).toBe(true);
    expect(verify(base, '{"test": 2432232315}')).toBe(false);
    expect(verify(base, `${VECTOR.payload}\n`)).toBe(false);
    expect(verify({ ...base, id: "msg_p5jXN8AQM9LWM0D4loKWxJeK" })).toBe(false);
    expect(verify({ ...base, timestamp: "1614265331" })).toBe(false);
    expect(verify({ ...base, signature: VECTOR.signature.replace("g0hM", "g0hN") })).toBe(false);
    expect(verify({ ...base, signature: VECTOR.signature.replace("v1,", "v2,") })).toBe(false);
    expect(verify({ ...base, signature: VECTOR.signature.replace("v1,", "v1a,") })).toBe(false);
    expect(verify({ ...base, signature: VECTOR.signature.slice(3) })).toBe(false);
    expect(verify({ ...base, signature: `v1,${VECTOR.signature.slice(3, -1)}` })).toBe(false);
  });

  it("accepts the header when any v1 signature in the list matches", () => {
    const base = { id: VECTOR.msgId, timestamp: "1614265330" };
    const other = `v1,${Buffer.alloc(32, 1).toString("base64")}`;
    const verify = (signature: string) => verifyWebhook(VECTOR.secret, { ...base, signature }, VECTOR.payload, VECTOR.timestamp);
    expect(verify(`${other} ${VECTOR.signature}`)).toBe(true);
    expect(verify(`${VECTOR.signature} ${other}`)).toBe(true);
    expect(verify(`v1a,${VECTOR.signature.slice(3)} ${VECTOR.signature}`)).toBe(true);
    expect(verify(`${other} v2,${VECTOR.signature.slice(3)}`)).toBe(false);
    expect(verify(`${other} ${other}`)).toBe(false);
  });

  it("refuses missing headers and a timestamp that is not whole seconds", () => {
    const base = { id: VECTOR.msgId, timestamp: "1614265330", signature: VECTOR.signature };
    const verify = (headers: { id: string | null; timestamp: string | null; signature: string | null }) =>
      verifyWebhook(VECTOR.secret, headers, VECTOR.payload, VECTOR.timestamp);
    expect(verify({ ...base, id: null })).toBe(false);
    expect(verify({ ...base, id: "" })).toBe(false);
    expect(verify({ ...base, timestamp: null })).toBe(false);
    expect(verify({ ...base, signature: null })).toBe(false);
    expect(verify({ ...base, signature: "" })).toBe(false);
    for (const timestamp of ["1614265330.0", " 1614265330", "1614265330000", "-1614265330", "0x6037", "1.6e9", "soon", ""]) {
      // Signed correctly over that very timestamp, so only the timestamp's form can refuse it.
      const key = Buffer.from(VECTOR.secret.slice("whsec_".length), "base64");
      const signature = `v1,${createHmac("sha256", key).update(`${VECTOR.msgId}.${timestamp}.${VECTOR.payload}`).digest("base64")}`;
      expect(verify({ ...base, timestamp, signature }), timestamp).toBe(false);
    }
  });

  it("accepts a timestamp within the tolerance either way, and refuses one beyond it", () => {
    const signedAt = new Date("2026-03-01T12:00:00Z");
    const secret = generateWebhookSecret();
    const headers = received(signWebhook(secret, "msg_3", signedAt, "{}"));
    const at = (offsetSeconds: number, tolerance?: number) =>
      verifyWebhook(secret, headers, "{}", new Date(signedAt.getTime() + offsetSeconds * 1000), tolerance);
    expect(at(0)).toBe(true);
    expect(at(300)).toBe(true);
    expect(at(-300)).toBe(true);
    expect(at(301)).toBe(false);
    expect(at(-301)).toBe(false);
    expect(at(3600)).toBe(false);
    expect(at(60, 30)).toBe(false);
    expect(at(25, 30)).toBe(true);
  });

  it("throws on a malformed secret rather than signing or verifying with it", () => {
    const headers = { id: "m", timestamp: "1", signature: "v1,AAAA" };
    for (const secret of ["", "whsec_", "whsec_not base64!", `whsec_${Buffer.alloc(16).toString("base64")}`, `whsec_${Buffer.alloc(65).toString("base64")}`]) {
      expect(() => signWebhook(secret, "m", new Date(), "{}"), secret).toThrow();
      expect(() => verifyWebhook(secret, headers, "{}"), secret).toThrow();
    }
  });
});
