import { describe, expect, it } from "vitest";
import { CATALOGUES, LOCALES, localizedText, matchLocale, resolveLocale, translator } from "@/lib/platform/i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it.each(LOCALES.filter((l) => l !== "en"))("%s has every English key, no more, none empty, with the same placeholders", (locale) => {
    const english = CATALOGUES.en;
    const other = CATALOGUES[locale];
    expect(Object.keys(other).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) {
      const translated = other[key as keyof typeof english];
      expect(translated.trim(), `${locale}:${key}`).not.toBe("");
      expect(placeholders(translated), `${locale}:${key}`).toEqual(placeholders(text));
    }
  });

  it("is really translated, not copied", () => {
    for (const locale of ["es", "pt-BR", "it"] as const) {
      const same = Object.entries(CATALOGUES.en).filter(([key, text]) => CATALOGUES[locale][key as keyof typeof CATALOGUES.en] === text && text.length > 12);
      expect(same, locale).toEqual([]);
    }
  });
});

describe("locale resolution", () => {
  it("takes the contact's locale, then the browser's, then the workspace's, then English", () => {
    expect(resolveLocale({ contactLocale: "it-IT", acceptLanguage: "es", workspaceDefault: "pt-BR" })).toBe("it");
    expect(resolveLocale({ contactLocale: "fr", acceptLanguage: "fr-FR,es-MX;q=0.8,en;q=0.5", workspaceDefault: "it" })).toBe("es");
    expect(resolveLocale({ acceptLanguage: "de, *;q=0.1", workspaceDefault: "pt" })).toBe("pt-BR");
    expect(resolveLocale({})).toBe("en");
  });

  it("matches regional tags to the supported locales", () => {
    expect(matchLocale("pt-PT")).toBe("pt-BR");
    expect(matchLocale("ES_mx")).toBe("es");
    expect(matchLocale("de")).toBeNull();
  });

  it("fills placeholders and localizes topic names with fallbacks", () => {
    expect(translator("es")("prefs.channelSwitch", { channel: "SMS" })).toBe("Recibir mensajes por SMS");
    expect(localizedText({ en: "Offers", pt: "Ofertas" }, "pt-BR")).toBe("Ofertas");
    expect(localizedText({ en: "Offers" }, "it")).toBe("Offers");
  });
});
