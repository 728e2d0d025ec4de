import { z } from "zod";
import { CHANNELS } from "@/lib/channels";

// The fields every /api/v1 schema names the same way, with the same message when they are wrong.

export const channelSchema = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });

export const topicKeySchema = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a topic key (lower-case letters, digits, - and _, up to 64)");
