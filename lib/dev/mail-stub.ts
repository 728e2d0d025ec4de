import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";

// A stand-in for Resend's HTTP API, for demo mode and the tests: the real `resend` SDK, pointed at it
// through RESEND_BASE_URL, sends here; each message lands as a JSON file a developer can open.

export type StoredEmail = { id: string; from: string; to: string[]; subject: string; html?: string; text?: string; createdAt: string };

export type MailStub = { url: string; dir: string; messages: () => Promise<StoredEmail[]>; stop: () => Promise<void> };

export async function startMailStub(dir: string, port = 0): Promise<MailStub> {
  await mkdir(dir, { recursive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      if (request.method !== "POST" || request.url !== "/emails") {
        response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ name: "not_found", message: "Only POST /emails is stubbed." }));
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
        await writeFile(path.join(dir, `${email.createdAt.replace(/[:.]/g, "-")}-${email.id}.json`), JSON.stringify(email, null, 2));
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: email.id }));
      } catch {
        response.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ name: "validation_error", message: "Invalid JSON." }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return {
    url,
    dir,
    messages: async () => {
      const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
      return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as StoredEmail));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
