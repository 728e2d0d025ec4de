// How a form's confirmation rate reads: confirmed of those asked to confirm.

/** Confirmed of those asked to confirm, or null when nobody was asked. */
export function confirmationRate(pending: number, confirmed: number): number | null {
  return pending > 0 ? confirmed / pending : null;
}

/** "75% (3 of 4)", or "none asked" when no consent waited for confirmation. */
export function formatConfirmationRate(pending: number, confirmed: number): string {
  const rate = confirmationRate(pending, confirmed);
  return rate === null ? "none asked" : `${Math.round(rate * 100)}% (${confirmed} of ${pending})`;
}
