import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { adminSession, formPoster } from "@/tests/helpers/server-action";

// Settings → Sending limits, posted as the browser posts it through the built app: an owner saves, a
// bad zone or hour is the form's message and changes nothing, a viewer changes nothing.

const ACTION = "lib/admin/admin-actions.ts#saveSendingAction";

let app: AppServer;
let post: ReturnType<typeof formPoster>;
let shop: Awaited<ReturnType<typeof createTestWorkspace>>;
const cookies = { owner: "", viewer: "" };

beforeAll(async () => {
  app = await startAppServer();
  post = formPoster(app.baseUrl);
  shop = await createTestWorkspace();
  cookies.owner = await adminSession(shop.workspace.id, "owner");
  cookies.viewer = await adminSession(shop.workspace.id, "viewer");
});

afterAll(async () => {
  await app?.stop();
});

const settings = () => `/admin/${shop.workspace.id}/settings`;
const location = (answer: Response) => decodeURIComponent(answer.headers.get("location") ?? "");
const stored = () => db().workspace.findUniqueOrThrow({ where: { id: shop.workspace.id }, select: { timeZone: true, sendLimits: true } });
const fields = {
  timeZone: "America/Sao_Paulo",
  "cap.email.max": "3",
  "cap.email.hours": "168",
  "cap.sms.max": "",
  "cap.sms.hours": "168",
  "cap.email.offers.max": "1",
  "cap.email.offers.hours": "48",
  "quiet.email.start": "21:00",
  "quiet.email.end": "08:00",
  "quiet.sms.start": "",
  "quiet.sms.end": "",
};

describe("the sending limits form", () => {
  it("saves an owner's time zone, caps and quiet hours; blank rows are no limit", async () => {
    const answer = await post(settings(), ACTION, [shop.workspace.id], fields, { cookie: cookies.owner });
    expect([answer.status, location(answer)]).toEqual([303, `${settings()}?saved=sending`]);
    expect(await stored()).toEqual({
      timeZone: "America/Sao_Paulo",
      sendLimits: {
        frequencyCaps: [
          { channel: "email", max: 3, windowHours: 168 },
          { channel: "email", topic: "offers", max: 1, windowHours: 48 },
        ],
        quietHours: [{ channel: "email", start: "21:00", end: "08:00" }],
      },
    });
    const page = await (await fetch(`${app.baseUrl}${settings()}`, { headers: { cookie: cookies.owner } })).text();
    expect(page).toContain('value="America/Sao_Paulo"');
    expect(page).toContain('value="21:00"');
  });

  it("answers a bad zone, hour or topic with the form's message, and changes nothing", async () => {
    const before = await stored();
    const cases: [Record<string, string>, RegExp][] = [
      [{ timeZone: "Atlantis/Capital" }, /error=timeZone: must be an IANA time zone/],
      [{ "quiet.email.end": "24:00" }, /error=sendLimits\.quietHours\.0\.end: must be a time of day/],
      [{ "cap.email.hours": "0" }, /error=sendLimits\.frequencyCaps\.0\.windowHours: must be at least 1 hour/],
      [{ "cap.whatsapp.reminders.max": "2", "cap.whatsapp.reminders.hours": "24" }, /error=The topic "reminders" is not sent on the channel "whatsapp"/],
    ];
    for (const [change, message] of cases) {
      const answer = await post(settings(), ACTION, [shop.workspace.id], { ...fields, ...change }, { cookie: cookies.owner });
      expect(answer.status).toBe(303);
      expect(location(answer)).toMatch(message);
    }
    const viewer = await post(settings(), ACTION, [shop.workspace.id], { ...fields, timeZone: "UTC" }, { cookie: cookies.viewer });
    expect(location(viewer)).toBe(`${settings()}?error=forbidden`);
    expect(await stored()).toEqual(before);
  });
});
