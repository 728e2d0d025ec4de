import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

// A stand-in for Resend's HTTP API, for demo mode and the tests: the real `resend` SDK, pointed at it
// through RESEND_BASE_URL, sends here; each message lands as a JSON file a developer can open. Contact
// updates (the Resend sync of opt-outs) land in a folder beside it, <dir>-contacts: readers of the
// mail folder expect every file in it to be a message.

export type StoredEmail = { id: string; from: string; to: string[]; subject: string; html?: string; text?: string; createdAt: string };

/** One contacts.update (what was set) or contacts.remove (`removed`) call: the contact named by email or id, in an audience or not. */
export type StoredContactUpdate = {
  id: string;
  audienceId: string | null;
  contact: string;
  removed?: true;
  unsubscribed?: boolean;
  firstName?: string | null;
  lastName?: string | null;
  updatedAt: string;
};

export type MailStub = {
  url: string;
  dir: string;
  contactsDir: string;
  messages: () => Promise<StoredEmail[]>;
  contactUpdates: () => Promise<StoredContactUpdate[]>;
  /** Answers the next `count` contact updates 429 with Retry-After, as Resend does past its rate limit. */
  throttleContactUpdates: (count: number, retryAfterSeconds: number) => void;
  stop: () => Promise<void>;
};

// The paths resend.contacts.update (PATCH) and .remove (DELETE) use: /audiences/{audience}/contacts/{email or id}, or /contacts/{email or id}.
const CONTACT_UPDATE_PATH = /^(?:\/audiences\/([^/]+))?\/contacts\/([^/?]+)$/;

export const fileName = (at: string, id: string) => `${at.replace(/[:.]/g, "-")}-${id}.json`;

/**
 * Readers list the directory and parse every file, so a message appears whole or not at all: it is
 * written beside the directory (the same file system) and renamed in.
 */
export async function storeJson(dir: string, name: string, value: unknown): Promise<void> {
  const partial = path.join(path.dirname(dir), `.${path.basename(dir)}-${name}.partial`);
  await writeFile(partial, JSON.stringify(value, null, 2));
  await rename(partial, path.join(dir, name));
}

export async function readJsonFiles<T>(dir: string): Promise<T[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as T));
}

export async function startMailStub(dir: string): Promise<MailStub> {
  const contactsDir = `${dir.replace(/[\\/]+$/, "")}-contacts`;
  await mkdir(dir, { recursive: true });
  await mkdir(contactsDir, { recursive: true });
  const throttle = { count: 0, retryAfterSeconds: 1 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const contactPath = request.method === "PATCH" || request.method === "DELETE" ? CONTACT_UPDATE_PATH.exec(request.url ?? "") : null;
      if (contactPath && throttle.count > 0) {
        throttle.count -= 1;
        response
          .writeHead(429, { "content-type": "application/json", "retry-after": String(throttle.retryAfterSeconds) })
          .end(JSON.stringify({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." }));
        return;
      }
      if (contactPath) {
        try {
          const named = {
            id: randomUUID(),
            audienceId: contactPath[1] ? decodeURIComponent(contactPath[1]) : null,
            contact: decodeURIComponent(contactPath[2]),
            updatedAt: new Date().toISOString(),
          };
          const body = request.method === "PATCH" ? JSON.parse(Buffer.concat(chunks).toString()) : null;
          const update: StoredContactUpdate = body
            ? { ...named, unsubscribed: body.unsubscribed, firstName: body.first_name, lastName: body.last_name }
            : { ...named, removed: true };
          await storeJson(contactsDir, fileName(update.updatedAt, update.id), update);
          const answer = body ? { object: "contact", id: update.id } : { object: "contact", contact: update.id, deleted: true };
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        } catch {
          response.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ name: "validation_error", message: "Invalid JSON." }));
        }
        return;
      }
      if (request.method !== "POST" || request.url !== "/emails") {
        response
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ name: "not_found", message: "Only POST /emails and PATCH and DELETE of contacts are stubbed." }));
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        const email: StoredEmail = {
          id: randomUUID(),
          from: body.from,
          to: Array.isArray(body.to) ? body.to : [body.to],
          subject: body.subject,
          html: body.html,
          text: body.text,
          createdAt: new Date().toISOString(),
        };
        await storeJson(dir, fileName(email.createdAt, email.id), email);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: email.id }));
      } catch {
        response.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ name: "validation_error", message: "Invalid JSON." }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dir,
    contactsDir,
    messages: () => readJsonFiles<StoredEmail>(dir),
    contactUpdates: () => readJsonFiles<StoredContactUpdate>(contactsDir),
    throttleContactUpdates: (count, retryAfterSeconds) => Object.assign(throttle, { count, retryAfterSeconds }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
