import "server-only";
import { pool } from "@/lib/platform/db";
import { newShortLinkId } from "@/lib/links/short-link-store";
import { newTokenId } from "@/lib/links/tokens";
import type { Channel, TokenPurpose } from "@/lib/generated/prisma/enums";

// Links for a whole batch of contacts in one round trip: one statement reads the scope (the channel,
// the topic) and every contact, and writes the batch's short links.

/** A short link each contact gets: its purpose, whether it names the batch's topic, when it expires. */
export type ShortLinkPlan = { purpose: TokenPurpose; topicScoped: boolean; expiresAt: Date };

export type LinkBatchQuery = {
  workspaceId: string;
  channel: Channel;
  topicKey?: string;
  messageId?: string;
  contactIds: readonly string[];
  /** None for a channel whose links are signed tokens only. */
  shortLinks: readonly ShortLinkPlan[];
};

export type LinkBatch = {
  enabledChannels: Channel[];
  /** The live topic named, with its channels; null when none was named or it is missing or retired. */
  topic: { id: string; channels: Channel[] } | null;
  /** Per contact id, in the order given: whether it is a contact of the workspace, not erased. */
  found: boolean[];
  /** Per plan, per contact: the short link's id (written only for contacts found, in a scope that holds). */
  shortLinkIds: string[][];
};

// Short links are written only where lib/consent/scope.ts will let the batch through (`usable`: the
// channel enabled; the topic, if named, live and sent on it), so that a refused request writes nothing;
// without short links it is unused, but names $2 so that every variant takes the same parameters. Each
// contact is one probe of the primary key (the LIMIT keeps the planner from turning the lateral into a
// join): whatever the statistics say of a workspace's size, 10,000 ids cost 10,000 index lookups.
const SCOPE_AND_CONTACTS = `
  scope AS (
    SELECT w.enabled_channels, t.id AS topic_id, t.channels AS topic_channels
    FROM workspaces w LEFT JOIN topics t ON t.workspace_id = w.id AND t.key = $3 AND t.retired_at IS NULL
    WHERE w.id = $1
  ),
  found AS (
    SELECT ids.n, c.id
    FROM unnest($4::uuid[]) WITH ORDINALITY AS ids(id, n)
    LEFT JOIN LATERAL (
      SELECT c.id FROM contacts c WHERE c.id = ids.id AND c.workspace_id = $1 AND c.erased_at IS NULL LIMIT 1
    ) c ON true
  ),
  usable AS (
    SELECT topic_id FROM scope
    WHERE $2::"Channel" = ANY (enabled_channels) AND ($3::text IS NULL OR $2::"Channel" = ANY (topic_channels))
  )`;

const ANSWER = `
  SELECT s.enabled_channels::text[] AS enabled_channels, s.topic_id, s.topic_channels::text[] AS topic_channels,
         (SELECT array_agg(f.id IS NOT NULL ORDER BY f.n) FROM found f) AS found
  FROM scope s`;

const WITH_SHORT_LINKS = `
  WITH ${SCOPE_AND_CONTACTS},
  written AS (
    INSERT INTO short_links (id, workspace_id, contact_id, purpose, channel, topic_id, message_id, token_id, expires_at)
    SELECT l.id, $1, f.id, l.purpose, $2::"Channel", CASE WHEN l.topic_scoped THEN u.topic_id END, $5, l.token_id, l.expires_at
    FROM unnest($6::int[], $7::text[], $8::"TokenPurpose"[], $9::bool[], $10::text[], $11::timestamptz[])
      AS l(n, id, purpose, topic_scoped, token_id, expires_at)
    JOIN found f ON f.n = l.n AND f.id IS NOT NULL
    CROSS JOIN usable u
  )
  ${ANSWER}`;

const WITHOUT_SHORT_LINKS = `WITH ${SCOPE_AND_CONTACTS} ${ANSWER}`;

/** The batch's scope alone: what the workspace enables, and the live topic named (null when none or missing or retired). */
export async function readLinkBatchScope(workspaceId: string, topicKey: string | undefined): Promise<Pick<LinkBatch, "enabledChannels" | "topic">> {
  const { rows } = await pool().query<{ enabled_channels: Channel[]; topic_id: string | null; topic_channels: Channel[] | null }>(
    `SELECT w.enabled_channels::text[] AS enabled_channels, t.id AS topic_id, t.channels::text[] AS topic_channels
     FROM workspaces w LEFT JOIN topics t ON t.workspace_id = w.id AND t.key = $2 AND t.retired_at IS NULL
     WHERE w.id = $1`,
    [workspaceId, topicKey ?? null],
  );
  const scope = rows[0];
  if (!scope) throw new Error(`workspace ${workspaceId} does not exist`);
  return {
    enabledChannels: scope.enabled_channels,
    topic: scope.topic_id && scope.topic_channels ? { id: scope.topic_id, channels: scope.topic_channels } : null,
  };
}

/** The scope and the contacts of a batch, and its short links written: one statement, one round trip. */
export async function resolveLinkBatch(query: LinkBatchQuery): Promise<LinkBatch> {
  const { workspaceId, channel, topicKey, messageId, contactIds, shortLinks } = query;
  const shortLinkIds = shortLinks.map(() => contactIds.map(newShortLinkId));
  const values: unknown[] = [workspaceId, channel, topicKey ?? null, contactIds];
  if (shortLinks.length > 0) {
    const rows = shortLinks.length * contactIds.length;
    const n = new Array<number>(rows);
    const purposes = new Array<TokenPurpose>(rows);
    const topicScoped = new Array<boolean>(rows);
    const tokenIds = new Array<string>(rows);
    const expiresAt = new Array<Date>(rows);
    shortLinks.forEach((plan, p) => {
      for (let i = 0; i < contactIds.length; i++) {
        const row = p * contactIds.length + i;
        n[row] = i + 1;
        purposes[row] = plan.purpose;
        topicScoped[row] = plan.topicScoped;
        tokenIds[row] = newTokenId();
        expiresAt[row] = plan.expiresAt;
      }
    });
    values.push(messageId ?? null, n, shortLinkIds.flat(), purposes, topicScoped, tokenIds, expiresAt);
  }
  const { rows } = await pool().query<{ enabled_channels: Channel[]; topic_id: string | null; topic_channels: Channel[] | null; found: boolean[] }>(
    shortLinks.length > 0 ? WITH_SHORT_LINKS : WITHOUT_SHORT_LINKS,
    values,
  );
  const scope = rows[0];
  if (!scope) throw new Error(`workspace ${workspaceId} does not exist`);
  return {
    enabledChannels: scope.enabled_channels,
    topic: scope.topic_id && scope.topic_channels ? { id: scope.topic_id, channels: scope.topic_channels } : null,
    found: scope.found,
    shortLinkIds,
  };
}
