import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { sourceDigest } from "@/scripts/build-if-stale";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { CHANGES, createTestWorkspace, signTestLink } from "@/tests/helpers/fixtures";

// Two instances built separately from the same sources, as two machines behind a load balancer build
// them: a form that one rendered must work when its post lands on the other. (One more `npm run build`,
// of a copy of this app in a folder of its own: the slowest file of the suite.)

const run = promisify(execFile);
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "prisma",
  "scripts",
  "next.config.ts",
  "proxy.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
];

let copy: string;
let instances: AppServer[] = [];

beforeAll(async () => {
  // Two builds of the same sources are compared: the suite's own must be of these sources.
  if (readFileSync(".next/source-digest", "utf8") !== sourceDigest()) throw new Error("The build is older than the sources: run `npm run build` first.");
  copy = await mkdtemp(path.join(tmpdir(), "pc-second-build-"));
  for (const entry of SOURCES) await cp(entry, path.join(copy, entry), { recursive: true });
  // Hard links: the same packages without copying them; a real copy where the temporary folder is on another disk.
  const packages = path.join(copy, "node_modules");
  await run("cp", ["-al", "node_modules", packages]).catch(async () => {
    await rm(packages, { recursive: true, force: true });
    await run("cp", ["-a", "node_modules", packages]);
  });
  // As a second machine runs it: the same command, no variable shared with the first build.
  const environment = { ...process.env };
  delete environment.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY;
  await run(process.execPath, ["--import", "tsx", "scripts/build-if-stale.ts"], { cwd: copy, env: environment, maxBuffer: 64 * 1024 * 1024 });
  instances = await Promise.all([startAppServer(), startAppServer({}, { cwd: copy })]);
}, 600_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  if (copy) await rm(copy, { recursive: true, force: true });
});

const ENTITIES: Record<string, string> = { "&quot;": '"', "&amp;": "&", "&#x27;": "'", "&lt;": "<", "&gt;": ">" };
const decodeHtml = (value: string) => value.replace(/&(quot|amp|#x27|lt|gt);/g, (entity) => ENTITIES[entity]);

/** The fields of the first form of a page, as a browser without JavaScript would post them. */
function firstForm(html: string): FormData {
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? "";
  const fields = new FormData();
  for (const input of form.matchAll(/<input([^>]*)\/?>/g)) {
    const name = /\sname="([^"]*)"/.exec(input[1])?.[1];
    if (name) fields.append(decodeHtml(name), decodeHtml(/\svalue="([^"]*)"/.exec(input[1])?.[1] ?? ""));
  }
  return fields;
}

describe("two instances built apart from the same sources", () => {
  it("name every server action alike", async () => {
    const actionIds = async (dir: string) =>
      Object.keys(JSON.parse(await readFile(path.join(dir, ".next/server/server-reference-manifest.json"), "utf8")).node).sort();
    const [first, second] = await Promise.all([actionIds("."), actionIds(copy)]);
    expect(first.length).toBeGreaterThan(10);
    expect(second).toEqual(first);
  });

  it("serve the scripts a page of the other names, under one build id", async () => {
    const [first, second] = await Promise.all([readFile(".next/BUILD_ID", "utf8"), readFile(path.join(copy, ".next/BUILD_ID"), "utf8")]);
    expect(second).toBe(first);
    const [renderer, receiver] = instances;
    const page = await (await fetch(`${renderer.baseUrl}/`)).text();
    const assets = [...new Set([...page.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((match) => decodeHtml(match[1])))];
    expect(assets.length).toBeGreaterThan(0);
    const answers = await Promise.all(assets.map(async (asset) => [asset, (await fetch(`${receiver.baseUrl}${asset}`)).status]));
    expect(answers.filter(([, status]) => status !== 200)).toEqual([]);
  });

  it("take a button's post on the one instance from a page the other rendered", async () => {
    const shop = await createTestWorkspace();
    const token = await signTestLink(shop, { purpose: "unsubscribe" });
    const [renderer, receiver] = instances;
    const page = await fetch(`${renderer.baseUrl}/u/${token}`);
    expect(page.status).toBe(200);
    const form = firstForm(await page.text());
    expect([...form.keys()].some((name) => name.startsWith("$ACTION_"))).toBe(true);

    const posted = await fetch(`${receiver.baseUrl}/u/${token}`, { method: "POST", body: form, headers: { origin: receiver.baseUrl }, redirect: "manual" });
    expect([posted.status, posted.headers.get("location")]).toEqual([303, `/u/${token}`]);
    const events = await db().consentEvent.findMany({ where: { contactId: shop.contact.id, ...CHANGES } });
    expect(events.map((event) => [event.action, event.source])).toEqual([["unsubscribe", "landing_page"]]);
  });
});
