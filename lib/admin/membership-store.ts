import "server-only";
import { db } from "@/lib/platform/db";
import type { MemberRole } from "@/lib/generated/prisma/enums";

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
