import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { changeSubscription } from "@/lib/consent/preference-store";
import { env } from "@/lib/platform/env";
import { mintLinks, type LinkRequest } from "@/lib/links/message-links";
import { withAppServer } from "@/tests/helpers/app-server";
import { CHANGES, createTestWorkspace } from "@/tests/helpers/fixtures";
import { postOneClick } from "@/tests/helpers/one-click";

const PAGE_LIMIT = 40;
const app = withAppServer({ PUBLIC_RATE_LIMIT_PER_MINUTE: String(PAGE_LIMIT) });

/** Links as the app server would mint them: the same tokens, at the server's address. */
async function linksOnServer(request: LinkRequest) {
  const links = await mintLinks(request);
  const here = (url: string) => url.replace(env().APP_URL, app.baseUrl);
  return { unsubscribeUrl: here(links.unsubscribeUrl), preferencesUrl: here(links.preferencesUrl), oneClickUrl: here(links.oneClickUrl) };
}

const nonceOf = (policy: string | null) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];

describe("Content-Security-Policy and transport headers", () => {
  it("gives every page a fresh nonce that exactly its own scripts carry", async () => {
    const shop = await createTestWorkspace();
    const links = await linksOnServer({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" });
    for (const url of [`${app.baseUrl}/`, links.unsubscribeUrl, links.preferencesUrl]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const policy = response.headers.get("content-security-policy");
      expect(policy).toContain("script-src 'self' 'nonce-");
      expect(policy).toContain("'strict-dynamic'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("base-uri 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain("unsafe-eval");
      const nonce = nonceOf(policy);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
      expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    }
    const [first, second] = await Promise.all([fetch(`${app.baseUrl}/`), fetch(`${app.baseUrl}/`)]);
    expect(nonceOf(first.headers.get("content-security-policy"))).not.toBe(nonceOf(second.headers.get("content-security-policy")));
  });

  it("lets API answers render nothing and be framed nowhere", async () => {
    const response = await fetch(`${app.baseUrl}/api/health`);
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("never redirects off the site, whatever is put where a token goes", async () => {
    for (const token of ["%2F%2Fevil.example", "..%2F..%2F%2Fevil.example", "%5C%5Cevil.example", "x%0d%0aLocation:%20https://evil.example"]) {
      const response = await fetch(`${app.baseUrl}/api/unsubscribe/${token}`, { redirect: "manual" });
      expect(response.status).toBeLessThan(500);
      const location = response.headers.get("location");
      if (location) expect(new URL(location, app.baseUrl).origin).toBe(app.baseUrl);
    }
  });
});

describe("form posts and server actions", () => {
  it("are refused from a foreign, null or missing Origin, and changing nothing", async () => {
    const shop = await createTestWorkspace();
    const links = await linksOnServer({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" });
    const post = (origin: string | null) =>
      fetch(links.unsubscribeUrl, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(origin === null ? {} : { origin }) },
        body: "confirm=1",
      });
    for (const origin of ["https://evil.example", "null", null]) {
      const refused = await post(origin);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("only taken from this site");
    }
    expect((await post(app.baseUrl)).status).not.toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id, ...CHANGES } })).toBe(0);
  });
});

describe("rate limits on public endpoints", () => {
  it("answers 429 with Retry-After to one link posted over and over, each post one that would write (per link, not per address)", async () => {
    const shop = await createTestWorkspace();
    const links = await linksOnServer({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" });
    const statuses: number[] = [];
    let limited: Response | undefined;
    // Ten a minute per link: 21 posts overflow it even if the loop straddles the turn of a minute.
    // (A repeat of an opt-out already made is answered 200 and not counted: each post here follows a resubscription.)
    for (let i = 0; i < 21; i++) {
      await changeSubscription({
        workspaceId: shop.workspace.id,
        contactId: shop.contact.id,
        channel: "email",
        status: "subscribed",
        evidence: { source: "api" },
      });
      const response = await postOneClick(links.oneClickUrl);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another person's link from the same address is unaffected.
    const other = await createTestWorkspace();
    const otherLinks = await linksOnServer({ workspaceId: other.workspace.id, contactId: other.contact.id, channel: "email" });
    expect((await postOneClick(otherLinks.oneClickUrl)).status).toBe(200);
  });

  it("answers 429 with Retry-After to one address loading pages too fast", async () => {
    let limited: Response | undefined;
    // Twice the limit and one: over it even if the loop straddles the turn of a minute.
    for (let i = 0; i < 2 * PAGE_LIMIT + 1; i++) {
      const response = await fetch(`${app.baseUrl}/`);
      expect([200, 429]).toContain(response.status);
      if (response.status === 429) limited = response;
    }
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });
});
