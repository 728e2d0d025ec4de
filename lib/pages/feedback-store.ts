import "server-only";
import { db } from "@/lib/platform/db";
import { NotFoundError } from "@/lib/platform/errors";
import type { OptOutReason } from "@/lib/generated/prisma/enums";
import { isUuid } from "@/lib/platform/uuid";
import type { LinkScope } from "@/lib/links/scope-store";

/** The most recent opt-out of this scope, which a reason answer explains; with its answer, if any. */
export async function findLatestOptOut(scope: LinkScope) {
  return db().consentEvent.findFirst({
    where: {
      workspaceId: scope.workspace.id,
      contactId: scope.contact.id,
      channel: scope.channel,
      topicId: scope.topic?.id ?? null,
      action: "unsubscribe",
    },
    orderBy: { seq: "desc" },
    select: { id: true, feedback: { select: { reason: true } } },
  });
}

/** Stores the optional reason survey answer, tied to the latest opt-out of this scope. */
export async function recordOptOutFeedback(scope: LinkScope, reason: OptOutReason, comment: string | null) {
  const optOut = await findLatestOptOut(scope);
  if (!optOut) throw new NotFoundError("opt_out", "There is no opt-out to explain.");
  return recordFeedbackForEvent(scope.workspace.id, scope.contact.id, optOut.id, reason, comment);
}

/** Ties a reason to one opt-out of this contact; a second answer replaces the first. */
export async function recordFeedbackForEvent(workspaceId: string, contactId: string, consentEventId: string, reason: OptOutReason, comment: string | null) {
  const optOut = await findOptOutEvent(workspaceId, contactId, consentEventId);
  if (!optOut) throw new NotFoundError("opt_out", "There is no such opt-out to explain.");
  return db().optOutFeedback.upsert({
    where: { consentEventId },
    create: { workspaceId, consentEventId, reason, comment },
    update: { reason, comment },
  });
}

/** One opt-out entry of this contact (never another's), with its topic and any reason given. */
export async function findOptOutEvent(workspaceId: string, contactId: string, consentEventId: string) {
  // Not an id at all (a hand-edited ?survey=, a tampered form): no such opt-out, not a database error.
  if (!isUuid(consentEventId)) return null;
  return db().consentEvent.findFirst({
    where: { id: consentEventId, workspaceId, contactId, action: "unsubscribe" },
    select: {
      id: true,
      channel: true,
      topic: { select: { key: true } },
      feedback: { select: { reason: true } },
    },
  });
}
