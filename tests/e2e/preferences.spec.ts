import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { preferencesOf, readDemo } from "./demo";

// Each group works on its own demo contact, in order, since the steps build on each other's state.

function section(page: Page, title: string) {
  return page.getByRole("region", { name: title, exact: true });
}

test.describe("with JavaScript, each change saves at once", () => {
  test.describe.configure({ mode: "serial" });
  const contact = () => readDemo().contacts.find((c) => c.locale === "es")!;

  test("switching SMS off leaves WhatsApp and email on; the reason offers a weekly digest instead", async ({ page, request }) => {
    await page.goto(`${contact().preferencesUrl}?lang=en`);
    const sms = section(page, "SMS");
    await sms.getByRole("switch", { name: "Receive messages by SMS" }).uncheck();
    await expect(sms.getByRole("status").first()).toHaveText("Saved.");
    let state = await preferencesOf(request, contact().id);
    expect([state.channels.email.subscribed, state.channels.sms.subscribed, state.channels.whatsapp.subscribed]).toEqual([true, false, true]);

    await expect(sms.getByText("Saved: you will no longer receive Everything by SMS from Acme.")).toBeVisible();
    await sms.getByRole("radio", { name: "Too many messages" }).check();
    await sms.getByRole("button", { name: "Send answer" }).click();
    await expect(sms.getByText("Thank you for telling us.")).toBeVisible();
    await sms.getByRole("button", { name: "Get a weekly digest instead" }).click();
    await expect(page.getByText("Done: your preferences are updated.")).toBeVisible();
    state = await preferencesOf(request, contact().id);
    expect(state.channels.sms).toMatchObject({ subscribed: true, frequency: "weekly" });
  });

  test("a topic off, then a pause", async ({ page, request }) => {
    await page.goto(`${contact().preferencesUrl}?lang=en`);
    const email = section(page, "Email");
    await email.getByRole("switch", { name: "Offers" }).uncheck();
    await expect(email.getByRole("status").first()).toHaveText("Saved.");
    expect((await preferencesOf(request, contact().id)).channels.email.topics.offers).toBe("unsubscribed");

    await email.getByLabel("Take a break").selectOption("30");
    await expect(email.getByText(/^Paused until /)).toBeVisible();
    const pausedUntil = new Date((await preferencesOf(request, contact().id)).channels.email.pausedUntil!);
    expect(Math.round((pausedUntil.getTime() - Date.now()) / 86_400_000)).toBe(30);

    // Dates are written the way each language writes them.
    for (const [lang, sentence] of [
      ["es", "En pausa hasta el {date}."],
      ["it", "In pausa fino al {date}."],
      ["pt-BR", "Em pausa até {date}."],
    ]) {
      await page.goto(`${contact().preferencesUrl}?lang=${lang}`);
      const date = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(pausedUntil);
      await expect(page.getByText(sentence.replace("{date}", date))).toBeVisible();
    }
  });

  test("a second tab cannot silently undo a newer change", async ({ page, context, request }) => {
    const url = `${contact().preferencesUrl}?lang=en`;
    const stale = await context.newPage();
    await stale.goto(url);
    await page.goto(url);
    await section(page, "WhatsApp").getByRole("switch", { name: "Receive messages by WhatsApp" }).uncheck();
    await expect(section(page, "WhatsApp").getByRole("status").first()).toHaveText("Saved.");

    // The older tab still shows WhatsApp on; changing its frequency would post that old view.
    await section(stale, "WhatsApp").getByRole("radio", { name: "Daily digest" }).check();
    await expect(stale.getByText(/changed elsewhere \(perhaps in another tab\)/)).toBeVisible();
    await expect(section(stale, "WhatsApp").getByRole("switch", { name: "Receive messages by WhatsApp" })).not.toBeChecked();
    const state = await preferencesOf(request, contact().id);
    expect(state.channels.whatsapp).toMatchObject({ subscribed: false, frequency: "immediate" });
  });

  test("stop everything", async ({ page, request }) => {
    await page.goto(`${contact().preferencesUrl}?lang=en`);
    await page.getByRole("button", { name: "Stop all messages from Acme" }).click();
    await expect(page.getByText("Done: you will receive nothing from Acme any more.")).toBeVisible();
    const state = await preferencesOf(request, contact().id);
    expect(Object.values(state.channels).map((c) => c.subscribed)).toEqual([false, false, false]);
  });
});

test.describe("without JavaScript, plain forms do it all", () => {
  test.describe.configure({ mode: "serial" });
  test.use({ javaScriptEnabled: false });
  const contact = () => readDemo().contacts.find((c) => c.locale === "es-MX")!;

  test("SMS off and a topic off, saved with the Save button, then the reason", async ({ page, request }) => {
    await page.goto(`${contact().preferencesUrl}?lang=en`);
    const sms = section(page, "SMS");
    await sms.getByRole("switch", { name: "Receive messages by SMS" }).uncheck();
    await sms.getByRole("button", { name: "Save SMS preferences" }).click();
    await expect(section(page, "SMS").getByText("Saved: you will no longer receive Everything by SMS from Acme.")).toBeVisible();
    let state = await preferencesOf(request, contact().id);
    expect([state.channels.email.subscribed, state.channels.sms.subscribed]).toEqual([true, false]);

    await section(page, "SMS").getByRole("radio", { name: "Privacy concerns" }).check();
    await section(page, "SMS").getByRole("button", { name: "Send answer" }).click();
    await expect(section(page, "SMS").getByText("Thank you for telling us.")).toBeVisible();

    const email = section(page, "Email");
    await email.getByRole("switch", { name: "Newsletter" }).uncheck();
    await email.getByRole("button", { name: "Save email preferences" }).click();
    await expect(section(page, "Email").getByRole("status").first()).toHaveText("Saved.");
    state = await preferencesOf(request, contact().id);
    expect(state.channels.email.topics.newsletter).toBe("unsubscribed");
    expect(state.channels.email.topics.offers).toBe("subscribed");
  });

  test("stop everything by email, then stop all", async ({ page, request }) => {
    await page.goto(`${contact().preferencesUrl}?lang=en`);
    await section(page, "Email").getByRole("button", { name: "Stop everything by email" }).click();
    await expect(section(page, "Email").getByText("You receive nothing by email.", { exact: false })).toBeVisible();
    await page.getByRole("button", { name: "Stop all messages from Acme" }).click();
    await expect(page.getByText("Done: you will receive nothing from Acme any more.")).toBeVisible();
    const state = await preferencesOf(request, contact().id);
    expect(Object.values(state.channels).every((c) => !c.subscribed)).toBe(true);
  });
});

test("the page speaks Spanish, Portuguese and Italian", async ({ page }) => {
  const { preferencesUrl } = readDemo().contacts.find((c) => c.locale === "en")!;
  const expected = {
    es: ["Tus preferencias de mensajes", "Recibir mensajes por correo electrónico", "Resumen semanal"],
    "pt-BR": ["Suas preferências de mensagens", "Receber mensagens por e-mail", "Resumo semanal"],
    it: ["Le tue preferenze sui messaggi", "Ricevi messaggi via email", "Riepilogo settimanale"],
  };
  for (const [lang, [title, channelSwitch, weekly]] of Object.entries(expected)) {
    await page.goto(`${preferencesUrl}?lang=${lang}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByRole("switch", { name: channelSwitch })).toBeVisible();
    await expect(page.getByRole("radio", { name: weekly }).first()).toBeVisible();
    await expect(page.locator(`[lang="${lang}"]`).first()).toBeVisible();
    // WCAG 3.1.1: the document's language is the page's.
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
  }
});

test("the page follows the contact's language, and the switcher keeps a new one", async ({ page }) => {
  const contact = readDemo().contacts.find((c) => c.locale === "pt-BR")!;
  await page.goto(contact.preferencesUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Suas preferências de mensagens");
  await page.getByRole("link", { name: "Italiano" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Le tue preferenze sui messaggi");
  await page.getByRole("button", { name: "Usa questa lingua per i miei messaggi" }).click();
  await expect(page.getByText("Lingua salvata.")).toBeVisible();
  await page.goto(contact.preferencesUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Le tue preferenze sui messaggi");
  await expect(page.locator("html")).toHaveAttribute("lang", "it");
  // Put it back for the other tests.
  await page.getByRole("link", { name: "Português (Brasil)" }).click();
  await page.getByRole("button", { name: "Usar este idioma nas minhas mensagens" }).click();
  await expect(page.getByText("Idioma salvo.")).toBeVisible();
});

test("axe finds no accessibility violations on the recipient pages", async ({ page }) => {
  // Eight full axe scans: a budget for a loaded two-core machine, not a measure of speed.
  test.setTimeout(90_000);
  const contact = readDemo().contacts.find((c) => c.locale === "en")!;
  for (const url of [`${contact.preferencesUrl}?lang=en`, contact.unsubscribeUrl, "/", contact.unsubscribeUrl.slice(0, -2) + "xx"]) {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url);
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      expect(
        results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        `${url} at ${width}px`,
      ).toEqual([]);
    }
  }
});

test("the page reads well at 375 px and 1280 px", async ({ page }) => {
  const contact = readDemo().contacts.find((c) => c.locale === "en")!;
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${contact.preferencesUrl}?lang=en`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  }
});
