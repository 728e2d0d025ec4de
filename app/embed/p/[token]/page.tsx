import type { Metadata } from "next";
import { EmbedBridge } from "@/components/preferences/embed-bridge";
import { PreferencesView } from "@/components/preferences/preferences-view";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadPreferencesPage, type PreferencesPageProps } from "@/lib/pages/preferences-page";
import { allowedParent } from "@/lib/pages/preferences-surface";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Preferences", robots: { index: false, follow: false }, referrer: "same-origin" };

// The preference page inside a business's own site. Only this route may be framed, and only by the
// workspace's allowed origins (proxy.ts sets `frame-ancestors`). It needs no cookie: the token travels
// in the URL and in every form.
export default async function EmbeddedPreferencesPage(props: PreferencesPageProps) {
  const { token, state, locale, query, survey, wording } = await loadPreferencesPage(props);
  const parent = allowedParent(state, query("parent"));
  const event = query("stopped") === "all" || query("survey") ? "unsubscribed" : query("saved") || query("alternative") ? "saved" : null;
  return (
    <BrandFrame branding={state.workspace.branding} sender={state.workspace.name} bare>
      <main>
        <PreferencesView state={state} surface={{ token, kind: "embed", parent }} locale={locale} query={query} survey={survey} wording={wording} />
      </main>
      {parent && <EmbedBridge parent={parent} event={event} />}
    </BrandFrame>
  );
}
