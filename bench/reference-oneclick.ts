// The reference for the one-click benchmark: the physical limit of an RFC 8058 opt-out, a bare node:http
// server over `pg` doing only the essential work. The HS256 check with jose (the key read once per kid),
// the form checked, then one statement: one UPDATE (the workspace's ledger head moves on) and one
// INSERT (the opt-out's ledger row, chained to the one before). Run by bench/oneclick.ts; listens on
// PORT against DATABASE_URL.
import http from "node:http";
import { pool, verifyUnsubscribeToken } from "./bare-server";

async function optOut(token: string, form: string, contentType: string, response: http.ServerResponse) {
  const verified = await verifyUnsubscribeToken(token);
  if (!verified) return void response.writeHead(404).end();
  const { workspaceId, payload } = verified;
  if (!contentType.startsWith("application/x-www-form-urlencoded") || new URLSearchParams(form).get("List-Unsubscribe") !== "One-Click") {
    return void response.writeHead(400).end();
  }
  await pool.query(
    `WITH head AS (UPDATE ledger_heads SET seq = seq + 1 WHERE workspace_id = $1 RETURNING seq, hash AS prev_hash)
     INSERT INTO consent_events (id, workspace_id, seq, contact_id, channel, action, source, new_status, pii_digest, token_id, prev_hash, hash)
     SELECT gen_random_uuid(), $1, head.seq, $2, $3, 'unsubscribe', 'one_click', 'unsubscribed', '', $4, head.prev_hash,
       encode(sha256(convert_to(head.prev_hash || head.seq || $5::text, 'UTF8')), 'hex')
     FROM head`,
    [workspaceId, payload.sub, payload.ch, payload.jti, `${payload.sub}|${payload.ch}|${payload.jti}`],
  );
  response.writeHead(200, { "Cache-Control": "no-store" }).end();
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const match = /^\/api\/unsubscribe\/([^/?]+)$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) return void response.writeHead(request.url === "/" ? 200 : 404).end();
    optOut(match[1], Buffer.concat(chunks).toString(), request.headers["content-type"] ?? "", response).catch(() => {
      if (!response.headersSent) response.writeHead(404);
      response.end();
    });
  });
});

server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => void pool.end().finally(() => process.exit(0))));
