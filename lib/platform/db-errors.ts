// Recognises "the database is unreachable" among the errors Prisma, the pg driver adapter and pg throw,
// so that callers answer 503 with Retry-After instead of a false success or a 500.

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "P1001", "P1002", "P1017", "P2024"]);
// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown).
const UNREACHABLE_SQLSTATE = /^(08|57P)/;
const UNREACHABLE_MESSAGE = /connect|Connection terminated|timeout exceeded when trying to connect|server closed the connection|terminating connection|the database system is (starting up|shutting down)/i;

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
