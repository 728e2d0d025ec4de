import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { changeSubscription, getContactPreferences, type ChannelState } from "@/lib/consent/preference-store";
import { signLinkToken } from "@/lib/links/message-links";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { OPT_OUT_REASONS } from "@/lib/pages/opt-out-reason-schema";
import { channelFormChanges } from "@/lib/pages/preference-changes";
import { chooseAlternative, saveChannelPreferences, saveLanguage, saveSurveyAnswer, stopEverything } from "@/lib/pages/preferences-actions";
import { loadSurvey } from "@/lib/pages/preferences-page";
import { channelPreferencesForm } from "@/lib/pages/preferences-schema";
import { FREQUENCIES, PAUSE_CHOICES } from "@/lib/consent/choices";
import { db } from "@/lib/platform/db";
import { translator } from "@/lib/platform/i18n";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { b64urlString, everything, headerText, holds, huge, plausible, tally, text } from "@/tests/helpers/fuzz";
import { redirectOf } from "@/tests/helpers/server-action";

// Fuzzing the preference page's form posts (tests/helpers/fuzz.ts): the form parser, the page's server
// actions and its survey query.

// The preference-page server actions read the request's headers through next/headers, which needs
// Next's request context; here each run supplies them (fuzzed too).
const fakeRequest = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<object>()), headers: async () => fakeRequest.headers }));

const fileValue = fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.string({ maxLength: 10 })).map(([content, name]) => new File([new Uint8Array(content)], name));
/** A form field's value: mostly a right one as the page posts it, sometimes a wrong one, any text, or a file. */
const formValue = (good: fc.Arbitrary<string>, bad: fc.Arbitrary<string> = text) =>
  fc.oneof(
    { weight: 48, arbitrary: good },
    { weight: 2, arbitrary: bad },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: fileValue },
  );
const absentOr = <T>(value: fc.Arbitrary<T>) => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 12, arbitrary: value });

const isoDay = fc
  .date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const formFields = fc.record({
  channel: absentOr(formValue(fc.constantFrom("email", "sms", "whatsapp"), fc.constantFrom("push", "EMAIL"))),
  intent: absentOr(formValue(fc.constantFrom("save", "stop-channel", ""))),
  channelVersion: absentOr(
    formValue(fc.oneof(fc.nat(5).map(String), fc.constantFrom("1e0", "0x1", "", " 2 ")), fc.constantFrom("-1", "1.5", "Infinity", "9007199254740993")),
  ),
  channelOn: absentOr(formValue(fc.constantFrom("on", "off", ""))),
  frequency: absentOr(formValue(fc.constantFrom(...FREQUENCIES))),
  pause: absentOr(formValue(fc.constantFrom(...PAUSE_CHOICES))),
  pauseUntil: absentOr(
    formValue(fc.oneof(isoDay, fc.constantFrom("2024-02-29", "0000-01-01", "0001-01-01", "9999-12-31")), fc.constantFrom("2026-02-30", "2026-1-1")),
  ),
  locale: absentOr(formValue(fc.constantFrom("es", "pt-BR", "it", "en", "xx", "PT"))),
  parent: absentOr(formValue(fc.constantFrom("https://shop.example.com", "javascript:alert(1)"))),
  reason: absentOr(formValue(fc.constantFrom(...OPT_OUT_REASONS))),
  comment: absentOr(formValue(plausible(fc.lorem()), fc.constantFrom(" ".repeat(1_001), "x".repeat(1_001)))),
  topics: fc.array(
    fc.record({
      key: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom("offers", "reminders", "nope", "constructor") },
        fc.constantFrom("__proto__", "hasOwnProperty", "", "a".repeat(65)),
        text,
      ),
      version: formValue(fc.nat(4).map(String)),
      on: absentOr(formValue(fc.constant("on"))),
    }),
    { maxLength: 3 },
  ),
  extra: fc.array(fc.tuple(fc.oneof(text, fc.constantFrom("channel", "topicVersion.offers", "topic.offers", "pause")), formValue(text)), { maxLength: 3 }),
});
type FormFields = typeof formFields extends fc.Arbitrary<infer T> ? T : never;

function toFormData(fields: FormFields): FormData {
  const form = new FormData();
  const { topics, extra, ...named } = fields;
  for (const [name, value] of Object.entries(named)) if (value !== undefined) form.append(name, value);
  for (const topic of topics) {
    form.append(`topicVersion.${topic.key}`, topic.version);
    if (topic.on !== undefined) form.append(`topic.${topic.key}`, topic.on);
  }
  for (const [name, value] of extra) form.append(name, value);
  return form;
}

describe("form posts", () => {
  it("channelPreferencesForm: any form data parses to a valid change or a clean failure", async () => {
    const email: ChannelState = {
      channel: "email",
      reachable: true,
      subscribed: true,
      frequency: "immediate",
      pausedUntil: new Date("2026-06-01T00:00:00Z"),
      paused: true,
      version: 3,
      topics: ["offers", "reminders"].map((key, i) => ({
        id: key,
        key,
        names: { en: key },
        descriptions: {},
        requiresOptIn: i === 0,
        status: i === 0 ? "pending" : "subscribed",
        version: i,
      })),
    };
    await holds(
      "form parsing",
      fc.property(formFields, (fields) => {
        const parsed = channelPreferencesForm.safeParse(toFormData(fields));
        tally("form parsing", parsed.success ? "parsed" : "refused");
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        const data = parsed.data;
        expect(["email", "sms", "whatsapp", "push"]).toContain(data.channel);
        expect(Number.isSafeInteger(data.channelVersion) && data.channelVersion >= 0).toBe(true);
        for (const [key, topic] of Object.entries(data.topics)) {
          expect(key).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
          expect(Number.isSafeInteger(topic.version) && topic.version >= 0).toBe(true);
        }
        for (const change of channelFormChanges(email, data)) {
          if (change.kind === "pause" && change.pausedUntil) expect(Number.isNaN(change.pausedUntil.getTime())).toBe(false);
          if (change.expectedVersion !== undefined) expect(Number.isSafeInteger(change.expectedVersion)).toBe(true);
        }
      }),
      { numRuns: 1000, seconds: 1 },
    );
  });

  it("the preference-page actions: any form, token and bound arguments end in a redirect on the page, never an error; a refused one writes nothing", async () => {
    const shop = await createTestWorkspace();
    const { workspace, contact } = shop;
    await db().workspace.update({ where: { id: workspace.id }, data: { allowedEmbedOrigins: ["https://shop.example.com"] } });
    const token = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "preferences" });
    const wrongPurpose = await signLinkToken({ workspaceId: workspace.id, contactId: contact.id, channel: "email", purpose: "unsubscribe" });
    const optOut = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      topicKey: "reminders",
      status: "unsubscribed",
      evidence: { source: "one_click" },
    });
    await recordFeedbackForEvent(workspace.id, contact.id, optOut.consentEventId!, "too_frequent", null);
    const eventId = fc.oneof({ weight: 4, arbitrary: fc.constant(optOut.consentEventId!) }, fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), text);
    const call = fc.record({
      action: fc.oneof({ weight: 3, arbitrary: fc.constant("save") }, fc.constantFrom("stop", "language", "survey", "alternative")),
      token: fc.oneof(
        { weight: 12, arbitrary: fc.constant(token) },
        fc.constant(wrongPurpose),
        text,
        b64urlString(10, 60).map((s) => `${s}.${s}.${s}${s}`),
      ),
      kind: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("page", "embed") }, text),
      eventId,
      alternativeId: fc.oneof(fc.constantFrom("weekly", "pause", "switch:sms", "switch:whatsapp", "switch:email"), text),
      form: formFields,
      headers: fc.record({
        "accept-language": absentOr(fc.oneof(fc.constantFrom("es", "pt-BR,pt;q=0.9", "*", "it;q=abc"), headerText)),
        "user-agent": absentOr(headerText),
        "x-forwarded-for": absentOr(fc.oneof(fc.ipV4(), headerText)),
      }),
    });
    await holds(
      "preference-page actions",
      fc.asyncProperty(call, async (c) => {
        fakeRequest.headers = new Headers(Object.entries(c.headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
        const form = toFormData(c.form);
        const before = await everything();
        const url = await redirectOf(() => {
          switch (c.action) {
            case "save":
              return saveChannelPreferences(c.token, c.kind, form);
            case "stop":
              return stopEverything(c.token, c.kind, form);
            case "language":
              return saveLanguage(c.token, c.kind, form);
            case "survey":
              return saveSurveyAnswer(c.token, c.kind, c.eventId, form);
            default:
              return chooseAlternative(c.token, c.kind, c.eventId, c.alternativeId, form);
          }
        });
        // Always back to the page itself (no open redirect), and a refusal changes nothing.
        expect(url).toMatch(/^\/(embed\/)?p\//);
        // Whatever was saved, the contact's preferences still read back (no Invalid Date stored).
        const state = (await getContactPreferences(workspace.id, contact.id))!;
        for (const channel of state.channels) expect(channel.pausedUntil === null || Number.isFinite(channel.pausedUntil.getTime())).toBe(true);
        const query = new URL(url, "http://test").searchParams;
        tally(
          "preference-page actions",
          `${c.action} → ${[...query.keys()].filter((key) => key !== "lang" && key !== "parent").join("&") || (query.has("lang") ? "done" : "bad link")}`,
        );
        if (!query.has("lang") || query.get("error") === "invalid" || query.get("reason") === "invalid" || query.has("stale")) {
          expect(await everything()).toEqual(before);
        }
      }),
      { numRuns: 200, seconds: 3.5 },
    );
  });

  it("the preference page's survey query (?survey=…): any value shows the survey or nothing, never an error", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const optOut = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "sms",
      status: "unsubscribed",
      evidence: { source: "one_click" },
    });
    const state = (await getContactPreferences(workspace.id, contact.id))!;
    const survey = fc.oneof(fc.constant(optOut.consentEventId!), fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), text);
    await holds(
      "survey query",
      fc.asyncProperty(survey, async (eventId) => {
        const view = await loadSurvey(state, eventId, translator("en"), "en");
        tally("survey query", view ? "survey" : "none");
        expect(view === null || view.eventId === optOut.consentEventId).toBe(true);
      }),
      { numRuns: 200, seconds: 1 },
    );
  });
});
