import { db } from "@/lib/db";

/** Every row a recipient's visit could touch, to prove that a visit touched none. */
export async function snapshotRows() {
  const [events, outbox, channels, topics, feedback, visits, shortLinks] = await Promise.all([
    db().consentEvent.findMany({ orderBy: { id: "asc" } }),
    db().outboxEvent.findMany({ orderBy: { id: "asc" } }),
    db().channelSubscription.findMany({ orderBy: [{ contactId: "asc" }, { channel: "asc" }] }),
    db().topicSubscription.findMany({ orderBy: [{ contactId: "asc" }, { channel: "asc" }, { topicId: "asc" }] }),
    db().optOutFeedback.findMany({ orderBy: { id: "asc" } }),
    db().linkVisit.count(),
    db().shortLink.count(),
  ]);
  return JSON.stringify({ events, outbox, channels, topics, feedback, visits, shortLinks }, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}
