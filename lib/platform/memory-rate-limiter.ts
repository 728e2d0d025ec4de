/**
 * A sliding-window counter in this process's memory, for the public endpoints where a database write per
 * request would cost more than the request (page views, one-click posts). It keeps this window's count and
 * the last one's, and weighs the last by how much of it still lies within a window of now, so a burst that
 * straddles the turn of a window is counted as one burst, not as two that each fit.
 * Each app instance counts on its own, so N instances allow up to N times the limit; the limits that must
 * hold across instances (sign-in, fresh links, API keys) are counted in PostgreSQL
 * (lib/platform/rate-limit-store.ts).
 */
export function memoryRateLimiter(limit: number, windowSeconds: number, maxKeys = 100_000) {
  const windowMs = windowSeconds * 1000;
  let currentWindow = -1;
  let counts = new Map<string, number>();
  let previousCounts = new Map<string, number>();
  /** `release` takes the request back out of the count (it is handed on to where it is counted again). */
  return (key: string): { allowed: boolean; retryAfterSeconds: number; release: () => void } => {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    if (window !== currentWindow) {
      // A new window: the one just ended still weighs; anything older is handed back.
      previousCounts = window === currentWindow + 1 ? counts : new Map();
      counts = new Map();
      currentWindow = window;
    }
    const intoWindow = (now - window * windowMs) / windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    const count = (counts.get(key) ?? 0) + 1;
    // Beyond maxKeys distinct keys in one window, new keys are not tracked rather than memory growing.
    if (counts.has(key) || counts.size < maxKeys) counts.set(key, count);
    const weighed = count + (previousCounts.get(key) ?? 0) * (1 - intoWindow);
    const release = () => {
      const counted = counts.get(key);
      if (window === currentWindow && counted) counts.set(key, counted - 1);
    };
    return { allowed: weighed <= limit, retryAfterSeconds, release };
  };
}

const globalForLimits = globalThis as unknown as { pageViews?: ReturnType<typeof memoryRateLimiter> };

/**
 * The per-address limit on page views, one counter per process: proxy.ts (inside Next's bundle) and the
 * web server's fast landing path (scripts/web-server.ts, its own copy of this module) count together.
 */
export function pageViewLimiter(limitPerMinute: number) {
  globalForLimits.pageViews ??= memoryRateLimiter(limitPerMinute, 60);
  return globalForLimits.pageViews;
}
