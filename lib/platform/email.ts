import "server-only";
import { Resend } from "resend";
import { env } from "@/lib/platform/env";
import { escapeMarkup } from "@/lib/platform/markup";

export type OutgoingEmail = { to: string; subject: string; text: string; html: string };

export function isEmailConfigured(): boolean {
  return Boolean(env().RESEND_API_KEY);
}

/** A Resend client with this key, at RESEND_BASE_URL when set (the local stub in demo mode and tests). */
export function resendClient(apiKey: string): Resend {
  const baseUrl = env().RESEND_BASE_URL;
  return new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
}

/** Sends through Resend (or the local stub that RESEND_BASE_URL names). Throws when Resend refuses. */
export async function sendEmail(message: OutgoingEmail): Promise<void> {
  const { RESEND_API_KEY, EMAIL_FROM } = env();
  if (!RESEND_API_KEY) throw new Error("RESEND_API_KEY is not set");
  const { error } = await resendClient(RESEND_API_KEY).emails.send({ from: EMAIL_FROM, ...message });
  if (error) throw new Error(`Resend refused the email: ${error.message}`);
}

/** The service's link emails: a sentence, the link, and a closing line, as text and as HTML. */
export function sendLinkEmail({
  to,
  subject,
  body,
  url,
  linkLabel = url,
  footer,
}: {
  to: string;
  subject: string;
  body: string;
  url: string;
  linkLabel?: string;
  footer: string;
}) {
  return sendEmail({
    to,
    subject,
    text: `${body}\n\n${url}\n\n${footer}\n`,
    html: `<p>${escapeMarkup(body)}</p><p><a href="${escapeMarkup(url)}">${escapeMarkup(linkLabel)}</a></p><p>${escapeMarkup(footer)}</p>`,
  });
}
