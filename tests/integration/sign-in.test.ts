import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db, pool } from "@/lib/platform/db";
import { addAdmin } from "@/lib/admin/membership-store";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { withAppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

// Auth.js answers its own POST /api/auth/signin/resend beside the sign-in form: it passes the same
// limits, and a stranger's request runs the same steps as an admin's before the answer (the link is
// mailed afterwards, to admins only), so neither the answer nor its time tells who is an admin.

const mail = withMailStub();
const app = withAppServer();
let admin: string;

beforeAll(async () => {
  const shop = await createTestWorkspace();
  admin = `admin-${randomBytes(4).toString("hex")}@example.com`;
  await addAdmin(shop.workspace.id, admin, "owner");
});

/** Straight to Auth.js, as a script would: its CSRF token and cookie first, then the form post. */
async function postSignIn(email: string) {
  const csrf = await fetch(`${app.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const answer = await fetch(`${app.baseUrl}/api/auth/signin/resend`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ email, csrfToken, callbackUrl: "/admin" }),
  });
  return { status: answer.status, location: answer.headers.get("location") };
}

const tokensFor = (email: string) => db().verificationToken.count({ where: { identifier: email } });
const linksTo = async (email: string) => (await mail.messages()).filter((message) => message.to.includes(email));

describe("Auth.js's own sign-in endpoint", () => {
  it("answers a stranger exactly as an admin, after the same steps, and mails only the admin", async () => {
    const stranger = `stranger-${randomBytes(4).toString("hex")}@example.com`;
    const toStranger = await postSignIn(stranger);
    const toAdmin = await postSignIn(admin);
    expect(toStranger).toEqual(toAdmin);
    expect(toAdmin.status).toBe(302);
    expect(new URL(toAdmin.location!, app.baseUrl).pathname).toMatch(/^\/(admin\/sign-in|api\/auth\/verify-request)$/);
    // Both requests stored a verification token: the same work ran for both.
    expect(await tokensFor(stranger)).toBe(1);
    expect(await tokensFor(admin)).toBe(1);
    await expect.poll(() => linksTo(admin).then((messages) => messages.length), { timeout: 10_000 }).toBe(1);
    expect(await linksTo(stranger)).toEqual([]);
  });

  it("counts against the form's limit per address: five links an hour", async () => {
    const address = `limited-${randomBytes(4).toString("hex")}@example.com`;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await postSignIn(address));
    expect(new Set(answers.slice(0, 5).map((answer) => answer.location)).size).toBe(1);
    expect(answers[5].location).toMatch(/\/admin\/sign-in\?error=limit$/);
    expect(await tokensFor(address)).toBe(5);
  });

  it("counts against the form's limit per client address: thirty links an hour", async () => {
    await pool().query("DELETE FROM rate_limit_buckets WHERE key LIKE 'sign-in:ip:%'");
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await postSignIn(`many-${i}-${randomBytes(4).toString("hex")}@example.com`));
    expect(answers.slice(0, 30).every((answer) => !answer.location?.includes("error="))).toBe(true);
    expect(answers[30].location).toMatch(/\/admin\/sign-in\?error=limit$/);
  });

  it("keeps no token past its 15 minutes: housekeeping removes the expired ones, a stranger's among them", async () => {
    const [expired, current] = [`expired-${randomBytes(4).toString("hex")}@example.com`, `current-${randomBytes(4).toString("hex")}@example.com`];
    await db().verificationToken.createMany({
      data: [
        { identifier: expired, token: randomBytes(16).toString("hex"), expires: new Date(Date.now() - 1000) },
        { identifier: current, token: randomBytes(16).toString("hex"), expires: new Date(Date.now() + 60_000) },
      ],
    });
    await runHousekeeping();
    expect(await tokensFor(expired)).toBe(0);
    expect(await tokensFor(current)).toBe(1);
  });

  it("refuses what the form refuses: an address that is not one", async () => {
    expect((await postSignIn("not-an-address")).location).toMatch(/\/admin\/sign-in\?error=email$/);
  });
});
