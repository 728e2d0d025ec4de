import { describe, expect, it } from "vitest";
import { brandingSchema, brandVariables, embedOriginsSchema, readBranding, textOn } from "@/lib/pages/branding";

describe("allowed embed origins", () => {
  it("accepts https origins and http://localhost, normalised", () => {
    expect(embedOriginsSchema.parse(["https://app.example.com", "https://Shop.Example.com:8443", "http://localhost:3199", "http://127.0.0.1:8080"])).toEqual([
      "https://app.example.com",
      "https://shop.example.com:8443",
      "http://localhost:3199",
      "http://127.0.0.1:8080",
    ]);
  });

  it.each([
    ["*", /wildcards|not an origin/],
    ["https://*.example.com", /wildcards|not an origin/],
    ["http://app.example.com", /only https origins/],
    ["https://app.example.com/settings", /scheme and host only/],
    ["https://app.example.com/", /scheme and host only/],
    ["https://app.example.com?x=1", /scheme and host only/],
    ["https://user:pw@app.example.com", /scheme and host only/],
    ["javascript:alert(1)", /only https origins|not an origin/],
    ["app.example.com", /not an origin/],
    ['https://app.example.com"><script>', /not an origin|scheme and host only/],
    ["https://exa mple.com", /not an origin/],
  ])("refuses %s, saying why", (origin, message) => {
    const result = embedOriginsSchema.safeParse([origin]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(message);
  });
});

describe("branding", () => {
  it("fills defaults and accepts validated values", () => {
    expect(
      brandingSchema.parse({ primaryColor: "#FF6600", font: "serif", radius: 4, theme: "dark", logoUrl: "https://cdn.example.com/logo.png" }),
    ).toMatchObject({
      primaryColor: "#FF6600",
      accentColor: "#0f766e",
      font: "serif",
      radius: 4,
      theme: "dark",
    });
  });

  it.each([
    { primaryColor: "red" },
    { primaryColor: "#fff" },
    { primaryColor: "#1e40af;background:url(https://evil.example/x)" },
    { accentColor: "url(https://evil.example/x)" },
    { primaryColor: "<script>alert(1)</script>" },
    { font: "Comic Sans'; } body { display:none" },
    { logoUrl: "javascript:alert(1)" },
    { logoUrl: "http://cdn.example.com/logo.png" },
    { logoUrl: 'https://cdn.example.com/a.png");background:url(x' },
    { radius: 400 },
    { css: "body { color: red }" },
  ])("refuses %o", (value) => {
    expect(brandingSchema.safeParse(value).success).toBe(false);
  });

  it("picks readable text for the brand colour", () => {
    expect(textOn("#1e40af")).toBe("#ffffff");
    expect(textOn("#fde047")).toBe("#0f172a");
    expect(brandVariables(readBranding({ primaryColor: "#fde047" }))["--brand-on-primary"]).toBe("#0f172a");
  });

  it("falls back to the defaults when stored branding no longer validates", () => {
    expect(readBranding({ primaryColor: "url(x)" })).toEqual(readBranding({}));
  });
});
