import "server-only";
import { Resend } from "resend";
import { env } from "@/lib/env";

export type OutgoingEmail = { to: string; subject: string; text: string; html: string };

export function isEmailConfigured(): boolean {
  return Boolean(env().RESEND_API_KEY);
}

/** Sends through Resend (or the local stub that RESEND_BASE_URL names). Throws when Resend refuses. */
export async function sendEmail(message: OutgoingEmail): Promise<void> {
  const { RESEND_API_KEY, RESEND_BASE_URL, EMAIL_FROM } = env();
  if (!RESEND_API_KEY) throw new Error("RESEND_API_KEY is not set");
  const resend = new Resend(RESEND_API_KEY, RESEND_BASE_URL ? { baseUrl: RESEND_BASE_URL } : undefined);
  const { error } = await resend.emails.send({ from: EMAIL_FROM, ...message });
  if (error) throw new Error(`Resend refused the email: ${error.message}`);
}
