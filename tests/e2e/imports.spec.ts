import { expect, test } from "@playwright/test";
import { readDemo } from "./demo";
import { signIn } from "./sign-in";

// An owner imports contacts from a file on the dashboard and follows the import to its end.

test("an owner uploads a CSV, watches the progress reach done, and reads the rejected row by its line", async ({ browser }) => {
  const workspaceId = readDemo().admins.find((a) => a.email === "owner@globex.example")!.workspaceId;
  const page = await signIn(browser, "owner@globex.example");
  await page.goto(`/admin/${workspaceId}/imports`);
  await expect(page.getByRole("heading", { name: "Import contacts", level: 1 })).toBeVisible();
  const run = Date.now();
  const csv = ["email,locale", `e2e-${run}-1@example.com,en`, "not-an-email,en", `e2e-${run}-2@example.com,es`].join("\n");
  await page.getByLabel("CSV or NDJSON file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import" }).click();
  const status = page.getByRole("status");
  await expect(status).toContainText("Done: 100%", { timeout: 20_000 });
  await expect(status).toContainText("3 rows read · 2 created · 0 updated · 0 unchanged · 1 rejected");
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("value", "100");
  const rejected = page.getByRole("table", { name: "Rejected rows" });
  await expect(rejected.getByRole("row").nth(1)).toContainText("3");
  await expect(rejected).toContainText("email: must be an email address");
});
