import { z } from "zod";
import en, { type Catalogue, type MessageKey } from "./messages/en";
import es from "./messages/es";
import it from "./messages/it";
import ptBR from "./messages/pt-BR";

export const LOCALES = ["en", "es", "pt-BR", "it"] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };

export const CATALOGUES: Record<Locale, Catalogue> = { en, es, "pt-BR": ptBR, it };

/** Maps a tag such as `es-MX`, `pt`, `pt-PT` or `IT` to a supported locale, or null. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const normalized = tag.trim().toLowerCase();
  const exact = LOCALES.find((locale) => locale.toLowerCase() === normalized);
  if (exact) return exact;
  const language = normalized.split(/[-_]/)[0];
  if (language === "pt") return "pt-BR";
  return LOCALES.find((locale) => locale === language) ?? null;
}

/** The locales an Accept-Language header asks for, most wanted first. */
function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The contact's own locale, then the browser's, then the workspace's default, then English. */
export function resolveLocale(options: { contactLocale?: string | null; acceptLanguage?: string | null; workspaceDefault?: string | null }): Locale {
  return (
    matchLocale(options.contactLocale) ??
    acceptedLanguages(options.acceptLanguage)
      .map(matchLocale)
      .find((locale) => locale !== null) ??
    matchLocale(options.workspaceDefault) ??
    "en"
  );
}

/**
 * The language a recipient page is shown in: the one chosen on the page (?lang=), else the contact's,
 * the browser's, the workspace's default, English.
 */
export function pageLocale(
  who: { contact: { locale: string | null }; workspace: { defaultLocale: string } },
  options: { lang?: string | null; acceptLanguage?: string | null },
): Locale {
  return (
    matchLocale(options.lang) ??
    resolveLocale({ contactLocale: who.contact.locale, acceptLanguage: options.acceptLanguage, workspaceDefault: who.workspace.defaultLocale })
  );
}

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, values) => catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => values?.[name] ?? whole);
}

/** A topic's names or its descriptions, one text per language tag: { "en": "Offers", "es": "Ofertas" }. */
export const localizedTextSchema = z.record(z.string(), z.string());

export type LocalizedText = z.infer<typeof localizedTextSchema>;

/** A localized name from a topic's { locale: text } map, falling back to the language, English, then any. */
export function localizedText(texts: LocalizedText, locale: Locale): string {
  const language = locale.split("-")[0];
  return texts[locale] ?? texts[language] ?? Object.entries(texts).find(([tag]) => tag.startsWith(language))?.[1] ?? texts.en ?? Object.values(texts)[0] ?? "";
}
