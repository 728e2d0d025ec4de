import "server-only";
import { headers } from "next/headers";
import { pageLocale, resolveLocale, type Locale } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { resolveUnsubscribeLink } from "@/lib/links/unsubscribe";
import { loadPublicSignupForm } from "@/lib/forms/signup-store";
import { signupLocale } from "@/lib/forms/signup";

/** The path and query of the page being rendered, which proxy.ts passes on: a layout is not told them. */
export const PAGE_URL_HEADER = "x-page-url";

const RECIPIENT_PAGE = /^\/(u|p|c|embed\/p)\/([^/]+)$/;
const SIGNUP_PAGE = /^\/(?:embed\/)?f\/([^/]+)(?:\/done)?$/;

/**
 * The language of the document (`<html lang>`): a recipient page's own, chosen as the page chooses it
 * (its link read once per render, shared with the page); a sign-up form's, as the form chooses it;
 * English for the dashboard and the rest.
 */
export async function documentLocale(): Promise<Locale> {
  const requestHeaders = await headers();
  const url = new URL(requestHeaders.get(PAGE_URL_HEADER) ?? "/", "http://page.invalid");
  const acceptLanguage = requestHeaders.get("accept-language");
  const signup = SIGNUP_PAGE.exec(url.pathname);
  if (signup) {
    const form = await loadPublicSignupForm(signup[1]);
    return form ? signupLocale(form.content, { lang: url.searchParams.get("lang"), acceptLanguage }) : resolveLocale({ acceptLanguage });
  }
  const match = RECIPIENT_PAGE.exec(url.pathname);
  if (!match) return "en";
  let token: string;
  try {
    token = decodeURIComponent(match[2]);
  } catch {
    return resolveLocale({ acceptLanguage });
  }
  const who =
    match[1] === "u" ? (await resolveUnsubscribeLink(token))?.scope : (await resolveContactLink(token, match[1] === "c" ? "confirm" : "preferences"))?.state;
  // A bad link is answered by the "not valid" page, in the browser's language.
  if (!who) return resolveLocale({ acceptLanguage });
  // The preference pages take ?lang= when it is given once, as their searchParams do.
  const lang = match[1] === "p" || match[1] === "embed/p" ? url.searchParams.getAll("lang") : [];
  return pageLocale(who, { lang: lang.length === 1 ? lang[0] : null, acceptLanguage });
}
