import type { Channel } from "@/lib/generated/prisma/enums";

// What a person may choose for a channel besides on and off, shown by the preference page, accepted by
// the API and worded (and hashed) by lib/consent/wording.ts.

/** How often: as it happens, or a daily or weekly digest. */
export const FREQUENCIES = ["immediate", "daily", "weekly"] as const;

/** A pause: keep the current one, none, 30, 60 or 90 days, or until a date. */
export const PAUSE_CHOICES = ["keep", "none", "30", "60", "90", "until"] as const;

/** What the reason survey offers instead of the opt-out just made: a weekly digest, a pause, another channel. */
export type Alternative = { id: "weekly" | "pause" | `switch:${Channel}`; channel: Channel };
