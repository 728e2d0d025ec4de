import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { confirmSubscription } from "@/lib/pages/confirm-action";
import { chooseAlternative } from "@/lib/pages/preferences-actions";
import { confirmUnsubscribe, undoUnsubscribe } from "@/lib/pages/unsubscribe-actions";
import { db } from "@/lib/platform/db";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { changeSubscription, getContactPreferences } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createTopic } from "@/lib/admin/topic-store";
import { setEnabledChannels } from "@/lib/admin/workspace-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { TOKEN_LIFETIME_SECONDS } from "@/lib/links/tokens";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { withAppServer } from "@/tests/helpers/app-server";
import { CHANGES, createTestApiKey, createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";
import { postOneClick } from "@/tests/helpers/one-click";
import { redirectOf } from "@/tests/helpers/server-action";
import { snapshotRows } from "@/tests/helpers/snapshot";

// Whatever happens around an opt-out — the owner's settings change, a page goes stale, the message is
// old — the opt-out holds. Pages are rendered by the built app; their forms are posted by calling the
// server actions with the fields the rendered form carries (the actions read the request's headers
// through next/headers, supplied here).

const fakeRequest = vi.hoisted(() => ({ headers: new Headers({ "user-agent": "Mozilla/5.0" }) }));
vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<object>()), headers: async () => fakeRequest.headers }));

const inboundEmailSecret = generateWebhookSecret();
process.env.INBOUND_EMAIL_SECRET = inboundEmailSecret;

const DAY_MS = 86_400_000;

// With email configured the pages can offer to email a fresh link.
const app = withAppServer({ RESEND_API_KEY: "re_test", RESEND_BASE_URL: "http://127.0.0.1:9" });

const unsubscribeToken = (shop: TestWorkspace, scope: { channel: Channel; topic?: string }, issuedDaysAgo = 0) =>
  signTestLink(shop, { purpose: "unsubscribe", ...scope, now: new Date(Date.now() - issuedDaysAgo * DAY_MS) });

const oneClick = (token: string) => postOneClick({ baseUrl: app.baseUrl, token });

async function page(path: string) {
  const response = await fetch(`${app.baseUrl}${path}`);
  return { status: response.status, html: await response.text() };
}

/** The named fields of the form holding the button with this label, as the browser would post them. */
function formOf(html: string, buttonLabel: string): FormData {
  const button = html.indexOf(`>${buttonLabel}</button>`);
  expect(button, `a button "${buttonLabel}"`).toBeGreaterThan(-1);
  const start = html.lastIndexOf("<form", button);
  const form = new FormData();
  for (const input of html.slice(start, button).match(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1] ?? "";
    if (name && !name.startsWith("$")) form.set(name, value);
  }
  return form;
}

async function topicStatus(shop: TestWorkspace, channel: Channel, key: string) {
  const state = await getContactPreferences(shop.workspace.id, shop.contact.id);
  return state!.channels.find((c) => c.channel === channel)?.topics.find((t) => t.key === key)?.status;
}

async function channelRow(shop: TestWorkspace, channel: Channel) {
  return db().channelSubscription.findUnique({ where: { contactId_channel: { contactId: shop.contact.id, channel } } });
}

async function lastEvent(shop: TestWorkspace) {
  return db().consentEvent.findFirst({ where: { workspaceId: shop.workspace.id, ...CHANGES }, orderBy: { seq: "desc" } });
}

function mailto(token: string) {
  const body = { to: ["unsubscribe@localhost"], subject: `unsubscribe ${token}` };
  const signed = signWebhook(inboundEmailSecret, `msg_${randomBytes(8).toString("hex")}`, new Date(), JSON.stringify(body));
  return EMAIL(
    new Request("http://test/api/inbound/email", { method: "POST", headers: { "content-type": "application/json", ...signed }, body: JSON.stringify(body) }),
  );
}

const subscribe = (shop: TestWorkspace, channel: Channel, topicKey?: string) =>
  changeSubscription({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel, topicKey, status: "subscribed", evidence: { source: "api" } });

describe("settings changes do not swallow opt-outs", () => {
  it("a disabled channel: one-click, the landing page and mailto still opt out, and re-enabling keeps them out", async () => {
    const shop = await createTestWorkspace();
    await subscribe(shop, "email", "offers");
    const offersByEmail = await unsubscribeToken(shop, { channel: "email", topic: "offers" });
    const allEmail = await unsubscribeToken(shop, { channel: "email" });
    const allSms = await unsubscribeToken(shop, { channel: "sms" });
    await db().workspace.update({ where: { id: shop.workspace.id }, data: { enabledChannels: ["whatsapp"] } });

    const answer = await oneClick(offersByEmail);
    expect(answer.status).toBe(200);
    expect(
      await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id, channel: "email", topicId: shop.topics.offers.id } }),
    ).toMatchObject({
      status: "unsubscribed",
    });
    expect(await lastEvent(shop)).toMatchObject({ action: "unsubscribe", source: "one_click", channel: "email", topicId: shop.topics.offers.id });

    // The landing page of a link to the whole (now disabled) email channel: shown, and its button works.
    const landing = await page(`/u/${allEmail}`);
    expect(landing.status).toBe(200);
    expect(landing.html).toContain("Everything by email from Test shop");
    const url = await redirectOf(() => confirmUnsubscribe(allEmail, formOf(landing.html, "Unsubscribe")));
    expect(url).toBe(`/u/${allEmail}`);
    expect(await channelRow(shop, "email")).toMatchObject({ subscribed: false });
    expect(await lastEvent(shop)).toMatchObject({ action: "unsubscribe", source: "landing_page", channel: "email", topicId: null });
    const done = await page(url);
    expect(done.status).toBe(200);
    expect(done.html).toContain("You&#x27;re unsubscribed");
    // A list that is no longer sent cannot be subscribed to again from here.
    expect(done.html).not.toContain("Undo: keep receiving it");

    const replied = await mailto(allSms);
    expect(replied.status).toBe(200);
    expect(await replied.json()).toEqual({ handled: true, channel: "sms", topic: null });
    expect(await channelRow(shop, "sms")).toMatchObject({ subscribed: false });
    expect(await lastEvent(shop)).toMatchObject({ action: "unsubscribe", source: "mailto", channel: "sms" });

    await db().workspace.update({ where: { id: shop.workspace.id }, data: { enabledChannels: ["email", "sms", "whatsapp"] } });
    expect(await checkSendability(shop.workspace.id, "email", "offers", [shop.contact.id])).toEqual([
      { contactId: shop.contact.id, sendable: false, reason: "channel_opt_out" },
    ]);
    expect(await checkSendability(shop.workspace.id, "sms", undefined, [shop.contact.id])).toEqual([
      { contactId: shop.contact.id, sendable: false, reason: "channel_opt_out" },
    ]);
  });

  it("a retired topic, and a topic taken off the channel: the opt-out is recorded and holds when the topic comes back", async () => {
    const shop = await createTestWorkspace();
    await subscribe(shop, "email", "reminders");
    await subscribe(shop, "sms", "offers");
    const reminders = await unsubscribeToken(shop, { channel: "email", topic: "reminders" });
    const offersBySms = await unsubscribeToken(shop, { channel: "sms", topic: "offers" });
    await db().topic.update({ where: { id: shop.topics.reminders.id }, data: { retiredAt: new Date() } });
    await db().topic.update({ where: { id: shop.topics.offers.id }, data: { channels: ["email", "whatsapp"] } });

    expect((await oneClick(reminders)).status).toBe(200);
    expect(await lastEvent(shop)).toMatchObject({ action: "unsubscribe", source: "one_click", topicId: shop.topics.reminders.id });

    const landing = await page(`/u/${offersBySms}`);
    expect(landing.status).toBe(200);
    expect(landing.html).toContain("Offers by SMS from Test shop");
    await redirectOf(() => confirmUnsubscribe(offersBySms, formOf(landing.html, "Unsubscribe")));
    expect(await lastEvent(shop)).toMatchObject({ action: "unsubscribe", source: "landing_page", channel: "sms", topicId: shop.topics.offers.id });

    await db().topic.update({ where: { id: shop.topics.reminders.id }, data: { retiredAt: null } });
    await db().topic.update({ where: { id: shop.topics.offers.id }, data: { channels: ["email", "sms", "whatsapp"] } });
    expect(await checkSendability(shop.workspace.id, "email", "reminders", [shop.contact.id])).toEqual([
      { contactId: shop.contact.id, sendable: false, reason: "topic_opt_out" },
    ]);
    expect(await checkSendability(shop.workspace.id, "sms", "offers", [shop.contact.id])).toEqual([
      { contactId: shop.contact.id, sendable: false, reason: "topic_opt_out" },
    ]);
  });
});

describe("repeating an applied one-click link", () => {
  it("answers 200 however often it comes, and only posts that would write count against the link's limit", async () => {
    const shop = await createTestWorkspace();
    const token = await unsubscribeToken(shop, { channel: "email" });
    for (let i = 0; i < 15; i++) expect((await oneClick(token)).status, `post ${i + 1}`).toBe(200);
    expect(await db().consentEvent.count({ where: { workspaceId: shop.workspace.id, ...CHANGES } })).toBe(1);

    // Posts that do write are still limited (10 a minute per link).
    const flooded = await unsubscribeToken(shop, { channel: "sms" });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      await subscribe(shop, "sms");
      statuses.push((await oneClick(flooded)).status);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(await channelRow(shop, "sms")).toMatchObject({ subscribed: true });
  });
});

describe("what a one-click link finds already done", () => {
  it("records the first post on a scope never chosen, though it reads as unsubscribed; a repeat on the opt-out recorded writes nothing", async () => {
    const shop = await createTestWorkspace({ enabledChannels: ["email"] });
    // SMS enabled after the contact arrived reaches it with no default; offers needs an opt-in: both read unsubscribed, with no row.
    await setEnabledChannels(shop.workspace.id, ["email", "sms"]);
    const state = await getContactPreferences(shop.workspace.id, shop.contact.id);
    expect(state!.channels.find((c) => c.channel === "sms")).toMatchObject({ subscribed: false, version: 0 });
    expect(await topicStatus(shop, "email", "offers")).toBe("unsubscribed");

    const allSms = await unsubscribeToken(shop, { channel: "sms" });
    const offersByEmail = await unsubscribeToken(shop, { channel: "email", topic: "offers" });
    expect((await oneClick(allSms)).status).toBe(200);
    expect(await channelRow(shop, "sms")).toMatchObject({ subscribed: false, version: 1 });
    expect(await lastEvent(shop)).toMatchObject({
      action: "unsubscribe",
      source: "one_click",
      channel: "sms",
      topicId: null,
      previousStatus: "unsubscribed",
      newStatus: "unsubscribed",
    });
    expect((await oneClick(offersByEmail)).status).toBe(200);
    expect(
      await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id, channel: "email", topicId: shop.topics.offers.id } }),
    ).toMatchObject({
      status: "unsubscribed",
      version: 1,
    });
    expect(await lastEvent(shop)).toMatchObject({
      action: "unsubscribe",
      source: "one_click",
      channel: "email",
      topicId: shop.topics.offers.id,
      previousStatus: "unsubscribed",
    });

    const recorded = await snapshotRows();
    for (const token of [allSms, offersByEmail, allSms, offersByEmail]) expect((await oneClick(token)).status).toBe(200);
    expect(await snapshotRows()).toBe(recorded);
  });
});

describe("stale pages never undo a newer opt-out", () => {
  it("the landing page's Undo, rendered before a newer opt-out, changes nothing and shows the current state", async () => {
    const shop = await createTestWorkspace();
    await subscribe(shop, "email", "offers");
    const token = await unsubscribeToken(shop, { channel: "email", topic: "offers" });
    const confirmForm = formOf((await page(`/u/${token}`)).html, "Unsubscribe");
    await redirectOf(() => confirmUnsubscribe(token, confirmForm));
    const stale = formOf((await page(`/u/${token}`)).html, "Undo: keep receiving it");

    // Later the person subscribes again elsewhere and leaves once more by one-click.
    await subscribe(shop, "email", "offers");
    expect((await oneClick(token)).status).toBe(200);
    const newer = await lastEvent(shop);

    const url = await redirectOf(() => undoUnsubscribe(token, stale));
    expect(await topicStatus(shop, "email", "offers")).toBe("unsubscribed");
    expect(await lastEvent(shop)).toEqual(newer);
    const shown = await page(url);
    expect(shown.html).toContain("You&#x27;re unsubscribed");
    expect(shown.html).toContain("changed elsewhere");

    // The Undo of the page as it is now does work.
    await redirectOf(() => undoUnsubscribe(token, formOf(shown.html, "Undo: keep receiving it")));
    expect(await topicStatus(shop, "email", "offers")).toBe("subscribed");
  });

  it("a survey alternative rendered before a newer opt-out changes nothing", async () => {
    const shop = await createTestWorkspace();
    await subscribe(shop, "email", "offers");
    const prefs = await signTestLink(shop, { purpose: "preferences" });
    const optOut = await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "unsubscribed",
      evidence: { source: "preference_page" },
    });
    await recordFeedbackForEvent(shop.workspace.id, shop.contact.id, optOut.consentEventId!, "prefer_other_channel", null);
    const rendered = await page(`/p/${prefs}?survey=${optOut.consentEventId}`);
    const moveToSms = formOf(rendered.html, "Get it by SMS instead");

    // After the page was rendered the person leaves SMS altogether (a STOP, a one-click).
    expect((await oneClick(await unsubscribeToken(shop, { channel: "sms" }))).status).toBe(200);
    const newer = await lastEvent(shop);

    const url = await redirectOf(() => chooseAlternative(prefs, "page", optOut.consentEventId!, "switch:sms", moveToSms));
    expect(new URL(url, "http://test").searchParams.get("stale")).toBe("1");
    expect(await channelRow(shop, "sms")).toMatchObject({ subscribed: false });
    expect(await topicStatus(shop, "sms", "offers")).toBe("unsubscribed");
    expect(await lastEvent(shop)).toEqual(newer);

    // Chosen on the page as it is now, it does move them to SMS.
    const current = formOf((await page(`/p/${prefs}?survey=${optOut.consentEventId}`)).html, "Get it by SMS instead");
    expect(
      new URL(await redirectOf(() => chooseAlternative(prefs, "page", optOut.consentEventId!, "switch:sms", current)), "http://test").searchParams.get(
        "alternative",
      ),
    ).toBe("done");
    expect(await channelRow(shop, "sms")).toMatchObject({ subscribed: true });
    expect(await topicStatus(shop, "sms", "offers")).toBe("subscribed");
  });

  it("a confirmation page opened before an opt-out confirms nothing, and never a topic it did not show", async () => {
    const shop = await createTestWorkspace();
    await createTopic(shop.workspace.id, { key: "news", names: { en: "News" }, channels: ["email"], requiresOptIn: true, position: 2 });
    const pending = (topicKey: string) =>
      changeSubscription({
        workspaceId: shop.workspace.id,
        contactId: shop.contact.id,
        channel: "email",
        topicKey,
        status: "pending",
        evidence: { source: "api" },
      });
    await pending("offers");
    const confirm = await signTestLink(shop, { purpose: "confirm" });
    const opened = formOf((await page(`/c/${confirm}`)).html, "Yes, subscribe me");

    // The person opts out by one-click; the business then asks again, and for another topic too.
    expect((await oneClick(await unsubscribeToken(shop, { channel: "email", topic: "offers" }))).status).toBe(200);
    await pending("offers");
    await pending("news");

    await redirectOf(() => confirmSubscription(confirm, opened));
    expect(await topicStatus(shop, "email", "offers")).toBe("pending");
    expect(await topicStatus(shop, "email", "news")).toBe("pending");

    // The page as it is now shows both, and its button confirms both.
    const now = await page(`/c/${confirm}`);
    expect(now.html).toContain("Offers, News");
    await redirectOf(() => confirmSubscription(confirm, formOf(now.html, "Yes, subscribe me")));
    expect(await topicStatus(shop, "email", "offers")).toBe("subscribed");
    expect(await topicStatus(shop, "email", "news")).toBe("subscribed");
  });
});

describe("links that add consent expire sooner than the opt-out", () => {
  const preferenceDays = TOKEN_LIFETIME_SECONDS.preferences / 86_400;

  it("an unsubscribe link older than a preference link still opts out, but offers a fresh link instead of Undo", async () => {
    const shop = await createTestWorkspace();
    await subscribe(shop, "email", "offers");
    const old = await unsubscribeToken(shop, { channel: "email", topic: "offers" }, preferenceDays + 10);
    const before = await page(`/u/${old}`);
    expect(before.status).toBe(200);
    expect(before.html).not.toContain("/p/");

    await redirectOf(() => confirmUnsubscribe(old, formOf(before.html, "Unsubscribe")));
    expect(await topicStatus(shop, "email", "offers")).toBe("unsubscribed");
    const after = await page(`/u/${old}`);
    expect(after.html).toContain("You&#x27;re unsubscribed");
    expect(after.html).not.toContain("Undo: keep receiving it");
    expect(after.html).not.toContain("/p/");
    expect(after.html).toContain("Email me a new link");

    // An Undo posted anyway (a page rendered when the link was younger) is refused.
    const form = new FormData();
    form.set("version", String((await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id, channel: "email" } })).version));
    await redirectOf(() => undoUnsubscribe(old, form));
    expect(await topicStatus(shop, "email", "offers")).toBe("unsubscribed");
  });

  it("the preference link a landing page mints expires with the message, not with the view", async () => {
    const shop = await createTestWorkspace();
    const issuedDaysAgo = preferenceDays - 10;
    const token = await unsubscribeToken(shop, { channel: "email", topic: "offers" }, issuedDaysAgo);
    const { html } = await page(`/u/${token}`);
    const preferences = /href="\/p\/([\w.-]+)"/.exec(html)![1];
    const claims = JSON.parse(Buffer.from(preferences.split(".")[1], "base64url").toString());
    const issuedAt = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).iat;
    expect(claims.exp).toBe(issuedAt + TOKEN_LIFETIME_SECONDS.preferences);
    expect((await page(`/p/${preferences}`)).status).toBe(200);
  });

  it("a short link resolves to a token issued when the message was, not when it is opened", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id, { baseUrl: app.baseUrl });
    const minted = await api.post("/api/v1/links", { contactId: shop.contact.id, channel: "sms", topic: "offers" });
    const links = await minted.json();
    const sentAt = new Date(Date.now() - (preferenceDays + 10) * DAY_MS);
    await db().shortLink.updateMany({ where: { workspaceId: shop.workspace.id }, data: { createdAt: sentAt } });

    const resolved = await fetch(links.unsubscribeUrl, { redirect: "manual" });
    const token = resolved.headers.get("location")!.split("/u/")[1];
    expect(JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).iat).toBe(Math.floor(sentAt.getTime() / 1000));
    // So the page it opens has no Undo and no preference link: the message is too old to add consent.
    const { html } = await page(`/u/${token}`);
    expect(html).toContain("Offers by SMS from Test shop");
    expect(html).not.toContain("/p/");
  });
});
