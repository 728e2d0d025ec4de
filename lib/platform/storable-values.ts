// Values PostgreSQL stores as sent and reads back the same.

/**
 * Free text that is stored as sent: PostgreSQL's text and jsonb refuse the NUL character (U+0000), and
 * jsonb an unpaired surrogate (which JSON's \ud800 escapes can carry; text would store U+FFFD instead).
 */
export const isStorableText = (value: string) => !value.includes("\u0000") && value.isWellFormed();
export const STORABLE_TEXT = { error: "must not contain the NUL character (U+0000) or an unpaired surrogate" };

// The instants PostgreSQL stores and Prisma reads back as a Date: years 1 to 9999, UTC. A pause ending
// outside them is stored (as BC, or a five-digit year) but read back as an Invalid Date, and from then
// on every read of the contact's preferences fails.
const EARLIEST_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");
export const isStorableInstant = (iso: string) => {
  const time = Date.parse(iso);
  return time >= EARLIEST_INSTANT && time <= LATEST_INSTANT;
};
