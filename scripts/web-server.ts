// The production web server, for `npm start` and the tests: Next's own request handler behind a
// node:http server that first replaces X-Forwarded-For with the one client address that the socket and
// the TRUSTED_PROXY_HOPS proxies in front saw. Behind `next start` alone, a client could write any
// address there: Next fills the header only when it is absent. GET and HEAD of the landing page and the
// short links, which mail scanners open in bursts, go through lib/pages/landing-fast-path.ts first.
// Run with `--conditions=react-server`, as the worker is: the fast path is the app's own server code.
import http from "node:http";
import next from "next";
import { env } from "@/lib/platform/env";
import { forwardedClientAddress } from "@/lib/platform/request-info";
import { flushLinkVisits } from "@/lib/links/visit-store";
import { landingFastPath } from "@/lib/pages/landing-fast-path";

const { PORT, HOSTNAME, TRUSTED_PROXY_HOPS, PUBLIC_RATE_LIMIT_PER_MINUTE } = env();
const app = next({ dev: false, hostname: HOSTNAME, port: PORT });
await app.prepare();
const handle = landingFastPath(app.getRequestHandler(), PUBLIC_RATE_LIMIT_PER_MINUTE);

const server = http.createServer((request, response) => {
  const address = forwardedClientAddress(request.headers["x-forwarded-for"], request.socket.remoteAddress, TRUSTED_PROXY_HOPS);
  if (address) request.headers["x-forwarded-for"] = address;
  else delete request.headers["x-forwarded-for"];
  handle(request, response).catch((error: unknown) => {
    console.error("request failed", error instanceof Error ? error.stack : error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    response.end("Something went wrong on our side.");
  });
});
server.listen(PORT, HOSTNAME, () => console.log(`web server listening on ${HOSTNAME}:${PORT}`));

// Stop taking connections, finish the requests in flight, write the link visits still waiting, then let Next close.
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close(
    () =>
      void flushLinkVisits()
        .then(() => app.close())
        .finally(() => process.exit(0)),
  );
  server.closeIdleConnections();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
