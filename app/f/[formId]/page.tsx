import type { Metadata } from "next";
import { SignupForm } from "@/components/forms/signup-form";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadSignupFormPage, type SignupPageProps } from "@/lib/forms/signup-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign up", robots: { index: false, follow: false }, referrer: "same-origin" };

// The hosted sign-up form. Opening it writes no consent (it counts a view); the form posts without JavaScript.
// Its referrer policy is same-origin, not no-referrer: with no-referrer the browser posts `Origin: null`,
// which proxy.ts refuses.
export default async function SignupFormPage(props: SignupPageProps) {
  const { view, form } = await loadSignupFormPage(props, "hosted");
  return (
    <BrandFrame branding={form.workspace.branding} sender={form.workspace.name}>
      <main className="mx-auto max-w-xl" lang={view.locale}>
        <SignupForm view={view} />
      </main>
    </BrandFrame>
  );
}
