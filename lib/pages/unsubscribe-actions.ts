"use server";

import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { landingWording, type LandingWording } from "@/lib/consent/wording";
import { unsubscribePagePath } from "@/lib/links/message-links";
import type { LinkScope } from "@/lib/links/scope-store";
import { canUndoByLink, resubscribeByLink, unsubscribeByLink } from "@/lib/links/unsubscribe";
import { recordOptOutFeedback } from "@/lib/pages/feedback-store";
import { linkAction } from "@/lib/pages/link-action";
import { optOutReasonForm, seenVersionForm } from "@/lib/pages/preferences-schema";
import { NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { noFields } from "@/lib/platform/form-schema";
import { matchLocale, resolveLocale } from "@/lib/platform/i18n";
import { clientIp, userAgent } from "@/lib/platform/request-info";

// The landing page's buttons, each bound to the token of the page it was rendered on, which
// linkAction verifies again as an unsubscribe link: nothing the browser sends can widen what it acts on.
// A link that went bad between rendering and posting goes back to the same "not valid" page.

const landingPage = ([token]: readonly [string]) => unsubscribePagePath(token);

/** The evidence of a press of `button`, hashing the wording it showed in the language it was shown in. */
async function evidenceFor(form: FormData, scope: LinkScope, button: keyof LandingWording) {
  const requestHeaders = await headers();
  const shown =
    matchLocale(form.get("locale")?.toString()) ??
    resolveLocale({
      contactLocale: scope.contact.locale,
      acceptLanguage: requestHeaders.get("accept-language"),
      workspaceDefault: scope.workspace.defaultLocale,
    });
  return {
    source: "landing_page" as const,
    ip: clientIp(requestHeaders),
    userAgent: userAgent(requestHeaders),
    locale: shown,
    wordingHash: landingWording(scope, shown)[button].hash,
  };
}

export const confirmUnsubscribe = linkAction("unsubscribe", { bound: [], form: noFields, page: landingPage }, async ({ link, bound, form }) => {
  await unsubscribeByLink(link.claims, await evidenceFor(form, link.scope, "confirm"));
  return landingPage(bound);
});

/** The Undo names the version the page showed; a page without it is as stale as one showing an older one. */
export const undoUnsubscribe = linkAction(
  "unsubscribe",
  { bound: [], form: seenVersionForm, page: landingPage, invalid: ({ bound }) => `${landingPage(bound)}?stale=1` },
  async ({ link, bound, form, data: seenVersion }) => {
    // A list no longer sent, or a message too old to add consent: the page offers no Undo (any more).
    if (!canUndoByLink(link)) return landingPage(bound);
    try {
      await resubscribeByLink(link.claims, seenVersion, { ...(await evidenceFor(form, link.scope, "undo")), details: { undo: true } });
    } catch (error) {
      if (error instanceof StaleVersionError) return `${landingPage(bound)}?stale=1`;
      throw error;
    }
    return `${landingPage(bound)}?resubscribed=1`;
  },
);

export const saveOptOutReason = linkAction(
  "unsubscribe",
  { bound: [], form: optOutReasonForm, page: landingPage, invalid: ({ bound }) => `${landingPage(bound)}?reason=invalid` },
  async ({ link, bound, data }) => {
    try {
      await recordOptOutFeedback(link.scope, data.reason, data.comment);
    } catch (error) {
      // No opt-out to explain: the page offers the question only after one, so this post was made up.
      if (error instanceof NotFoundError) notFound();
      throw error;
    }
    return `${landingPage(bound)}?thanks=1`;
  },
);
