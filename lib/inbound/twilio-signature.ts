import { createHmac } from "node:crypto";
import { safeEqualText } from "@/lib/platform/safe-equal";

// Twilio signs each webhook in X-Twilio-Signature: base64(HMAC-SHA1(auth token, the full URL it
// requested followed by every POST parameter's name and value, sorted by name)).
// https://www.twilio.com/docs/usage/webhooks/webhooks-security

export type TwilioParams = URLSearchParams | Record<string, string>;

function valuesByName(params: TwilioParams): Map<string, string[]> {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  const byName = new Map<string, string[]>();
  for (const [name, value] of entries) byName.set(name, [...(byName.get(name) ?? []), value]);
  return byName;
}

// Plain code-unit order, Twilio's "case-sensitive, Unix-style" sort, whatever the runtime's locale.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let signed = url;
  for (const [name, values] of [...valuesByName(params)].sort(([a], [b]) => byCodeUnit(a, b))) {
    // A name sent more than once: Twilio's own libraries sign its distinct values, sorted.
    for (const value of [...new Set(values)].sort(byCodeUnit)) signed += name + value;
  }
  return createHmac("sha1", authToken).update(signed, "utf8").digest("base64");
}

/**
 * The URL as given, then with the scheme's default port written out or left out: Twilio's libraries
 * accept either because Twilio does not sign consistently with or without it.
 */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = { "https:": "443", "http:": "80" }[parsed.protocol];
  if (!defaultPort || (parsed.port !== "" && parsed.port !== defaultPort)) return [url];
  const credentials = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}@` : "";
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  const withPort = `${parsed.protocol}//${credentials}${parsed.hostname}:${defaultPort}${rest}`;
  const withoutPort = `${parsed.protocol}//${credentials}${parsed.hostname}${rest}`;
  return [...new Set([url, withPort, withoutPort])];
}

/** True when the X-Twilio-Signature header was made with this auth token for this URL and these parameters. */
export function isValidTwilioSignature(authToken: string, url: string, params: TwilioParams, signatureHeader: string | null): boolean {
  if (!authToken || !signatureHeader) return false;
  const given = signatureHeader.trim();
  return urlVariants(url).some((variant) => safeEqualText(twilioSignature(authToken, variant, params), given));
}
