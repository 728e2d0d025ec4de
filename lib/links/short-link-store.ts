import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/platform/db";
import type { Channel, TokenPurpose } from "@/lib/generated/prisma/enums";

const SHORT_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const SHORT_ID_LENGTH = 12;

/** A fresh short link id: 12 characters an SMS keeps as they are, about 70 bits of chance. */
export function newShortLinkId(): string {
  const bytes = randomBytes(SHORT_ID_LENGTH);
  return Array.from(bytes, (b) => SHORT_ID_ALPHABET[b % SHORT_ID_ALPHABET.length]).join("");
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

export async function findShortLink(id: string): Promise<ShortLinkClaims | null> {
  if (!SHORT_ID_PATTERN.test(id)) return null;
  const link = await db().shortLink.findUnique({ where: { id } });
  if (!link || link.expiresAt.getTime() <= Date.now()) return null;
  const topic = link.topicId ? await db().topic.findUnique({ where: { id: link.topicId }, select: { key: true } }) : null;
  return { ...link, topicKey: topic?.key ?? null };
}
