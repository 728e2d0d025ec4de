// A business's own site, on another origin, that embeds the preference page (/script, /mount) and the
// sign-up form (/form?form=ID). Started by
// playwright.config.ts; reachable as http://localhost:PORT (an allowed origin in the tests) and as
// http://127.0.0.1:PORT (a different origin, not allowed).
import http from "node:http";

const port = Number(process.env.E2E_HOST_PORT ?? 3199);
const app = process.env.E2E_APP_URL ?? "http://localhost:3100";

const escape = (value) => String(value).replace(/[^\w.-]/g, "");

function page(body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme account settings</title></head>
<body style="font-family: sans-serif; margin: 2rem">
<h1>Account settings</h1>
<ol id="events"></ol>
${body}
<script>
  for (const type of ["preferences:saved", "preferences:unsubscribed", "preferences:resize", "signup:submitted"]) {
    document.addEventListener(type, (event) => {
      if (type === "preferences:resize") { document.body.dataset.height = event.detail.height; return; }
      const item = document.createElement("li"); item.textContent = type; document.getElementById("events").append(item);
    }, true);
  }
</script>
</body></html>`;
}

http
  .createServer((request, response) => {
    const url = new URL(request.url, `http://localhost:${port}`);
    const token = escape(url.searchParams.get("token") ?? "");
    const lang = escape(url.searchParams.get("lang") ?? "en");
    let html;
    if (url.pathname === "/script") {
      html = page(`<script src="${app}/embed.js" data-token="${token}" data-lang="${lang}" async></script>`);
    } else if (url.pathname === "/mount") {
      html = page(`<div id="prefs"></div><script src="${app}/embed.js"></script>
<script>window.addEventListener("load", () => PreferenceCenter.mount(document.getElementById("prefs"), { token: "${token}", lang: "${lang}" }));</script>`);
    } else if (url.pathname === "/form") {
      html = page(`<script src="${app}/embed.js" data-form="${escape(url.searchParams.get("form") ?? "")}" data-lang="${lang}" async></script>`);
    } else {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  })
  .listen(port, "0.0.0.0");
