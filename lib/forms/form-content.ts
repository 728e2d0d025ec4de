import { sha256Hex } from "@/lib/platform/sha256";
import type { Locale } from "@/lib/platform/i18n";
import type { FormChannel, FormContent } from "@/lib/forms/form-content-schema";

// A sign-up form's content (the schema and its rules: lib/forms/form-content-schema.ts) and the exact
// consent line of a channel, hashed as the form shows it: what the ledger's wording_hash is of.

export * from "@/lib/forms/form-content-schema";

/** The consent statement of a channel as shown in `locale`, and its SHA-256 for the ledger. */
export function channelConsent(content: FormContent, locale: Locale, channel: FormChannel): { text: string; hash: string } {
  const consent = content.wording[locale]?.consent[channel] ?? content.wording[content.defaultLocale]!.consent[channel]!;
  return { text: consent, hash: sha256Hex(consent) };
}
