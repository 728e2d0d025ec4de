import { db } from "@/lib/platform/db";

/**
 * Every row of consent and its evidence, to prove that opening a link changed none. (A visit itself
 * is noted in link_visits, apart from consent, for the dashboard's scanner figures.)
 */
export async function snapshotRows() {
  const [events, outbox, channels, topics, feedback, shortLinks] = await Promise.all([
    db().consentEvent.findMany({ orderBy: { id: "asc" } }),
    db().outboxEvent.findMany({ orderBy: { id: "asc" } }),
    db().channelSubscription.findMany({ orderBy: [{ contactId: "asc" }, { channel: "asc" }] }),
    db().topicSubscription.findMany({ orderBy: [{ contactId: "asc" }, { channel: "asc" }, { topicId: "asc" }] }),
    db().optOutFeedback.findMany({ orderBy: { id: "asc" } }),
    db().shortLink.count(),
  ]);
  return JSON.stringify({ events, outbox, channels, topics, feedback, shortLinks }, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}
