import { expect, test, type APIRequestContext, type FrameLocator, type Page } from "@playwright/test";
import { demoApiHeaders, mailTo, preferencesOf, readDemo } from "./demo";

// The demo sign-up form (email with double opt-in, SMS), on a business's site on another origin
// (host-server.mjs, an allowed origin of the form) and hosted, with and without JavaScript; then the
// confirmation by email.
const HOST = `http://localhost:${process.env.E2E_HOST_PORT ?? 3199}`;
const FOREIGN_HOST = `http://127.0.0.1:${process.env.E2E_HOST_PORT ?? 3199}`;

const form = () => readDemo().signupForm;
const confirmationTo = (address: string) => mailTo(address).find((message) => /\/c\//.test(message.text));

/** The contact the business knows by this email (an upsert with the email alone changes nothing). */
async function contactIdOf(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post("/api/v1/contacts", { headers: demoApiHeaders(), data: { email } });
  expect(response.status()).toBe(200);
  return (await response.json()).id;
}

async function sendable(request: APIRequestContext, contactId: string, topic: string) {
  const response = await request.post("/api/v1/sendability", { headers: demoApiHeaders(), data: { channel: "email", topic, contactIds: [contactId] } });
  return (await response.json()).results[0];
}

/** Fills in the email part and sends: a person takes seconds, and a post within 2 s of the render is ignored. */
async function signUp(target: Page | FrameLocator, email: string) {
  await target.getByLabel("Email address").fill(email);
  await target.getByRole("checkbox", { name: "Newsletter" }).check();
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  await target.getByRole("button", { name: "Sign me up" }).click();
}

async function confirmByEmail(page: Page, request: APIRequestContext, email: string) {
  await expect.poll(() => confirmationTo(email)?.subject).toBe("Please confirm: messages from Acme");
  const link = /http:\/\/localhost:\d+\/c\/[\w.-]+/.exec(confirmationTo(email)!.text)![0];
  await page.goto(link);
  await page.getByRole("button", { name: "Yes, subscribe me" }).click();
  await expect(page.getByRole("heading", { name: "You're subscribed" })).toBeVisible();
}

test("embedded on another origin: the person signs up, is told to check the inbox, and confirms by email", async ({ page, request }) => {
  const email = `embedded-${Date.now()}@example.com`;
  await page.goto(`${HOST}/form?form=${form().id}&lang=en`);
  const frame = page.frameLocator("iframe");
  await expect(frame.getByRole("heading", { name: "Stay in touch with Acme" })).toBeVisible();
  // Every box starts unticked, and the consent statement is shown as the form wrote it.
  for (const box of await frame.getByRole("checkbox").all()) await expect(box).not.toBeChecked();
  await expect(frame.getByText("I agree to receive the emails I tick from Acme.", { exact: false })).toBeVisible();
  // It resized itself to its content through postMessage.
  await expect.poll(() => page.evaluate(() => Number(document.body.dataset.height ?? 0))).toBeGreaterThan(300);

  await signUp(frame, email);
  await expect(frame.getByText("Check your inbox")).toBeVisible();
  await expect(page.locator("#events")).toContainText("signup:submitted");

  const contactId = await contactIdOf(request, email);
  expect((await preferencesOf(request, contactId)).channels.email.topics.newsletter).toBe("pending");
  expect(await sendable(request, contactId, "newsletter")).toMatchObject({ sendable: false, reason: "pending_confirmation" });

  await confirmByEmail(page, request, email);
  expect(await sendable(request, contactId, "newsletter")).toMatchObject({ sendable: true });
});

test("a site that is not an allowed origin cannot frame the form", async ({ page }) => {
  const blocked = page.waitForEvent("console", { predicate: (message) => /frame-ancestors/.test(message.text()), timeout: 10_000 });
  await page.goto(`${FOREIGN_HOST}/form?form=${form().id}&lang=en`);
  await blocked;
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "Stay in touch with Acme" })).toHaveCount(0);
});

test("hosted, without JavaScript: the plain form posts, answers, and the email confirms", async ({ browser, request }) => {
  const email = `nojs-${Date.now()}@example.com`;
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${form().hostedUrl}?lang=en`);
  await expect(page.getByRole("heading", { name: "Stay in touch with Acme" })).toBeVisible();
  await signUp(page, email);
  await expect(page.getByRole("heading", { name: "Thank you" })).toBeVisible();
  await expect(page.getByText("Check your inbox")).toBeVisible();

  const contactId = await contactIdOf(request, email);
  expect(await sendable(request, contactId, "newsletter")).toMatchObject({ sendable: false, reason: "pending_confirmation" });
  await confirmByEmail(page, request, email);
  expect((await preferencesOf(request, contactId)).channels.email.topics.newsletter).toBe("subscribed");
  await context.close();
});

test("a bad address answers a 400 page that names the field", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${form().hostedUrl}?lang=en`);
  await page.getByRole("checkbox", { name: "Offers" }).first().check();
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const answer = page.waitForResponse((response) => response.url().endsWith("/submit"));
  await page.getByRole("button", { name: "Sign me up" }).click();
  expect((await answer).status()).toBe(400);
  await expect(page.getByRole("alert")).toHaveText("Email address: give the address for the boxes you ticked");
  await context.close();
});
