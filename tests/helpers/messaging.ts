import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startMessagingStub, type MessagingStub } from "@/lib/platform/dev/messaging-stub";

/** SMS (Twilio) and WhatsApp (Cloud API) in this test file go over HTTP to the local stand-in. */
export function withMessagingStub(): Pick<MessagingStub, "smsMessages" | "whatsappMessages"> {
  let stub: MessagingStub;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pc-messaging-"));
    stub = await startMessagingStub(dir);
    process.env.TWILIO_BASE_URL = stub.url;
    process.env.WHATSAPP_API_BASE_URL = stub.whatsappBaseUrl;
  });
  afterAll(async () => {
    await stub.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { smsMessages: () => stub.smsMessages(), whatsappMessages: () => stub.whatsappMessages() };
}
