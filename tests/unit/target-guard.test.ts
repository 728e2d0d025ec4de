import { describe, expect, it } from "vitest";
import { isPrivateAddress, refusedTarget } from "@/lib/webhooks/target-guard";

describe("webhook targets", () => {
  it("tells private, local and metadata addresses from public ones", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "not an ip",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it("tells IPv6 forms that carry an IPv4 address (NAT64, 6to4, IPv4-compatible) as private", () => {
    // 64:ff9b::a9fe:a9fe is 169.254.169.254 through a NAT64 gateway; 2002:7f00:1:: is 6to4 for 127.0.0.1.
    for (const address of [
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::808:808",
      "64:ff9b:1::a00:1",
      "2002:7f00:1::",
      "2002:808:808::1",
      "::7f00:1",
      "::a9fe:a9fe",
      "::ffff:7f00:1",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    expect(isPrivateAddress("2001:db9::1")).toBe(false);
  });

  it("refuses URLs whose host is, or resolves to, a local address", async () => {
    expect(await refusedTarget("http://127.0.0.1:8080/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://[::1]/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://[64:ff9b::7f00:1]/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://[2002:a9fe:a9fe::]/hook")).toMatch(/private or local/);
    expect(await refusedTarget("http://localhost/hook")).toMatch(/private or local/);
    expect(await refusedTarget("https://93.184.216.34/hook")).toBeNull();
  });
});
