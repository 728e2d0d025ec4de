import type { Metadata } from "next";
import { SignupForm } from "@/components/forms/signup-form";
import { EmbedBridge } from "@/components/preferences/embed-bridge";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadSignupFormPage, type SignupPageProps } from "@/lib/forms/signup-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign up", robots: { index: false, follow: false }, referrer: "same-origin" };

// The sign-up form inside a business's own site: framed only by the form's allowed origins (proxy.ts),
// no cookie, the same plain form as the hosted page.
export default async function EmbeddedSignupFormPage(props: SignupPageProps) {
  const { view, form } = await loadSignupFormPage(props, "embed");
  return (
    <BrandFrame branding={form.workspace.branding} sender={form.workspace.name} bare>
      <main lang={view.locale}>
        <SignupForm view={view} />
      </main>
      {view.parent && <EmbedBridge parent={view.parent} event={null} />}
    </BrandFrame>
  );
}
