import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import type { TokenPurpose } from "@/lib/links/tokens";
import { withAppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace, signTestLink } from "@/tests/helpers/fixtures";

// WCAG 3.1.1: the document's language (<html lang>) is the page's, not always English.

const app = withAppServer();

async function documentLang(path: string, acceptLanguage = "en") {
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { "accept-language": acceptLanguage } });
  const html = await response.text();
  return [response.status, /<html[^>]*\slang="([^"]*)"/.exec(html)?.[1]];
}

async function pagesFor(locale: string) {
  const shop = await createTestWorkspace();
  await db().contact.update({ where: { id: shop.contact.id }, data: { locale } });
  const link = (purpose: TokenPurpose) => signTestLink(shop, { purpose });
  return {
    u: `/u/${await link("unsubscribe")}`,
    p: `/p/${await link("preferences")}`,
    embed: `/embed/p/${await link("preferences")}`,
    c: `/c/${await link("confirm")}`,
  };
}

describe("<html lang>", () => {
  it.each([
    ["es", "es"],
    ["pt-BR", "pt-BR"],
    ["it", "it"],
  ])("is the contact's language (%s) on the landing, preference, embedded and confirmation pages", async (locale, lang) => {
    const pages = await pagesFor(locale);
    for (const path of Object.values(pages)) expect([path.split("/")[1], ...(await documentLang(path))]).toEqual([path.split("/")[1], 200, lang]);
  });

  it("follows the language chosen on the preference page (?lang=)", async () => {
    const pages = await pagesFor("es");
    expect(await documentLang(`${pages.p}?lang=it`)).toEqual([200, "it"]);
    expect(await documentLang(`${pages.embed}?lang=pt-BR`)).toEqual([200, "pt-BR"]);
  });

  it("is English on the dashboard and the home page", async () => {
    expect(await documentLang("/admin/sign-in", "es")).toEqual([200, "en"]);
    expect(await documentLang("/", "es")).toEqual([200, "en"]);
  });
});
