import { answerDeliveryWebhook } from "@/lib/inbound/delivery-webhook";

export const dynamic = "force-dynamic";

/**
 * POST /api/inbound/resend/{workspace}: Resend's `email.bounced` and `email.complained` webhook events,
 * signed by Resend (Svix) with the secret the workspace stored in Settings (lib/inbound/delivery-webhook.ts).
 */
export async function POST(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  return answerDeliveryWebhook(request, (await params).workspace, "resend");
}
