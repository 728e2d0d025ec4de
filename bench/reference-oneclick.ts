// The reference for the one-click benchmark: the same token check (lib/links/signing-key-store → lib/links/tokens) and the same
// transaction (lib/consent/preference-store over pg) behind a bare node:http server, without Next.js. The
// ratio between the two is what the framework costs. Run by bench/oneclick.ts; listens on PORT against
// DATABASE_URL.
import http from "node:http";
import { env } from "@/lib/platform/env";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { InvalidTokenError } from "@/lib/links/tokens";
import { unsubscribeByLink } from "@/lib/links/unsubscribe";

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", async () => {
    try {
      const match = /^\/api\/unsubscribe\/([^/?]+)$/.exec(request.url ?? "");
      if (request.method !== "POST" || !match) return void response.writeHead(404).end();
      const claims = await verifyLinkToken(match[1], ["unsubscribe"]);
      const body = new URLSearchParams(Buffer.concat(chunks).toString());
      if (!/^application\/x-www-form-urlencoded/.test(request.headers["content-type"] ?? "") || body.get("List-Unsubscribe") !== "One-Click") {
        return void response.writeHead(400).end();
      }
      await unsubscribeByLink(claims, { source: "one_click", ip: request.socket.remoteAddress ?? null, userAgent: request.headers["user-agent"] ?? null });
      response.writeHead(200, { "Cache-Control": "no-store" }).end();
    } catch (error) {
      response.writeHead(error instanceof InvalidTokenError ? 404 : 503).end();
    }
  });
});

server.listen(env().PORT, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
