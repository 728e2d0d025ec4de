import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startMailStub, type MailStub } from "@/lib/platform/dev/mail-stub";

/** Email in this test file goes through the real resend SDK to a local stub; links use APP_URL. */
export function withMailStub(): Pick<MailStub, "messages" | "contactUpdates" | "throttleContactUpdates"> {
  let mail: MailStub;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pc-mail-"));
    mail = await startMailStub(dir);
    process.env.RESEND_API_KEY = "re_test";
    process.env.RESEND_BASE_URL = mail.url;
    process.env.APP_URL = "https://prefs.example.com";
  });
  afterAll(async () => {
    await mail.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(mail.contactsDir, { recursive: true, force: true });
  });
  return {
    messages: () => mail.messages(),
    contactUpdates: () => mail.contactUpdates(),
    throttleContactUpdates: (count, retryAfterSeconds) => mail.throttleContactUpdates(count, retryAfterSeconds),
  };
}
