"use server";

import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { boundString, parseBound } from "@/lib/platform/bound-arguments";
import { recordOptOutFeedback } from "@/lib/pages/feedback-store";
import { NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { matchLocale, resolveLocale } from "@/lib/platform/i18n";
import { unsubscribePagePath } from "@/lib/links/message-links";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { optOutReasonSchema } from "@/lib/pages/opt-out-reason-schema";
import { seenVersionSchema } from "@/lib/pages/preferences-schema";
import { canUndoByLink, resolveUnsubscribeLink, resubscribeByLink, unsubscribeByLink } from "@/lib/links/unsubscribe";
import { wordingHash } from "@/lib/consent/wording";

// The landing page's buttons. Each action is bound to the token of the page it was rendered on and
// verifies that token again itself: nothing the browser sends can widen what it acts on.

async function linkOrInvalid(token: string) {
  const link = await resolveUnsubscribeLink(parseBound(z.tuple([boundString]), [token])[0]);
  // A link that went bad between rendering and posting shows the same "not valid" page.
  if (!link) redirect(unsubscribePagePath(token));
  return link;
}

async function evidenceFor(locale: string | null, scope: Parameters<typeof wordingHash>[0]) {
  const requestHeaders = await headers();
  const shown =
    matchLocale(locale) ??
    resolveLocale({ contactLocale: scope.contact.locale, acceptLanguage: requestHeaders.get("accept-language"), workspaceDefault: scope.workspace.defaultLocale });
  return {
    source: "landing_page" as const,
    ip: clientIp(requestHeaders),
    userAgent: userAgent(requestHeaders),
    locale: shown,
    wordingHash: wordingHash(scope, shown),
  };
}

export async function confirmUnsubscribe(token: string, form: FormData) {
  const { claims, scope } = await linkOrInvalid(token);
  await unsubscribeByLink(claims, await evidenceFor(form.get("locale")?.toString() ?? null, scope));
  redirect(unsubscribePagePath(token));
}

export async function undoUnsubscribe(token: string, form: FormData) {
  const link = await linkOrInvalid(token);
  // A list no longer sent, or a message too old to add consent: the page offers no Undo (any more).
  if (!canUndoByLink(link)) redirect(unsubscribePagePath(token));
  const stale = `${unsubscribePagePath(token)}?stale=1`;
  const seen = seenVersionSchema.safeParse(form.get("version"));
  // A page without the version it showed is as stale as one showing an older version.
  if (!seen.success) redirect(stale);
  const evidence = await evidenceFor(form.get("locale")?.toString() ?? null, link.scope);
  try {
    await resubscribeByLink(link.claims, seen.data, { ...evidence, details: { undo: true } });
  } catch (error) {
    if (error instanceof StaleVersionError) redirect(stale);
    throw error;
  }
  redirect(`${unsubscribePagePath(token)}?resubscribed=1`);
}

export async function saveOptOutReason(token: string, form: FormData) {
  const { scope } = await linkOrInvalid(token);
  const parsed = optOutReasonSchema.safeParse({ reason: form.get("reason"), comment: form.get("comment") ?? "" });
  if (!parsed.success) redirect(`${unsubscribePagePath(token)}?reason=invalid`);
  try {
    await recordOptOutFeedback(scope, parsed.data.reason, parsed.data.comment);
  } catch (error) {
    // No opt-out to explain: the page offers the question only after one, so this post was made up.
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  redirect(`${unsubscribePagePath(token)}?thanks=1`);
}
