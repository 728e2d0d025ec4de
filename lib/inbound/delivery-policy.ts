import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import type { PreferenceChange } from "@/lib/consent/preference-store";
import { BOUNCED, SuppressionKeyMissingError } from "@/lib/contacts/suppression";
import type { SuppressionChange } from "@/lib/contacts/suppression-store";
import type { BounceType, Channel, ConsentSource, DeliveryEventKind } from "@/lib/generated/prisma/enums";

// What a bounce or a spam complaint does, decided apart from the transaction that does it
// (lib/inbound/delivery-store.ts); and what a person's own "stop marketing" does on a channel.

/** A bounce or complaint about one address, as reported by the sender (lib/inbound/delivery-schema.ts). */
export type DeliveryReport = {
  kind: DeliveryEventKind;
  bounceType: BounceType | null;
  /** The address as sent to (lower-cased), or the contact the sender knows it as. */
  recipient: { email: string } | { contactId: string };
  messageId: string | null;
  occurredAt: Date;
};

/** Soft bounces (a full mailbox, a server busy) suppress the address at the third within this many days. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_DAYS = 30;

export type DeliveryInput = {
  workspaceId: string;
  enabledChannels: readonly Channel[];
  report: DeliveryReport;
  /** The row this report was kept as: the ledger entries of its opt-out point to it. */
  deliveryEventId: string;
  /** The address's keyed hash on email; null without SUPPRESSION_KEY, or for a contact with no email. */
  keyedHash: string | null;
  /** Whether SUPPRESSION_KEY is set. */
  keyed: boolean;
  /** The contact at the address, if any. */
  contactId: string | null;
  /** Soft bounces of the address in the window ending at this report, this one included. */
  softBounces: number;
  /** The live marketing topics sent by email. */
  marketingTopicKeys: string[];
};

export type MarketingOptOut = { contactIds: string[]; changes: PreferenceChange[]; evidence: ConsentEvidence };

export type DeliveryEffects = {
  /** Keeps the address out for good; null leaves it as it is. */
  suppression: SuppressionChange | null;
  /** The contact's marketing email topics switched off; null changes none. */
  optOut: MarketingOptOut | null;
};

/**
 * A hard bounce suppresses the address, and so does the third soft bounce within 30 days: the address is
 * not worth sending to (reason `bounced`, no ledger entry: nobody chose anything). The suppression is on
 * the keyed hash, so it also holds for an address no contact has yet. A complaint is the person's "this
 * is spam": every marketing topic on email goes off at once, in the ledger with source `complaint`;
 * transactional topics stay as they are, and the complaint itself (kept in delivery_events) makes email
 * sends that name no topic, or a marketing topic the contact never chose, not sendable (`complained`).
 */
export function deliveryEffects(input: DeliveryInput): DeliveryEffects {
  const { workspaceId, report, keyedHash, contactId } = input;
  if (report.kind === "bounce") {
    const suppress = report.bounceType === "hard" || input.softBounces >= SOFT_BOUNCE_LIMIT;
    if (!suppress) return { suppression: null, optOut: null };
    // Nothing else would keep the address out: refuse (503) rather than acknowledge and forget it.
    if (!input.keyed) throw new SuppressionKeyMissingError();
    // A contact without an email address: nothing to keep out.
    if (!keyedHash) return { suppression: null, optOut: null };
    return {
      suppression: {
        workspaceId,
        channel: "email",
        addressHash: keyedHash,
        action: "suppress",
        reason: BOUNCED,
        messageId: report.messageId,
        wordingHash: null,
      },
      optOut: null,
    };
  }
  if (!contactId || !input.enabledChannels.includes("email") || input.marketingTopicKeys.length === 0) return { suppression: null, optOut: null };
  return {
    suppression: null,
    optOut: {
      contactIds: [contactId],
      changes: marketingTopicChanges("email", input.marketingTopicKeys, "unsubscribed"),
      evidence: { source: "complaint", messageId: report.messageId, details: { deliveryEventId: input.deliveryEventId } },
    },
  };
}

/**
 * The same status for every marketing topic on the channel. An opt-out is recorded even on a topic with
 * no consent on record (as a link's is): it is the person's word, and holds if the topic's default changes.
 */
export function marketingTopicChanges(channel: Channel, topicKeys: string[], status: "subscribed" | "unsubscribed"): PreferenceChange[] {
  return topicKeys.map((topicKey) => ({ kind: "subscription", channel, topicKey, status, ...(status === "unsubscribed" ? { evenIfDropped: true } : {}) }));
}

const WHATSAPP_PREFERENCES: ConsentSource = "whatsapp_preferences";

export type MarketingPreferenceInput = {
  enabledChannels: readonly Channel[];
  optOut: boolean;
  contactIds: string[];
  marketingTopicKeys: string[];
  messageId: string | null;
};

/**
 * A person stopping (or resuming) marketing messages in WhatsApp itself, or WhatsApp refusing a
 * marketing message because they did (error 131050): every marketing topic on WhatsApp goes off (or
 * on), source `whatsapp_preferences`. The channel's own switch and its transactional topics stay: the
 * person stopped marketing, not the business.
 */
export function whatsappMarketingEffects(input: MarketingPreferenceInput): MarketingOptOut | null {
  if (input.contactIds.length === 0 || !input.enabledChannels.includes("whatsapp") || input.marketingTopicKeys.length === 0) return null;
  return {
    contactIds: input.contactIds,
    changes: marketingTopicChanges("whatsapp", input.marketingTopicKeys, input.optOut ? "unsubscribed" : "subscribed"),
    evidence: { source: WHATSAPP_PREFERENCES, messageId: input.messageId },
  };
}
