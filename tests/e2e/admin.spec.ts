import { createHmac, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { latestMailTo, signIn } from "./sign-in";
import { demoApiHeaders, preferencesOf, readDemo } from "./demo";

// The dashboard as its admins use it: signing in through the magic link that arrives by email (the
// local Resend stub keeps each message as a file), reading why people leave, changing settings.

// Sign-ins read "the latest link to this address": one at a time.
test.describe.configure({ mode: "serial" });

const acme = () => readDemo().admins.find((a) => a.email === "admin@example.com")!.workspaceId;
const globex = () => readDemo().admins.find((a) => a.email === "owner@globex.example")!.workspaceId;

test("an admin signs in by magic link and reads why people leave", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await expect(page).toHaveURL(new RegExp(`/admin/${acme()}$`));
  await expect(page.getByRole("heading", { name: "Opt-outs", level: 1 })).toBeVisible();
  expect(Number(await page.getByTestId("stat-Opt-outs").textContent())).toBeGreaterThanOrEqual(3);
  await expect(page.getByRole("img", { name: "Opt-outs over time by channel" }).locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.getByLabel("Split by").selectOption("topic");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("img", { name: "Opt-outs over time by topic" }).locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Answers by reason" })).toContainText("too_frequent");
  await expect(page.getByRole("list", { name: "Free-text answers" })).toContainText("Three emails a week is too many.");

  await page.getByLabel("Search the answers").fill("WhatsApp");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("list", { name: "Free-text answers" })).toContainText("Prefiro receber por WhatsApp.");
  await expect(page.getByRole("list", { name: "Free-text answers" })).not.toContainText("Three emails");

  const csv = await page.request.get(`/admin/${acme()}/export`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain('"too_frequent","Three emails a week is too many."');
});

test("an admin ranks messages by opt-out and complaint rate, sees Gmail's line, and reads a message's opt-outs and reasons", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  // The headline rate is opt-outs per message sent in the period; the demo logged 168 sends today.
  expect(Number(await page.getByTestId("stat-Sent").textContent())).toBeGreaterThanOrEqual(168);
  await expect(page.getByTestId("stat-Opt-out rate")).toContainText("per 1,000");
  await expect(page.getByTestId("stat-Contacts")).toHaveCount(0);

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Messages" }).click();
  await expect(page.getByRole("heading", { name: "Messages", level: 1 })).toBeVisible();
  const ranking = page.getByRole("table", { name: "Messages by rate" });
  const row = (messageId: string) => ranking.getByRole("row").filter({ has: page.getByRole("rowheader", { name: messageId, exact: true }) });
  await expect(row("black-friday/early-access").getByRole("cell")).toHaveText([
    "60",
    "3",
    "50.0 per 1,000 (5.00%)",
    "1",
    "16.7 per 1,000 (1.67%) — over Gmail's 0.3%",
  ]);
  await expect(row("weekly tips #12").getByRole("cell")).toHaveText(["40", "1", "25.0 per 1,000 (2.50%)", "0", "0.0 per 1,000 (0.00%)"]);
  const order = await ranking.getByRole("rowheader").allTextContents();
  expect(order.indexOf("black-friday/early-access")).toBeLessThan(order.indexOf("weekly tips #12"));

  const chart = page.getByRole("img", { name: "Opt-out and complaint rates over time" });
  // A horizontal line has no height, so Playwright never calls it visible: its label is, and it sits at 3.
  await expect(chart.locator(".recharts-reference-line-line")).toHaveAttribute("y", "3");
  await expect(chart.getByText("Gmail's complaint limit: 0.3% (3 per 1,000)")).toBeVisible();
  await expect(chart.locator(".recharts-line-dot").first()).toBeVisible();

  await page.getByLabel("Rank by").selectOption("complaints");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(ranking.getByRole("rowheader").first()).toHaveText("black-friday/early-access");

  // The id travels encoded in the link (its "#" would otherwise end the path) and reads back whole.
  await row("weekly tips #12").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/admin/${acme()}/messages/weekly%20tips%20%2312\\?days=30$`));
  await expect(page.getByRole("heading", { name: "Message weekly tips #12", level: 1 })).toBeVisible();
  await expect(page.getByTestId("stat-Sent")).toHaveText("40");
  await expect(page.getByTestId("stat-Opt-out rate")).toHaveText("25.0 per 1,000 (2.50%)");
  const optOuts = page.getByRole("table", { name: "Opt-outs and complaints" });
  await expect(optOuts.getByRole("row")).toHaveCount(2);
  await expect(optOuts).toContainText("unsubscribe email / newsletter");
  await expect(optOuts).toContainText("not_relevant: “Not for me.”");

  await page.getByRole("link", { name: "All messages" }).click();
  await row("black-friday/early-access").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Message black-friday/early-access", level: 1 })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("over Gmail's 0.3% line");
  await expect(optOuts.getByRole("row")).toHaveCount(4);
  await expect(optOuts).toContainText("too_frequent: “Four emails about one sale.”");
  await expect(optOuts).toContainText("never_signed_up");
  await expect(optOuts.getByRole("row").filter({ hasText: "complaint" })).toContainText("unsubscribe email");
  await expect(page.getByRole("table", { name: "Answers by reason" })).toContainText("too_frequent");
});

test("an admin looks up a contact and reads their consent timeline", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await page.goto(`/admin/${acme()}/contacts`);
  await page.getByLabel("Email, phone or external id").fill("sam@example.com");
  await page.getByRole("button", { name: "Look up" }).click();
  await page.getByRole("link", { name: "sam@example.com" }).click();
  const timeline = page.getByRole("table");
  await expect(timeline).toContainText("unsubscribe email / offers");
  await expect(timeline).toContainText("one-click (mail app)");
  await expect(timeline).toContainText("demo-newsletter");
  await expect(timeline).toContainText("too_frequent: “Three emails a week is too many.”");
  await page.goto(`/admin/${acme()}/ledger`);
  await expect(page.getByRole("status")).toContainText("The chain is intact");
});

test("markup in a contact's fields shows as text and never runs", async ({ browser, request }) => {
  const markup = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
  const created = await request.post("/api/v1/contacts", {
    headers: demoApiHeaders(),
    data: { externalId: markup, email: `markup-${Date.now()}@example.com`, subscriptions: [{ channel: "email", topic: "newsletter", status: "subscribed" }] },
  });
  expect(created.status()).toBe(201);
  const { email } = await created.json();
  // The viewer's sign-in: the owner's is spent by the other tests (five an hour per address).
  const page = await signIn(browser, "viewer@example.com");
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`/admin/${acme()}/contacts`);
  await page.getByLabel("Email, phone or external id").fill(email);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByText(markup).first()).toBeVisible();
  await page.getByRole("link", { name: email }).click();
  await expect(page.getByText(markup).first()).toBeVisible();
  expect(dialogs).toEqual([]);
  await expect(page.locator("img[src=x]")).toHaveCount(0);
});

test("a topic created in settings appears on the preference page", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await page.goto(`/admin/${acme()}/settings`);
  const create = page.locator("form").filter({ hasText: "Create topic" });
  await create.getByLabel("Key", { exact: true }).fill("events");
  await create.getByLabel("Name (en)").fill("Events");
  await create.getByLabel("Description (en)").fill("Invitations to our events.");
  await create.getByLabel("Name (es)").fill("Eventos");
  await create.getByRole("checkbox", { name: "email" }).check();
  await create.getByRole("button", { name: "Create topic" }).click();
  await expect(page.getByRole("status").getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("cell", { name: "events", exact: true })).toBeVisible();

  const recipient = await (await browser.newContext()).newPage();
  await recipient.goto(`${readDemo().contacts.find((c) => c.locale === "en")!.preferencesUrl}?lang=es`);
  await expect(recipient.getByRole("region", { name: "Correo electrónico" }).getByRole("switch", { name: "Eventos" })).toBeVisible();

  // Edited: now sent by SMS too, and renamed in Spanish.
  await page.getByText("Edit events").click();
  const edit = page.locator("form").filter({ hasText: "Save events" });
  await edit.getByLabel("Name (es)").fill("Eventos y ferias");
  await edit.getByRole("checkbox", { name: "sms" }).check();
  await edit.getByRole("button", { name: "Save events" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Retire events" })).toContainText("email, sms");
  await recipient.reload();
  await expect(recipient.getByRole("region", { name: "SMS" }).getByRole("switch", { name: "Eventos y ferias" })).toBeVisible();
});

test("an owner creates an API key and a webhook endpoint, each secret shown once", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await page.goto(`/admin/${acme()}/settings`);
  const keys = page.getByRole("region", { name: "API keys" });
  await keys.getByLabel("Name").fill("CRM sync");
  await keys.getByRole("button", { name: "Create key" }).click();
  const key = (await keys.locator("code").textContent())!;
  expect(key).toMatch(/^pck_[a-z0-9]{8}_/);
  const works = await page.request.get(`/api/v1/contacts/${readDemo().contacts[0].id}/preferences`, { headers: { authorization: `Bearer ${key}` } });
  expect(works.status()).toBe(200);

  const hooks = page.getByRole("region", { name: "Webhook endpoints" });
  await hooks.getByLabel("URL").fill("http://evil.example.com/hook");
  await hooks.getByRole("button", { name: "Add endpoint" }).click();
  await expect(hooks.getByText(/must be an https URL/)).toBeVisible();
  await hooks.getByLabel("URL").fill("https://hooks.example.com/consent");
  await hooks.getByRole("button", { name: "Add endpoint" }).click();
  await expect(hooks.locator("code")).toHaveText(/^whsec_/);
  await page.reload();
  await expect(page.getByRole("region", { name: "Webhook endpoints" })).toContainText("https://hooks.example.com/consent");
  await expect(page.getByRole("region", { name: "Webhook endpoints" }).locator("code")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "API keys" })).not.toContainText(key);
});

test("an owner stores the Twilio token in settings, and a STOP signed with it opts the number out of SMS", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await page.goto(`/admin/${acme()}/settings`);
  const inbound = page.getByRole("region", { name: "Inbound channels and Resend sync" });
  const token = `e2e-${Date.now()}-twilio-token`;
  await inbound.getByLabel("Twilio auth token").fill(token);
  await inbound.getByRole("button", { name: "Save inbound and Resend settings" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Inbound channels and Resend sync" }).getByLabel("Twilio auth token")).toHaveValue("");

  // Twilio's scheme: HMAC-SHA1 of the URL followed by each parameter's name and value, sorted by name.
  const url = `${readDemo().baseUrl}/api/inbound/twilio/${acme()}`;
  const contact = readDemo().contacts.find((c) => c.locale === "it")!;
  const form = { Body: "Disiscrivi", From: contact.phone!, MessageSid: `SM${Date.now()}`, To: "+15005550006" };
  const signed =
    url +
    Object.keys(form)
      .sort()
      .map((name) => name + form[name as keyof typeof form])
      .join("");
  const signature = createHmac("sha1", token).update(signed).digest("base64");
  const reply = await page.request.post(url, { form, headers: { "x-twilio-signature": signature } });
  expect(reply.status()).toBe(200);
  expect(await reply.text()).toContain("non riceverai più messaggi via SMS");
  const state = await preferencesOf(page.request, contact.id);
  expect([state.channels.sms.subscribed, state.channels.whatsapp.subscribed]).toEqual([false, true]);
  const forged = await page.request.post(url, { form, headers: { "x-twilio-signature": createHmac("sha1", "guess").update(signed).digest("base64") } });
  expect(forged.status()).toBe(403);
});

test("an owner stores a delivery-event secret in settings, and a complaint signed with it opts the person out of marketing email", async ({ browser }) => {
  const page = await signIn(browser, "admin@example.com");
  await page.goto(`/admin/${acme()}/settings`);
  const inbound = page.getByRole("region", { name: "Inbound channels and Resend sync" });
  await expect(inbound).toContainText(`/api/inbound/delivery/${acme()}`);
  await inbound.getByLabel("Delivery-event secret (generic format)").fill("not-a-secret");
  await inbound.getByRole("button", { name: "Save inbound and Resend settings" }).click();
  await expect(page.getByText(/the delivery-event secret is whsec_/)).toBeVisible();
  const key = randomBytes(24);
  await inbound.getByLabel("Delivery-event secret (generic format)").fill(`whsec_${key.toString("base64")}`);
  await inbound.getByRole("button", { name: "Save inbound and Resend settings" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  // Standard Webhooks: base64 HMAC-SHA256 of "<id>.<seconds>.<body>" with the secret's bytes.
  const contact = readDemo().contacts.find((c) => c.locale === "pt-BR")!;
  const body = JSON.stringify({ type: "complaint", contactId: contact.id, messageId: "e2e-campaign", occurredAt: new Date().toISOString() });
  const id = `msg_e2e_${Date.now()}`;
  const seconds = String(Math.floor(Date.now() / 1000));
  const sign = (secret: Buffer) => `v1,${createHmac("sha256", secret).update(`${id}.${seconds}.${body}`).digest("base64")}`;
  const url = `${readDemo().baseUrl}/api/inbound/delivery/${acme()}`;
  const post = (signature: string) =>
    page.request.post(url, {
      data: body,
      headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": signature },
    });
  expect((await post(sign(randomBytes(24)))).status()).toBe(401);
  const answer = await post(sign(key));
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toEqual({ results: [{ outcome: "opted_out" }] });
  const state = await preferencesOf(page.request, contact.id);
  expect(state.channels.email.topics.newsletter).toBe("unsubscribed");
  expect(state.channels.email.subscribed).toBe(true);
});

test("a viewer reads settings but cannot change them", async ({ browser }) => {
  const page = await signIn(browser, "viewer@example.com");
  await page.goto(`/admin/${acme()}/settings`);
  await expect(page.getByText("You are a viewer")).toBeVisible();
  const create = page.locator("form").filter({ hasText: "Create topic" });
  await create.getByLabel("Key", { exact: true }).fill("viewer-topic");
  await create.getByLabel("Name (en)").fill("Viewer topic");
  await create.getByRole("checkbox", { name: "email" }).check();
  await create.getByRole("button", { name: "Create topic" }).click();
  await expect(page.getByText("Viewers can read but not change settings.").first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "viewer-topic" })).toHaveCount(0);
  await page.getByRole("button", { name: "Rotate signing key" }).click();
  await expect(page.getByText("Viewers can read but not change settings.").first()).toBeVisible();
});

test("an admin of one workspace cannot open anything of another", async ({ browser }) => {
  const page = await signIn(browser, "owner@globex.example");
  await expect(page).toHaveURL(new RegExp(`/admin/${globex()}$`));
  for (const path of ["", "/settings", "/contacts", "/ledger", "/contacts?q=sam%40example.com"]) {
    const response = await page.goto(`/admin/${acme()}${path}`);
    expect(response?.status(), path).toBe(404);
  }
  const csv = await page.request.get(`/admin/${acme()}/export`);
  expect(csv.status()).toBe(404);
  expect(await csv.text()).not.toContain("Three emails");
});

test("an admin of one workspace cannot change another's by forging an action's bound workspace", async ({ browser }) => {
  const signedIn = await signIn(browser, "owner@globex.example");
  // Without JavaScript a server action's bound arguments travel as a plain form field: rewrite it.
  const page = await (await browser.newContext({ javaScriptEnabled: false, storageState: await signedIn.context().storageState() })).newPage();
  await page.goto(`/admin/${globex()}/settings`);
  const form = page.locator("form").filter({ hasText: "Create topic" });
  const bound = form.locator('input[type="hidden"][name$=":1"]');
  expect(await bound.getAttribute("value")).toBe(JSON.stringify([globex()]));
  await bound.evaluate((input, acmeId) => ((input as HTMLInputElement).value = JSON.stringify([acmeId])), acme());
  await form.getByLabel("Key", { exact: true }).fill("forged");
  await form.getByLabel("Name (en)").fill("Forged topic");
  await form.getByRole("checkbox", { name: "email" }).check();
  const answer = page.waitForResponse((response) => response.request().method() === "POST");
  const landing = page.waitForResponse((response) => response.request().method() === "GET" && response.url().includes(`/admin/${acme()}/settings`));
  await form.getByRole("button", { name: "Create topic" }).click();
  expect((await answer).status()).toBe(303);
  // Sent back to the other workspace's settings, which do not exist for this admin.
  expect((await landing).status()).toBe(404);

  const recipient = await (await browser.newContext()).newPage();
  await recipient.goto(`${readDemo().contacts.find((c) => c.locale === "en")!.preferencesUrl}?lang=en`);
  await expect(recipient.getByRole("heading", { name: "Your message preferences" })).toBeVisible();
  await expect(recipient.getByText("Forged topic")).toHaveCount(0);
});

test("an owner sets the time zone, a frequency cap and quiet hours; a zone that is none is refused", async ({ browser }) => {
  const page = await signIn(browser, "owner@globex.example");
  await page.goto(`/admin/${globex()}/settings`);
  const form = () => page.locator("form").filter({ hasText: "Save sending limits" });
  await form().getByLabel("Time zone for contacts without one").fill("Mars/Olympus");
  await form().getByRole("button", { name: "Save sending limits" }).click();
  await expect(page.getByText("timeZone: must be an IANA time zone such as Europe/Madrid or UTC")).toBeVisible();

  await form().getByLabel("Time zone for contacts without one").fill("Europe/Madrid");
  await form().getByLabel("email: at most", { exact: true }).fill("3");
  await form().getByLabel("email: hours", { exact: true }).fill("168");
  await form().getByLabel("email quiet from").fill("21:00");
  await form().getByLabel("email quiet to").fill("08:00");
  await form().getByRole("button", { name: "Save sending limits" }).click();
  await expect(page).toHaveURL(/saved=sending/);
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(form().getByLabel("Time zone for contacts without one")).toHaveValue("Europe/Madrid");
  await expect(form().getByLabel("email: at most", { exact: true })).toHaveValue("3");
  await expect(form().getByLabel("email quiet from")).toHaveValue("21:00");
  await expect(form().getByLabel("email quiet to")).toHaveValue("08:00");

  // Blank rows are no limits: the workspace is left as the other tests expect it.
  await form().getByLabel("Time zone for contacts without one").fill("UTC");
  await form().getByLabel("email: at most", { exact: true }).fill("");
  await form().getByLabel("email quiet from").fill("");
  await form().getByLabel("email quiet to").fill("");
  await form().getByRole("button", { name: "Save sending limits" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(form().getByLabel("email: at most", { exact: true })).toHaveValue("");
});

test("signing in asks nothing of strangers and tells them nothing", async ({ page }) => {
  await page.goto("/admin/sign-in");
  await page.getByLabel("Email address").fill("stranger@example.com");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Check your inbox")).toBeVisible();
  expect(latestMailTo("stranger@example.com")).toBeUndefined();
  const response = await page.goto(`/admin/${acme()}`);
  await expect(page).toHaveURL(/\/admin\/sign-in/);
  expect(response?.status()).toBe(200);
});
