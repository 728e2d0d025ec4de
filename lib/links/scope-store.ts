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
  let current = workspace.enabledChannels.includes(channel);
  let topic: LinkScope["topic"] = null;
  if (topicKey) {
    const found = await db().topic.findUnique({ where: { workspaceId_key: { workspaceId, key: topicKey } } });
    assertTopicExists(topicKey, found);
    if (!options.evenIfDropped) assertTopicOnChannel(topicKey, found.retiredAt ? null : found, channel);
    current &&= !found.retiredAt && found.channels.includes(channel);
    topic = { id: found.id, key: found.key, names: readTopicTexts(found).names };
  }
  return {
    workspace: { id: workspace.id, name: workspace.name, defaultLocale: workspace.defaultLocale, branding: readBranding(workspace.branding) },
    contact: { id: contact.id, locale: contact.locale },
    channel,
    topic,
    current,
  };
}

export type ScopeState = { status: SubscriptionStatus; version: number };

/**
 * The state of the scope a link names — the topic on the channel, or the channel's overall switch —
 * with the version a change must name; a scope never chosen reads as its default reached the contact
 * (lib/consent/defaults-store.ts). Null when the contact is gone. What the landing page shows.
 */
export async function readScopeState(workspaceId: string, contactId: string, channel: Channel, topicKey?: string): Promise<ScopeState | null> {
  const { rows } = await pool().query<ScopeState>(
    topicKey
      ? `SELECT COALESCE(ts.status::text, CASE WHEN dt.since IS NULL THEN 'unsubscribed' ELSE 'subscribed' END) AS status, COALESCE(ts.version, 0) AS version
         FROM contacts c JOIN topics t ON t.workspace_id = c.workspace_id AND t.key = $4
         LEFT JOIN topic_subscriptions ts ON ts.workspace_id = c.workspace_id AND ts.contact_id = c.id AND ts.channel = $3 AND ts.topic_id = t.id
         ${CREATION_ENTRY_JOIN}
         LEFT JOIN topic_defaults dt ON dt.channel = $3 AND dt.topic_id = t.id AND ${topicDefaultReaches("dt")}
         WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL`
      : `SELECT CASE WHEN COALESCE(cs.subscribed, dc.since IS NOT NULL) THEN 'subscribed' ELSE 'unsubscribed' END AS status, COALESCE(cs.version, 0) AS version
         FROM contacts c LEFT JOIN channel_subscriptions cs ON cs.workspace_id = c.workspace_id AND cs.contact_id = c.id AND cs.channel = $3
         ${CREATION_ENTRY_JOIN}
         LEFT JOIN channel_defaults dc ON dc.channel = $3 AND ${channelDefaultReaches("dc")}
         WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL`,
    topicKey ? [workspaceId, contactId, channel, topicKey] : [workspaceId, contactId, channel],
  );
  return rows[0] ?? null;
}
