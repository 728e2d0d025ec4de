import type { Metadata } from "next";
import { SignupDone } from "@/components/forms/signup-done";
import { BrandFrame } from "@/components/ui/brand-frame";
import { loadSignupDonePage, type SignupPageProps } from "@/lib/forms/signup-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Thank you", robots: { index: false, follow: false }, referrer: "same-origin" };

export default async function SignupDonePage(props: SignupPageProps) {
  const { form, locale, next, backPath } = await loadSignupDonePage(props, "hosted");
  return (
    <BrandFrame branding={form.workspace.branding} sender={form.workspace.name}>
      <main className="mx-auto max-w-xl" lang={locale}>
        <SignupDone locale={locale} next={next} backPath={backPath} />
      </main>
    </BrandFrame>
  );
}
