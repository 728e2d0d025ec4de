import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import type { PreferenceChange } from "@/lib/consent/preference-store";
import { SuppressionKeyMissingError } from "@/lib/contacts/suppression";
import type { SuppressionChange } from "@/lib/contacts/suppression-store";
import type { Channel, ConsentSource } from "@/lib/generated/prisma/enums";
import type { KeywordIntent } from "@/lib/inbound/keywords";
import { sha256Hex } from "@/lib/platform/sha256";

// What a keyword texted to a number does, decided apart from the transaction that does it
// (lib/inbound/inbound-store.ts), on that channel only.

export type InboundChannel = "sms" | "whatsapp";

/** A contact reachable at the address; `direct` when on the channel's own address (for WhatsApp its id, not the phone number). */
export type ContactAtAddress = { id: string; locale: string | null; direct: boolean };

/**
 * A keyword is acted on once per message id for this long: a replayed webhook within it changes
 * nothing. Twilio and Meta retry a webhook for far less (Meta up to 7 days).
 */
export const REPLAY_WINDOW_DAYS = 30;

/** The ledger's source for a keyword on each channel; a keyword's suppressions carry it as their reason. */
const KEYWORD_SOURCE = { sms: "sms_keyword", whatsapp: "whatsapp_keyword" } as const satisfies Record<InboundChannel, ConsentSource>;

/** The keywords that act on a number whatever is pending; a confirmation acts only on what is (confirmationEffects). */
export type StandingIntent = Exclude<KeywordIntent, "confirm">;

export type KeywordInput = {
  workspaceId: string;
  enabledChannels: readonly Channel[];
  channel: InboundChannel;
  intent: StandingIntent;
  contacts: ContactAtAddress[];
  /** The address's keyed hash on the channel; null without SUPPRESSION_KEY. */
  keyedHash: string | null;
  message: { text: string; messageId: string | null };
};

export type KeywordEffects = {
  /** The language to answer in, if a contact at the address has one. */
  contactLocale: string | null;
  /** The change to the address's own suppression; null leaves it as it is. */
  suppression: SuppressionChange | null;
  /** The change to the channel switch of every contact at the address; null changes none. */
  subscription: { contactIds: string[]; changes: PreferenceChange[]; evidence: ConsentEvidence } | null;
};

/**
 * HELP changes nothing. An opt-out keeps the address itself suppressed (by its keyed hash), so that a
 * contact who gets the number later, by import or a changed phone, is not sendable either, and switches
 * the channel off for every contact at it; an opt-in lifts only a keyword's suppression (never an
 * erasure's) and switches the channel back on. Each carries the message as evidence. On a channel the
 * workspace has switched off only the suppression changes. Without SUPPRESSION_KEY the contacts'
 * switches still change; a number no contact has is refused, since nothing would then keep it out.
 */
export function keywordEffects({ workspaceId, enabledChannels, channel, intent, contacts, keyedHash, message }: KeywordInput): KeywordEffects {
  const contactLocale = (contacts.find((c) => c.direct && c.locale) ?? contacts.find((c) => c.locale))?.locale ?? null;
  if (intent === "help") return { contactLocale, suppression: null, subscription: null };
  if (contacts.length === 0 && !keyedHash) throw new SuppressionKeyMissingError();

  const source = KEYWORD_SOURCE[channel];
  const { messageId } = message;
  const wordingHash = sha256Hex(message.text);
  const optOut = intent === "opt_out";
  return {
    contactLocale,
    suppression: keyedHash
      ? { workspaceId, channel, addressHash: keyedHash, action: optOut ? "suppress" : "lift", reason: source, messageId, wordingHash }
      : null,
    subscription:
      contacts.length > 0 && enabledChannels.includes(channel)
        ? {
            contactIds: contacts.map((c) => c.id),
            changes: [{ kind: "subscription", channel, status: optOut ? "unsubscribed" : "subscribed" }],
            evidence: { source, messageId, wordingHash },
          }
        : null,
  };
}

/** A topic waiting for the person's confirmation on the channel, for a contact at the address. */
export type WaitingTopic = { contactId: string; topicKey: string; version: number };

export type ConfirmationEffects = { contactId: string; changes: PreferenceChange[]; evidence: ConsentEvidence }[];

/**
 * YES (SÍ, SIM, SÌ) confirms what is waiting for a confirmation on the channel: each pending topic of
 * each contact at the address becomes subscribed, at the version it was read at, with the message as
 * evidence. It lifts no suppression and switches no channel on (START does that, for a keyword's own
 * suppression only), so a number suppressed or switched off is never among the waiting topics
 * (lib/inbound/inbound-store.ts leaves those out).
 */
export function confirmationEffects(
  channel: InboundChannel,
  waiting: WaitingTopic[],
  message: { text: string; messageId: string | null; locale: string },
): ConfirmationEffects {
  const byContact = new Map<string, WaitingTopic[]>();
  for (const topic of waiting) byContact.set(topic.contactId, [...(byContact.get(topic.contactId) ?? []), topic]);
  const evidence: ConsentEvidence = {
    source: KEYWORD_SOURCE[channel],
    messageId: message.messageId,
    wordingHash: sha256Hex(message.text),
    locale: message.locale,
  };
  return [...byContact].map(([contactId, topics]) => ({
    contactId,
    changes: topics.map((topic) => ({ kind: "subscription", channel, topicKey: topic.topicKey, status: "subscribed", expectedVersion: topic.version })),
    evidence,
  }));
}

/**
 * Whether an SMS sent to `to` reached the workspace's own sending number. Only a number can be
 * compared: with a Messaging Service (MG…) as sender, or none set, any of the account's numbers is.
 */
export function isOwnSmsNumber(sender: string | null, to: string | null): boolean {
  if (!sender?.startsWith("+")) return true;
  return to === sender;
}
