import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { changeSubscription } from "@/lib/consent/preference-store";
import { findActiveSigningKey, rotateSigningKey, retireSigningKey } from "@/lib/links/signing-key-store";
import { signToken } from "@/lib/links/tokens";
import { startAppServer, withAppServer } from "@/tests/helpers/app-server";
import type { ApiClient } from "@/tests/helpers/api-client";
import { CHANGES, createTestApiKey, createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";
import { postOneClick } from "@/tests/helpers/one-click";
import { snapshotRows } from "@/tests/helpers/snapshot";

const app = withAppServer();
let a: TestWorkspace;
let b: TestWorkspace;
let keyA: string;
let apiA: ApiClient;
let apiB: ApiClient;

beforeAll(async () => {
  a = await createTestWorkspace();
  b = await createTestWorkspace();
  ({ key: keyA, api: apiA } = await createTestApiKey(a.workspace.id, { baseUrl: app.baseUrl }));
  ({ api: apiB } = await createTestApiKey(b.workspace.id, { baseUrl: app.baseUrl }));
});

function mint(body: unknown, api = apiA, headers: Record<string, string> = {}) {
  return api.post("/api/v1/links", body, { headers });
}

async function mintFor(workspace = a, body: Record<string, unknown> = {}) {
  const response = await mint({ contactId: workspace.contact.id, channel: "email", topic: "offers", messageId: "m-1", ...body }, workspace === a ? apiA : apiB);
  expect(response.status).toBe(200);
  return (await response.json()) as { unsubscribeUrl: string; oneClickUrl: string; preferencesUrl: string; headers: Record<string, string> };
}

async function ledgerFor(workspaceId: string) {
  return db().consentEvent.findMany({ where: { workspaceId, ...CHANGES }, orderBy: { seq: "asc" } });
}

describe("POST /api/v1/links", () => {
  it("returns the three URLs and the two List-Unsubscribe headers, with no address in them", async () => {
    const links = await mintFor();
    expect(links.unsubscribeUrl).toMatch(new RegExp(`^${app.baseUrl}/u/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(links.oneClickUrl).toMatch(new RegExp(`^${app.baseUrl}/api/unsubscribe/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(links.preferencesUrl).toMatch(new RegExp(`^${app.baseUrl}/p/`));
    expect(links.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const [https, mailto] = links.headers["List-Unsubscribe"].split(", ");
    expect(https).toBe(`<${links.oneClickUrl}>`);
    expect(mailto).toMatch(/^<mailto:unsubscribe@localhost\?subject=unsubscribe%20[\w-]+\.[\w-]+\.[\w-]+>$/);
    const everything = JSON.stringify(links);
    expect(everything).not.toContain(a.contact.email!);
    expect(everything).not.toContain(encodeURIComponent(a.contact.email!));
  });

  it("gives SMS and WhatsApp short links that resolve to the same scope", async () => {
    const response = await mint({ contactId: a.contact.id, channel: "sms", topic: "offers" });
    const links = await response.json();
    expect(links.unsubscribeUrl).toMatch(new RegExp(`^${app.baseUrl}/s/[A-Za-z0-9]{12}$`));
    const resolved = await fetch(links.unsubscribeUrl, { redirect: "manual" });
    expect(resolved.status).toBe(303);
    const landing = await fetch(new URL(resolved.headers.get("location")!, app.baseUrl));
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain("Offers by SMS from Test shop");
    expect((await fetch(`${app.baseUrl}/s/AAAAAAAAAAAA`)).status).toBe(404);
  });

  it("answers 401 without a valid key and 403 for another workspace's", async () => {
    const body = { contactId: a.contact.id, channel: "email" };
    for (const authorization of [null, "Bearer nope", `Basic ${keyA}`, `Bearer ${keyA}x`]) {
      const response = await fetch(`${app.baseUrl}/api/v1/links`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    const forbidden = await mint(body, apiA, { "x-workspace-id": b.workspace.id });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error).toMatchObject({ code: "forbidden", message: "This API key belongs to another workspace." });
    // Workspace B's key cannot mint links for workspace A's contact: for B it does not exist.
    const foreign = await mint(body, apiB);
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe("contact_not_found");
  });

  it("says which part of the request is wrong", async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ contactId: "00000000-0000-4000-8000-000000000000", channel: "email" }, 404, "contact_not_found", /no contact/],
      [{ contactId: a.contact.id, channel: "email", topic: "nope" }, 404, "topic_not_found", /no topic "nope"/],
      [{ contactId: a.contact.id, channel: "push" }, 422, "invalid_scope", /channel "push" is not enabled/],
      [{ contactId: a.contact.id, channel: "whatsapp", topic: "reminders" }, 422, "invalid_scope", /not sent on the channel "whatsapp"/],
      [{ contactId: "x", channel: "email" }, 400, "invalid_request", /^contactId: /],
      [{ contactId: a.contact.id, channel: "fax" }, 400, "invalid_request", /^channel: must be one of email, sms, whatsapp, push/],
      [{ contactId: a.contact.id, channel: "email", extra: 1 }, 400, "invalid_request", /extra/],
      ["{not json", 400, "invalid_json", /not valid JSON/],
      ["[1,2]", 400, "invalid_request", /JSON object/],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await mint(body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      const { error } = await response.json();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    expect((await ledgerFor(a.workspace.id)).length).toBe(0);
  });
});

describe("the one-click endpoint (RFC 8058)", () => {
  it("opts out on a form-urlencoded POST: 200, empty body, no redirect, one ledger entry with its evidence", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const { api } = await createTestApiKey(workspace.id, { baseUrl: app.baseUrl });
    await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    const response = await api.post("/api/v1/links", { contactId: contact.id, channel: "email", topic: "offers", messageId: "campaign-7" });
    const links = await response.json();
    const answer = await postOneClick(links.oneClickUrl, { headers: { "user-agent": "GoogleOneClick/1.0" } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("");
    expect(answer.headers.get("location")).toBeNull();

    const events = await ledgerFor(workspace.id);
    expect(events).toHaveLength(2);
    const tokenId = JSON.parse(Buffer.from(links.oneClickUrl.split("/").pop().split(".")[1], "base64url").toString()).jti;
    expect(events[1]).toMatchObject({
      action: "unsubscribe",
      source: "one_click",
      channel: "email",
      messageId: "campaign-7",
      tokenId,
      userAgent: "GoogleOneClick/1.0",
      ip: "127.0.0.1",
    });
    const state = await db().topicSubscription.findFirstOrThrow({ where: { contactId: contact.id, channel: "email" } });
    expect(state.status).toBe("unsubscribed");
  });

  it("accepts multipart/form-data too, and a channel-scoped link stops the whole channel", async () => {
    const shop = await createTestWorkspace();
    const token = await signTestLink(shop, { purpose: "unsubscribe", channel: "sms" });
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const answer = await postOneClick({ baseUrl: app.baseUrl, token }, { body: form, contentType: null });
    expect(answer.status).toBe(200);
    const channels = await db().channelSubscription.findMany({ where: { contactId: shop.contact.id } });
    expect(channels.map((c) => [c.channel, c.subscribed])).toEqual([["sms", false]]);
  });

  it("turns concurrent posts of one token (as many as a link may make in a minute) into one change and one ledger entry", async () => {
    const shop = await createTestWorkspace();
    const { workspace, contact } = shop;
    const token = await signTestLink(shop, { purpose: "unsubscribe" });
    const answers = await Promise.all(Array.from({ length: 10 }, () => postOneClick({ baseUrl: app.baseUrl, token })));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await db().consentEvent.count({ where: { workspaceId: workspace.id, ...CHANGES } })).toBe(1);
    expect(await db().outboxEvent.count({ where: { workspaceId: workspace.id } })).toBe(1);
    expect((await db().channelSubscription.findFirstOrThrow({ where: { contactId: contact.id } })).version).toBe(1);
  });

  it("answers 400 to any other body and changes nothing", async () => {
    const links = await mintFor();
    const before = await snapshotRows();
    const bodies: [BodyInit, string | null][] = [
      ["", "application/x-www-form-urlencoded"],
      ["List-Unsubscribe=Yes", "application/x-www-form-urlencoded"],
      ["List-Unsubscribe=One-Click&List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"],
      ['{"List-Unsubscribe":"One-Click"}', "application/json"],
      ["List-Unsubscribe=One-Click", "text/plain"],
      ["List-Unsubscribe=One-Click", null],
      ["--x\r\nbroken", "multipart/form-data; boundary=x"],
    ];
    for (const [body, type] of bodies) {
      const answer = await postOneClick(links.oneClickUrl, { body, contentType: type });
      expect(answer.status, `${type}: ${String(body)}`).toBe(400);
    }
    expect(await snapshotRows()).toBe(before);
  });

  it("on GET shows the landing page (a redirect) and changes nothing", async () => {
    const links = await mintFor();
    const before = await snapshotRows();
    const answer = await fetch(links.oneClickUrl, { redirect: "manual" });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toMatch(/^\/u\//);
    expect(await snapshotRows()).toBe(before);
  });
});

describe("the landing page", () => {
  const scanners = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)",
    "Mimecast-URL-Protect/1.0",
    "Barracuda Sentinel (EE)",
    "python-requests/2.31",
    "",
  ];

  it("renders on GET and HEAD, from browsers and scanners alike, and changes no consent", async () => {
    const links = await mintFor();
    const before = await snapshotRows();
    for (const userAgent of scanners) {
      for (const method of ["GET", "HEAD"]) {
        const response = await fetch(links.unsubscribeUrl, { method, headers: { "user-agent": userAgent } });
        expect(response.status).toBe(200);
        if (method === "GET") expect(await response.text()).toContain("Offers by email from Test shop");
      }
    }
    expect(await snapshotRows()).toBe(before);

    // Each visit is noted apart, the scanner-like ones flagged, for the dashboard.
    const tokenId = JSON.parse(Buffer.from(links.unsubscribeUrl.split("/u/")[1].split(".")[1], "base64url").toString()).jti;
    await expect.poll(() => db().linkVisit.count({ where: { tokenId } })).toBe(scanners.length * 2);
    expect(await db().linkVisit.count({ where: { tokenId, likelyBot: false } })).toBe(2);
  });

  it("sends the per-contact headers: no-store, noindex, no referrer, no framing", async () => {
    const links = await mintFor();
    for (const url of [links.unsubscribeUrl, links.oneClickUrl]) {
      const response = await fetch(url, { redirect: "manual" });
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-robots-tag")).toContain("noindex");
      expect(response.headers.get("referrer-policy")).toBe(url === links.unsubscribeUrl ? "same-origin" : "no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("speaks the contact's language, then the browser's", async () => {
    const shop = await createTestWorkspace();
    const { workspace, contact } = shop;
    await db().topic.update({
      where: { workspaceId_key: { workspaceId: workspace.id, key: "offers" } },
      data: { names: { en: "Offers", it: "Offerte", es: "Ofertas" } },
    });
    const token = await signTestLink(shop, { purpose: "unsubscribe", topic: "offers" });
    await db().contact.update({ where: { id: contact.id }, data: { locale: "it-IT" } });
    const italian = await (await fetch(`${app.baseUrl}/u/${token}`, { headers: { "accept-language": "es" } })).text();
    expect(italian).toContain("Offerte via email da Test shop");
    // Offers need opt-in and this contact never gave it: there is nothing to stop.
    expect(italian).toContain("Iscrizione annullata");
    expect(italian).toContain(`lang="it"`);
    await db().contact.update({ where: { id: contact.id }, data: { locale: null } });
    const spanish = await (await fetch(`${app.baseUrl}/u/${token}`, { headers: { "accept-language": "fr;q=0.9, es-MX;q=0.8" } })).text();
    expect(spanish).toContain("Ofertas por correo electrónico de Test shop");
  });
});

describe("invalid links", () => {
  async function expectInvalid(token: string) {
    const page = await fetch(`${app.baseUrl}/u/${token}`);
    expect(page.status, token).toBe(404);
    const html = await page.text();
    expect(html).toContain("This link is no longer valid");
    expect(html).not.toMatch(/at \w+ \(|Error:/);
    const post = await postOneClick({ baseUrl: app.baseUrl, token });
    expect(post.status).toBe(404);
  }

  it("answers forged, tampered, expired, retired-key, unknown-contact and other-workspace tokens alike, changing nothing", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const key = (await findActiveSigningKey(workspace.id))!;
    const claims = { workspaceId: workspace.id, contactId: contact.id, purpose: "unsubscribe" as const, channel: "email" as const };
    const good = await signToken(claims, key);
    const [header, payload, signature] = good.split(".");
    const before = await snapshotRows();

    const forgedSecret = await signToken(claims, { ...key, secret: new Uint8Array(32) });
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), ch: "sms" })).toString("base64url")}.${signature}`;
    const expired = await signToken({ ...claims, now: new Date(Date.now() - 401 * 86_400_000) }, key);
    const unknownContact = await signToken({ ...claims, contactId: "00000000-0000-4000-8000-000000000000" }, key);
    const otherWorkspace = await new SignJWT({ pur: "unsubscribe", ch: "email" })
      .setProtectedHeader({ alg: "HS256", kid: key.kid })
      .setAudience(b.workspace.id)
      .setSubject(b.contact.id)
      .setJti("abcdefghijkl")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key.secret);
    const wrongPurpose = await signToken({ ...claims, purpose: "preferences" }, key);
    for (const token of [forgedSecret, tampered, expired, unknownContact, otherWorkspace, wrongPurpose, "not-a-token", "a.b.c"]) {
      await expectInvalid(token);
    }
    expect(await snapshotRows()).toBe(before);

    // Rotation keeps old links working; retiring the old key ends them.
    await rotateSigningKey(workspace.id);
    expect((await fetch(`${app.baseUrl}/u/${good}`)).status).toBe(200);
    expect(await retireSigningKey(workspace.id, key.kid)).toBe(true);
    // The app server caches keys for up to 30 s; a fresh server sees the retirement at once.
    const fresh = await startAppServer();
    try {
      const page = await fetch(`${fresh.baseUrl}/u/${good}`);
      expect(page.status).toBe(404);
    } finally {
      await fresh.stop();
    }
  });
});

describe("GET /api/v1/contacts/{id}/preferences", () => {
  it("returns the contract's shape for the key's own workspace only", async () => {
    const response = await apiA.get(`/api/v1/contacts/${a.contact.id}/preferences`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.channels.email).toMatchObject({ subscribed: true, topics: { offers: expect.any(String), reminders: "subscribed" } });
    expect(Object.keys(document.channels)).toEqual(["email", "sms", "whatsapp"]);
    const foreign = await apiB.get(`/api/v1/contacts/${a.contact.id}/preferences`);
    expect(foreign.status).toBe(404);
  });
});
