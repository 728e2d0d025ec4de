import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { channelConsent, FORM_CHANNELS, type FormChannel } from "@/lib/forms/form-content";
import { signRenderTicket } from "@/lib/forms/render-ticket";
import { countSignupFormView, loadPublicSignupForm, type PublicSignupForm } from "@/lib/forms/signup-store";
import { signupFormPath, signupLocale, type SignupNext, type SignupSurface } from "@/lib/forms/signup";
import { localizedText, type Locale } from "@/lib/platform/i18n";

export type SignupPageProps = { params: Promise<{ formId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export type SignupFormView = {
  formId: string;
  surface: SignupSurface;
  locale: Locale;
  /** The origin that embeds the form, when the form allows it: the only one the page talks to. */
  parent: string | null;
  title: string;
  intro: string;
  submit: string;
  privacyPolicyUrl: string;
  ticket: string;
  channels: { channel: FormChannel; consent: string; topics: { key: string; name: string }[] }[];
};

async function loadForm(props: SignupPageProps) {
  const [{ formId }, query, requestHeaders] = await Promise.all([props.params, props.searchParams, headers()]);
  const form = await loadPublicSignupForm(formId);
  if (!form) notFound();
  const one = (name: string) => (typeof query[name] === "string" ? (query[name] as string) : undefined);
  const locale = signupLocale(form.content, { lang: one("lang"), acceptLanguage: requestHeaders.get("accept-language") });
  const declared = one("parent");
  const parent = declared && form.allowedOrigins.includes(declared) ? declared : null;
  return { form, locale, parent, declared, one };
}

/**
 * The form as a visitor sees it, with a fresh render ticket (naming the parent the embed declared, which
 * the submission checks against the form's origins). Counting the view is analytics, not consent: one
 * upsert per render.
 */
export async function loadSignupFormPage(props: SignupPageProps, surface: SignupSurface): Promise<{ view: SignupFormView; form: PublicSignupForm }> {
  const { form, locale, parent, declared } = await loadForm(props);
  await countSignupFormView(form.workspaceId, form.id);
  const wording = form.content.wording[locale]!;
  const ticket = await signRenderTicket({ formId: form.id, version: form.version, parent: surface === "embed" ? (declared?.slice(0, 300) ?? null) : null });
  return {
    form,
    view: {
      formId: form.id,
      surface,
      locale,
      parent: surface === "embed" ? parent : null,
      title: wording.title,
      intro: wording.intro,
      submit: wording.submit,
      privacyPolicyUrl: form.content.privacyPolicyUrl,
      ticket,
      channels: form.content.channels.map(({ channel, topics }) => ({
        channel,
        consent: channelConsent(form.content, locale, channel).text,
        topics: topics.map((key) => ({ key, name: localizedText(form.topicNames.get(key) ?? { en: key }, locale) })),
      })),
    },
  };
}

const CHAT_URL = /^https:\/\/wa\.me\/\d{6,20}(\?text=[\w%.+-]{1,300})?$/;

/** The answer page: what happens next per channel the post named, worked out from the form alone. */
export async function loadSignupDonePage(props: SignupPageProps, surface: SignupSurface) {
  const query = await props.searchParams;
  const one = (name: string) => (typeof query[name] === "string" ? (query[name] as string) : undefined);
  const { form, locale, parent } = await loadForm(props);
  const named = new Set((one("c") ?? "").split(","));
  const chatUrl = one("wa");
  const next: SignupNext[] = form.content.channels
    .filter((c) => named.has(c.channel) && FORM_CHANNELS.includes(c.channel))
    .map((c) => ({
      channel: c.channel,
      next: c.doubleOptIn ? "confirm" : "subscribed",
      ...(c.channel === "whatsapp" && c.doubleOptIn && chatUrl && CHAT_URL.test(chatUrl) ? { chatUrl } : {}),
    }));
  const embedParent = surface === "embed" ? parent : null;
  const back = new URLSearchParams({ lang: locale, ...(embedParent ? { parent: embedParent } : {}) });
  return { form, locale, parent: embedParent, next, backPath: `${signupFormPath(form.id, surface)}?${back}` };
}
