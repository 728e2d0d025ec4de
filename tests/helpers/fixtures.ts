import { randomBytes } from "node:crypto";
import { createWorkspace } from "@/lib/admin/workspace-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createTopic } from "@/lib/admin/topic-store";
import type { Channel } from "@/lib/generated/prisma/enums";

/** A workspace with email, SMS and WhatsApp, an opt-in topic on all three, a default-on one, and a contact. */
export async function createTestWorkspace(options: { enabledChannels?: Channel[] } = {}) {
  const workspace = await createWorkspace({
    slug: `ws-${randomBytes(4).toString("hex")}`,
    name: "Test shop",
    enabledChannels: options.enabledChannels ?? ["email", "sms", "whatsapp"],
  });
  const offers = await createTopic(workspace.id, {
    key: "offers",
    names: { en: "Offers" },
    channels: ["email", "sms", "whatsapp"],
    requiresOptIn: true,
  });
  const reminders = await createTopic(workspace.id, {
    key: "reminders",
    names: { en: "Reminders" },
    channels: ["email", "sms"],
    requiresOptIn: false,
    position: 1,
  });
  const contact = await createContact(workspace.id, {
    externalId: `c-${randomBytes(4).toString("hex")}`,
    email: `Person.${randomBytes(4).toString("hex")}@Example.com`,
    phone: "+14155550100",
    whatsappId: "14155550100",
    locale: "en",
  });
  return { workspace, topics: { offers, reminders }, contact };
}

/**
 * Where-clause for ledger entries other than contacts' creation entries (the defaults each contact
 * received when it was created): the changes a test makes.
 */
export const CHANGES = { NOT: { action: "subscribe", channel: null } } as const;
