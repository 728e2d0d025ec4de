import { expect, test } from "@playwright/test";

test("the home page says what the service is", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Preference center & unsubscribe service");
  await expect(page.getByRole("heading", { name: "Unsubscribe in one click" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Per channel, per topic" })).toBeVisible();
  await expect(page).toHaveTitle("Preference center");
});

test("the home page may not be framed and leaks no referrer", async ({ request }) => {
  const response = await request.get("/");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(response.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response.headers()["x-powered-by"]).toBeUndefined();
});

test("the status link on the home page reports the database up", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "/api/health" }).click();
  await expect(page).toHaveURL(/\/api\/health$/);
  await expect(page.locator("body")).toContainText('{"status":"ok"}');
});

test("the page reads well on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});
