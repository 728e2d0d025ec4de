import { WaitTimeoutError } from "@/lib/platform/db-errors";

type Turns = { running: number; waiting: (() => void)[] };

/**
 * Runs at most `limit` calls per key at once in this process; the others wait their turn, in order, for
 * at most `timeoutMs` each (then a WaitTimeoutError, which callers answer as 503 with Retry-After).
 */
export function keyedLimiter(timeoutMs: number) {
  const byKey = new Map<string, Turns>();
  return async function withTurn<T>(key: string, limit: number, fn: () => Promise<T>): Promise<T> {
    let turns = byKey.get(key);
    if (!turns) byKey.set(key, (turns = { running: 0, waiting: [] }));
    if (turns.running < limit) turns.running++;
    else await waitTurn(turns, timeoutMs);
    try {
      return await fn();
    } finally {
      // A finished call hands its turn straight to the next in line.
      const next = turns.waiting.shift();
      if (next) next();
      else if (--turns.running === 0) byKey.delete(key);
    }
  };
}

function waitTurn(turns: Turns, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const take = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      turns.waiting.splice(turns.waiting.indexOf(take), 1);
      reject(new WaitTimeoutError(timeoutMs));
    }, timeoutMs);
    turns.waiting.push(take);
  });
}
