// Rates per message: opt-outs and complaints per 1,000 messages sent (the send log), and the line a
// sender must stay under: Gmail asks bulk senders to keep reported spam below 0.3% (3 per 1,000).

export const GMAIL_COMPLAINT_LIMIT_PER_THOUSAND = 3;

export type MessageSort = "opt_outs" | "complaints";

export type MessageCounts = { sent: number; optOuts: number; complaints: number };

/** How many per 1,000 sent; null when nothing was sent, since a rate without a denominator means nothing. */
export function perThousand(count: number, sent: number): number | null {
  return sent > 0 ? (count * 1000) / sent : null;
}

/** "2.5 per 1,000 (0.25%)", or "no sends" when nothing was sent. */
export function formatPerThousand(rate: number | null): string {
  if (rate === null) return "no sends";
  return `${rate.toFixed(1)} per 1,000 (${(rate / 10).toFixed(2)}%)`;
}

/** Whether the complaints cross Gmail's line. */
export function overComplaintLimit(counts: MessageCounts): boolean {
  const rate = perThousand(counts.complaints, counts.sent);
  return rate !== null && rate >= GMAIL_COMPLAINT_LIMIT_PER_THOUSAND;
}

export function readMessageSort(value: string | undefined): MessageSort {
  return value === "complaints" ? "complaints" : "opt_outs";
}

/** The dashboard's periods: 7, 30 (the default) or 90 days. */
export function readPeriodDays(value: string | undefined): 7 | 30 | 90 {
  return value === "90" ? 90 : value === "7" ? 7 : 30;
}

/** The message id from its path segment, which Next hands over still URL-encoded; null when malformed. */
export function readMessageIdSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
