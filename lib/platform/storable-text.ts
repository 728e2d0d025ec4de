/**
 * Free text that is stored as sent: PostgreSQL's text and jsonb refuse the NUL character (U+0000), and
 * jsonb an unpaired surrogate (which JSON's \ud800 escapes can carry; text would store U+FFFD instead).
 */
export const isStorableText = (value: string) => !value.includes("\u0000") && value.isWellFormed();
export const STORABLE_TEXT = { error: "must not contain the NUL character (U+0000) or an unpaired surrogate" };
