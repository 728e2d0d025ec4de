import "server-only";
import { FORM_CHANNELS } from "@/lib/forms/form-content";
import { loadPublicSignupForm } from "@/lib/forms/signup-store";
import {
  admitSignupPost,
  ADDRESS_FIELD,
  postedChannels,
  SignupFieldError,
  signupFormPath,
  signupLocale,
  submitSignup,
  topicsField,
  type SignupNext,
  type SignupSurface,
} from "@/lib/forms/signup";
import { escapeMarkup } from "@/lib/platform/markup";
import { matchLocale, translator, type Locale, type Translate } from "@/lib/platform/i18n";
import { clientIp, userAgent } from "@/lib/platform/request-info";

// The answer to a sign-up form's post, without JavaScript as with it: a redirect to the answer page
// (post/redirect/get), or a small page with the status that says what is wrong: 400 naming the field,
// 404 for a form that is gone, 429 with Retry-After.

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex",
};

function page(status: number, locale: Locale, title: string, body: string, back: string | null, extra: Record<string, string> = {}): Response {
  const link = back ? `<p><a href="${escapeMarkup(back)}">${escapeMarkup(translator(locale)("signup.back"))}</a></p>` : "";
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeMarkup(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem"><main><h1>${escapeMarkup(title)}</h1><p role="alert">${escapeMarkup(body)}</p>${link}</main></body></html>`;
  return new Response(html, { status, headers: { ...PAGE_HEADERS, ...extra } });
}

function fieldLabel(t: Translate, field: string): string {
  for (const channel of FORM_CHANNELS) {
    if (field === ADDRESS_FIELD[channel]) return t(`signup.${ADDRESS_FIELD[channel]}`);
    if (field === topicsField(channel)) return t(`channel.${channel}`);
  }
  return field;
}

/** The answer page's address: the same for a person and for an ignored post of the same channels. */
function doneLocation(formId: string, surface: SignupSurface, locale: Locale, next: SignupNext[], parent: string | null): string {
  const query = new URLSearchParams({ lang: locale, c: next.map((n) => n.channel).join(",") });
  const chatUrl = next.find((n) => n.chatUrl)?.chatUrl;
  if (chatUrl) query.set("wa", chatUrl);
  if (parent) query.set("parent", parent);
  return `${signupFormPath(formId, surface)}/done?${query}`;
}

const redirectTo = (location: string) => new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });

/** POST /f/{formId}/submit and /embed/f/{formId}/submit. */
export async function answerSignupPost(request: Request, formId: string, surface: SignupSurface): Promise<Response> {
  const fallback = matchLocale(new URL(request.url).searchParams.get("lang")) ?? "en";
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return page(400, fallback, translator(fallback)("signup.invalidTitle"), "The form could not be read.", null);
  }
  let locale = matchLocale(String(form.get("locale") ?? "")) ?? fallback;
  let back: string | null = null;
  try {
    const ticket = await admitSignupPost(formId, form);
    const signup = await loadPublicSignupForm(formId, ticket?.version);
    if (!signup) return page(404, locale, "404", "This sign-up form does not exist any more.", null);
    locale = signupLocale(signup.content, { lang: locale });
    // A post we did not render, or a bot's, gets the answer a person gets; nothing is written.
    if (!ticket) return redirectTo(doneLocation(formId, surface, locale, postedChannels(signup.content, form), null));
    const parent = ticket.parent && signup.allowedOrigins.includes(ticket.parent) ? ticket.parent : null;
    back = backPath(formId, surface, locale, parent);
    const outcome = await submitSignup(signup, ticket, { form, ip: clientIp(request.headers), userAgent: userAgent(request.headers) });
    if (outcome.kind === "rate_limited") {
      const t = translator(locale);
      return page(429, locale, t("signup.invalidTitle"), t("signup.tooMany"), back, { "Retry-After": String(outcome.retryAfterSeconds) });
    }
    return redirectTo(doneLocation(formId, surface, locale, outcome.next, parent));
  } catch (error) {
    if (!(error instanceof SignupFieldError)) throw error;
    const t = translator(locale);
    return page(400, locale, t("signup.invalidTitle"), `${fieldLabel(t, error.field)}: ${t(error.problem)}`, back);
  }
}

function backPath(formId: string, surface: SignupSurface, locale: Locale, parent: string | null): string {
  const query = new URLSearchParams({ lang: locale, ...(parent ? { parent } : {}) });
  return `${signupFormPath(formId, surface)}?${query}`;
}
