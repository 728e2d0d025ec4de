"use client";

import { useEffect } from "react";

/**
 * Talks to the page that frames this one, and only to it: the parent origin was checked against the
 * workspace's allowed origins on the server. It reports the content's height (so the iframe fits it)
 * and what the person just did (`saved`, `unsubscribed`; a sign-up form: `submitted`). It listens to nothing but that origin.
 */
export function EmbedBridge({ parent, event }: { parent: string; event: "saved" | "unsubscribed" | "submitted" | null }) {
  useEffect(() => {
    if (window.parent === window) return;
    const post = (message: Record<string, unknown>) => window.parent.postMessage({ source: "preference-center", ...message }, parent);
    // The page's own content, not the document: the document is at least as tall as the iframe itself.
    const content = document.getElementById("brand-frame") ?? document.body;
    const reportHeight = () => post({ type: "resize", height: Math.ceil(content.getBoundingClientRect().height) });
    const observer = new ResizeObserver(reportHeight);
    observer.observe(content);
    reportHeight();
    if (event) post({ type: event });
    const onMessage = (message: MessageEvent) => {
      if (message.origin !== parent || message.source !== window.parent) return;
      if (message.data?.type === "ping") reportHeight();
    };
    window.addEventListener("message", onMessage);
    return () => {
      observer.disconnect();
      window.removeEventListener("message", onMessage);
    };
  }, [parent, event]);
  return null;
}
