import "server-only";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveShortLink } from "@/lib/links/message-links";
import { noteVisit } from "@/lib/links/visits";
import { loadUnsubscribeView } from "@/lib/pages/unsubscribe-page";
import { pageViewLimiter } from "@/lib/platform/memory-rate-limiter";

// Mail scanners open every link of every message at send time: the landing page (/u/…) and the short
// links (/s/…) are the hottest paths there are. Next renders the page at a few hundred a second; this
// path, in the web server in front of Next, answers at the speed of the one query the page needs. It
// never renders a page itself: it replays the answer Next gave for the same view — the same words,
// forms and headers — with this link's tokens and a fresh CSP nonce in their places. What the page
// shows is read first, for every request, once the token verifies; the answer Next gave is kept under
// all of it (every field of the view), so that two links share an answer only if their pages are
// identical but for their tokens. Anything else (a query string, a client-side navigation, a bad link,
// the limit reached, a view not yet seen) goes to Next, which then teaches this path its answer.

const SLOTS = ["token", "preferencesToken", "nonce"] as const;
type Slot = (typeof SLOTS)[number];
/** Literal text and slots, in order. */
type Segments = (string | { slot: Slot })[];
type Answer = { status: number; headers: [string, Segments][]; body: Segments; until: number };

const ANSWER_TTL_MS = 5 * 60_000;
const MAX_ANSWERS = 1_000;
const answers = new Map<string, Answer>();

const LANDING = /^\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const SHORT = /^\/s\/([A-Za-z0-9]{1,32})$/;
const LANDING_TARGET = /^\/u\/([A-Za-z0-9_.-]+)$/;
// A client-side navigation or a server action asks Next for something else than the document.
const NEXT_REQUEST_HEADERS = ["rsc", "next-action", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-url"];
// Set per connection or per answer by Node itself.
const UNKEPT_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

type Fill = Record<Slot, string | null>;
type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The web server's handler for every request: GET and HEAD of /u/… and /s/… answered here when Next's
 * answer for the same view is known, everything else handed to `next`.
 */
export function landingFastPath(next: Handler, limitPerMinute: number): Handler {
  return async (request, response) => {
    const url = request.url ?? "";
    const landing = LANDING.exec(url);
    const short = landing ? null : SHORT.exec(url);
    if ((request.method !== "GET" && request.method !== "HEAD") || !(landing || short) || NEXT_REQUEST_HEADERS.some((name) => name in request.headers)) {
      return next(request, response);
    }
    // The same counter proxy.ts keeps. A request handed on to Next is taken back out of it, as proxy.ts
    // counts it there; over the limit, that is where it is answered 429.
    const address = [request.headers["x-forwarded-for"] ?? "unknown"].flat()[0];
    const counted = pageViewLimiter(limitPerMinute)(address);
    const toNext = () => {
      counted.release();
      return next(request, response);
    };
    if (!counted.allowed) return toNext();

    const look = () => (landing ? lookUpLanding(landing[1], request) : lookUpShortLink(short![1]));
    let seen: Lookup | null;
    try {
      seen = await look();
    } catch (error) {
      // The database is unreachable, say: Next answers as it always has (a 503 page).
      console.warn(`landing fast path: ${(error as Error).message}`);
      return toNext();
    }
    if (!seen) return toNext();

    const known = answers.get(seen.key);
    if (known && known.until > Date.now()) {
      seen.visit?.();
      return replay(known, { ...seen.fill, nonce: randomBytes(16).toString("base64") }, request.method === "HEAD", response);
    }
    if (request.method === "HEAD") return toNext();
    const learned = await learn(toNext, seen.fill, response, request);
    // Kept only if what the page shows did not change while Next rendered it.
    if (learned && (await look().catch(() => null))?.key === seen.key) {
      if (answers.size >= MAX_ANSWERS) answers.clear();
      answers.set(seen.key, learned);
    }
  };
}

/** What a request's answer depends on (`key`), what fills its slots, and its visit to note when replayed. */
type Lookup = { key: string; fill: Fill; visit?: () => void };

async function lookUpLanding(token: string, request: IncomingMessage): Promise<Lookup | null> {
  const acceptLanguage = [request.headers["accept-language"] ?? []].flat()[0] ?? null;
  const loaded = await loadUnsubscribeView(token, { acceptLanguage });
  if (!loaded) return null;
  const { claims, view } = loaded;
  const agent = request.headers["user-agent"]?.slice(0, 512) ?? null;
  return {
    // Every field of the view but the preferences token, which fills its slot.
    key: `u:${JSON.stringify({ ...view, preferencesPath: view.preferencesPath !== null })}`,
    fill: { token, preferencesToken: view.preferencesPath?.slice("/p/".length) ?? null, nonce: null },
    visit: () => noteVisit(claims, agent),
  };
}

async function lookUpShortLink(id: string): Promise<Lookup | null> {
  const target = await resolveShortLink(id);
  if (!target) return null;
  const page = LANDING_TARGET.exec(target);
  return { key: `s:${page ? "u" : "p"}`, fill: { token: page ? page[1] : target.slice("/p/".length), preferencesToken: null, nonce: null } };
}

function fillIn(segments: Segments, fill: Fill): string {
  return segments.map((segment) => (typeof segment === "string" ? segment : (fill[segment.slot] ?? ""))).join("");
}

function replay(answer: Answer, fill: Fill, headOnly: boolean, response: ServerResponse) {
  const body = Buffer.from(fillIn(answer.body, fill));
  response.writeHead(answer.status, [...answer.headers.map(([name, value]) => [name, fillIn(value, fill)]), ["content-length", String(body.length)]].flat());
  response.end(headOnly ? undefined : body);
}

/** Cuts text at every occurrence of the values of `fill`, which become slots. */
function cut(text: string, fill: Fill): Segments {
  const values = SLOTS.flatMap((slot) => (fill[slot] ? [[slot, fill[slot]] as const] : []));
  if (values.length === 0) return [text];
  const pattern = new RegExp(values.map(([, value]) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  const segments: Segments = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    segments.push(text.slice(last, match.index), { slot: values.find(([, value]) => value === match[0])![0] });
    last = match.index + match[0].length;
  }
  segments.push(text.slice(last));
  return segments;
}

/**
 * Lets Next answer (uncompressed: the answer is kept as text) while keeping a copy, and turns the copy
 * into an Answer: null when it is not one to replay (not 200 or 303, a cookie, no token in it).
 */
async function learn(next: () => Promise<void>, fill: Fill, response: ServerResponse, request: IncomingMessage): Promise<Answer | null> {
  delete request.headers["accept-encoding"];
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === "string" || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = response.write;
  const end = response.end;
  response.write = function (...args: unknown[]) {
    keep(args[0]);
    return Reflect.apply(write, this, args);
  };
  response.end = function (...args: unknown[]) {
    if (typeof args[0] !== "function") keep(args[0]);
    return Reflect.apply(end, this, args);
  };
  const finished = new Promise<boolean>((resolve) => {
    response.once("finish", () => resolve(true));
    response.once("close", () => resolve(response.writableFinished));
  });
  await next();
  if (!(await finished)) return null;
  const headers = response.getHeaders();
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(headers["content-security-policy"] ?? ""))?.[1];
  const body = Buffer.concat(chunks).toString("utf8");
  if (![200, 303].includes(response.statusCode) || headers["set-cookie"] || headers["content-encoding"] || !nonce) return null;
  const slots = { ...fill, nonce };
  const kept: [string, Segments][] = Object.entries(headers)
    .filter(([name]) => !UNKEPT_HEADERS.has(name))
    .flatMap(([name, value]) => [value ?? []].flat().map((one): [string, Segments] => [name, cut(String(one), slots)]));
  const where = response.statusCode === 303 ? kept.map(([, value]) => value) : [cut(body, slots)];
  // The token must have been found where it belongs, or this is not the answer for this link.
  if (!where.some((segments) => segments.some((segment) => typeof segment !== "string" && segment.slot === "token"))) return null;
  return { status: response.statusCode, headers: kept, body: cut(body, slots), until: Date.now() + ANSWER_TTL_MS };
}
