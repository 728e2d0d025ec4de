import "server-only";
import { db, pool } from "@/lib/platform/db";
import { channelDefaultReaches, CREATION_ENTRY_JOIN, topicDefaultReaches } from "@/lib/consent/defaults-store";
import { assertChannelEnabled, assertTopicExists, assertTopicOnChannel } from "@/lib/consent/scope";
import { NotFoundError } from "@/lib/platform/errors";
import type { Channel, SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { readTopicTexts } from "@/lib/consent/topic-texts";
import type { LocalizedText } from "@/lib/platform/i18n";
import { readBranding, type Branding } from "@/lib/pages/branding";

export type LinkScope = {
  workspace: { id: string; name: string; defaultLocale: string; branding: Branding };
  contact: { id: string; locale: string | null };
  channel: Channel;
  topic: { id: string; key: string; names: LocalizedText } | null;
  /** Whether the workspace still sends this: the channel enabled, the topic live and sent on it. */
  current: boolean;
};

/**
 * What a link for (contact, channel, topic) would act on, checked: the contact is in the workspace, the
 * channel is enabled, the topic exists and is sent on that channel. Throws a UserFacingError naming
 * what is wrong. With `evenIfDropped` (a link already in someone's inbox) a channel disabled or a topic
 * retired or taken off the channel since is still found, as not `current`.
 */
export async function findLinkScope(
  workspaceId: string,
  contactId: string,
  channel: Channel,
  topicKey?: string,
  options: { evenIfDropped?: boolean } = {},
): Promise<LinkScope> {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    select: { id: true, locale: true, workspace: { select: { id: true, name: true, defaultLocale: true, enabledChannels: true, branding: true } } },
  });
  if (!contact) throw new NotFoundError("contact", "There is no contact with this id in this workspace.");
  const { workspace } = contact;
  if (!options.evenIfDropped) assertChannelEnabled(workspace.enabledChannels, channel);
  let topic: TopicRow | null = null;
  if (topicKey) {
    const found = await db().topic.findUnique({ where: { workspaceId_key: { workspaceId, key: topicKey } } });
    assertTopicExists(topicKey, found);
    if (!options.evenIfDropped) assertTopicOnChannel(topicKey, found.retiredAt ? null : found, channel);
    topic = found;
  }
  return shapeScope(contact, workspace, channel, topic);
}

type TopicRow = { id: string; key: string; names: unknown; descriptions: unknown; channels: Channel[]; retiredAt: Date | null };

function shapeScope(
  contact: { id: string; locale: string | null },
  workspace: { id: string; name: string; defaultLocale: string; enabledChannels: Channel[]; branding: unknown },
  channel: Channel,
  topic: TopicRow | null,
): LinkScope {
  let current = workspace.enabledChannels.includes(channel);
  if (topic) current &&= !topic.retiredAt && topic.channels.includes(channel);
  return {
    workspace: { id: workspace.id, name: workspace.name, defaultLocale: workspace.defaultLocale, branding: readBranding(workspace.branding) },
    contact: { id: contact.id, locale: contact.locale },
    channel,
    topic: topic && { id: topic.id, key: topic.key, names: readTopicTexts(topic).names },
    current,
  };
}

export type ScopeState = { status: SubscriptionStatus; version: number };

// The scope's state for contact `c` (and topic `t`), channel $3: its row, else its default reaching the contact.
const STATE_COLUMNS = (topicKey?: string) =>
  topicKey
    ? `COALESCE(ts.status::text, CASE WHEN dt.since IS NULL THEN 'unsubscribed' ELSE 'subscribed' END) AS status, COALESCE(ts.version, 0) AS version`
    : `CASE WHEN COALESCE(cs.subscribed, dc.since IS NOT NULL) THEN 'subscribed' ELSE 'unsubscribed' END AS status, COALESCE(cs.version, 0) AS version`;

const STATE_JOINS = (topicKey?: string) =>
  topicKey
    ? `LEFT JOIN topic_subscriptions ts ON ts.workspace_id = c.workspace_id AND ts.contact_id = c.id AND ts.channel = $3 AND ts.topic_id = t.id
       ${CREATION_ENTRY_JOIN}
       LEFT JOIN topic_defaults dt ON dt.channel = $3 AND dt.topic_id = t.id AND ${topicDefaultReaches("dt")}`
    : `LEFT JOIN channel_subscriptions cs ON cs.workspace_id = c.workspace_id AND cs.contact_id = c.id AND cs.channel = $3
       ${CREATION_ENTRY_JOIN}
       LEFT JOIN channel_defaults dc ON dc.channel = $3 AND ${channelDefaultReaches("dc")}`;

/** What the landing page shows of a link's scope: the scope, its state, and its latest opt-out (with whether it has a reason). */
export type LandingState = { scope: LinkScope; state: ScopeState; latestOptOut: { id: string; reasonGiven: boolean } | null };

/**
 * What a landing-page link names, in one query (the landing page is what every mail scanner opens): its
 * scope as findLinkScope finds it even if dropped; the scope's state — its row, or the default that
 * reached the contact (lib/consent/defaults-store.ts) — with the version a change must name; and its
 * latest opt-out. Null when the contact is gone or the topic unknown.
 */
export async function readLandingState(workspaceId: string, contactId: string, channel: Channel, topicKey?: string): Promise<LandingState | null> {
  const { rows } = await pool().query<{
    contact_id: string;
    locale: string | null;
    workspace_id: string;
    name: string;
    default_locale: string;
    enabled_channels: Channel[];
    branding: unknown;
    topic_id: string | null;
    topic_key: string | null;
    names: unknown;
    descriptions: unknown;
    topic_channels: Channel[] | null;
    retired_at: Date | null;
    status: SubscriptionStatus;
    version: number;
    opt_out_id: string | null;
    reason_given: boolean | null;
  }>({
    // Named, so that each connection parses and plans it once: planning it costs PostgreSQL several
    // times what running it does, and every scanner's request asks it.
    name: topicKey ? "landing-state-topic" : "landing-state-channel",
    text: `SELECT c.id AS contact_id, c.locale, w.id AS workspace_id, w.name, w.default_locale, w.enabled_channels::text[] AS enabled_channels, w.branding,
       ${topicKey ? "t.id AS topic_id, t.key AS topic_key, t.names, t.descriptions, t.channels::text[] AS topic_channels, t.retired_at," : ""}
       ${STATE_COLUMNS(topicKey)}, o.id AS opt_out_id, o.reason_given
     FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
     ${topicKey ? "JOIN topics t ON t.workspace_id = c.workspace_id AND t.key = $4" : ""}
     ${STATE_JOINS(topicKey)}
     LEFT JOIN LATERAL (
       SELECT e.id, EXISTS (SELECT 1 FROM opt_out_feedback f WHERE f.consent_event_id = e.id) AS reason_given
       FROM consent_events e
       WHERE e.workspace_id = c.workspace_id AND e.contact_id = c.id AND e.channel = $3 AND e.topic_id ${topicKey ? "= t.id" : "IS NULL"} AND e.action = 'unsubscribe'
       ORDER BY e.seq DESC LIMIT 1
     ) o ON true
     WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL`,
    values: topicKey ? [workspaceId, contactId, channel, topicKey] : [workspaceId, contactId, channel],
  });
  const row = rows[0];
  if (!row) return null;
  const topic =
    row.topic_id && row.topic_key && row.topic_channels
      ? { id: row.topic_id, key: row.topic_key, names: row.names, descriptions: row.descriptions, channels: row.topic_channels, retiredAt: row.retired_at }
      : null;
  return {
    scope: shapeScope(
      { id: row.contact_id, locale: row.locale },
      { id: row.workspace_id, name: row.name, defaultLocale: row.default_locale, enabledChannels: row.enabled_channels, branding: row.branding },
      channel,
      topic,
    ),
    state: { status: row.status, version: row.version },
    latestOptOut: row.opt_out_id ? { id: row.opt_out_id, reasonGiven: row.reason_given === true } : null,
  };
}
