import { readdirSync, readFileSync } from "node:fs";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

// Signing in to the dashboard as its admins do: through the magic link that arrives by email (the local
// Resend stub keeps each message as a file).

export function latestMailTo(address: string): { text: string } | undefined {
  const dir = ".tmp/e2e/mail";
  return readdirSync(dir)
    .sort()
    .map((file) => JSON.parse(readFileSync(`${dir}/${file}`, "utf8")))
    .filter((message) => message.to.includes(address) && /sign-in link/.test(message.subject))
    .at(-1);
}

type Session = Awaited<ReturnType<BrowserContext["storageState"]>>;

// Each address signs in through its email once per worker, then its session is reused: the product
// sends an address at most 5 sign-in links an hour (lib/admin/auth.ts), fewer than the tests that sign in.
const sessions = new Map<string, Session>();

export async function signIn(browser: Browser, email: string): Promise<Page> {
  const session = sessions.get(email);
  if (session) {
    const page = await (await browser.newContext({ storageState: session })).newPage();
    await page.goto("/admin");
    return page;
  }
  const page = await (await browser.newContext()).newPage();
  const before = latestMailTo(email)?.text;
  await page.goto("/admin/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Check your inbox")).toBeVisible();
  await expect.poll(() => latestMailTo(email)?.text).not.toBe(before);
  const link = /http:\/\/localhost:\d+\/api\/auth\/callback\/resend\?\S+/.exec(latestMailTo(email)!.text)![0];
  await page.goto(link);
  sessions.set(email, await page.context().storageState());
  return page;
}
