import "server-only";
import { pool } from "@/lib/platform/db";
import { pooledRandomBytes } from "@/lib/platform/random-pool";
import type { Channel, TokenPurpose } from "@/lib/generated/prisma/enums";

const SHORT_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const SHORT_ID_LENGTH = 12;

/** A fresh short link id: 12 characters an SMS keeps as they are, about 70 bits of chance. */
export function newShortLinkId(): string {
  const bytes = pooledRandomBytes(SHORT_ID_LENGTH);
  let id = "";
  for (const b of bytes) id += SHORT_ID_ALPHABET[b % SHORT_ID_ALPHABET.length];
  return id;
}

export const SHORT_ID_PATTERN = new RegExp(`^[${SHORT_ID_ALPHABET}]{${SHORT_ID_LENGTH}}$`);

export type ShortLinkClaims = {
  workspaceId: string;
  contactId: string;
  purpose: TokenPurpose;
  channel: Channel;
  topicId: string | null;
  topicKey: string | null;
  messageId: string | null;
  tokenId: string;
  /** When the message was sent: the token a short link resolves to is issued then, not when it is opened. */
  createdAt: Date;
  expiresAt: Date;
};

/** The link behind a short id, unexpired, with its topic's key: one query, since every scanner opens it. */
export async function findShortLink(id: string): Promise<ShortLinkClaims | null> {
  if (!SHORT_ID_PATTERN.test(id)) return null;
  const { rows } = await pool().query<ShortLinkClaims>(
    `SELECT s.workspace_id AS "workspaceId", s.contact_id AS "contactId", s.purpose, s.channel, s.topic_id AS "topicId", t.key AS "topicKey",
       s.message_id AS "messageId", s.token_id AS "tokenId", s.created_at AS "createdAt", s.expires_at AS "expiresAt"
     FROM short_links s LEFT JOIN topics t ON t.workspace_id = s.workspace_id AND t.id = s.topic_id
     WHERE s.id = $1 AND s.expires_at > now()`,
    [id],
  );
  return rows[0] ?? null;
}
