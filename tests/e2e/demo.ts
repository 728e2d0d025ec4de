import { readdirSync, readFileSync } from "node:fs";
import type { APIRequestContext } from "@playwright/test";

// The demo workspace the app under test seeded in its data directory (see playwright.config.ts).
export type Demo = {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
  contacts: { id: string; email: string; phone: string | null; locale: string; unsubscribeUrl: string; oneClickUrl: string; preferencesUrl: string }[];
  admins: { email: string; role: "owner" | "viewer"; workspaceId: string }[];
  signupForm: { id: string; hostedUrl: string; embedSnippet: string; allowedOrigins: string[] };
};

export function readDemo(): Demo {
  return JSON.parse(readFileSync(".tmp/e2e/demo.json", "utf8")) as Demo;
}

/** The header that carries the demo workspace's API key. */
export function demoApiHeaders() {
  return { authorization: `Bearer ${readDemo().apiKey}` };
}

/** The emails the app under test sent to this address (its mail stub writes each to a file). */
export function mailTo(address: string): { to: string[]; subject: string; text: string }[] {
  const dir = ".tmp/e2e/mail";
  return readdirSync(dir)
    .map((file) => JSON.parse(readFileSync(`${dir}/${file}`, "utf8")))
    .filter((message) => message.to.includes(address));
}

export type PreferencesDocument = {
  channels: Record<string, { subscribed: boolean; frequency: string; pausedUntil: string | null; topics: Record<string, string> }>;
};

/** The contact's state as the business API reports it: what the database holds, not what the page shows. */
export async function preferencesOf(request: APIRequestContext, contactId: string): Promise<PreferencesDocument> {
  const response = await request.get(`/api/v1/contacts/${contactId}/preferences`, { headers: demoApiHeaders() });
  if (response.status() !== 200) throw new Error(`preferences read failed: ${response.status()}`);
  return response.json();
}
