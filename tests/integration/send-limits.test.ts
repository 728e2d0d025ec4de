import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { updateTopic } from "@/lib/admin/topic-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

// The send log and what it limits, through the API: caps per channel and topic, the contact's digest
// choice, quiet hours in the contact's zone (or the workspace's), transactional topics exempt.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function setUp() {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id);
  const ws = shop.workspace.id;
  const newContact = async (fields: Record<string, string> = {}) => {
    const response = await api.post("/api/v1/contacts", { email: `${randomUUID()}@example.com`, ...fields });
    expect(response.status).toBe(201);
    return (await response.json()).id as string;
  };
  const send = async (contactIds: string[], at: Date, extra: Record<string, string> = {}) => {
    const response = await api.post("/api/v1/sends", { messageId: `m-${randomUUID()}`, channel: "email", contactIds, sentAt: at.toISOString(), ...extra });
    expect(response.status).toBe(200);
    return response.json();
  };
  const limits = async (sendLimits: unknown, extra: Record<string, unknown> = {}) => {
    const response = await api.patch("/api/v1/workspace", { sendLimits, ...extra });
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
  };
  const check = async (contactIds: string[], topic?: string, channel = "email") => {
    const response = await api.post("/api/v1/sendability", { channel, topic, contactIds });
    expect(response.status).toBe(200);
    return (await response.json()).results;
  };
  return { shop, api, ws, newContact, send, limits, check };
}

/** A fixed-offset zone whose wall clock now reads `hour` o'clock (Etc/GMT-X is UTC+X). */
function zoneAt(hour: number, now = new Date()) {
  let offset = (hour - now.getUTCHours() + 48) % 24;
  if (offset > 14) offset -= 24;
  return { zone: offset === 0 ? "UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`, offset };
}

/** The next instant the wall clock at `offset` hours reads hh:00, today or tomorrow there. */
function nextWallClock(offset: number, hh: number, now = new Date()) {
  const wall = new Date(now.getTime() + offset * HOUR);
  let at = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), hh) - offset * HOUR;
  if (at <= now.getTime()) at += DAY;
  return new Date(at).toISOString();
}

describe("the send log", () => {
  it("logs each live contact of this workspace once and gives back the ids it could not log", async () => {
    const { shop, api, ws, newContact } = await setUp();
    const other = await createTestWorkspace();
    const second = await newContact();
    const unknown = randomUUID();
    const response = await api.post("/api/v1/sends", {
      messageId: "spring-sale",
      channel: "email",
      topic: "offers",
      contactIds: [shop.contact.id, unknown, shop.contact.id, other.contact.id, second],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recorded: 2, unknownContactIds: [unknown, other.contact.id] });
    const rows = await db().send.findMany({ where: { workspaceId: ws }, orderBy: { contactId: "asc" } });
    expect(rows.map((r) => [r.contactId, r.channel, r.topicId, r.messageId])).toEqual(
      [shop.contact.id, second].sort().map((id) => [id, "email", shop.topics.offers.id, "spring-sale"]),
    );
    expect(Math.abs(rows[0].sentAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await db().send.count({ where: { workspaceId: other.workspace.id } })).toBe(0);
  });

  it("refuses a bad batch with the field named, and logs nothing", async () => {
    const { shop, api, ws } = await setUp();
    const base = { messageId: "m1", channel: "email", contactIds: [shop.contact.id] };
    const cases: [unknown, number, RegExp][] = [
      [{ ...base, sentAt: new Date(Date.now() + HOUR).toISOString() }, 400, /^sentAt: must not be in the future/],
      [{ ...base, sentAt: new Date(Date.now() - 100 * DAY).toISOString() }, 400, /^sentAt: must be within the last 90 days/],
      [{ ...base, sentAt: "yesterday" }, 400, /^sentAt: must be an ISO 8601/],
      [{ ...base, messageId: "" }, 400, /^messageId: /],
      [{ ...base, contactIds: Array.from({ length: 10_001 }, () => randomUUID()) }, 400, /at most 10000/],
      [{ ...base, topic: "nope" }, 404, /no topic "nope"/],
      [{ ...base, channel: "push" }, 422, /"push" is not enabled/],
    ];
    for (const [body, status, message] of cases) {
      const response = await api.post("/api/v1/sends", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    expect(await db().send.count({ where: { workspaceId: ws } })).toBe(0);
  });
});

describe("frequency caps", () => {
  it("caps a channel in a rolling window, retrying when the oldest counted send leaves it", async () => {
    const { ws, newContact, send, limits, check } = await setUp();
    await limits({ frequencyCaps: [{ channel: "email", max: 3, windowHours: 168 }], quietHours: [] });
    const now = Date.now();
    const busy = await newContact({ phone: "+14155550122" });
    const calm = await newContact();
    await send([busy, calm], new Date(now - 8 * DAY)); // outside the window: counts for nothing
    await send([busy, calm], new Date(now - 5 * DAY));
    await send([busy, calm], new Date(now - 3 * DAY));
    await send([busy], new Date(now - DAY));
    const retryAfter = new Date(now - 5 * DAY + 7 * DAY).toISOString();
    expect(await check([busy, calm])).toEqual([
      { contactId: busy, sendable: false, reason: "frequency_capped", retryAfter },
      { contactId: calm, sendable: true },
    ]);
    // Any marketing topic on the channel counts against the channel's cap; SMS has none.
    expect((await check([busy], "reminders"))[0].reason).toBe("frequency_capped");
    expect((await check([busy], "reminders", "sms"))[0]).toEqual({ contactId: busy, sendable: true });
    // The window rolls: once the oldest of the three is older than 7 days, the contact may be sent to again.
    const [later] = await checkSendability(ws, "email", undefined, [busy], new Date(Date.parse(retryAfter) + 1));
    expect(later).toEqual({ contactId: busy, sendable: true });
    const [before] = await checkSendability(ws, "email", undefined, [busy], new Date(Date.parse(retryAfter) - 1000));
    expect(before.sendable).toBe(false);

    // Consent comes first: someone who opted out is an opt-out, whatever their sends.
    await changeSubscription({ workspaceId: ws, contactId: busy, channel: "email", status: "unsubscribed", evidence: { source: "api" } });
    expect((await check([busy]))[0]).toEqual({ contactId: busy, sendable: false, reason: "channel_opt_out" });
  });

  it("caps a topic on its own, and exempts transactional topics from caps, whose sends count for nothing", async () => {
    const { shop, ws, newContact, send, limits, check } = await setUp();
    await limits({
      frequencyCaps: [
        { channel: "email", topic: "reminders", max: 1, windowHours: 24 },
        { channel: "email", max: 2, windowHours: 24 },
      ],
      quietHours: [],
    });
    const reminded = await newContact();
    const sentAt = new Date(Date.now() - 2 * HOUR);
    await send([reminded], sentAt, { topic: "reminders" });
    expect(await check([reminded], "reminders")).toEqual([
      { contactId: reminded, sendable: false, reason: "frequency_capped", retryAfter: new Date(sentAt.getTime() + DAY).toISOString() },
    ]);
    // Other mail is under the channel's cap of 2.
    expect((await check([reminded]))[0].sendable).toBe(true);

    // Transactional: exempt, and its sends leave the channel's cap alone.
    await updateTopic(ws, shop.topics.reminders.id, { ...shop.topics.reminders, kind: "transactional" });
    expect((await check([reminded], "reminders"))[0]).toEqual({ contactId: reminded, sendable: true });
    const receipts = await newContact();
    await send([receipts], new Date(Date.now() - HOUR), { topic: "reminders" });
    await send([receipts], new Date(Date.now() - HOUR), { topic: "reminders" });
    await send([receipts], new Date(Date.now() - HOUR), { topic: "reminders" });
    expect((await check([receipts]))[0].sendable).toBe(true);
  });

  it("turns the contact's daily or weekly digest into a cap on marketing for that channel", async () => {
    const { api, newContact, send, check } = await setUp();
    const daily = await newContact();
    const weekly = await newContact();
    const immediate = await newContact();
    for (const [id, frequency] of [
      [daily, "daily"],
      [weekly, "weekly"],
    ]) {
      const response = await api.patch(`/api/v1/contacts/${id}/preferences`, { changes: [{ channel: "email", frequency }] });
      expect(response.status).toBe(200);
    }
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
    const threeDaysAgo = new Date(Date.now() - 3 * DAY);
    await send([daily, immediate], twoHoursAgo);
    await send([weekly, immediate], threeDaysAgo);
    expect(await check([daily, weekly, immediate])).toEqual([
      { contactId: daily, sendable: false, reason: "frequency_capped", retryAfter: new Date(twoHoursAgo.getTime() + DAY).toISOString() },
      { contactId: weekly, sendable: false, reason: "frequency_capped", retryAfter: new Date(threeDaysAgo.getTime() + 7 * DAY).toISOString() },
      { contactId: immediate, sendable: true },
    ]);
    // A daily digest last sent more than a day ago may have the next one.
    const yesterday = await newContact();
    await api.patch(`/api/v1/contacts/${yesterday}/preferences`, { changes: [{ channel: "email", frequency: "daily" }] });
    await send([yesterday], new Date(Date.now() - 25 * HOUR));
    expect((await check([yesterday]))[0].sendable).toBe(true);
  });
});

describe("quiet hours", () => {
  it("hold a contact in their own zone, across midnight, or the workspace's zone when theirs is unknown", async () => {
    const { api, newContact, limits, check } = await setUp();
    const lateEvening = zoneAt(23);
    const morning = zoneAt(11);
    await limits(
      {
        frequencyCaps: [],
        quietHours: [
          { channel: "email", start: "22:00", end: "06:00" },
          { channel: "sms", start: "10:00", end: "12:00" },
        ],
      },
      { timeZone: lateEvening.zone },
    );
    const own = await newContact({ timeZone: lateEvening.zone });
    const awake = await newContact({ timeZone: morning.zone, phone: "+14155550111" });
    const unknownZone = await newContact();
    const endOfNight = nextWallClock(lateEvening.offset, 6);
    expect(await check([own, awake, unknownZone])).toEqual([
      { contactId: own, sendable: false, reason: "quiet_hours", retryAfter: endOfNight },
      { contactId: awake, sendable: true },
      { contactId: unknownZone, sendable: false, reason: "quiet_hours", retryAfter: endOfNight },
    ]);
    // A window within one day, on SMS: 10:00 to 12:00 where it is 11 now.
    expect(await check([awake], undefined, "sms")).toEqual([
      { contactId: awake, sendable: false, reason: "quiet_hours", retryAfter: nextWallClock(morning.offset, 12) },
    ]);

    // The audience leaves out whoever is in quiet hours now.
    const audience = await api.get("/api/v1/audience?channel=email");
    const ids = (await audience.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).contactId);
    expect(ids).toContain(awake);
    expect(ids).not.toContain(own);
    expect(ids).not.toContain(unknownZone);
  });

  it("end at the local hour on a day the clocks change", async () => {
    const { ws, newContact, limits } = await setUp();
    await limits({ frequencyCaps: [], quietHours: [{ channel: "email", start: "21:00", end: "08:00" }] });
    const newYork = await newContact({ timeZone: "America/New_York" });
    const madrid = await newContact({ timeZone: "Europe/Madrid" });
    // New York springs forward at 02:00 on 8 March 2026: 08:00 that morning is EDT, 12:00 UTC (not 13:00).
    const [spring] = await checkSendability(ws, "email", undefined, [newYork], new Date("2026-03-08T05:30:00Z"));
    expect(spring).toEqual({ contactId: newYork, sendable: false, reason: "quiet_hours", retryAfter: "2026-03-08T12:00:00.000Z" });
    // Madrid falls back at 03:00 on 25 October 2026: 08:00 that morning is CET, 07:00 UTC (not 06:00).
    const [autumn] = await checkSendability(ws, "email", undefined, [madrid], new Date("2026-10-24T23:30:00Z"));
    expect(autumn).toEqual({ contactId: madrid, sendable: false, reason: "quiet_hours", retryAfter: "2026-10-25T07:00:00.000Z" });
    // Before 21:00 there, sendable.
    const [evening] = await checkSendability(ws, "email", undefined, [madrid], new Date("2026-10-24T18:30:00Z"));
    expect(evening.sendable).toBe(true);
  });

  it("do not hold a transactional topic, and a cap takes precedence over them", async () => {
    const { shop, ws, newContact, send, limits, check } = await setUp();
    const night = zoneAt(2);
    await limits({ frequencyCaps: [{ channel: "email", max: 1, windowHours: 24 }], quietHours: [{ channel: "email", start: "22:00", end: "06:00" }] });
    const sleeper = await newContact({ timeZone: night.zone });
    await updateTopic(ws, shop.topics.reminders.id, { ...shop.topics.reminders, kind: "transactional" });
    expect((await check([sleeper], "reminders"))[0]).toEqual({ contactId: sleeper, sendable: true });
    expect((await check([sleeper]))[0].reason).toBe("quiet_hours");
    const sentAt = new Date(Date.now() - HOUR);
    await send([sleeper], sentAt);
    expect((await check([sleeper]))[0]).toEqual({
      contactId: sleeper,
      sendable: false,
      reason: "frequency_capped",
      retryAfter: new Date(sentAt.getTime() + DAY).toISOString(),
    });
  });
});

describe("the settings, through the API", () => {
  it("are read back as saved, and bad ones are refused with the field named, changing nothing", async () => {
    const { api } = await setUp();
    const saved = {
      frequencyCaps: [{ channel: "email", topic: "offers", max: 2, windowHours: 72 }],
      quietHours: [{ channel: "sms", start: "21:00", end: "08:00" }],
    };
    expect((await api.patch("/api/v1/workspace", { timeZone: "Europe/Madrid", sendLimits: saved })).status).toBe(200);
    const read = async () => (await api.get("/api/v1/workspace")).json();
    expect(await read()).toMatchObject({ timeZone: "Europe/Madrid", sendLimits: saved });

    const cap = (fields: object) => ({ sendLimits: { frequencyCaps: [{ channel: "email", max: 3, windowHours: 168, ...fields }], quietHours: [] } });
    const quiet = (fields: object) => ({ sendLimits: { frequencyCaps: [], quietHours: [{ channel: "email", start: "21:00", end: "08:00", ...fields }] } });
    const cases: [unknown, number, RegExp][] = [
      [{ timeZone: "Mars/Olympus_Mons" }, 400, /^timeZone: must be an IANA time zone/],
      [{ timeZone: "+01:00" }, 400, /^timeZone: must be an IANA time zone/],
      [quiet({ start: "25:00" }), 400, /^sendLimits\.quietHours\.0\.start: must be a time of day/],
      [quiet({ end: "8am" }), 400, /^sendLimits\.quietHours\.0\.end: must be a time of day/],
      [quiet({ end: "21:00" }), 400, /start and end must differ/],
      [cap({ max: 0 }), 400, /^sendLimits\.frequencyCaps\.0\.max: must be at least 1/],
      [cap({ windowHours: 24 * 91 }), 400, /^sendLimits\.frequencyCaps\.0\.windowHours: must be at most 2160/],
      [
        { sendLimits: { frequencyCaps: [cap({}).sendLimits.frequencyCaps[0], cap({}).sendLimits.frequencyCaps[0]], quietHours: [] } },
        400,
        /one cap per channel/,
      ],
      [cap({ topic: "nope" }), 404, /no topic "nope"/],
      [cap({ channel: "whatsapp", topic: "reminders" }), 422, /not sent on the channel "whatsapp"/],
    ];
    for (const [body, status, message] of cases) {
      const response = await api.patch("/api/v1/workspace", body);
      expect(response.status, JSON.stringify(body).slice(0, 100)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    expect(await read()).toMatchObject({ timeZone: "Europe/Madrid", sendLimits: saved });
  });

  it("contacts take a time zone, give it back, and refuse one that is not", async () => {
    const { api } = await setUp();
    const created = await api.post("/api/v1/contacts", { email: `${randomUUID()}@example.com`, timeZone: "America/Sao_Paulo" });
    const contact = await created.json();
    expect(contact.timeZone).toBe("America/Sao_Paulo");
    const moved = await api.post("/api/v1/contacts", { email: contact.email, timeZone: "Asia/Tokyo" });
    expect((await moved.json()).timeZone).toBe("Asia/Tokyo");
    expect((await (await api.get(`/api/v1/contacts/${contact.id}`)).json()).timeZone).toBe("Asia/Tokyo");
    const bad = await api.post("/api/v1/contacts", { email: contact.email, timeZone: "Nowhere/Land" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^timeZone: must be an IANA time zone/);
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).timeZone).toBe("Asia/Tokyo");
  });
});
