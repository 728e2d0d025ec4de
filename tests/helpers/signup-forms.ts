import type { FormContent } from "@/lib/forms/form-content";
import { signRenderTicket } from "@/lib/forms/render-ticket";
import { answerSignupPost } from "@/lib/forms/signup-answer";
import type { SignupSurface } from "@/lib/forms/signup";
import { db } from "@/lib/platform/db";

/** Email (double opt-in) and SMS, offers on both, reminders by email; English and Spanish wording. */
export const DEMO_CONTENT: FormContent = {
  channels: [
    { channel: "email", topics: ["offers", "reminders"], doubleOptIn: true },
    { channel: "sms", topics: ["offers"], doubleOptIn: true },
  ],
  privacyPolicyUrl: "https://shop.example.com/privacy",
  defaultLocale: "en",
  wording: {
    en: {
      title: "Join our list",
      intro: "",
      consent: { email: "I agree to receive the emails I tick from Test shop.", sms: "I agree to receive texts from Test shop. Msg & data rates may apply." },
      submit: "Sign me up",
    },
    es: {
      title: "Únete a nuestra lista",
      intro: "",
      consent: { email: "Acepto recibir los correos que marco de Test shop.", sms: "Acepto recibir SMS de Test shop. Pueden aplicarse tarifas." },
      submit: "Suscribirme",
    },
  },
};

/** A sign-up form written as the dashboard writes one: the form and its first version. */
export async function createTestSignupForm(workspaceId: string, options: { content?: FormContent; allowedOrigins?: string[]; archived?: boolean } = {}) {
  const form = await db().signupForm.create({
    data: {
      workspaceId,
      name: "Footer form",
      allowedOrigins: options.allowedOrigins ?? ["https://shop.example.com"],
      archivedAt: options.archived ? new Date() : null,
    },
  });
  await db().signupFormVersion.create({ data: { workspaceId, formId: form.id, version: 1, content: options.content ?? DEMO_CONTENT } });
  return form;
}

/** A render ticket as the page signs it, rendered `ageMs` ago (a person takes a few seconds). */
export function testTicket(formId: string, options: { version?: number; parent?: string | null; ageMs?: number } = {}) {
  return signRenderTicket({ formId, version: options.version ?? 1, parent: options.parent ?? null }, new Date(Date.now() - (options.ageMs ?? 5_000)));
}

let clients = 0;

/** Posts the form as a browser does, without JavaScript, to its route handler. */
export function postSignup(formId: string, fields: Record<string, string | string[]>, options: { ip?: string; surface?: SignupSurface } = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  const request = new Request(`https://prefs.example.com/f/${formId}/submit`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": options.ip ?? `198.51.100.${(clients++ % 250) + 1}`,
      "user-agent": "Mozilla/5.0 (test)",
    },
  });
  return answerSignupPost(request, formId, options.surface ?? "hosted");
}
