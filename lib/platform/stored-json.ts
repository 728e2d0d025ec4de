import { z } from "zod";

/**
 * A JSON column's value, parsed where it leaves the database, for the columns whose value is proof (a
 * ledger entry's details, an event's payload, a stored answer): one that does not parse was edited by
 * hand and is refused, naming `what`. A plain Error, never a ZodError, which the API answers as the
 * client's own 400.
 */
export function parseStoredJson<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw storedJsonError(what, parsed.error);
  return parsed.data;
}

/** Why a stored value was refused: what it is, and what is wrong with it. */
export function storedJsonError(what: string, error: z.ZodError): Error {
  return new Error(`${what} is not what this application writes:\n${z.prettifyError(error)}`);
}
