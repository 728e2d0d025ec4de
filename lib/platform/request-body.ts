import { UserFacingError } from "@/lib/platform/errors";

// The largest body each endpoint a stranger can post to will read (docs/api.md lists them). A body is
// refused before any signature check, and never held past its limit.

const KiB = 1024;
const MiB = 1024 * KiB;

export const BODY_LIMITS = {
  /** RFC 8058's `List-Unsubscribe=One-Click`, form-encoded or multipart: a few hundred bytes at most. */
  oneClick: 8 * KiB,
  /** Twilio's incoming-SMS webhook: up to 1,600 characters of text and a few dozen fields. */
  sms: 64 * KiB,
  /** The WhatsApp Cloud API's webhook, which may batch messages: Meta documents payloads of up to 3 MB. */
  whatsapp: 3 * MiB,
  /** An inbound-email webhook: addresses, subject and, from some providers, the text of the mail. */
  inboundEmail: 1 * MiB,
  /** A delivery-event webhook (bounces, complaints): at most 100 addresses with a few fields each. */
  deliveryEvents: 256 * KiB,
  /** Auth.js's email sign-in: an address, a CSRF token and where to go next. */
  signIn: 8 * KiB,
  /** A JSON body of the business API (the largest, 10,000 contact ids to check, is about 400 KB). */
  api: 1 * MiB,
} as const;

export class BodyTooLargeError extends UserFacingError {
  constructor(readonly limitBytes: number) {
    super("payload_too_large", `The body is larger than this endpoint accepts: at most ${limitBytes} bytes.`, 413, { limitBytes });
  }
}

/** The body, if it is at most `limitBytes`: a larger Content-Length is refused unread, a longer stream as soon as it passes the limit. */
export async function readBodyBytes(request: Request, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("content-length")) > limitBytes) throw new BodyTooLargeError(limitBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > limitBytes) {
      // The 413 goes out now; the rest is read and dropped behind it, as Node drops a body no one read,
      // so the connection stays usable. (cancel() would make Next destroy the socket before the answer.)
      void discard(reader);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

async function discard(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    while (!(await reader.read()).done);
  } catch {
    // The client went away.
  }
}

/** The body as UTF-8 text, as `request.text()` reads it, within `limitBytes`. */
export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, limitBytes));
}
