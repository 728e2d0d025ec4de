import { randomBytes } from "node:crypto";

const POOL_BYTES = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `size` random bytes, each handed out once, drawn from a pool the system's generator fills 64 KiB at
 * a time: a call to it costs microseconds however few bytes it gives, and a batch of 10,000 links
 * draws three ids a contact. A view into the pool: read (or overwrite) it at once, never keep it.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, size));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
