import { expect, test } from "@playwright/test";
import { signIn } from "./sign-in";
import { readDemo } from "./demo";

// An owner sets up a sign-up form in the dashboard and rewords it: each edit is a new version, the old
// one kept word for word; a viewer reads the form but cannot change it.

// Sign-ins read "the latest link to this address": one at a time, and with addresses no other file signs in as.
test.describe.configure({ mode: "serial" });
// Two sign-ins, two saves and four pages: longer than the default 30 s on a busy machine.
test.setTimeout(60_000);

const acme = () => readDemo().admins.find((a) => a.email === "marketing@example.com")!.workspaceId;
const FIRST = "Email me the Acme newsletter. Unsubscribe any time.";
const SECOND = "Email me the Acme newsletter, once a week. Unsubscribe any time.";

test("an owner creates a form, rewords it, and finds version 2 and version 1 both listed with their wording", async ({ browser }) => {
  const page = await signIn(browser, "marketing@example.com");
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Forms" }).click();
  await expect(page.getByRole("heading", { name: "Sign-up forms", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New form" }).click();

  const name = `Footer ${Date.now()}`;
  await page.getByLabel("Name (for you; visitors never see it)").fill(name);
  await page.getByLabel(/^Sites allowed to embed it/).fill("http://shop.example");
  await page.getByLabel(/^Privacy policy/).fill("https://acme.example/privacy");
  await page.getByLabel("Offer email").check();
  await page.getByLabel("Newsletter (newsletter) by email").check();
  await page.getByLabel("Title (en)").fill("Join the Acme newsletter");
  await page.getByLabel("Consent statement for email (en)").fill(FIRST);
  await page.getByLabel("Button (en)").fill("Sign up");
  await page.getByRole("button", { name: "Create form" }).click();
  // Checked in the browser before anything is posted: only https origins (or localhost).
  await expect(page.getByRole("status").filter({ hasText: "allowedOrigins.0" })).toContainText("only https origins");
  await page.getByLabel(/^Sites allowed to embed it/).fill("https://shop.example");
  await page.getByRole("button", { name: "Create form" }).click();

  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText("Form created (version 1).")).toBeVisible();
  const formId = /\/forms\/([0-9a-f-]{36})/.exec(page.url())![1];
  await expect(page.getByText(`/f/${formId}`)).toBeVisible();
  await expect(page.getByText(`<script src="http://localhost:3100/embed.js" data-form="${formId}" async></script>`)).toBeVisible();
  await expect(page.getByTestId("stat-Submissions")).toHaveText("0");

  await page.getByLabel("Consent statement for email (en)").fill(SECOND);
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page.getByText("Saved as version 2.")).toBeVisible();
  await expect(page.getByText("Showing version 2")).toBeVisible();

  await page.getByRole("link", { name: "All versions and their wording" }).click();
  const versions = page.getByRole("list", { name: "Versions" });
  await expect(versions.getByRole("heading", { level: 2 })).toHaveText(["Version 2 (shown now)", "Version 1"]);
  await expect(page.locator("#version-2")).toContainText(SECOND);
  await expect(page.locator("#version-1")).toContainText(FIRST);
  await expect(page.locator("#version-1")).not.toContainText(SECOND);

  const viewer = await signIn(browser, "analyst@example.com");
  await viewer.goto(`/admin/${acme()}/forms`);
  await expect(viewer.getByRole("link", { name })).toBeVisible();
  await expect(viewer.getByRole("link", { name: "New form" })).toHaveCount(0);
  await viewer.getByRole("link", { name }).click();
  await expect(viewer.getByText("You are a viewer: you can read this form but not change it.")).toBeVisible();
  await expect(viewer.getByLabel("Consent statement for email (en)")).toHaveValue(SECOND);
  await expect(viewer.getByLabel("Consent statement for email (en)")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Save form" })).toHaveCount(0);
});
