import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey } from "@/lib/admin/api-keys";

describe("API keys", () => {
  it("carry a visible prefix and are stored only as a hash", () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(new RegExp(`^pck_${prefix}_[A-Za-z0-9_-]{32}$`));
    expect(prefix).toMatch(/^[a-z0-9]{8}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).not.toContain(key.slice(13));
  });

  it("are unique", () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey().key));
    expect(keys.size).toBe(50);
  });
});
