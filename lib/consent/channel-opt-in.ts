import "server-only";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";

// Double opt-in by SMS and WhatsApp: the topics wait in `pending` until the person confirms by a reply
// (YES, SÍ, SIM, SÌ by SMS; the prefilled keyword of a click-to-chat link on WhatsApp).

export type ChannelOptInRequest = {
  contactId: string;
  channel: "sms" | "whatsapp";
  topics: string[];
  evidence: ConsentEvidence;
  /** The language the confirmation is written in; the contact's, then the workspace's, when absent. */
  locale?: string;
};

export type ChannelOptInStart = {
  /** The topics now waiting for the person's reply. */
  pending: string[];
  /** A confirmation went out within the period; no other was sent. */
  alreadySent?: true;
  /** WhatsApp: the click-to-chat link whose prefilled message confirms. */
  chatUrl?: string;
};

export async function startChannelOptIn(workspaceId: string, request: ChannelOptInRequest): Promise<ChannelOptInStart> {
  void workspaceId;
  void request;
  throw new Error("startChannelOptIn is being built (issue 16)");
}
