import { describe, expect, it } from "vitest";
import { forwardedClientAddress } from "@/lib/platform/request-info";

describe("the client's address", () => {
  it("is the socket's with no trusted proxy, whatever X-Forwarded-For says", () => {
    expect(forwardedClientAddress(undefined, "192.0.2.1", 0)).toBe("192.0.2.1");
    expect(forwardedClientAddress("203.0.113.7", "192.0.2.1", 0)).toBe("192.0.2.1");
    expect(forwardedClientAddress(["203.0.113.7, 198.51.100.1", "198.51.100.2"], "::ffff:192.0.2.1", 0)).toBe("192.0.2.1");
  });

  it("is the one each trusted proxy appended, counted from the socket", () => {
    // client (forging 203.0.113.7) -> proxy A appends 192.0.2.50 -> proxy B (10.0.0.2) appends A's 10.0.0.1 -> app.
    expect(forwardedClientAddress("203.0.113.7, 192.0.2.50", "10.0.0.1", 1)).toBe("192.0.2.50");
    expect(forwardedClientAddress("203.0.113.7, 192.0.2.50, 10.0.0.1", "10.0.0.2", 2)).toBe("192.0.2.50");
    expect(forwardedClientAddress("2001:db8::5", "::1", 1)).toBe("2001:db8::5");
  });

  it("is the leftmost when the request came past fewer proxies, and nothing that is not an address", () => {
    expect(forwardedClientAddress(undefined, "10.0.0.1", 1)).toBe("10.0.0.1");
    expect(forwardedClientAddress("192.0.2.50", "10.0.0.1", 3)).toBe("192.0.2.50");
    expect(forwardedClientAddress("<script>, unknown", "10.0.0.1", 1)).toBeNull();
    expect(forwardedClientAddress("192.0.2.50", undefined, 0)).toBeNull();
  });
});
