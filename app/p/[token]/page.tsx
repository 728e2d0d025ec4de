import type { Metadata } from "next";
import { PreferencesView } from "@/components/preferences/preferences-view";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadPreferencesPage, type PreferencesPageProps } from "@/lib/pages/preferences-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Preferences", robots: { index: false, follow: false }, referrer: "same-origin" };

// The preference page on our domain. It only reads; every change is a form posting to a server action.
export default async function PreferencesPage(props: PreferencesPageProps) {
  const { token, state, locale, query, survey, wording } = await loadPreferencesPage(props);
  return (
    <BrandFrame branding={state.workspace.branding} sender={state.workspace.name}>
      <main>
        <PreferencesView state={state} surface={{ token, kind: "page", parent: null }} locale={locale} query={query} survey={survey} wording={wording} />
      </main>
    </BrandFrame>
  );
}
