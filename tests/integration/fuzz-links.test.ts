import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as ONE_CLICK_PAGE, POST as ONE_CLICK } from "@/app/api/unsubscribe/[token]/route";
import { GET as SHORT_LINK } from "@/app/s/[id]/route";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createContact } from "@/lib/contacts/contact-store";
import { mintLinks, signLinkToken } from "@/lib/links/message-links";
import { db } from "@/lib/platform/db";
import { BODY_LIMITS } from "@/lib/platform/request-body";
import { CHANGES } from "@/tests/helpers/fixtures";
import { b64urlString, bytes, chars, contentType, everything, holds, huge, tally, text, type Body } from "@/tests/helpers/fuzz";
import { badTokens, goodClaims, hmacJws, tokenMaterial } from "@/tests/helpers/fuzz-tokens";
import { ONE_CLICK_BODY, oneClickRequest } from "@/tests/helpers/one-click";

// Fuzzing the links a message carries (tests/helpers/fuzz.ts): the one-click endpoint's tokens and
// bodies, and short links.

function oneClick(token: string, body: Body = ONE_CLICK_BODY, type: string | null = "application/x-www-form-urlencoded") {
  return ONE_CLICK(oneClickRequest("http://test/api/unsubscribe/fuzz", { body: bytes(body), contentType: type }), { params: Promise.resolve({ token }) });
}

describe("tokens", () => {
  let material: Awaited<ReturnType<typeof tokenMaterial>>;
  beforeAll(async () => {
    material = await tokenMaterial();
  });

  it("a forged token built like the bad ones, but with every claim right, is accepted (the generators are meaningful)", async () => {
    const spare = await createContact(material.keyA.workspaceId, { email: "spare@example.com" });
    const token = hmacJws(material.keyA.secret, { alg: "HS256", kid: material.keyA.kid }, { ...goodClaims(material, "fuzz-sanity-0001"), sub: spare.id });
    expect((await oneClick(token)).status).toBe(200);
    expect(await db().consentEvent.count({ where: { contactId: spare.id, ...CHANGES } })).toBe(1);
  });

  it("one-click POST: a bad token answers 404 (or 429, the per-link limit) and changes no row; GET only redirects on this site", async () => {
    await holds(
      "one-click tokens",
      fc.asyncProperty(badTokens(material), async ({ token }) => {
        const before = await everything();
        const response = await oneClick(token);
        tally("one-click tokens", response.status);
        expect([404, 429]).toContain(response.status);
        const page = await ONE_CLICK_PAGE(new Request("http://test/api/unsubscribe/fuzz"), { params: Promise.resolve({ token }) });
        expect(page.status).toBe(303);
        expect(page.headers.get("location")).toMatch(/^\/u\/[^/?#]*$/);
        expect(await everything()).toEqual(before);
      }),
      { numRuns: 300, seconds: 3 },
    );
  });

  it("one-click POST with a good token: any other body or content type answers 400 and changes nothing", async () => {
    const { workspace, contact } = material.shopA;
    const oneClickish = fc
      .tuple(
        fc.constantFrom("List-Unsubscribe", "list-unsubscribe", "List-Unsubscribe ", "List%2DUnsubscribe"),
        fc.constantFrom("One-Click", "one-click", "One+Click", "One-Click\u0000", "One-Click%00", "One-Clic", ""),
        fc.array(fc.tuple(text, text), { maxLength: 2 }),
      )
      .map(([name, value, extra]) => [`${name}=${value}`, ...(extra.length > 0 ? [new URLSearchParams(extra).toString()] : [])].join("&"));
    const multipart = fc
      .tuple(
        fc.oneof(fc.constant("x"), b64urlString(1, 30)),
        fc.oneof(fc.constant("List-Unsubscribe"), text),
        fc.oneof(fc.constant("One-Click"), text),
        fc.boolean(),
      )
      .map(([boundary, name, value, closed]) => ({
        body: `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n${closed ? `--${boundary}--\r\n` : ""}`,
        type: `multipart/form-data; boundary=${boundary}`,
      }));
    const request = fc.oneof(
      fc
        .tuple(
          fc.oneof(oneClickish, text, huge),
          fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=iso-8859-1", "text/plain", "application/json"),
        )
        .map(([body, type]) => ({ body: body as Body, type: type as string | null })),
      multipart,
      fc
        .tuple(
          fc.uint8Array({ maxLength: 300 }).map((array) => new Uint8Array(array)),
          contentType(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]),
        )
        .map(([body, type]) => ({ body: body as Body, type })),
    );
    await holds(
      "one-click bodies",
      fc.asyncProperty(request, async ({ body, type }) => {
        // A fresh link each run: one-click allows 10 posts a minute per link.
        const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, purpose: "unsubscribe", channel: "whatsapp" });
        const before = await everything();
        const response = await oneClick(token, body, type);
        tally("one-click bodies", response.status);
        // A form body is read, up to its limit; any other is refused unread.
        const tooLarge = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type ?? "") && bytes(body).byteLength > BODY_LIMITS.oneClick;
        expect(tooLarge ? [413] : [200, 400]).toContain(response.status);
        if (response.status !== 200) {
          expect(await everything()).toEqual(before);
          return;
        }
        // A body that does say List-Unsubscribe=One-Click: the opt-out happened; undo it for the next run.
        const channelRow = await db().channelSubscription.findFirstOrThrow({ where: { contactId: contact.id, channel: "whatsapp" } });
        expect(channelRow.subscribed).toBe(false);
        await changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "whatsapp", status: "subscribed", evidence: { source: "api" } });
      }),
      { numRuns: 150, seconds: 2 },
    );
  });

  it("short links: any id answers 303 (only a real one) or 404, and reads only", async () => {
    const { workspace, contact } = material.shopA;
    const real: string[] = [];
    for (const channel of ["sms", "whatsapp"] as const) {
      const links = await mintLinks({ workspaceId: workspace.id, contactId: contact.id, channel, topic: channel === "sms" ? "reminders" : undefined });
      real.push(links.unsubscribeUrl.split("/s/")[1], links.preferencesUrl.split("/s/")[1]);
    }
    const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const id = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...real) },
      { weight: 2, arbitrary: fc.oneof(text, huge, fc.string({ unit: "binary", maxLength: 100 })) },
      { weight: 2, arbitrary: fc.string({ unit: chars(ALPHABET), minLength: 11, maxLength: 13 }) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...real), fc.nat(11), fc.oneof(chars(`${ALPHABET}l1I0O`), fc.constantFrom("", "\u0000", "/", "%")), fc.boolean())
          .map(([link, at, char, caseSwap]) => (caseSwap ? link.toUpperCase() : link.slice(0, at) + char + link.slice(at + 1))),
      },
    );
    await holds(
      "short links",
      fc.asyncProperty(id, async (value) => {
        const before = await everything();
        const response = await SHORT_LINK(new Request("http://test/s/fuzz"), { params: Promise.resolve({ id: value }) });
        tally("short links", response.status);
        if (real.includes(value)) {
          expect(response.status).toBe(303);
          expect(response.headers.get("location")).toMatch(/^\/[up]\/[\w-]+\.[\w-]+\.[\w-]+$/);
        } else {
          expect(response.status).toBe(404);
        }
        expect(await everything()).toEqual(before);
      }),
      { numRuns: 200, seconds: 1.5 },
    );
  });
});
