import { expect, test, type APIRequestContext } from "@playwright/test";
import { mailTo, preferencesOf, readDemo } from "./demo";

const newsletterByEmail = async (request: APIRequestContext, contactId: string) => (await preferencesOf(request, contactId)).channels.email.topics.newsletter;

test("a recipient opens the link, confirms, gives a reason, and can undo", async ({ page, request }) => {
  const contact = readDemo().contacts.find((c) => c.locale === "en")!;
  expect(await newsletterByEmail(request, contact.id)).toBe("subscribed");

  await page.goto(contact.unsubscribeUrl);
  await expect(page.getByRole("heading", { name: "Do you want to stop receiving this?" })).toBeVisible();
  await expect(page.getByText("Newsletter by email from Acme")).toBeVisible();
  // Opening the page changed nothing.
  expect(await newsletterByEmail(request, contact.id)).toBe("subscribed");

  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("heading", { name: "You're unsubscribed" })).toBeVisible();
  await expect(page.getByText("You will no longer receive: Newsletter by email from Acme.")).toBeVisible();
  expect(await newsletterByEmail(request, contact.id)).toBe("unsubscribed");

  await page.getByRole("radio", { name: "Too many messages" }).check();
  await page.getByLabel("Anything you'd like to add?").fill("Weekly would be fine.");
  await page.getByRole("button", { name: "Send answer" }).click();
  await expect(page.getByText("Thank you for telling us.")).toBeVisible();

  await page.getByRole("button", { name: "Undo: keep receiving it" }).click();
  await expect(page.getByRole("heading", { name: "You're subscribed again" })).toBeVisible();
  expect(await newsletterByEmail(request, contact.id)).toBe("subscribed");
  await expect(page.getByRole("link", { name: "Manage all your preferences" })).toHaveAttribute("href", /^\/p\//);
});

test("the page works without JavaScript", async ({ browser, request }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const contact = readDemo().contacts.find((c) => c.locale === "it")!;
  await page.goto(contact.unsubscribeUrl);
  await expect(page.getByRole("heading", { name: "Vuoi smettere di ricevere questi messaggi?" })).toBeVisible();
  await page.getByRole("button", { name: "Annulla l'iscrizione" }).click();
  await expect(page.getByRole("heading", { name: "Iscrizione annullata" })).toBeVisible();
  expect(await newsletterByEmail(request, contact.id)).toBe("unsubscribed");
  await page.getByRole("button", { name: "Annulla: continua a riceverli" }).click();
  await expect(page.getByRole("heading", { name: "Sei di nuovo iscritto" })).toBeVisible();
  expect(await newsletterByEmail(request, contact.id)).toBe("subscribed");
  await context.close();
});

test("a bad link shows the same clear page, never an error, and offers a fresh link by email", async ({ page }) => {
  const contact = readDemo().contacts.find((c) => c.locale === "es-MX")!;
  const tampered = contact.unsubscribeUrl.slice(0, -3) + "abc";
  const response = await page.goto(tampered);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();

  await page.getByLabel("Your email address").fill(contact.email);
  await page.getByRole("button", { name: "Email me a new link" }).click();
  await expect(page.getByRole("status")).toHaveText(/If that address is on the list, a new link is on its way/);
  // Demo mode sends through the real resend SDK to the local stub, which keeps each message as a file.
  await expect.poll(() => mailTo(contact.email).length).toBe(1);
  const [message] = mailTo(contact.email);
  expect(message.subject).toBe("Tu enlace para gestionar los mensajes de Acme");
  const link = /http:\/\/localhost:\d+\/p\/[\w.-]+/.exec(message.text)![0];
  expect(link).toContain("/p/");
});

test("the one-click URL takes a mail provider's POST with no cookies and no Origin", async ({ playwright }) => {
  const contact = readDemo().contacts.find((c) => c.locale === "pt-BR")!;
  const provider = await playwright.request.newContext();
  const response = await provider.post(contact.oneClickUrl, { form: { "List-Unsubscribe": "One-Click" }, maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(await response.text()).toBe("");
  await provider.dispose();
});
