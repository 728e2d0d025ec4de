import { z } from "zod";
import { CHANNELS } from "@/lib/channels";

// The fields every /api/v1 schema names the same way, with the same message when they are wrong.

export const channelSchema = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });

/**
 * Free text that is stored as sent: PostgreSQL's text and jsonb refuse the NUL character (U+0000), and
 * jsonb an unpaired surrogate (which JSON's \ud800 escapes can carry; text would store U+FFFD instead).
 */
export const isStorableText = (value: string) => !value.includes("\u0000") && value.isWellFormed();
export const STORABLE_TEXT = { error: "must not contain the NUL character (U+0000) or an unpaired surrogate" };

export const topicKeySchema = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a topic key (lower-case letters, digits, - and _, up to 64)");
