import type { Channel } from "@/lib/generated/prisma/enums";
import { z } from "zod";

export const CHANNELS = ["email", "sms", "whatsapp", "push"] as const satisfies readonly Channel[];

type Addresses = { email: string | null; phone: string | null; whatsappId: string | null; externalId: string | null };

/** The address a channel reaches a contact at; push goes to the business's own id for the person. */
export function addressFor(channel: Channel, contact: Addresses): string | null {
  switch (channel) {
    case "email":
      return contact.email;
    case "sms":
      return contact.phone;
    case "whatsapp":
      return contact.whatsappId;
    case "push":
      return contact.externalId;
  }
}

export const channelSchema = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });

export const topicKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a topic key (lower-case letters, digits, - and _, up to 64)");
