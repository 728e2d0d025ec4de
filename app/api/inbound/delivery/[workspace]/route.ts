import { answerDeliveryWebhook } from "@/lib/inbound/delivery-webhook";

export const dynamic = "force-dynamic";

/**
 * POST /api/inbound/delivery/{workspace}: bounces and complaints from any sender in the generic format
 * (one event, or `{ "events": [...] }`), signed by the Standard Webhooks scheme with the workspace's
 * delivery-event secret (lib/inbound/delivery-webhook.ts).
 */
export async function POST(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  return answerDeliveryWebhook(request, (await params).workspace, "generic");
}
