import "server-only";
import { beginConfirmation, type ConfirmationChannel } from "@/lib/consent/confirmation-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import {
  applyPreferenceChanges,
  assertChangeScopes,
  getContactPreferences,
  type ContactPreferences,
  type PreferenceChange,
} from "@/lib/consent/preference-store";
import { findContactById } from "@/lib/contacts/contact-store";
import { checkSendability, type NotSendableReason } from "@/lib/contacts/sendability-store";
import { TOKEN_LIFETIME_SECONDS } from "@/lib/links/tokens";
import { env } from "@/lib/platform/env";
import { consumeRateLimit } from "@/lib/platform/rate-limit-store";
import { NotFoundError, RateLimitedError, UserFacingError } from "@/lib/platform/errors";

// What double opt-in is on every channel, before the channel's own confirmation (an email with a link, a
// text to reply YES to, a WhatsApp chat to open): the topics wait in `pending`, with the evidence of the
// request, until the person confirms. Whoever must not be messaged on the channel is not asked either. A
// confirmation we send ourselves (email, SMS) goes out at most once a day per contact and channel, and
// at most OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY times a day per workspace and channel.

export type OptInChannel = "email" | "sms" | "whatsapp";

/** Without consent yet is the point; these are the reasons that refuse a request for it. */
const REFUSED: readonly NotSendableReason[] = ["suppressed", "bounced", "channel_opt_out"];
const CONFIRMATION_PERIOD_MS = 24 * 3_600_000;
/** A request nobody confirmed lapses to unsubscribed (housekeeping) once its email link could no longer confirm it; on every channel alike. */
export const UNCONFIRMED_LAPSE_MS = TOKEN_LIFETIME_SECONDS.confirm * 1000;
const DAY_SECONDS = 86_400;

const CHANNEL_WORDS = {
  email: { address: "email address", verb: "emailed", messages: "confirmation emails" },
  sms: { address: "phone number", verb: "texted", messages: "confirmation texts" },
  whatsapp: { address: "WhatsApp id or phone number", verb: "messaged on WhatsApp", messages: "confirmations" },
} as const satisfies Record<OptInChannel, Record<string, string>>;

export type OptInStart = { pending: string[]; alreadySent?: true };

export type OptInRequest = { contactId: string; channel: OptInChannel; topics: string[]; evidence: ConsentEvidence };

type OptInContact = NonNullable<Awaited<ReturnType<typeof findContactById>>>;

/** A request that put topics in pending: what the channel's confirmation needs to be written. */
export type BegunOptIn = { contact: OptInContact; state: ContactPreferences; pending: string[] };

async function admitWorkspaceConfirmation(workspaceId: string, channel: ConfirmationChannel): Promise<void> {
  const cap = env().OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY;
  // The email key is the one it had before SMS joined, so that a deploy does not reset today's count.
  const key = channel === "email" ? `optin-confirmations:${workspaceId}` : `optin-confirmations:${channel}:${workspaceId}`;
  const { allowed, retryAfterSeconds } = await consumeRateLimit(key, cap, DAY_SECONDS);
  if (!allowed) {
    throw new RateLimitedError(
      retryAfterSeconds,
      `This workspace may send ${cap} ${CHANNEL_WORDS[channel].messages} a day; try again in ${retryAfterSeconds} s.`,
    );
  }
}

/**
 * Puts the topics in `pending` on the channel (those already subscribed stay so). `confirmBy` names the
 * channel whose confirmation message we send ourselves: then a contact sent one in the last 24 hours
 * gets no other, and no new topic goes pending, as the message sent never named it (`alreadySent`).
 * `begun` is null when nothing went pending and nothing is to be sent.
 */
export async function beginOptIn(
  workspaceId: string,
  request: OptInRequest,
  address: (contact: OptInContact) => string | null,
  confirmBy: ConfirmationChannel | null,
): Promise<{ start: OptInStart; begun: BegunOptIn | null }> {
  const { channel } = request;
  const changes: PreferenceChange[] = request.topics.map((topicKey) => ({ kind: "subscription", channel, topicKey, status: "pending" }));
  await assertChangeScopes(workspaceId, changes);
  const contact = await findContactById(workspaceId, request.contactId);
  if (!contact) throw new NotFoundError("contact", "There is no contact with this id in this workspace.");
  const words = CHANNEL_WORDS[channel];
  if (!address(contact)) throw new UserFacingError("no_address", `This contact has no ${words.address} to confirm by.`, 422);
  const [verdict] = await checkSendability(workspaceId, channel, undefined, [contact.id]);
  // Only consent refuses a confirmation: it is asked for, so caps and quiet hours do not hold it back.
  if (!verdict.sendable && REFUSED.some((reason) => reason === verdict.reason)) {
    throw new UserFacingError(verdict.reason, `This contact must not be ${words.verb} (${verdict.reason}); no confirmation was sent.`, 409);
  }
  const state = (await getContactPreferences(workspaceId, contact.id))!;
  const topics = state.channels.find((c) => c.channel === channel)?.topics ?? [];
  const subscribed = new Set(topics.filter((t) => t.status === "subscribed").map((t) => t.key));
  const pending = request.topics.filter((key) => !subscribed.has(key));
  if (pending.length === 0) return { start: { pending }, begun: null };
  const pendingChanges = changes.filter((c) => c.kind === "subscription" && pending.includes(c.topicKey!));
  if (!confirmBy) {
    await applyPreferenceChanges(workspaceId, contact.id, pendingChanges, request.evidence);
  } else if (
    !(await beginConfirmation(workspaceId, contact.id, confirmBy, pendingChanges, request.evidence, CONFIRMATION_PERIOD_MS, () =>
      admitWorkspaceConfirmation(workspaceId, confirmBy),
    ))
  ) {
    const waiting = new Set(topics.filter((t) => t.status === "pending").map((t) => t.key));
    return { start: { pending: request.topics.filter((key) => waiting.has(key)), alreadySent: true }, begun: null };
  }
  return { start: { pending }, begun: { contact, state, pending } };
}
