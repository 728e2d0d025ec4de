import { chromium, expect, test, type Page } from "@playwright/test";
import { demoApiHeaders, preferencesOf, readDemo } from "./demo";

// The preference page inside a business's own site, served from another origin by host-server.mjs.
const HOST = `http://localhost:${process.env.E2E_HOST_PORT ?? 3199}`;
const FOREIGN_HOST = `http://127.0.0.1:${process.env.E2E_HOST_PORT ?? 3199}`;
const BRAND_RED = "#b91c1c";

test.describe.configure({ mode: "serial" });

const contact = () => readDemo().contacts.find((c) => c.locale === "it")!;
const token = () => contact().preferencesUrl.split("/p/")[1];

test.beforeAll(async ({ playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const response = await api.patch("/api/v1/workspace", {
    headers: demoApiHeaders(),
    data: { allowedEmbedOrigins: [HOST], branding: { primaryColor: BRAND_RED, font: "serif", radius: 8 } },
  });
  expect(response.status()).toBe(200);
  await api.dispose();
});

async function embed(page: Page, host: string, mode: "script" | "mount" = "script") {
  await page.goto(`${host}/${mode}?token=${token()}&lang=en`);
  return page.frameLocator("iframe");
}

test("from an allowed origin the page renders, wears the brand, saves, resizes and tells the host", async ({ page, request }) => {
  const frame = await embed(page, HOST);
  await expect(frame.getByRole("heading", { name: "Your message preferences" })).toBeVisible();

  // It resized itself to its content through postMessage.
  await expect.poll(() => page.evaluate(() => Number(document.body.dataset.height ?? 0))).toBeGreaterThan(1000);
  const iframeHeight = await page.locator("iframe").evaluate((el) => el.getBoundingClientRect().height);
  expect(Math.abs(iframeHeight - Number(await page.evaluate(() => document.body.dataset.height)))).toBeLessThanOrEqual(1);

  const save = frame.getByRole("button", { name: "Save WhatsApp preferences" });
  await expect(save).toHaveCSS("background-color", "rgb(185, 28, 28)");
  await expect(frame.getByRole("heading", { level: 1 })).toHaveCSS("font-family", /Georgia/);

  const whatsapp = frame.getByRole("region", { name: "WhatsApp", exact: true });
  await whatsapp.getByRole("switch", { name: "Offers" }).check();
  await expect(page.locator("#events")).toContainText("preferences:saved");
  expect((await preferencesOf(request, contact().id)).channels.whatsapp.topics.offers).toBe("subscribed");

  await frame.getByRole("region", { name: "WhatsApp", exact: true }).getByRole("switch", { name: "Offers" }).uncheck();
  await expect(page.locator("#events")).toContainText("preferences:unsubscribed");
  expect((await preferencesOf(request, contact().id)).channels.whatsapp.topics.offers).toBe("unsubscribed");
});

test("PreferenceCenter.mount() embeds it where the host wants", async ({ page }) => {
  const frame = await embed(page, HOST, "mount");
  await expect(page.locator("#prefs iframe")).toHaveCount(1);
  await expect(frame.getByRole("heading", { name: "Your message preferences" })).toBeVisible();
});

test("from an origin not on the list the browser refuses to frame it", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  await embed(page, FOREIGN_HOST);
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  expect(refusals[0]).toContain(`frame-ancestors ${HOST}`);
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "Your message preferences" })).toHaveCount(0);
  expect(await page.evaluate(() => document.body.dataset.height)).toBeUndefined();
});

test("the rest of the app may not be framed at all", async ({ request }) => {
  for (const path of ["/", contact().preferencesUrl.replace(/^https?:\/\/[^/]+/, ""), contact().unsubscribeUrl.replace(/^https?:\/\/[^/]+/, "")]) {
    const response = await request.get(path);
    expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response.headers()["x-frame-options"]).toBe("DENY");
  }
});

test("with third-party cookies blocked the whole flow still works, and no cookie is ever set", async ({ request }) => {
  const browser = await chromium.launch({
    executablePath: test.info().project.use.launchOptions?.executablePath,
    args: [...(test.info().project.use.launchOptions?.args ?? []), "--test-third-party-cookie-phaseout"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const setCookies: string[] = [];
    page.on("response", async (response) => {
      const cookie = await response.headerValue("set-cookie");
      if (cookie) setCookies.push(`${response.url()}: ${cookie}`);
    });
    const frame = await embed(page, HOST);
    const sms = frame.getByRole("region", { name: "SMS", exact: true });
    await sms.getByRole("switch", { name: "Receive messages by SMS" }).uncheck();
    await expect(page.locator("#events")).toContainText("preferences:unsubscribed");
    expect((await preferencesOf(request, contact().id)).channels.sms.subscribed).toBe(false);
    await frame.getByRole("region", { name: "SMS", exact: true }).getByRole("switch", { name: "Receive messages by SMS" }).check();
    await expect.poll(async () => (await preferencesOf(request, contact().id)).channels.sms.subscribed).toBe(true);
    expect(setCookies).toEqual([]);
    expect(await context.cookies()).toEqual([]);
  } finally {
    await browser.close();
  }
});

test("branding carrying markup or url( is refused, and allowed origins are validated", async ({ request }) => {
  const headers = demoApiHeaders();
  for (const data of [
    { branding: { primaryColor: "#fff;background:url(https://evil.example/x)" } },
    { branding: { accentColor: "<script>alert(1)</script>" } },
    { branding: { logoUrl: "javascript:alert(1)" } },
    { allowedEmbedOrigins: ["*"] },
    { allowedEmbedOrigins: ["http://evil.example.com"] },
    { allowedEmbedOrigins: ["https://shop.example.com/account"] },
  ]) {
    const response = await request.patch("/api/v1/workspace", { headers, data });
    expect(response.status(), JSON.stringify(data)).toBe(400);
  }
  const settings = await (await request.get("/api/v1/workspace", { headers })).json();
  expect(settings).toMatchObject({ allowedEmbedOrigins: [HOST], branding: { primaryColor: BRAND_RED } });
});
