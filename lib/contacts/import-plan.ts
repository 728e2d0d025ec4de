import { timeOrderedUuid } from "@/lib/platform/time-ordered-uuid";
import type { Channel, SubscriptionStatus } from "@/lib/generated/prisma/enums";
import type { ContactDefaults } from "@/lib/consent/defaults-store";
import type { LedgerEntryInput } from "@/lib/consent/ledger-store";
import type { ImportRow, Rejection } from "@/lib/contacts/import-rows";

// What a chunk of an import changes, decided here from what the database holds, without touching it
// (lib/contacts/import-store.ts reads before and writes after). A row is applied whole or not at all, with
// the rules of POST /api/v1/contacts: matched by external id, else email, phone, WhatsApp id; an address
// of another contact is a conflict; a subscription already in place changes nothing and writes no
// ledger entry, so a second run of the same file changes nothing. Beyond them, an import never undoes an
// opt-out recorded here, and never touches a suppressed address (one the row gives, or one the contact
// has where the row subscribes it): such a row is rejected, with why.

export type KnownContact = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  whatsappId: string | null;
  locale: string | null;
  timeZone: string | null;
  /** The contact's own choices: channel → subscribed, `channel:topicId` → status. */
  channels: Map<Channel, boolean>;
  topics: Map<string, SubscriptionStatus>;
  defaults: ContactDefaults;
};

export type ChunkContext = {
  importId: string;
  workspaceId: string;
  /** The chunk's time: new contacts' creation, every ledger entry's. */
  now: Date;
  enabledChannels: readonly Channel[];
  topics: Map<string, { id: string; channels: readonly Channel[]; live: boolean }>;
  /** The contacts the chunk's rows may match, live ones only. */
  contacts: KnownContact[];
  /** What a contact created now receives by default, as its creation entry lists it. */
  defaultsNow: { channel: Channel; topic: string | null }[];
  /** Whether the address is suppressed on its channel (email, sms for a phone, whatsapp). */
  isSuppressed: (channel: Channel, address: string) => boolean;
};

export type Outcome = "created" | "updated" | "unchanged" | "rejected";

export type ChunkPlan = {
  outcomes: Record<Outcome, number>;
  rejections: { line: number; rejection: Rejection }[];
  newContacts: KnownContact[];
  updatedContacts: KnownContact[];
  channelRows: { contactId: string; channel: Channel; subscribed: boolean }[];
  topicRows: { contactId: string; channel: Channel; topicId: string; status: SubscriptionStatus }[];
  ledger: LedgerEntryInput[];
};

const MATCH_ORDER = ["externalId", "email", "phone", "whatsappId"] as const;
const ADDRESS_CHANNELS = [
  ["email", "email"],
  ["phone", "sms"],
  ["whatsappId", "whatsapp"],
] as const satisfies readonly (readonly [keyof ImportRow, Channel])[];

const topicKey = (channel: Channel, topicId: string) => `${channel}:${topicId}`;

export function planImportChunk(context: ChunkContext, rows: { line: number; row: ImportRow }[]): ChunkPlan {
  const { importId, workspaceId, now } = context;
  const index = { externalId: new Map<string, KnownContact>(), email: new Map(), phone: new Map(), whatsappId: new Map() } satisfies Record<
    (typeof MATCH_ORDER)[number],
    Map<string, KnownContact>
  >;
  const place = (contact: KnownContact) => {
    for (const field of MATCH_ORDER) {
      const value = contact[field];
      // The first of several contacts sharing a phone number (ids in order) is the one matched.
      if (value !== null && !index[field].has(value)) index[field].set(value, contact);
    }
  };
  context.contacts.forEach(place);
  const newDefaults: ContactDefaults = {
    channels: new Set(context.defaultsNow.filter((d) => !d.topic).map((d) => d.channel)),
    topics: new Set(context.defaultsNow.flatMap((d) => (d.topic ? [topicKey(d.channel, d.topic)] : []))),
  };

  const plan: ChunkPlan = {
    outcomes: { created: 0, updated: 0, unchanged: 0, rejected: 0 },
    rejections: [],
    newContacts: [],
    updatedContacts: [],
    channelRows: [],
    topicRows: [],
    ledger: [],
  };
  const updated = new Set<KnownContact>();
  const channelRows = new Map<string, { contact: KnownContact; channel: Channel }>();
  const topicRows = new Map<string, { contact: KnownContact; channel: Channel; topicId: string }>();

  const entry = (contact: KnownContact, fields: Pick<LedgerEntryInput, "channel" | "topicId" | "action" | "previousStatus" | "newStatus" | "evidence">) =>
    plan.ledger.push({ id: timeOrderedUuid(), createdAt: now, workspaceId, contactId: contact.id, ...fields });

  for (const { line, row } of rows) {
    const reject = (code: string, message: string) => {
      plan.outcomes.rejected += 1;
      plan.rejections.push({ line, rejection: { code, message } });
    };
    const field = MATCH_ORDER.find((name) => row[name] !== undefined)!;
    const contact = index[field].get(row[field]!);
    const taken = (["externalId", "email"] as const).find((name) => {
      const owner = row[name] === undefined ? undefined : index[name].get(row[name]);
      return owner !== undefined && owner !== contact;
    });
    if (taken) {
      reject("conflict", `the ${taken === "email" ? "email address" : "external id"} belongs to another contact in this workspace`);
      continue;
    }
    // The row's own addresses, and those the contact keeps where the row subscribes it: a row matched by
    // its external id alone must not subscribe an email address that bounced or a number that was stopped.
    const suppressed = ADDRESS_CHANNELS.find(([name, channel]) => {
      const address = row[name] ?? (row.subscriptions.some((s) => s.channel === channel && s.status === "subscribed") ? contact?.[name] : null);
      return typeof address === "string" && context.isSuppressed(channel, address);
    });
    if (suppressed) {
      reject(
        "suppressed",
        `the ${suppressed[1] === "email" ? "email address" : suppressed[1] === "sms" ? "phone number" : "WhatsApp id"} is suppressed in this workspace (erased, bounced or stopped): it stays so`,
      );
      continue;
    }
    const scopeProblem = row.subscriptions
      .map((s) => {
        if (!context.enabledChannels.includes(s.channel)) return `the ${s.channel} channel is not enabled in this workspace`;
        if (!s.topic) return null;
        const topic = context.topics.get(s.topic);
        if (!topic || !topic.live) return `there is no topic ${s.topic}`;
        return topic.channels.includes(s.channel) ? null : `the topic ${s.topic} is not sent on ${s.channel}`;
      })
      .find((problem) => problem !== null);
    if (scopeProblem) {
      reject("invalid_scope", scopeProblem);
      continue;
    }
    const optedOut = contact
      ? row.subscriptions.find(
          (s) =>
            s.status === "subscribed" &&
            (contact.channels.get(s.channel) === false ||
              (s.topic && contact.topics.get(topicKey(s.channel, context.topics.get(s.topic)!.id)) === "unsubscribed")),
        )
      : undefined;
    if (optedOut) {
      reject("opted_out", `the contact opted out of ${optedOut.topic ? `${optedOut.topic} on ` : ""}${optedOut.channel} here; an import does not undo that`);
      continue;
    }

    let target: KnownContact;
    let changed = false;
    if (contact) {
      target = contact;
    } else {
      target = {
        id: timeOrderedUuid(),
        externalId: null,
        email: null,
        phone: null,
        whatsappId: null,
        locale: null,
        timeZone: null,
        channels: new Map(),
        topics: new Map(),
        defaults: newDefaults,
      };
      plan.newContacts.push(target);
      if (context.defaultsNow.length > 0) {
        entry(target, {
          channel: null,
          topicId: null,
          action: "subscribe",
          previousStatus: null,
          newStatus: "subscribed",
          evidence: { source: "import", details: { defaults: context.defaultsNow, import: { id: importId } } },
        });
      }
    }
    for (const name of ["externalId", "email", "phone", "whatsappId", "locale", "timeZone"] as const) {
      const value = row[name];
      if (value === undefined || target[name] === value) continue;
      const previous = target[name];
      // Phone numbers and WhatsApp ids may be shared; an email or external id a contact gives up stays
      // its own for the rest of the chunk, since new contacts are written before changed ones.
      if (previous !== null && (name === "phone" || name === "whatsappId") && index[name].get(previous) === target) index[name].delete(previous);
      target[name] = value;
      changed = true;
    }
    place(target);

    for (const s of row.subscriptions) {
      const evidence = {
        source: "import" as const,
        ip: s.ip ?? null,
        wordingHash: s.wordingHash ?? null,
        // Keys in canonical order, so the chain serialises a million of these without sorting them.
        details: { import: { collectionPoint: s.collectionPoint, consentedAt: s.consentedAt, id: importId } },
      };
      const channelNow = target.channels.get(s.channel) ?? target.defaults.channels.has(s.channel);
      if (s.topic) {
        const topicId = context.topics.get(s.topic)!.id;
        const key = topicKey(s.channel, topicId);
        const current = target.topics.get(key) ?? (target.defaults.topics.has(key) ? "subscribed" : "unsubscribed");
        if (current === s.status) continue;
        target.topics.set(key, s.status);
        topicRows.set(`${target.id}|${key}`, { contact: target, channel: s.channel, topicId });
        const action = s.status === "subscribed" ? "subscribe" : "unsubscribe";
        entry(target, { channel: s.channel, topicId, action, previousStatus: current, newStatus: s.status, evidence });
        changed = true;
        // As lib/consent/preference-store.ts's agreeToChannel: an opt-in to a topic on a channel never agreed to agrees to it too.
        if (s.status === "subscribed" && !target.channels.has(s.channel) && !channelNow) {
          target.channels.set(s.channel, true);
          channelRows.set(`${target.id}|${s.channel}`, { contact: target, channel: s.channel });
          entry(target, { channel: s.channel, topicId: null, action: "subscribe", previousStatus: "unsubscribed", newStatus: "subscribed", evidence });
        }
      } else {
        const subscribed = s.status === "subscribed";
        if (channelNow === subscribed) continue;
        target.channels.set(s.channel, subscribed);
        channelRows.set(`${target.id}|${s.channel}`, { contact: target, channel: s.channel });
        const action = subscribed ? "subscribe" : "unsubscribe";
        entry(target, { channel: s.channel, topicId: null, action, previousStatus: channelNow ? "subscribed" : "unsubscribed", newStatus: s.status, evidence });
        changed = true;
      }
    }

    if (!contact) plan.outcomes.created += 1;
    else if (changed) {
      plan.outcomes.updated += 1;
      updated.add(contact);
    } else plan.outcomes.unchanged += 1;
  }

  const created = new Set(plan.newContacts);
  plan.updatedContacts = [...updated].filter((contact) => !created.has(contact));
  plan.channelRows = [...channelRows.values()].map(({ contact, channel }) => ({ contactId: contact.id, channel, subscribed: contact.channels.get(channel)! }));
  plan.topicRows = [...topicRows.values()].map(({ contact, channel, topicId }) => ({
    contactId: contact.id,
    channel,
    topicId,
    status: contact.topics.get(topicKey(channel, topicId))!,
  }));
  return plan;
}
