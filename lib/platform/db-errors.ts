// Recognises "the database is unreachable" among the errors Prisma, the pg driver adapter and pg throw,
// so that callers answer 503 with Retry-After instead of a false success or a 500.

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "P1001", "P1002", "P1017", "P2024"]);
// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown).
const UNREACHABLE_SQLSTATE = /^(08|57P)/;
const UNREACHABLE_MESSAGE =
  /connect|Connection terminated|timeout exceeded when trying to connect|server closed the connection|terminating connection|the database system is (starting up|shutting down)/i;

/** Waited as long as a request may for its turn at the database (lib/platform/keyed-limiter.ts), without getting it. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
  constructor(timeoutMs: number) {
    super(`no turn at the database within ${timeoutMs} ms`);
  }
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof WaitTimeoutError) return true;
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (typeof candidate.code === "string" && (UNREACHABLE_CODES.has(candidate.code) || UNREACHABLE_SQLSTATE.test(candidate.code))) return true;
    if (candidate.name === "PrismaClientInitializationError") return true;
    if (typeof candidate.message === "string" && UNREACHABLE_MESSAGE.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}

export const RETRY_AFTER_SECONDS = 5;

// PostgreSQL's SQLSTATE for unique_violation, as pg reports it.
const UNIQUE_VIOLATION_SQLSTATE = "23505";

/**
 * Recognises "a row with this key exists already" in both vocabularies: Prisma's P2002, the error of its
 * pg driver adapter (`UniqueConstraintViolation`, also inside a failed raw query's `meta`), and pg's own.
 */
export function isUniqueViolation(error: unknown): boolean {
  const pending: unknown[] = [error];
  for (let depth = 0; depth < 10 && pending.length > 0; depth++) {
    const current = pending.shift();
    if (typeof current !== "object" || current === null) continue;
    if ("code" in current && (current.code === "P2002" || current.code === UNIQUE_VIOLATION_SQLSTATE)) return true;
    if ("kind" in current && current.kind === "UniqueConstraintViolation") return true;
    if ("cause" in current) pending.push(current.cause);
    if ("meta" in current && typeof current.meta === "object" && current.meta !== null && "driverAdapterError" in current.meta)
      pending.push(current.meta.driverAdapterError);
  }
  return false;
}
