import Link from "next/link";
import { notFound } from "next/navigation";
import { FormStatsChart } from "@/components/admin/form-stats-chart";
import { ArchiveFormButton, FormEditor } from "@/components/admin/form-editor";
import { NumberCell, NumberHeader } from "@/components/admin/number-cells";
import { PeriodControls } from "@/components/admin/period-controls";
import { Section } from "@/components/admin/section";
import { ChartNumbers } from "@/components/admin/chart-numbers";
import { requireMember } from "@/lib/admin/auth";
import { lastDays, type Bucket } from "@/lib/admin/analytics-store";
import { readPeriodDays } from "@/lib/admin/message-rates";
import { archiveFormAction, saveFormAction } from "@/lib/forms/form-actions";
import { formEditorValues } from "@/lib/forms/form-editor";
import { loadFormOffer } from "@/lib/forms/form-offer";
import { formPublicUrls, formVersionHref } from "@/lib/forms/form-paths";
import { formatConfirmationRate } from "@/lib/forms/form-stats";
import { consentsByVersion, formOverTime, formTotals } from "@/lib/forms/form-stats-store";
import { getForm } from "@/lib/forms/form-store";
import { isUuid } from "@/lib/platform/uuid";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ workspaceId: string; formId: string }>; searchParams: Promise<Record<string, string | undefined>> };

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="rounded-lg border border-slate-200 p-3">
      <p className="text-sm text-slate-700">{label}</p>
      <p className="text-2xl font-semibold tabular-nums" data-testid={`stat-${label}`}>
        {value}
      </p>
    </div>
  );
}

// One sign-up form: where it lives, what it collected, and its editor (owners) or its content (viewers).
export default async function FormPage({ params, searchParams }: Props) {
  const [{ workspaceId, formId }, query] = await Promise.all([params, searchParams]);
  const { membership } = await requireMember(workspaceId);
  const form = isUuid(formId) ? await getForm(workspaceId, formId) : null;
  if (!form) notFound();
  const days = readPeriodDays(query.days);
  const bucket: Bucket = query.bucket === "week" ? "week" : "day";
  const range = lastDays(days);
  const [offer, totals, points, versions] = await Promise.all([
    loadFormOffer(workspaceId),
    formTotals(workspaceId, formId, range),
    formOverTime(workspaceId, formId, range, bucket),
    consentsByVersion(workspaceId, formId, range),
  ]);
  const owner = membership.role === "owner" && !form.archivedAt;
  const { hostedUrl, embedSnippet } = formPublicUrls(formId);
  const pending = totals.byChannel.reduce((sum, channel) => sum + channel.pending, 0);
  const confirmed = totals.byChannel.reduce((sum, channel) => sum + channel.confirmed, 0);

  return (
    <div className="grid gap-6">
      <div>
        <p className="text-sm">
          <Link href={`/admin/${workspaceId}/forms`} className="text-blue-800 underline">
            Sign-up forms
          </Link>
        </p>
        <h1 className="text-2xl font-bold">{form.name}</h1>
        <p className="text-sm text-slate-700">
          Showing version {form.currentVersion} ·{" "}
          <Link href={`/admin/${workspaceId}/forms/${formId}/versions`} className="text-blue-800 underline">
            All versions and their wording
          </Link>
          {form.archivedAt && ` · archived ${form.archivedAt.toISOString().slice(0, 10)}`}
        </p>
      </div>
      <div role="status" aria-live="polite">
        {query.created && <p className="rounded bg-green-50 p-3 text-green-900">Form created (version 1).</p>}
        {membership.role !== "owner" && <p className="rounded bg-slate-100 p-3">You are a viewer: you can read this form but not change it.</p>}
      </div>

      <Section id="where" title="On your site">
        <dl className="mt-3 grid gap-1 text-sm">
          <dt className="font-semibold">Hosted page (link to it from anywhere)</dt>
          <dd className="font-mono">{hostedUrl}</dd>
          <dt className="font-semibold">Embed on a page of an allowed site</dt>
          <dd>
            <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-3 text-xs">{embedSnippet}</pre>
          </dd>
        </dl>
      </Section>

      <Section id="figures" title="What it collected">
        <div className="mt-3">
          <PeriodControls days={days} bucket={bucket} />
        </div>
        <div className="mt-4 grid gap-3 md:grid-cols-4">
          <Stat label="Views" value={totals.views} />
          <Stat label="Submissions" value={totals.submissions} />
          <Stat label="Confirmations" value={confirmed} />
          <Stat label="Confirmation rate" value={formatConfirmationRate(pending, confirmed)} />
        </div>
        <table className="mt-4 w-full text-left text-sm" aria-label="Consents by channel">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col">Channel</th>
              <NumberHeader>Consents (topics ticked)</NumberHeader>
              <NumberHeader>Without confirmation</NumberHeader>
              <NumberHeader>Asked to confirm</NumberHeader>
              <NumberHeader>Confirmed</NumberHeader>
              <NumberHeader>Confirmation rate</NumberHeader>
            </tr>
          </thead>
          <tbody>
            {totals.byChannel.map((row) => (
              <tr key={row.channel} className="border-b border-slate-100">
                <th scope="row" className="py-1 font-normal">
                  {row.channel}
                </th>
                <NumberCell>{row.consents}</NumberCell>
                <NumberCell>{row.subscribedAtOnce}</NumberCell>
                <NumberCell>{row.pending}</NumberCell>
                <NumberCell>{row.confirmed}</NumberCell>
                <NumberCell>{formatConfirmationRate(row.pending, row.confirmed)}</NumberCell>
              </tr>
            ))}
          </tbody>
        </table>
        <h3 className="mt-5 font-semibold">Per {bucket}</h3>
        <FormStatsChart points={points} label={`Views, submissions and confirmations per ${bucket}`} />
        <ChartNumbers
          headings={["Views", "Submissions", "Asked to confirm", "Confirmed"]}
          rows={points.map((point) => ({ period: point.period, figures: [point.views, point.submissions, point.pending, point.confirmed] }))}
        />
        <h3 className="mt-5 font-semibold">Which wording collected which consents</h3>
        <table className="mt-2 w-full text-left text-sm" aria-label="Consents by wording version">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col">Version</th>
              <th scope="col">Channel</th>
              <NumberHeader>Consents</NumberHeader>
              <NumberHeader>Confirmed</NumberHeader>
            </tr>
          </thead>
          <tbody>
            {versions.map((row) => (
              <tr key={`${row.version}/${row.channel}`} className="border-b border-slate-100">
                <td className="py-1">
                  <Link href={formVersionHref(workspaceId, formId, row.version)} className="text-blue-800 underline">
                    Version {row.version}
                  </Link>
                </td>
                <td>{row.channel}</td>
                <NumberCell>{row.consents}</NumberCell>
                <NumberCell>{row.confirmed}</NumberCell>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="edit" title={owner ? "Edit the form" : "The form"}>
        <p className="mt-1 text-sm text-slate-700">
          Saving a change of channels, topics, double opt-in, privacy link or wording writes a new version; the earlier ones are kept as they were, with the
          consents given on them. Name and origins change in place.
        </p>
        <div className="mt-4">
          <FormEditor
            action={saveFormAction.bind(null, workspaceId, formId)}
            defaultValues={formEditorValues(form, offer)}
            {...offer}
            submitLabel="Save form"
            readOnly={!owner}
          />
        </div>
        {owner && (
          <div className="mt-6 border-t border-slate-200 pt-4">
            <ArchiveFormButton action={archiveFormAction.bind(null, workspaceId, formId)} />
          </div>
        )}
      </Section>
    </div>
  );
}
