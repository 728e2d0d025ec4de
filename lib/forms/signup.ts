import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requestEmailConfirmation } from "@/lib/consent/double-opt-in";
import { startChannelOptIn } from "@/lib/consent/channel-opt-in";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChanges } from "@/lib/consent/preference-store";
import { findOrCreateContactsByAddress, type SignupAddresses } from "@/lib/contacts/contact-store";
import { channelConsent, formLocale, type FormChannel, type FormContent } from "@/lib/forms/form-content";
import { verifyRenderTicket, type RenderTicket } from "@/lib/forms/render-ticket";
import type { PublicSignupForm } from "@/lib/forms/signup-store";
import { ADDRESS_COUNTERS, consumeRateLimit, rateLimitKey } from "@/lib/platform/rate-limit-store";
import { UserFacingError } from "@/lib/platform/errors";
import { matchLocale, resolveLocale, type Locale, type MessageKey } from "@/lib/platform/i18n";

// A sign-up through a public form. Anyone can post it with any address, so: the render ticket first (a
// post we did not render, or that came too fast, is answered as a success and writes nothing), per-IP
// and per-address limits, contacts found by address and never changed, and an answer that depends only
// on what was posted and on the form, never on who was already a contact or subscribed.

export type SignupSurface = "hosted" | "embed";

export const SIGNUP_IPS_PER_HOUR = 20;
export const SIGNUP_ADDRESS_PER_HOUR = 5;

/** The field a bot fills and a person never sees. */
export const HONEYPOT_FIELD = "website";

/** The form a channel's address is typed in. */
export const ADDRESS_FIELD = { email: "email", sms: "phone", whatsapp: "whatsapp" } as const satisfies Record<FormChannel, string>;
export const topicsField = (channel: FormChannel) => `topics.${channel}`;

export function signupFormPath(formId: string, surface: SignupSurface): string {
  return `${surface === "embed" ? "/embed" : ""}/f/${formId}`;
}

/** The language the form is shown in: ?lang= when the form has it, else the browser's, else the form's default. */
export function signupLocale(content: FormContent, options: { lang?: string | null; acceptLanguage?: string | null }): Locale {
  const wanted =
    matchLocale(options.lang) ??
    (options.acceptLanguage ? resolveLocale({ acceptLanguage: options.acceptLanguage, workspaceDefault: content.defaultLocale }) : null);
  return formLocale(content, wanted);
}

/** A post that cannot be taken, naming the field: the 4xx page says so. */
export class SignupFieldError extends UserFacingError {
  constructor(
    readonly field: string,
    readonly problem: MessageKey,
  ) {
    super("invalid_field", `${field}: ${problem}`, 400);
  }
}

const emailSchema = z.email().max(320);
const e164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/);

export type SignupChoice = { channel: FormChannel; address: string; topics: string[]; doubleOptIn: boolean };

/** The channels a post asks for: an address and at least one ticked topic each, all on the form. */
export function readSignupChoices(content: FormContent, form: FormData): SignupChoice[] {
  const choices: SignupChoice[] = [];
  for (const offered of content.channels) {
    const field = ADDRESS_FIELD[offered.channel];
    const typed = form.get(field);
    const address = typeof typed === "string" ? typed.trim() : "";
    const ticked = form.getAll(topicsField(offered.channel)).map(String);
    if (ticked.some((key) => !offered.topics.includes(key))) throw new SignupFieldError(topicsField(offered.channel), "signup.badChoice");
    if (ticked.length === 0 && address === "") continue;
    if (ticked.length > 0 && address === "") throw new SignupFieldError(field, "signup.missingAddress");
    if (ticked.length === 0) throw new SignupFieldError(topicsField(offered.channel), "signup.noTopic");
    const normalized = offered.channel === "email" ? address.toLowerCase() : address.replace(/[\s().-]/g, "");
    const valid = offered.channel === "email" ? emailSchema.safeParse(normalized).success : e164Schema.safeParse(normalized).success;
    if (!valid) throw new SignupFieldError(field, offered.channel === "email" ? "signup.badEmail" : "signup.badPhone");
    choices.push({ channel: offered.channel, address: normalized, topics: [...new Set(ticked)], doubleOptIn: offered.doubleOptIn });
  }
  if (choices.length === 0) throw new SignupFieldError(topicsField(content.channels[0].channel), "signup.noTopic");
  return choices;
}

/** What the answer page says per channel: it follows from the post and the form alone. */
export type SignupNext = { channel: FormChannel; next: "confirm" | "subscribed"; chatUrl?: string };

export type SignupRequest = { form: FormData; ip: string | null; userAgent: string | null };

/** The ticket a post carries, verified before anything is read: null when the post is to be ignored. */
export async function admitSignupPost(formId: string, form: FormData): Promise<RenderTicket | null> {
  const ticket = form.get("ticket");
  if (typeof ticket !== "string" || ticket.length === 0 || ticket.length > 2000) throw new SignupFieldError("ticket", "signup.reload");
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot !== "") return null;
  return verifyRenderTicket(ticket, formId);
}

/** The channels a post named, for the answer to a post that was ignored: the same page a real one gets. */
export function postedChannels(content: FormContent, form: FormData): SignupNext[] {
  return content.channels
    .filter((c) => form.getAll(topicsField(c.channel)).length > 0)
    .map((c) => ({ channel: c.channel, next: c.doubleOptIn ? "confirm" : "subscribed" }));
}

/** Whoever posts more than the limits allow is refused before anything is written. */
async function admitSignupRate(ip: string | null, choices: SignupChoice[]): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const counts = await Promise.all([
    consumeRateLimit(rateLimitKey("signup-form:ip", ip ?? "unknown"), SIGNUP_IPS_PER_HOUR, 3600),
    ...choices.map((choice) => consumeRateLimit(rateLimitKey(ADDRESS_COUNTERS.signupForm, choice.address), SIGNUP_ADDRESS_PER_HOUR, 3600)),
  ]);
  return { allowed: counts.every((c) => c.allowed), retryAfterSeconds: Math.max(...counts.map((c) => c.retryAfterSeconds)) };
}

const CONTACT_FIELD = { email: "email", sms: "phone", whatsapp: "whatsappId" } as const satisfies Record<FormChannel, keyof SignupAddresses>;

export type SignupOutcome = { kind: "done"; next: SignupNext[] } | { kind: "rate_limited"; retryAfterSeconds: number };

/**
 * The sign-up itself, for a post whose ticket verified: the contacts of its addresses, then per channel
 * its topics pending a confirmation (double opt-in) or subscribed, each entry with the form, its
 * version, the submission, the page that embedded it, the hash of the statement shown, the locale, the
 * IP and user agent. An address that must not be messaged is asked nothing, and the answer is the same.
 */
export async function submitSignup(form: PublicSignupForm, ticket: RenderTicket, request: SignupRequest): Promise<SignupOutcome> {
  const shown = request.form.get("locale");
  const locale = formLocale(form.content, matchLocale(typeof shown === "string" ? shown : null));
  const choices = readSignupChoices(form.content, request.form);
  const rate = await admitSignupRate(request.ip, choices);
  if (!rate.allowed) return { kind: "rate_limited", retryAfterSeconds: rate.retryAfterSeconds };

  const addresses: SignupAddresses = Object.fromEntries(
    choices.map((c) => [CONTACT_FIELD[c.channel], c.channel === "whatsapp" ? c.address.slice(1) : c.address]),
  );
  const contacts = await findOrCreateContactsByAddress(form.workspaceId, addresses, locale, "form");
  const submissionId = randomUUID();
  const embeddedOn = ticket.parent && form.allowedOrigins.includes(ticket.parent) ? ticket.parent : undefined;
  const next: SignupNext[] = [];
  for (const choice of choices) {
    const contactId = contacts[CONTACT_FIELD[choice.channel]]!;
    const evidence: ConsentEvidence = {
      source: "form",
      ip: request.ip,
      userAgent: request.userAgent,
      locale,
      wordingHash: channelConsent(form.content, locale, choice.channel).hash,
      details: { form: { id: form.id, version: form.version, submissionId, ...(embeddedOn ? { embeddedOn } : {}) } },
    };
    if (!choice.doubleOptIn) {
      await applyPreferenceChanges(
        form.workspaceId,
        contactId,
        choice.topics.map((topicKey) => ({ kind: "subscription" as const, channel: choice.channel, topicKey, status: "subscribed" as const })),
        evidence,
      );
      next.push({ channel: choice.channel, next: "subscribed" });
    } else if (choice.channel === "email") {
      await ignoringRefusal(() => requestEmailConfirmation(form.workspaceId, { contactId, topics: choice.topics, evidence, locale }));
      next.push({ channel: "email", next: "confirm" });
    } else {
      const channel = choice.channel;
      const started = await ignoringRefusal(() => startChannelOptIn(form.workspaceId, { contactId, channel, topics: choice.topics, evidence, locale }));
      next.push({ channel: choice.channel, next: "confirm", ...(started?.chatUrl ? { chatUrl: started.chatUrl } : {}) });
    }
  }
  return { kind: "done", next };
}

/**
 * An address that must not be messaged on the channel (suppressed, bounced, opted out of it) is asked
 * nothing; the person is told the same as anyone: undefined.
 */
async function ignoringRefusal<T>(start: () => Promise<T>): Promise<T | undefined> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof UserFacingError && error.status === 409) return undefined;
    throw error;
  }
}
