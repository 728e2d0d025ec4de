import * as audience from "@/app/api/v1/audience/route";
import * as contact from "@/app/api/v1/contacts/[id]/route";
import * as contactExport from "@/app/api/v1/contacts/[id]/export/route";
import * as contactPreferences from "@/app/api/v1/contacts/[id]/preferences/route";
import * as contacts from "@/app/api/v1/contacts/route";
import * as importStatus from "@/app/api/v1/imports/[id]/route";
import * as imports from "@/app/api/v1/imports/route";
import * as links from "@/app/api/v1/links/route";
import * as linkBatch from "@/app/api/v1/links/batch/route";
import * as optin from "@/app/api/v1/optin/route";
import * as sendability from "@/app/api/v1/sendability/route";
import * as sends from "@/app/api/v1/sends/route";
import * as suppressions from "@/app/api/v1/suppressions/route";
import * as workspace from "@/app/api/v1/workspace/route";

// The business API as a sending system calls it: its key as a Bearer token, bodies as JSON. In this
// process the request goes to the route handler the App Router would pick for its path, with the path's
// params; given a base URL it goes to that running server instead.

type Method = "GET" | "POST" | "PATCH" | "DELETE";
type RouteContext = { params: Promise<Record<string, string>> };
// Methods, not function properties: a handler typed for its own params ({ id: string }) fits them.
type RouteModule = {
  GET?(request: Request, context: RouteContext): Promise<Response>;
  POST?(request: Request, context: RouteContext): Promise<Response>;
  PATCH?(request: Request, context: RouteContext): Promise<Response>;
  DELETE?(request: Request, context: RouteContext): Promise<Response>;
};

/** Each route by its App Router path; a `[name]` segment is a param. */
const ROUTES: Record<string, RouteModule> = {
  "/api/v1/audience": audience,
  "/api/v1/contacts": contacts,
  "/api/v1/contacts/[id]": contact,
  "/api/v1/contacts/[id]/export": contactExport,
  "/api/v1/contacts/[id]/preferences": contactPreferences,
  "/api/v1/imports": imports,
  "/api/v1/imports/[id]": importStatus,
  "/api/v1/links": links,
  "/api/v1/links/batch": linkBatch,
  "/api/v1/optin": optin,
  "/api/v1/sendability": sendability,
  "/api/v1/sends": sends,
  "/api/v1/suppressions": suppressions,
  "/api/v1/workspace": workspace,
};

function routeFor(pathname: string): { module: RouteModule; params: Record<string, string> } {
  const segments = pathname.split("/");
  for (const [pattern, module] of Object.entries(ROUTES)) {
    const parts = pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (!part.startsWith("[")) return part === segments[i];
      params[part.slice(1, -1)] = decodeURIComponent(segments[i]);
      return segments[i] !== "";
    });
    if (matches) return { module, params };
  }
  throw new Error(`no API route at ${pathname}`);
}

/** The header that carries an API key. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Headers besides the key's; `authorization` among them replaces it. A string body is sent as it is. */
export type ApiInit = { headers?: Record<string, string> };

export type ApiClient = {
  get(path: string, init?: ApiInit): Promise<Response>;
  post(path: string, body: unknown, init?: ApiInit): Promise<Response>;
  patch(path: string, body: unknown, init?: ApiInit): Promise<Response>;
  delete(path: string, init?: ApiInit): Promise<Response>;
};

/** Calls the API with this key: through its route handlers here, or at `baseUrl` through a running server. */
export function apiClient(key: string, { baseUrl }: { baseUrl?: string } = {}): ApiClient {
  async function send(method: Method, path: string, body: unknown, { headers = {} }: ApiInit = {}) {
    const request = new Request(`${baseUrl ?? "http://test"}${path}`, {
      method,
      headers: { ...bearer(key), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    if (baseUrl) return fetch(request);
    const { module, params } = routeFor(new URL(request.url).pathname);
    const handler = module[method];
    if (!handler) throw new Error(`no ${method} handler at ${path}`);
    return handler(request, { params: Promise.resolve(params) });
  }
  return {
    get: (path, init) => send("GET", path, undefined, init),
    post: (path, body, init) => send("POST", path, body, init),
    patch: (path, body, init) => send("PATCH", path, body, init),
    delete: (path, init) => send("DELETE", path, undefined, init),
  };
}
