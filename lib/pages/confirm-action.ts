"use server";

import { headers } from "next/headers";
import { confirmPendingTopics } from "@/lib/consent/double-opt-in";
import { confirmPagePath } from "@/lib/links/message-links";
import { linkAction } from "@/lib/pages/link-action";
import { seenTopicVersionsForm } from "@/lib/pages/preferences-schema";
import { StaleVersionError } from "@/lib/platform/errors";
import { clientIp, userAgent } from "@/lib/platform/request-info";

/**
 * The confirmation button, bound to its page's token; it posts the topics it showed, with their versions,
 * and their language.
 * A stale page (or one without what it showed) confirms nothing and shows the current state.
 */
export const confirmSubscription = linkAction(
  "confirm",
  { bound: [], form: seenTopicVersionsForm, page: ([token]) => confirmPagePath(token) },
  async ({ link, bound: [token], data, form }) => {
    const requestHeaders = await headers();
    let confirmed: string[];
    try {
      confirmed = await confirmPendingTopics(link, data, {
        ip: clientIp(requestHeaders),
        userAgent: userAgent(requestHeaders),
        shownLocale: form.get("locale")?.toString() ?? null,
        acceptLanguage: requestHeaders.get("accept-language"),
      });
    } catch (error) {
      if (error instanceof StaleVersionError) return confirmPagePath(token);
      throw error;
    }
    return confirmed.length > 0 ? `${confirmPagePath(token)}?confirmed=${confirmed.join(",")}` : confirmPagePath(token);
  },
);
