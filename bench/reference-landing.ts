// The reference for the scanner benchmark: the physical limit of a landing page, a bare node:http
// server over `pg` doing only the essential work. GET or HEAD of /u/<token>: the HS256 check with jose
// (the key read once per kid), one SELECT of what the page shows, one INSERT of the visit, a small HTML
// page. GET or HEAD of /s/<id>: one SELECT of the short link, the token signed, a 303. Run by
// bench/scanner.ts; listens on PORT against DATABASE_URL.
import http from "node:http";
import { SignJWT } from "jose";
import { pool, verifyUnsubscribeToken } from "./bare-server";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function landing(token: string, headOnly: boolean, userAgent: string, response: http.ServerResponse) {
  const verified = await verifyUnsubscribeToken(token);
  if (!verified) return void response.writeHead(404).end();
  const { workspaceId, payload } = verified;
  const { rows } = await pool.query<{ name: string; locale: string | null; topic: string; subscribed: boolean }>(
    `SELECT w.name, c.locale, t.names->>'en' AS topic, COALESCE(ts.status = 'subscribed', true) AS subscribed
     FROM contacts c JOIN workspaces w ON w.id = c.workspace_id JOIN topics t ON t.workspace_id = c.workspace_id AND t.key = $3
     LEFT JOIN topic_subscriptions ts ON ts.workspace_id = c.workspace_id AND ts.contact_id = c.id AND ts.topic_id = t.id AND ts.channel = $4
     WHERE c.workspace_id = $1 AND c.id = $2`,
    [workspaceId, payload.sub, payload.tp, payload.ch],
  );
  if (!rows[0]) return void response.writeHead(404).end();
  await pool.query(
    "INSERT INTO link_visits (id, workspace_id, token_id, purpose, channel, likely_bot) VALUES (gen_random_uuid(), $1, $2, 'unsubscribe', $3, $4)",
    [workspaceId, payload.jti, payload.ch, /bot|scan/i.test(userAgent)],
  );
  const { name, topic, subscribed } = rows[0];
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><title>Unsubscribe · ${escape(name)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0}main{max-width:36rem;margin:2.5rem auto;padding:0 1rem}.card{background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:2rem;box-shadow:0 1px 2px rgba(0,0,0,.05)}h1{font-size:1.5rem;margin:0 0 .75rem}p{line-height:1.5}.muted{color:#64748b}button{margin-top:1.5rem;background:#0f172a;color:#fff;border:0;border-radius:.5rem;padding:.75rem 1.25rem;font-size:1rem;cursor:pointer}a{color:#1d4ed8}</style></head>
<body><main><p class="muted">${escape(name)}</p><div class="card">${
    subscribed
      ? `<h1>Unsubscribe from ${escape(topic)}?</h1><p>${escape(topic)} by email from ${escape(name)}</p><p class="muted">You will still get the other messages you chose.</p><form method="post" action="/u/${token}"><input type="hidden" name="locale" value="en"><button>Unsubscribe</button></form>`
      : `<h1>You are unsubscribed</h1><p>${escape(topic)} by email from ${escape(name)}</p>`
  }<p><a href="/p/${token}">Manage all your preferences</a></p></div></main></body></html>`;
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow" });
  response.end(headOnly ? undefined : body);
}

async function shortLink(id: string, response: http.ServerResponse) {
  const { rows } = await pool.query(
    `SELECT s.workspace_id, s.contact_id, s.purpose, s.channel, t.key AS topic, s.token_id, s.created_at, k.kid, k.secret
     FROM short_links s LEFT JOIN topics t ON t.id = s.topic_id
     JOIN signing_keys k ON k.workspace_id = s.workspace_id AND k.status = 'active'
     WHERE s.id = $1 AND s.expires_at > now()`,
    [id],
  );
  const link = rows[0];
  if (!link) return void response.writeHead(404).end();
  const issuedAt = Math.floor(link.created_at.getTime() / 1000);
  const token = await new SignJWT({ pur: link.purpose, ch: link.channel, ...(link.topic ? { tp: link.topic } : {}) })
    .setProtectedHeader({ alg: "HS256", kid: link.kid })
    .setAudience(link.workspace_id)
    .setSubject(link.contact_id)
    .setJti(link.token_id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 400 * 86_400)
    .sign(new Uint8Array(link.secret));
  response.writeHead(303, { Location: `/u/${token}`, "Cache-Control": "no-store", "X-Robots-Tag": "noindex" }).end();
}

const server = http.createServer((request, response) => {
  const url = request.url ?? "";
  const headOnly = request.method === "HEAD";
  const work = url.startsWith("/u/")
    ? landing(url.slice(3), headOnly, request.headers["user-agent"] ?? "", response)
    : url.startsWith("/s/")
      ? shortLink(url.slice(3), response)
      : Promise.resolve(void response.writeHead(url === "/" ? 200 : 404).end());
  work.catch(() => {
    if (!response.headersSent) response.writeHead(404);
    response.end();
  });
});

server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => void pool.end().finally(() => process.exit(0))));
