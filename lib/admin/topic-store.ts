import "server-only";
import { db } from "@/lib/platform/db";
import { syncConsentDefaults } from "@/lib/consent/defaults-store";
import type { Channel, TopicKind } from "@/lib/generated/prisma/enums";
import { readTopicTexts } from "@/lib/consent/topic-texts";
import type { LocalizedText } from "@/lib/platform/i18n";

export async function listTopics(workspaceId: string) {
  const topics = await db().topic.findMany({
    where: { workspaceId },
    orderBy: [{ retiredAt: { sort: "asc", nulls: "first" } }, { position: "asc" }, { key: "asc" }],
  });
  return topics.map((topic) => ({ ...topic, ...readTopicTexts(topic) }));
}

export async function retireTopic(workspaceId: string, topicId: string) {
  await db().$transaction(async (tx) => {
    await tx.topic.updateMany({ where: { id: topicId, workspaceId, retiredAt: null }, data: { retiredAt: new Date() } });
    await syncConsentDefaults(tx, workspaceId);
  });
}

/** Moves a topic one place up or down among the live topics. */
export async function moveTopic(workspaceId: string, topicId: string, direction: "up" | "down") {
  const topics = await db().topic.findMany({ where: { workspaceId, retiredAt: null }, orderBy: [{ position: "asc" }, { key: "asc" }], select: { id: true } });
  const index = topics.findIndex((topic) => topic.id === topicId);
  const other = index + (direction === "up" ? -1 : 1);
  if (index < 0 || other < 0 || other >= topics.length) return;
  [topics[index], topics[other]] = [topics[other], topics[index]];
  await db().$transaction(topics.map((topic, position) => db().topic.update({ where: { id: topic.id }, data: { position } })));
}

export type TopicSettings = { names: LocalizedText; descriptions: LocalizedText; channels: Channel[]; requiresOptIn: boolean; kind?: TopicKind };

/** Turning off "needs opt-in" or adding a channel reaches only the contacts created from now on. */
export async function updateTopic(workspaceId: string, topicId: string, input: TopicSettings) {
  await db().$transaction(async (tx) => {
    await tx.topic.updateMany({ where: { id: topicId, workspaceId }, data: input });
    await syncConsentDefaults(tx, workspaceId);
  });
}

export type NewTopic = {
  key: string;
  names: LocalizedText;
  descriptions?: LocalizedText;
  channels: Channel[];
  requiresOptIn: boolean;
  kind?: TopicKind;
  position?: number;
};

/** A topic on by default is so only for the contacts created from now on (lib/consent/defaults-store.ts). */
export async function createTopic(workspaceId: string, input: NewTopic) {
  return db().$transaction(async (tx) => {
    const topic = await tx.topic.create({
      data: {
        workspaceId,
        key: input.key,
        names: input.names,
        descriptions: input.descriptions ?? {},
        channels: input.channels,
        requiresOptIn: input.requiresOptIn,
        kind: input.kind,
        position: input.position ?? 0,
      },
    });
    await syncConsentDefaults(tx, workspaceId);
    return { ...topic, ...readTopicTexts(topic) };
  });
}
