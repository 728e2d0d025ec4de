import { afterEach, describe, expect, it } from "vitest";
import { serverActionsKey } from "@/scripts/build-if-stale";

// Server action ids are hashes salted with the build's key: two builds of the same sources must get the same.

afterEach(() => {
  delete process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY;
});

describe("serverActionsKey", () => {
  it("is derived from the sources when unset: the same for the same sources, an AES-256 key", () => {
    const key = serverActionsKey("a".repeat(64));
    expect(serverActionsKey("a".repeat(64))).toBe(key);
    expect(serverActionsKey("b".repeat(64))).not.toBe(key);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
  });

  it("is the variable's when set", () => {
    process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
    expect(serverActionsKey("a".repeat(64))).toBe(Buffer.alloc(32, 7).toString("base64"));
  });
});
