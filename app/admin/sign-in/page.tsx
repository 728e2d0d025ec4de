import type { Metadata } from "next";
import { Card, PageShell, PrimaryButton, SecondaryButton } from "@/components/ui/card";
import { requestSignIn, signInWithProvider } from "@/lib/admin/sign-in-actions";
import { oauthProviders } from "@/lib/admin/auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in", robots: { index: false } };

const ERRORS: Record<string, string> = {
  email: "Enter an email address such as you@example.com.",
  limit: "Too many sign-in requests. Try again in an hour.",
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { sent, error } = await searchParams;
  return (
    <PageShell>
      <Card>
        <h1 className="text-2xl font-bold">Sign in to the dashboard</h1>
        {sent ? (
          <p role="status" className="mt-4 text-green-900">
            Check your inbox: if this address belongs to an admin, a sign-in link is on its way.
          </p>
        ) : (
          <form action={requestSignIn} className="mt-6">
            <label htmlFor="email" className="block font-medium">
              Email address
            </label>
            <input
              id="email"
              name="email"
              type="email"
              required
              autoComplete="email"
              className="mt-1 w-full rounded-lg border border-[var(--field-border)] p-2"
            />
            {error && (
              <p role="alert" className="mt-2 text-[var(--error)]">
                {ERRORS[error] ?? "Sign-in failed. Try again."}
              </p>
            )}
            <div className="mt-4">
              <PrimaryButton>Email me a sign-in link</PrimaryButton>
            </div>
          </form>
        )}
        {!sent &&
          oauthProviders().map((provider) => (
            <form key={provider.id} action={signInWithProvider.bind(null, provider.id)} className="mt-3">
              <SecondaryButton>Sign in with {provider.name}</SecondaryButton>
            </form>
          ))}
      </Card>
    </PageShell>
  );
}
