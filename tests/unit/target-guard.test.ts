import { describe, expect, it } from "vitest";
import { isPrivateAddress, refusedTarget } from "@/lib/webhooks/target-guard";

describe("webhook targets", () => {
  it("tells private, local and metadata addresses from public ones", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "not an ip"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it("refuses URLs whose host is, or resolves to, a local address", async () => {
    expect(await refusedTarget("http://127.0.0.1:8080/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://[::1]/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://localhost/hook")).toMatch(/private or local/);
    expect(await refusedTarget("https://93.184.216.34/hook")).toBeNull();
  });
});
