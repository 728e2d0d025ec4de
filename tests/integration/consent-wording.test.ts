import { createHash } from "node:crypto";
import { chromium, type Browser, type Locator, type Page } from "@playwright/test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "@/lib/generated/prisma/client";
import { changeSubscription } from "@/lib/consent/preference-store";
import { signLinkToken } from "@/lib/links/message-links";
import { db } from "@/lib/platform/db";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { chromiumLaunchOptions } from "@/tests/helpers/chromium";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

// The ledger's proof of a choice is the SHA-256 of the words the person confirmed it by. Each recipient
// page is opened in a real browser, the words it shows where the person acts are read off the page, the
// person acts, and the ledger entry must hold the hash of exactly those words, one line each, joined by
// "\n" as lib/consent/wording.ts joins them. A label edited on a page and not in the wording fails here.

const BROWSER_STEPS_MS = 60_000;

let app: AppServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [app, browser] = await Promise.all([startAppServer(), chromium.launch(chromiumLaunchOptions)]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

beforeEach(async () => {
  page = await browser.newPage();
});

afterEach(async () => {
  await page.close();
});

const hashOf = (lines: string[]) => createHash("sha256").update(lines.join("\n"), "utf8").digest("hex");

/** The lines of text an element shows, as rendered (a visually hidden legend included), blank ones left out. */
async function linesOf(element: Locator): Promise<string[]> {
  return (await element.innerText())
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** What an area shows from its top down to a button, the button's own label included (once the button is there). */
async function linesDownTo(area: Locator, button: Locator): Promise<string[]> {
  const label = (await button.innerText()).trim();
  const lines = await linesOf(area);
  const end = lines.lastIndexOf(label);
  expect(end).toBeGreaterThan(0);
  return lines.slice(0, end + 1);
}

/** The one ledger entry that matches, once the action has written it. */
async function ledgerEntry(where: Prisma.ConsentEventWhereInput) {
  await expect.poll(() => db().consentEvent.count({ where }), { timeout: 15_000 }).toBe(1);
  return db().consentEvent.findFirstOrThrow({ where });
}

describe("the words a person confirms are the words the ledger's hash proves", () => {
  it(
    "on the landing page: the question and its button, then the Undo and the lines above it",
    async () => {
      const { workspace, contact } = await createTestWorkspace();
      const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", topic: "reminders", purpose: "unsubscribe" });
      await page.goto(`${app.baseUrl}/u/${token}`);
      const main = page.locator("main");

      const confirm = main.locator("form button");
      const asked = await linesDownTo(main, confirm);
      expect(asked).toContain("Reminders by email from Test shop");
      await confirm.click();
      const optOut = await ledgerEntry({ workspaceId: workspace.id, contactId: contact.id, source: "landing_page", action: "unsubscribe" });
      expect(optOut.wordingHash).toBe(hashOf(asked));

      const undo = main.locator("form:has(input[name=version]) button");
      const offered = await linesDownTo(main, undo);
      await undo.click();
      const undone = await ledgerEntry({ workspaceId: workspace.id, contactId: contact.id, source: "landing_page", action: "subscribe" });
      expect(undone.wordingHash).toBe(hashOf(offered));
      expect([optOut.locale, undone.locale]).toEqual(["en", "en"]);
    },
    BROWSER_STEPS_MS,
  );

  it(
    "on the preference page, in the language it is shown in: a channel's switch, a topic's, a frequency, a channel's stop button",
    async () => {
      const { workspace, contact, topics } = await createTestWorkspace();
      await db().topic.update({
        where: { id: topics.offers.id },
        data: { names: { en: "Offers", es: "Ofertas" }, descriptions: { en: "Deals every week", es: "Descuentos cada semana" } },
      });
      const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "preferences" });
      const ours = { workspaceId: workspace.id, contactId: contact.id, source: "preference_page" } as const;
      // Each step opens the page afresh: a form posted before the last save came back would be stale.
      const open = () => page.goto(`${app.baseUrl}/p/${token}?lang=es`);
      await open();

      const smsLabel = await linesOf(page.locator('label[for="channel-sms-on"]'));
      await page.locator("#channel-sms-on").uncheck();
      const smsOff = await ledgerEntry({ ...ours, channel: "sms", topicId: null, action: "unsubscribe" });
      expect(smsOff.wordingHash).toBe(hashOf(smsLabel));
      expect(smsOff.locale).toBe("es");
      await open();

      const email = page.locator("#channel-email");
      const topicLines = [
        ...(await linesOf(email.locator("fieldset:has(#channel-email-topic-offers) > legend"))),
        ...(await linesOf(email.locator('label[for="channel-email-topic-offers"]'))),
      ];
      expect(topicLines).toContain("Descuentos cada semana");
      await email.locator("#channel-email-topic-offers").check();
      const offersOn = await ledgerEntry({ ...ours, topicId: topics.offers.id, action: "subscribe" });
      expect(offersOn.wordingHash).toBe(hashOf(topicLines));
      await open();

      const daily = email.locator("label:has(input[name=frequency][value=daily])");
      const frequencyLines = [...(await linesOf(email.locator("fieldset:has(input[name=frequency]) > legend"))), ...(await linesOf(daily))];
      await daily.locator("input").check();
      const frequency = await ledgerEntry({ ...ours, channel: "email", action: "set_frequency" });
      expect(frequency.wordingHash).toBe(hashOf(frequencyLines));
      await open();

      const stopChannel = email.locator("button[value=stop-channel]");
      const stopLines = await linesOf(stopChannel);
      await stopChannel.click();
      const emailOff = await ledgerEntry({ ...ours, channel: "email", topicId: null, action: "unsubscribe" });
      expect(emailOff.wordingHash).toBe(hashOf(stopLines));
    },
    BROWSER_STEPS_MS,
  );

  it(
    "on the embedded preference page: an alternative offered after the reason, and stop all",
    async () => {
      const { workspace, contact } = await createTestWorkspace();
      const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "preferences" });
      const ours = { workspaceId: workspace.id, contactId: contact.id, source: "embed" } as const;
      await page.goto(`${app.baseUrl}/embed/p/${token}`);

      await page.locator("#channel-sms-on").uncheck();
      await page.waitForURL(/survey=/);
      const survey = page.locator("#survey");
      await survey.locator("input[name=reason][value=too_frequent]").check();
      await survey.locator("form button").click();
      const choices = survey.locator("form:has(input[name=channelVersion])");
      const weekly = choices.first().locator("button");
      const offered = await linesDownTo(choices.first().locator("xpath=../.."), weekly);
      await weekly.click();
      const back = await ledgerEntry({ ...ours, channel: "sms", action: "subscribe" });
      const fewer = await ledgerEntry({ ...ours, channel: "sms", action: "set_frequency" });
      expect([back.wordingHash, fewer.wordingHash]).toEqual([hashOf(offered), hashOf(offered)]);
      await page.waitForURL(/alternative=done/);

      const stopAll = page.locator('section[aria-labelledby="stop-all-title"]');
      const stopLines = await linesOf(stopAll);
      await stopAll.locator("button").click();
      const emailOff = await ledgerEntry({ ...ours, channel: "email", topicId: null, action: "unsubscribe" });
      const whatsappOff = await ledgerEntry({ ...ours, channel: "whatsapp", topicId: null, action: "unsubscribe" });
      expect([emailOff.wordingHash, whatsappOff.wordingHash]).toEqual([hashOf(stopLines), hashOf(stopLines)]);
    },
    BROWSER_STEPS_MS,
  );

  it(
    "on the confirmation page: the question, the topics waiting and the button",
    async () => {
      const { workspace, contact, topics } = await createTestWorkspace();
      await changeSubscription({
        workspaceId: workspace.id,
        contactId: contact.id,
        channel: "email",
        topicKey: "offers",
        status: "pending",
        evidence: { source: "api" },
      });
      const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "confirm" });
      await page.goto(`${app.baseUrl}/c/${token}`);
      const main = page.locator("main");

      const button = main.locator("form button");
      const asked = await linesDownTo(main, button);
      expect(asked).toContain("Offers");
      await button.click();
      const confirmed = await ledgerEntry({
        workspaceId: workspace.id,
        contactId: contact.id,
        source: "double_opt_in",
        topicId: topics.offers.id,
        action: "subscribe",
      });
      expect(confirmed.wordingHash).toBe(hashOf(asked));
      expect(confirmed.locale).toBe("en");
    },
    BROWSER_STEPS_MS,
  );
});
