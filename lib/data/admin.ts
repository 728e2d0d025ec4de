import "server-only";
import { db } from "@/lib/db";
import { creationDefaults, syncConsentDefaults } from "@/lib/data/consent-defaults";
import type { Channel, MemberRole } from "@/lib/generated/prisma/enums";
import { isUuid } from "@/lib/uuid";

export type Membership = { workspaceId: string; workspaceName: string; role: MemberRole };

export async function findMembership(userId: string, workspaceId: string): Promise<Membership | null> {
  const row = await db().membership.findUnique({
    where: { userId_workspaceId: { userId, workspaceId } },
    select: { role: true, workspace: { select: { id: true, name: true } } },
  });
  return row ? { workspaceId: row.workspace.id, workspaceName: row.workspace.name, role: row.role } : null;
}

export async function listMemberships(userId: string): Promise<Membership[]> {
  const rows = await db().membership.findMany({
    where: { userId },
    select: { role: true, workspace: { select: { id: true, name: true } } },
    orderBy: { workspace: { name: "asc" } },
  });
  return rows.map((row) => ({ workspaceId: row.workspace.id, workspaceName: row.workspace.name, role: row.role }));
}

/** An admin (created if new) with a role in a workspace: the demo seed and the tests use it. */
export async function addAdmin(workspaceId: string, email: string, role: MemberRole) {
  const user = await db().user.upsert({ where: { email }, create: { email }, update: {} });
  await db().membership.upsert({
    where: { userId_workspaceId: { userId: user.id, workspaceId } },
    create: { userId: user.id, workspaceId, role },
    update: { role },
  });
  return user;
}

/** Only people already made admins may receive a sign-in link. */
/** Housekeeping: sign-in tokens past their 15 minutes, among them every stranger's, which was never sent. */
export async function purgeExpiredVerificationTokens(): Promise<void> {
  await db().verificationToken.deleteMany({ where: { expires: { lt: new Date() } } });
}

export async function isAdminEmail(email: string): Promise<boolean> {
  const user = await db().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { memberships: { select: { role: true }, take: 1 } } });
  return (user?.memberships.length ?? 0) > 0;
}

/** Contacts by email, phone (E.164) or external id: exact matches, in this workspace only. */
export async function searchContacts(workspaceId: string, query: string) {
  const q = query.trim();
  if (!q) return [];
  return db().contact.findMany({
    where: { workspaceId, erasedAt: null, OR: [{ email: q.toLowerCase() }, { phone: q }, { externalId: q }, { whatsappId: q.replace(/^\+/, "") }] },
    take: 20,
    select: { id: true, email: true, phone: true, externalId: true, locale: true, createdAt: true },
  });
}

export async function findContact(workspaceId: string, contactId: string) {
  if (!isUuid(contactId)) return null;
  return db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    select: { id: true, email: true, phone: true, whatsappId: true, externalId: true, locale: true, createdAt: true },
  });
}

/**
 * A contact's whole consent history, newest first: what changed, when, how, from which message, and why;
 * its creation entry with the defaults it received, by channel and topic key.
 */
export async function contactTimeline(workspaceId: string, contactId: string) {
  const [entries, topics] = await Promise.all([
    db().consentEvent.findMany({
      where: { workspaceId, contactId },
      orderBy: { seq: "desc" },
      take: 500,
      select: {
        id: true,
        seq: true,
        createdAt: true,
        channel: true,
        action: true,
        source: true,
        previousStatus: true,
        newStatus: true,
        messageId: true,
        locale: true,
        ip: true,
        details: true,
        topic: { select: { key: true } },
        feedback: { select: { reason: true, comment: true } },
      },
    }),
    db().topic.findMany({ where: { workspaceId }, select: { id: true, key: true } }),
  ]);
  const keys = new Map(topics.map((topic) => [topic.id, topic.key]));
  return entries.map(({ details, ...entry }) => ({
    ...entry,
    defaults: creationDefaults(details)?.map((d) => (d.topic ? `${d.channel} / ${keys.get(d.topic) ?? d.topic}` : d.channel)) ?? null,
  }));
}

export async function listTopics(workspaceId: string) {
  return db().topic.findMany({ where: { workspaceId }, orderBy: [{ retiredAt: { sort: "asc", nulls: "first" } }, { position: "asc" }, { key: "asc" }] });
}

export async function retireTopic(workspaceId: string, topicId: string) {
  await db().$transaction(async (tx) => {
    await tx.topic.updateMany({ where: { id: topicId, workspaceId, retiredAt: null }, data: { retiredAt: new Date() } });
    await syncConsentDefaults(tx, workspaceId);
  });
}

/** Moves a topic one place up or down among the live topics. */
export async function moveTopic(workspaceId: string, topicId: string, direction: "up" | "down") {
  const topics = await db().topic.findMany({ where: { workspaceId, retiredAt: null }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const index = topics.findIndex((topic) => topic.id === topicId);
  const other = index + (direction === "up" ? -1 : 1);
  if (index < 0 || other < 0 || other >= topics.length) return;
  [topics[index], topics[other]] = [topics[other], topics[index]];
  await db().$transaction(topics.map((topic, position) => db().topic.update({ where: { id: topic.id }, data: { position } })));
}

export async function listApiKeys(workspaceId: string) {
  return db().apiKey.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, lastUsedAt: true, createdAt: true, revokedAt: true },
  });
}

export async function listSigningKeys(workspaceId: string) {
  return db().signingKey.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, select: { kid: true, status: true, createdAt: true, retiredAt: true } });
}

/** Turning off "needs opt-in" or adding a channel reaches only the contacts created from now on. */
export async function updateTopic(
  workspaceId: string,
  topicId: string,
  input: { names: Record<string, string>; descriptions: Record<string, string>; channels: Channel[]; requiresOptIn: boolean },
) {
  await db().$transaction(async (tx) => {
    await tx.topic.updateMany({ where: { id: topicId, workspaceId }, data: input });
    await syncConsentDefaults(tx, workspaceId);
  });
}

/** A channel enabled (again) is on by default only for the contacts created from now on. */
export async function setEnabledChannels(workspaceId: string, channels: Channel[]) {
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: workspaceId }, data: { enabledChannels: channels } });
    await syncConsentDefaults(tx, workspaceId);
  });
}

export async function getEnabledChannels(workspaceId: string): Promise<Channel[]> {
  return (await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { enabledChannels: true } })).enabledChannels;
}
