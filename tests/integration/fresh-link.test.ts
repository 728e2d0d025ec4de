import { describe, expect, it } from "vitest";
import { requestFreshLink } from "@/lib/links/fresh-link";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

const mail = withMailStub();

const expiredLinkFor = (shop: TestWorkspace) => signTestLink(shop, { purpose: "unsubscribe", now: new Date(Date.now() - 500 * 86_400_000) });

describe("a fresh link by email", () => {
  it("sends a working preferences link to a known address of the link's workspace", async () => {
    const shop = await createTestWorkspace();
    const token = await expiredLinkFor(shop);
    const outcome = await requestFreshLink({ token, email: `  ${shop.contact.email!.toUpperCase()} `, ip: "198.51.100.1" });
    expect(outcome).toBe("sent");
    const messages = await mail.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: [shop.contact.email], subject: "Your link to manage your messages from Test shop" });
    const url = /https:\/\/prefs\.example\.com\/p\/([\w.-]+)/.exec(messages[0].text!)![1];
    const claims = await verifyLinkToken(url, ["preferences"]);
    expect(claims).toMatchObject({ workspaceId: shop.workspace.id, contactId: shop.contact.id, purpose: "preferences" });
  });

  it("answers the same and sends nothing for unknown addresses, other workspaces' contacts and garbage links", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    const before = (await mail.messages()).length;
    const token = await expiredLinkFor(a);
    expect(await requestFreshLink({ token, email: "nobody@example.com", ip: "198.51.100.2" })).toBe("sent");
    expect(await requestFreshLink({ token, email: b.contact.email!, ip: "198.51.100.2" })).toBe("sent");
    expect(await requestFreshLink({ token: "garbage", email: a.contact.email!, ip: "198.51.100.2" })).toBe("sent");
    expect((await mail.messages()).length).toBe(before);
  });

  it("refuses an address that is not one", async () => {
    const shop = await createTestWorkspace();
    expect(await requestFreshLink({ token: await expiredLinkFor(shop), email: "not an address", ip: "198.51.100.3" })).toBe("invalid_email");
  });

  it("limits sends per address quietly and requests per IP openly", async () => {
    const shop = await createTestWorkspace();
    const token = await expiredLinkFor(shop);
    const before = (await mail.messages()).length;
    for (let i = 0; i < 5; i++) expect(await requestFreshLink({ token, email: shop.contact.email!, ip: "198.51.100.4" })).toBe("sent");
    expect((await mail.messages()).length - before).toBe(3);
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push(await requestFreshLink({ token, email: `x${i}@example.com`, ip: "198.51.100.4" }));
    expect(outcomes.at(-1)).toBe("too_many");
  });
});
