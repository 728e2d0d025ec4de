import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, WaitTimeoutError } from "@/lib/platform/db-errors";
import { keyedLimiter } from "@/lib/platform/keyed-limiter";

/** A promise and what resolves it: a call that runs until the test lets it finish. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe("keyedLimiter", () => {
  it("runs at most `limit` calls of one key at once, the rest in order, and other keys freely", async () => {
    const withTurn = keyedLimiter(60_000);
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const gates = Array.from({ length: 5 }, gate);
    const busy = gates.map((g, i) =>
      withTurn("a", 2, async () => {
        started.push(`a${i}`);
        most = Math.max(most, ++running);
        await g.done;
        running--;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a0", "a1"]);
    // Another key does not wait behind the first one's queue.
    expect(await withTurn("b", 2, async () => "b done")).toBe("b done");
    for (const g of gates) g.release();
    await Promise.all(busy);
    expect(started).toEqual(["a0", "a1", "a2", "a3", "a4"]);
    expect(most).toBe(2);
  });

  it("gives up waiting after the timeout, as the database being unavailable, and keeps the turns of the others", async () => {
    const withTurn = keyedLimiter(50);
    const holder = gate();
    const held = withTurn("a", 1, () => holder.done);
    const waiting = withTurn("a", 1, async () => "never");
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await waiting.catch((error) => expect(isDatabaseUnavailable(error)).toBe(true));
    holder.release();
    await held;
    expect(await withTurn("a", 1, async () => "next")).toBe("next");
  });

  it("frees the turn of a call that throws", async () => {
    const withTurn = keyedLimiter(60_000);
    await expect(withTurn("a", 1, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withTurn("a", 1, async () => "after")).toBe("after");
  });
});
