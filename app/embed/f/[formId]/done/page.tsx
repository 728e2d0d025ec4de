import type { Metadata } from "next";
import { SignupDone } from "@/components/forms/signup-done";
import { EmbedBridge } from "@/components/preferences/embed-bridge";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadSignupDonePage, type SignupPageProps } from "@/lib/forms/signup-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Thank you", robots: { index: false, follow: false }, referrer: "same-origin" };

export default async function EmbeddedSignupDonePage(props: SignupPageProps) {
  const { form, locale, parent, next, backPath } = await loadSignupDonePage(props, "embed");
  return (
    <BrandFrame branding={form.workspace.branding} sender={form.workspace.name} bare>
      <main lang={locale}>
        <SignupDone locale={locale} next={next} backPath={backPath} />
      </main>
      {parent && <EmbedBridge parent={parent} event="submitted" />}
    </BrandFrame>
  );
}
