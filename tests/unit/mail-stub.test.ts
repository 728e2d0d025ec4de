import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startMailStub, type MailStub } from "@/lib/platform/dev/mail-stub";

// Tests and the demo read the stub's directory while the app sends: a message must appear whole or
// not at all, or a reader parses half a file.

let root: string;
let stub: MailStub;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "mail-stub-"));
  stub = await startMailStub(path.join(root, "mail"));
});

afterAll(async () => {
  await stub.stop();
  await rm(root, { recursive: true, force: true });
});

test("a reader listing the directory mid-send only ever finds whole messages", async () => {
  const html = `<p>${"x".repeat(2_000_000)}</p>`;
  let sending = true;
  const unreadable: string[] = [];
  const reading = (async () => {
    while (sending) {
      for (const file of await readdir(stub.dir)) {
        const text = await readFile(path.join(stub.dir, file), "utf8").catch(() => "");
        try {
          JSON.parse(text);
        } catch {
          unreadable.push(file);
        }
      }
    }
  })();
  const sends = Array.from({ length: 20 }, (_, i) =>
    fetch(`${stub.url}/emails`, { method: "POST", body: JSON.stringify({ from: "a@example.com", to: `p${i}@example.com`, subject: "s", html, text: "t" }) }),
  );
  const answers = await Promise.all(sends);
  sending = false;
  await reading;
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  expect(unreadable).toEqual([]);
  expect(await readdir(stub.dir)).toHaveLength(20);
  expect((await readdir(root)).sort()).toEqual(["mail", "mail-contacts"]);
});
