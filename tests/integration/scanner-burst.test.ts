import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createContact } from "@/lib/contacts/contact-store";
import { newShortLinkId } from "@/lib/links/short-link-store";
import { newTokenId } from "@/lib/links/tokens";
import { db } from "@/lib/platform/db";
import { startAppServer, withAppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";
import { snapshotRows } from "@/tests/helpers/snapshot";

// Mail scanners open every link of a campaign at once. The web server answers those GETs and HEADs
// (lib/pages/landing-fast-path.ts) with the page Next rendered for the same view, and notes the visits
// in batches: the page stays the page, consent stays as it was, and every visit is in link_visits.

const SCANNER = "Mimecast-URL-Protect/1.0";
const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

const app = withAppServer();
let shop: TestWorkspace;

/** `count` contacts of the shop in the same state, each with a landing link for the default-on topic. */
async function campaign(count: number, workspace = shop) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const contact = await createContact(workspace.workspace.id, {
        externalId: `c-${randomBytes(6).toString("hex")}`,
        email: `${randomBytes(6).toString("hex")}@example.com`,
        locale: "en",
      });
      const token = await signTestLink({ workspace: workspace.workspace, contact }, { purpose: "unsubscribe", topic: "reminders" });
      return { contact, token, tokenId: JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).jti as string };
    }),
  );
}

/** The page with its per-link parts (the tokens, the nonce) named, so that two links' pages compare. */
function normalized(html: string, token: string) {
  const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
  expect(nonce).toBeTruthy();
  return html
    .replaceAll(token, "TOKEN")
    .replaceAll(nonce!, "NONCE")
    .replace(/\/p\/[\w-]+\.[\w-]+\.[\w-]+/g, "/p/PREFERENCES");
}

const comparable = (headers: Headers) =>
  [...headers]
    .filter(([name]) => !["date", "content-length", "transfer-encoding", "connection", "keep-alive"].includes(name))
    .map(([name, value]) => [name, value.replace(/'nonce-[^']+'/g, "'nonce-N'").replace(/nonce="[^"]+"/g, 'nonce="N"')]);

beforeAll(async () => {
  shop = await createTestWorkspace();
});

describe("a scanner burst on the landing page", () => {
  it("answers every GET and HEAD with the page Next renders, changes no consent, and records each visit marked", async () => {
    const links = await campaign(12);
    const before = await snapshotRows();
    const first = await fetch(`${app.baseUrl}/u/${links[0].token}`, { headers: { "user-agent": BROWSER } });
    expect(first.status).toBe(200);
    const reference = normalized(await first.text(), links[0].token);
    expect(reference).toContain("Reminders by email from Test shop");

    const answers = await Promise.all(
      links.flatMap(({ token }) =>
        ["GET", "HEAD"].map(async (method) => {
          const response = await fetch(`${app.baseUrl}/u/${token}`, { method, headers: { "user-agent": SCANNER } });
          return { token, method, response, body: await response.text() };
        }),
      ),
    );
    for (const { token, method, response, body } of answers) {
      expect(response.status, method).toBe(200);
      expect(comparable(response.headers)).toEqual(comparable(first.headers));
      if (method === "GET") expect(normalized(body, token)).toBe(reference);
      else expect(body).toBe("");
    }
    // The form still posts this link's own token, and its preferences link is this link's.
    const [one] = answers.filter((a) => a.token === links[5].token && a.method === "GET");
    expect(one.body).toContain(`&quot;${links[5].token}&quot;`);
    expect(await snapshotRows()).toBe(before);

    const tokenIds = links.map((link) => link.tokenId);
    await expect.poll(() => db().linkVisit.count({ where: { workspaceId: shop.workspace.id, tokenId: { in: tokenIds } } })).toBe(1 + links.length * 2);
    expect(await db().linkVisit.count({ where: { workspaceId: shop.workspace.id, tokenId: { in: tokenIds }, likelyBot: true } })).toBe(links.length * 2);
    expect(await db().linkVisit.count({ where: { tokenId: links[0].tokenId, likelyBot: false, purpose: "unsubscribe", channel: "email" } })).toBe(1);
  });

  it("shows each contact's own state: a contact who opted out gets the undo page, not the cached question", async () => {
    const [subscribed, optedOut] = await campaign(2);
    await fetch(`${app.baseUrl}/u/${subscribed.token}`);
    await db().topicSubscription.create({
      data: {
        workspaceId: shop.workspace.id,
        contactId: optedOut.contact.id,
        channel: "email",
        topicId: shop.topics.reminders.id,
        status: "unsubscribed",
        version: 1,
      },
    });
    const page = await (await fetch(`${app.baseUrl}/u/${optedOut.token}`)).text();
    expect(page).not.toContain("Unsubscribe from");
    expect(page).toContain(optedOut.token);
  });

  it("answers short links with the same redirect Next gives, for every link its own token", async () => {
    const contacts = await campaign(4);
    const ids = contacts.map(() => newShortLinkId());
    await db().shortLink.createMany({
      data: contacts.map(({ contact }, i) => ({
        id: ids[i],
        workspaceId: shop.workspace.id,
        contactId: contact.id,
        purpose: "unsubscribe" as const,
        channel: "sms" as const,
        topicId: shop.topics.reminders.id,
        messageId: "m-1",
        tokenId: newTokenId(),
        expiresAt: new Date(Date.now() + 86_400_000),
      })),
    });
    const before = await snapshotRows();
    const answers = await Promise.all(
      ids.flatMap((id) =>
        ["GET", "HEAD", "GET"].map(async (method) => ({ id, method, response: await fetch(`${app.baseUrl}/s/${id}`, { method, redirect: "manual" }) })),
      ),
    );
    const locations = new Map<string, Set<string>>();
    for (const { id, method, response } of answers) {
      expect(response.status, method).toBe(303);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      locations.set(id, (locations.get(id) ?? new Set()).add(response.headers.get("location")!));
    }
    // One location per short link (its token is issued as of the message), and a different one for each.
    expect([...locations.values()].map((set) => set.size)).toEqual([1, 1, 1, 1]);
    expect(new Set([...locations.values()].flatMap((set) => [...set])).size).toBe(4);
    for (const set of locations.values()) expect((await fetch(`${app.baseUrl}${[...set][0]}`)).status).toBe(200);
    expect(await snapshotRows()).toBe(before);
  });

  it("still counts every view against the per-address limit", async () => {
    const limited = await startAppServer({ PUBLIC_RATE_LIMIT_PER_MINUTE: "5" });
    try {
      const [link] = await campaign(1);
      // The limit counts per clock minute: these eight requests all fall in one.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(`${limited.baseUrl}/u/${link.token}`, { method: i % 2 ? "HEAD" : "GET" })).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
    } finally {
      await limited.stop();
    }
  }, 120_000);
});

describe("shutting down", () => {
  it("writes the visits still waiting before the process exits", async () => {
    const server = await startAppServer();
    const links = await campaign(6);
    await fetch(`${server.baseUrl}/u/${links[0].token}`);
    await Promise.all(links.map(({ token }) => fetch(`${server.baseUrl}/u/${token}`, { method: "HEAD", headers: { "user-agent": SCANNER } })));
    await server.stop();
    expect(await db().linkVisit.count({ where: { tokenId: { in: links.map((link) => link.tokenId) } } })).toBe(1 + links.length);
  }, 120_000);
});
