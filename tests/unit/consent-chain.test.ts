import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { canonicalEntryJson, canonicalJson, chainHash, chainInput, GENESIS_HASH, piiDigest, type ChainedEntry } from "@/lib/consent/chain";

const entry: ChainedEntry = {
  workspaceId: "7f1c2b1e-0000-4000-8000-000000000001",
  contactId: "7f1c2b1e-0000-4000-8000-000000000002",
  channel: "email",
  topicId: null,
  action: "unsubscribe",
  source: "one_click",
  previousStatus: "subscribed",
  newStatus: "unsubscribed",
  piiDigest: piiDigest("203.0.113.9", "Mozilla/5.0"),
  messageId: "m1",
  tokenId: "t1",
  wordingHash: null,
  locale: "en",
  details: { b: 1, a: [2, { d: 3, c: 4 }] },
  createdAt: new Date("2026-11-23T10:00:00.000Z"),
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes bigints and dates as strings", () => {
    expect(canonicalJson({ b: 1n, a: { z: new Date(0), y: [null, undefined] }, c: undefined })).toBe(
      '{"a":{"y":[null,null],"z":"1970-01-01T00:00:00.000Z"},"b":"1"}',
    );
  });

  it("orders keys by UTF-16 code unit, the same whether they come in order or not", () => {
    const expected = '{"A":1,"_":2,"a":{"":[],"b":{}},"é":"\\u0000 \\"x\\"","😀":true}';
    expect(canonicalJson({ "😀": true, é: '\u0000 "x"', a: { b: {}, "": [] }, _: 2, A: 1 })).toBe(expected);
    expect(canonicalJson({ A: 1, _: 2, a: { "": [], b: {} }, é: '\u0000 "x"', "😀": true })).toBe(expected);
  });
});

describe("canonicalEntryJson", () => {
  it("writes exactly what canonicalJson writes for any entry", () => {
    const variants: ChainedEntry[] = [
      entry,
      { ...entry, channel: null, messageId: null, tokenId: null, locale: null, details: null },
      { ...entry, details: { defaults: [{ channel: "sms", topic: null }], z: '\u00e9\n"quoted"\t\u2028' } },
      { ...entry, contactId: "ünïcode \\ back\\slash", wordingHash: "a".repeat(64), details: [3, { b: undefined, a: 1n }] },
      { ...entry, details: undefined },
    ];
    for (const variant of variants) expect(canonicalEntryJson(variant)).toBe(canonicalJson(variant));
  });
});

describe("chainHash", () => {
  it("hashes prev_hash, seq and the canonical entry as the database does", () => {
    expect(chainHash(GENESIS_HASH, 7n, entry)).toBe(
      createHash("sha256")
        .update(chainInput(GENESIS_HASH, 7n, canonicalJson(entry)), "utf8")
        .digest("hex"),
    );
    expect(chainInput("ab", 7n, "{}")).toBe("ab\n7\n{}");
  });

  it("is a stable SHA-256 of the previous hash and the entry", () => {
    const hash = chainHash(GENESIS_HASH, 1n, entry);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, 1n, { ...entry, details: { a: [2, { c: 4, d: 3 }], b: 1 } })).toBe(hash);
  });

  it("changes when any field or the previous hash changes", () => {
    const hash = chainHash(GENESIS_HASH, 1n, entry);
    expect(chainHash("f".repeat(64), 1n, entry)).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, 1n, { ...entry, newStatus: "subscribed" })).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, 2n, entry)).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, 1n, { ...entry, createdAt: new Date("2026-11-23T10:00:00.001Z") })).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, 1n, { ...entry, piiDigest: piiDigest("203.0.113.10", "Mozilla/5.0") })).not.toBe(hash);
  });

  it("covers the personal fields only through their digest", () => {
    expect(piiDigest("203.0.113.9", "UA")).not.toBe(piiDigest("203.0.113.9", "UA2"));
    expect(piiDigest(null, undefined)).toBe(piiDigest(undefined, null));
  });
});
