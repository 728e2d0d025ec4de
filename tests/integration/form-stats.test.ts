import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lastDays } from "@/lib/admin/analytics-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChanges } from "@/lib/consent/preference-store";
import { contactTimeline, createContact } from "@/lib/contacts/contact-store";
import { exportContact } from "@/lib/contacts/gdpr-store";
import { channelConsent, type FormChannel } from "@/lib/forms/form-content";
import { consentsByVersion, formOverTime, formsSummary, formTotals } from "@/lib/forms/form-stats-store";
import { createForm, saveForm } from "@/lib/forms/form-store";
import { db } from "@/lib/platform/db";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { CONFIRMATION_SETTINGS, testFormContent, testFormSettings } from "@/tests/helpers/forms";

const DAY_MS = 86_400_000;

// Far east of UTC, so a day bucket read back in the server's local time would land on the day before.
process.env.TZ = "Pacific/Kiritimati";

type Submission = {
  formId: string;
  version: number;
  locale?: "en" | "es";
  topics: { channel: FormChannel; topic: string; status: "pending" | "subscribed" }[];
};

/** One submission of a form, as the form's page records it: one entry per ticked topic, one submission id. */
async function submit(workspaceId: string, contactId: string, { formId, version, locale = "en", topics }: Submission) {
  const content = testFormContent();
  const submissionId = randomUUID();
  await applyPreferenceChanges(
    workspaceId,
    contactId,
    topics.map(({ channel, topic, status }) => ({ kind: "subscription" as const, channel, topicKey: topic, status })),
    (change): ConsentEvidence => ({
      source: "form",
      ip: "203.0.113.7",
      userAgent: "Mozilla/5.0",
      locale,
      wordingHash: channelConsent(content, locale, change.channel as FormChannel).hash,
      details: { form: { id: formId, version, submissionId, embeddedOn: "https://shop.example/signup" } },
    }),
  );
}

/** The person's own confirmation (or not): pending → subscribed by the email button or an SMS reply. */
async function confirm(
  workspaceId: string,
  contactId: string,
  channel: FormChannel,
  topic: string,
  source: ConsentEvidence["source"],
  status: "subscribed" | "unsubscribed" = "subscribed",
) {
  await applyPreferenceChanges(workspaceId, contactId, [{ kind: "subscription", channel, topicKey: topic, status }], { source });
}

async function recordViews(workspaceId: string, formId: string, day: Date, views: number) {
  await db().signupFormView.create({ data: { workspaceId, formId, day, views } });
}

describe("a sign-up form's figures", () => {
  it("count views, submissions, confirmations per channel and per wording version, for this form and workspace only", async () => {
    const shop = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
    const other = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
    const ws = shop.workspace.id;
    const range = lastDays(7);
    const today = new Date(range.to.getTime() - DAY_MS);
    const { id: formId } = await createForm(ws, testFormSettings(), null);
    const { id: otherFormId } = await createForm(ws, testFormSettings({ name: "Checkout" }), null);
    const reworded = testFormContent();
    reworded.wording.en!.consent.email = "Email me offers weekly.";
    await saveForm(ws, formId, testFormSettings({ content: reworded }), null);

    await recordViews(ws, formId, today, 40);
    await recordViews(ws, formId, new Date(today.getTime() - 2 * DAY_MS), 10);
    await recordViews(ws, formId, new Date(range.from.getTime() - DAY_MS), 500); // before the period
    await recordViews(ws, otherFormId, today, 7);

    const people = [];
    for (let i = 0; i < 4; i++) people.push((await createContact(ws, { email: `p${i}@example.com`, phone: `+1415555010${i}` })).id);
    // p0 (version 1): email offers and SMS offers, both to confirm; confirms email by the button and SMS by YES.
    await submit(ws, people[0], {
      formId,
      version: 1,
      topics: [
        { channel: "email", topic: "offers", status: "pending" },
        { channel: "sms", topic: "offers", status: "pending" },
      ],
    });
    await confirm(ws, people[0], "email", "offers", "double_opt_in");
    await confirm(ws, people[0], "sms", "offers", "sms_keyword");
    // p1 (version 2): email to confirm, never confirmed (it lapses: double_opt_in, but to unsubscribed).
    await submit(ws, people[1], { formId, version: 2, locale: "es", topics: [{ channel: "email", topic: "offers", status: "pending" }] });
    await confirm(ws, people[1], "email", "offers", "double_opt_in", "unsubscribed");
    // p2 (version 2): email to confirm, then subscribed by an admin: that is not the person's confirmation.
    await submit(ws, people[2], { formId, version: 2, topics: [{ channel: "email", topic: "offers", status: "pending" }] });
    await confirm(ws, people[2], "email", "offers", "admin");
    // p3 (version 2): email offers at once (no confirmation asked), and SMS offers, confirmed by a reply.
    await submit(ws, people[3], {
      formId,
      version: 2,
      topics: [
        { channel: "email", topic: "offers", status: "subscribed" },
        { channel: "sms", topic: "offers", status: "pending" },
      ],
    });
    await confirm(ws, people[3], "sms", "offers", "sms_keyword");
    // The other form, and another workspace naming this form's id: neither counts here.
    await submit(ws, people[1], { formId: otherFormId, version: 1, topics: [{ channel: "sms", topic: "offers", status: "pending" }] });
    await submit(other.workspace.id, other.contact.id, { formId, version: 1, topics: [{ channel: "email", topic: "offers", status: "pending" }] });

    expect(await formTotals(ws, formId, range)).toEqual({
      views: 50,
      submissions: 4,
      byChannel: [
        { channel: "email", consents: 4, subscribedAtOnce: 1, pending: 3, confirmed: 1 },
        { channel: "sms", consents: 2, subscribedAtOnce: 0, pending: 2, confirmed: 2 },
      ],
    });
    expect(await consentsByVersion(ws, formId, range)).toEqual([
      { version: 2, channel: "email", consents: 3, subscribedAtOnce: 1, pending: 2, confirmed: 0 },
      { version: 2, channel: "sms", consents: 1, subscribedAtOnce: 0, pending: 1, confirmed: 1 },
      { version: 1, channel: "email", consents: 1, subscribedAtOnce: 0, pending: 1, confirmed: 1 },
      { version: 1, channel: "sms", consents: 1, subscribedAtOnce: 0, pending: 1, confirmed: 1 },
    ]);
    const day = (date: Date) => date.toISOString().slice(0, 10);
    expect(await formOverTime(ws, formId, range, "day")).toEqual([
      { period: day(new Date(today.getTime() - 2 * DAY_MS)), views: 10, submissions: 0, pending: 0, confirmed: 0 },
      { period: day(today), views: 40, submissions: 4, pending: 5, confirmed: 3 },
    ]);
    expect(await formsSummary(ws, [formId, otherFormId], range)).toEqual(
      new Map([
        [formId, { views: 50, submissions: 4, pending: 5, confirmed: 3 }],
        [otherFormId, { views: 7, submissions: 1, pending: 1, confirmed: 0 }],
      ]),
    );
    // A period that ended before: nothing.
    expect(await formTotals(ws, formId, { from: new Date(range.from.getTime() - 7 * DAY_MS), to: range.from })).toEqual({
      views: 500,
      submissions: 0,
      byChannel: [],
    });

    // The contact's timeline names the form and the version; the export carries the wording of that version, in that language.
    const timeline = await contactTimeline(ws, people[1]);
    expect(timeline.filter((e) => e.source === "form").map((e) => e.form)).toEqual([
      { id: otherFormId, version: 1, name: "Checkout" },
      { id: formId, version: 2, name: "Newsletter footer" },
    ]);
    const exported = await exportContact(ws, people[1]);
    const formEntries = exported!.ledger.filter((e) => e.source === "form");
    expect(formEntries.map((e) => [e.channel, e.locale, e.form?.name, e.form?.version, e.form?.wording, e.wordingHash])).toEqual([
      ["email", "es", "Newsletter footer", 2, "Envíame ofertas por email.", channelConsent(reworded, "es", "email").hash],
      ["sms", "en", "Checkout", 1, "Text me offers and reminders. Msg & data rates may apply.", channelConsent(testFormContent(), "en", "sms").hash],
    ]);
    expect(formEntries[0].form).toMatchObject({ id: formId, embeddedOn: "https://shop.example/signup" });
    const p0 = await exportContact(ws, people[0]);
    expect(p0!.ledger.filter((e) => e.source === "form").map((e) => e.form?.wording)).toEqual([
      "Email me offers. Unsubscribe any time.",
      "Text me offers and reminders. Msg & data rates may apply.",
    ]);
    expect(p0!.ledger.find((e) => e.source === "double_opt_in")).not.toHaveProperty("form");
  });
});
