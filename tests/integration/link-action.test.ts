import { describe, expect, it, vi } from "vitest";
import { changeSubscription, getContactPreferences } from "@/lib/consent/preference-store";
import { createContact } from "@/lib/contacts/contact-store";
import { signLinkToken } from "@/lib/links/message-links";
import { confirmSubscription } from "@/lib/pages/confirm-action";
import { saveLanguage, stopEverything } from "@/lib/pages/preferences-actions";
import { confirmUnsubscribe, saveOptOutReason, undoUnsubscribe } from "@/lib/pages/unsubscribe-actions";
import { db } from "@/lib/platform/db";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { redirectOf } from "@/tests/helpers/server-action";
import { snapshotRows } from "@/tests/helpers/snapshot";

// The guard every recipient-page action declares (lib/pages/link-action.ts): the bound token verified
// again for the action's purpose, the other bound arguments and the form checked, before anything is
// written. The actions are called as the built app calls them, with the request's headers supplied.

vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<object>()), headers: async () => new Headers({ "user-agent": "Mozilla/5.0" }) }));

function formOf(fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** The status of the error page an action answered with (Next's notFound() throws). */
async function errorPageOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;")) return digest.split(";")[1];
    throw error;
  }
  throw new Error("the action answered without an error page");
}

async function linksOf(shop: Awaited<ReturnType<typeof createTestWorkspace>>) {
  const link = (purpose: "unsubscribe" | "preferences" | "confirm") =>
    signLinkToken({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email", purpose });
  return { unsubscribe: await link("unsubscribe"), preferences: await link("preferences"), confirm: await link("confirm") };
}

describe("a recipient page's action (linkAction)", () => {
  it("verifies the bound token again for its own purpose: another purpose's link goes to the page, which says it is not valid, and changes nothing", async () => {
    const shop = await createTestWorkspace();
    const links = await linksOf(shop);
    const before = await snapshotRows();
    expect(await redirectOf(() => confirmUnsubscribe(links.preferences, formOf({ locale: "en" })))).toBe(`/u/${links.preferences}`);
    expect(await redirectOf(() => stopEverything(links.unsubscribe, "page", formOf()))).toBe(`/p/${links.unsubscribe}`);
    expect(await redirectOf(() => stopEverything(links.confirm, "embed", formOf()))).toBe(`/embed/p/${links.confirm}`);
    expect(await redirectOf(() => confirmSubscription(links.preferences, formOf({ "topicVersion.offers": "0" })))).toBe(`/c/${links.preferences}`);
    expect(await redirectOf(() => saveLanguage(`${links.preferences}x`, "page", formOf({ locale: "es" })))).toBe(`/p/${links.preferences}x`);
    expect(await snapshotRows()).toEqual(before);
  });

  it("acts for the token's contact only, whoever the form names", async () => {
    const shop = await createTestWorkspace();
    const other = await createContact(shop.workspace.id, { externalId: "someone-else", email: "someone-else@example.com" });
    const { preferences } = await linksOf(shop);
    await redirectOf(() => stopEverything(preferences, "page", formOf({ contactId: other.id, contact: other.id })));
    const [mine, theirs] = await Promise.all([getContactPreferences(shop.workspace.id, shop.contact.id), getContactPreferences(shop.workspace.id, other.id)]);
    expect(mine!.channels.map((c) => c.subscribed)).toEqual([false, false, false]);
    expect(theirs!.channels.map((c) => c.subscribed)).toEqual([true, true, true]);
  });

  it("answers 404 to bound arguments the page never rendered, before it reads the link", async () => {
    const shop = await createTestWorkspace();
    const { unsubscribe, preferences } = await linksOf(shop);
    const before = await snapshotRows();
    expect(await errorPageOf(() => Reflect.apply(confirmUnsubscribe, null, [42, formOf()]))).toBe("404");
    // The form where a bound argument should be, and no form: a post whose bound arguments were edited.
    expect(await errorPageOf(() => Reflect.apply(stopEverything, null, [preferences, formOf()]))).toBe("404");
    expect(await errorPageOf(() => Reflect.apply(confirmUnsubscribe, null, [unsubscribe, "page", formOf()]))).toBe("404");
    expect(await errorPageOf(() => Reflect.apply(saveLanguage, null, [preferences, 7, formOf({ locale: "es" })]))).toBe("404");
    expect(await snapshotRows()).toEqual(before);
  });

  it("sends a form that does not parse back to the page as the action says, and writes nothing", async () => {
    const shop = await createTestWorkspace();
    const { unsubscribe, confirm } = await linksOf(shop);
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      status: "unsubscribed",
      evidence: { source: "one_click" },
    });
    const before = await snapshotRows();
    expect(await redirectOf(() => undoUnsubscribe(unsubscribe, formOf({ version: "one" })))).toBe(`/u/${unsubscribe}?stale=1`);
    expect(await redirectOf(() => saveOptOutReason(unsubscribe, formOf({ reason: "bored" })))).toBe(`/u/${unsubscribe}?reason=invalid`);
    expect(await redirectOf(() => confirmSubscription(confirm, formOf({ "topicVersion.offers": "-1" })))).toBe(`/c/${confirm}`);
    expect(await snapshotRows()).toEqual(before);
    expect(await db().optOutFeedback.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });
});
