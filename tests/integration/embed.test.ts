import { describe, expect, it } from "vitest";
import { withAppServer } from "@/tests/helpers/app-server";
import { createTestApiKey, createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";

const app = withAppServer();

const preferencesToken = (shop: TestWorkspace) => signTestLink(shop, { purpose: "preferences" });

describe("the embedded page's framing rules", () => {
  it("lists exactly the workspace's allowed origins, and 'none' for bad links or no origins", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    const { api } = await createTestApiKey(a.workspace.id, { baseUrl: app.baseUrl });
    const saved = await api.patch("/api/v1/workspace", { allowedEmbedOrigins: ["https://shop.example.com", "http://localhost:5173"] });
    expect(saved.status).toBe(200);

    const framed = await fetch(`${app.baseUrl}/embed/p/${await preferencesToken(a)}?parent=https://shop.example.com`);
    expect(framed.status).toBe(200);
    expect(framed.headers.get("content-security-policy")).toContain("frame-ancestors https://shop.example.com http://localhost:5173");
    expect(framed.headers.get("x-frame-options")).toBeNull();
    expect(framed.headers.get("cache-control")).toBe("no-store");
    expect(framed.headers.get("set-cookie")).toBeNull();
    const html = await framed.text();
    expect(html).toContain("Your message preferences");
    // The parent origin rides along in every form, so saving returns to the embedded page.
    expect(html).toContain('name="parent" value="https://shop.example.com"');

    // Workspace B allows no origin; a parent the workspace does not list is dropped.
    const other = await fetch(`${app.baseUrl}/embed/p/${await preferencesToken(b)}?parent=https://shop.example.com`);
    expect(other.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await other.text()).not.toContain('name="parent"');

    const bad = await fetch(`${app.baseUrl}/embed/p/not.a.token`);
    expect(bad.status).toBe(404);
    expect(bad.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
