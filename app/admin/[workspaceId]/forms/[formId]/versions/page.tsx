import Link from "next/link";
import { notFound } from "next/navigation";
import { requireMember } from "@/lib/admin/auth";
import { channelConsent, type FormContent } from "@/lib/forms/form-content";
import { getForm, listFormVersions } from "@/lib/forms/form-store";
import { LOCALES, type Locale } from "@/lib/platform/i18n";
import { isUuid } from "@/lib/platform/uuid";

export const dynamic = "force-dynamic";

function Wording({ content, locale }: { content: FormContent; locale: Locale }) {
  const wording = content.wording[locale]!;
  return (
    <div className="rounded border border-slate-200 p-3">
      <h4 className="font-medium">
        {locale}
        {locale === content.defaultLocale ? " (default)" : ""}
      </h4>
      <dl className="mt-1 grid gap-1">
        <dt className="text-slate-600">Title</dt>
        <dd>{wording.title}</dd>
        {wording.intro && (
          <>
            <dt className="text-slate-600">Introduction</dt>
            <dd className="whitespace-pre-wrap">{wording.intro}</dd>
          </>
        )}
        {content.channels.map(({ channel }) => {
          const consent = channelConsent(content, locale, channel);
          return (
            <div key={channel}>
              <dt className="text-slate-600">Consent statement, {channel}</dt>
              <dd className="whitespace-pre-wrap">{consent.text}</dd>
              <dd className="font-mono text-xs break-all text-slate-600">SHA-256 {consent.hash}</dd>
            </div>
          );
        })}
        <dt className="text-slate-600">Button</dt>
        <dd>{wording.submit}</dd>
      </dl>
    </div>
  );
}

// Every version of a form, newest first, each as it was written: what the consents collected on it were given on.
export default async function FormVersionsPage({ params }: { params: Promise<{ workspaceId: string; formId: string }> }) {
  const { workspaceId, formId } = await params;
  await requireMember(workspaceId);
  const form = isUuid(formId) ? await getForm(workspaceId, formId) : null;
  if (!form) notFound();
  const versions = await listFormVersions(workspaceId, formId);

  return (
    <div className="grid gap-6">
      <div>
        <p className="text-sm">
          <Link href={`/admin/${workspaceId}/forms/${formId}`} className="text-blue-800 underline">
            {form.name}
          </Link>
        </p>
        <h1 className="text-2xl font-bold">Versions of {form.name}</h1>
        <p className="text-sm text-slate-700">
          A version is never changed once written. The SHA-256 under each consent statement is the wording hash its ledger entries carry.
        </p>
      </div>
      <ol className="grid gap-4" aria-label="Versions">
        {versions.map(({ version, content, createdAt }) => (
          <li key={version} id={`version-${version}`} className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
            <h2 className="text-lg font-semibold">
              Version {version}
              {version === form.currentVersion ? " (shown now)" : ""}
            </h2>
            <p className="text-slate-700">Written {createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC</p>
            <ul className="mt-2">
              {content.channels.map(({ channel, topics, doubleOptIn }) => (
                <li key={channel}>
                  {channel}: {topics.join(", ")} {doubleOptIn ? "(confirmation asked)" : "(no confirmation)"}
                </li>
              ))}
            </ul>
            <p className="mt-1">
              Privacy policy: <span className="font-mono">{content.privacyPolicyUrl}</span>
            </p>
            <div className="mt-3 grid gap-3 md:grid-cols-2">
              {LOCALES.filter((locale) => content.wording[locale]).map((locale) => (
                <Wording key={locale} content={content} locale={locale} />
              ))}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
