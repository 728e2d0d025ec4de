import { BreakdownTable } from "@/components/admin/breakdown-table";
import { OptOutChart } from "@/components/admin/opt-out-chart";
import { requireMember } from "@/lib/admin/auth";
import { lastDays, listFeedback, optOutBreakdowns, optOutsOverTime, reasonBreakdown, type Bucket, type Split } from "@/lib/admin/analytics-store";
import { formatPerThousand, perThousand, readPeriodDays } from "@/lib/admin/message-rates";
import { ratesOverTime } from "@/lib/admin/message-rates-store";
import { linkVisitStats } from "@/lib/links/visit-store";
import { OPT_OUT_REASONS } from "@/lib/pages/opt-out-reason-schema";
import { PeriodControls } from "@/components/admin/period-controls";
import { ChartNumbers } from "@/components/admin/chart-numbers";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ workspaceId: string }>; searchParams: Promise<Record<string, string | undefined>> };

// Why people leave: opt-outs per message sent, opt-outs over time by channel, topic and source; the reasons; the answers.
export default async function DashboardPage({ params, searchParams }: Props) {
  const [{ workspaceId }, query] = await Promise.all([params, searchParams]);
  await requireMember(workspaceId);
  const days = readPeriodDays(query.days);
  const bucket: Bucket = query.bucket === "week" ? "week" : "day";
  const split: Split = query.split === "topic" ? "topic" : query.split === "source" ? "source" : "channel";
  const reason = (OPT_OUT_REASONS as readonly string[]).includes(query.reason ?? "") ? (query.reason as (typeof OPT_OUT_REASONS)[number]) : undefined;
  const search = query.q?.trim().slice(0, 100) || undefined;
  const range = lastDays(days);

  const [points, breakdowns, rates, reasons, answers, visits] = await Promise.all([
    optOutsOverTime(workspaceId, range, bucket, split),
    optOutBreakdowns(workspaceId, range),
    ratesOverTime(workspaceId, range, bucket),
    reasonBreakdown(workspaceId, range),
    listFeedback(workspaceId, { reason, search }),
    linkVisitStats(workspaceId, range),
  ]);
  const series = [...new Set(points.flatMap((point) => Object.keys(point.bySeries)))].sort();
  const sentIn = new Map(rates.map((point) => [point.period, point.sent]));
  const sent = rates.reduce((total, point) => total + point.sent, 0);

  return (
    <div className="grid gap-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold">Opt-outs</h1>
        <PeriodControls
          days={days}
          bucket={bucket}
          after={
            <>
              <a href={`/admin/${workspaceId}/export`} className="text-blue-800 underline">
                Export opt-outs (CSV)
              </a>
              <a href={`/admin/${workspaceId}/messages?days=${days}`} className="text-blue-800 underline">
                Rates per message
              </a>
            </>
          }
        >
          <label>
            Split by{" "}
            <select name="split" defaultValue={split} className="rounded border border-slate-400 p-1">
              <option value="channel">channel</option>
              <option value="topic">topic</option>
              <option value="source">source</option>
            </select>
          </label>
        </PeriodControls>
      </div>

      <dl className="grid grid-cols-3 gap-4">
        {[
          ["Opt-outs", String(breakdowns.total)],
          ["Sent", String(sent)],
          ["Opt-out rate", formatPerThousand(perThousand(breakdowns.total, sent))],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{label}</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-testid={`stat-${label}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="over-time" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="over-time" className="font-semibold">
          Opt-outs per {bucket}, by {split}
        </h2>
        <OptOutChart points={points} series={series} label={`Opt-outs over time by ${split}`} />
        <ChartNumbers
          headings={["Opt-outs", "Sent", "Opt-out rate"]}
          rows={points.map((point) => ({
            period: point.period,
            figures: [point.optOuts, sentIn.get(point.period) ?? 0, formatPerThousand(perThousand(point.optOuts, sentIn.get(point.period) ?? 0))],
          }))}
        />
      </section>

      <section aria-labelledby="visits" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="visits" className="font-semibold">
          Link visits
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          Mail security scanners open every link before people do. Visits whose link never led to a change are kept apart; those from scanner-like user agents
          are flagged.
        </p>
        <BreakdownTable
          caption="Visits by outcome"
          rows={[
            { key: "led to a change", count: visits.withAction },
            { key: "no change, scanner-like", count: visits.withoutActionFlagged },
            { key: "no change, browser-like", count: visits.withoutActionOther },
          ]}
          total={visits.visits}
        />
      </section>

      <div className="grid gap-6 md:grid-cols-3">
        <BreakdownTable caption="Opt-outs by channel" rows={breakdowns.byChannel} total={breakdowns.total} />
        <BreakdownTable caption="Opt-outs by topic" rows={breakdowns.byTopic} total={breakdowns.total} />
        <BreakdownTable caption="Opt-outs by source" rows={breakdowns.bySource} total={breakdowns.total} />
      </div>

      <section aria-labelledby="reasons" className="grid gap-6 md:grid-cols-2">
        <div>
          <h2 id="reasons" className="sr-only">
            Reasons
          </h2>
          <BreakdownTable caption="Answers by reason" rows={reasons} total={reasons.reduce((sum, row) => sum + row.count, 0)} />
        </div>
        <div>
          <h2 className="font-semibold">What people wrote</h2>
          <form method="get" className="mt-2 flex flex-wrap gap-2 text-sm">
            <input type="hidden" name="days" value={days} />
            <label className="sr-only" htmlFor="answers-q">
              Search the answers
            </label>
            <input id="answers-q" name="q" defaultValue={search} placeholder="Search the answers" className="rounded border border-slate-400 p-1" />
            <label className="sr-only" htmlFor="answers-reason">
              Reason
            </label>
            <select id="answers-reason" name="reason" defaultValue={reason ?? ""} className="rounded border border-slate-400 p-1">
              <option value="">Any reason</option>
              {OPT_OUT_REASONS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit" className="rounded bg-blue-800 px-3 py-1 text-white">
              Filter
            </button>
          </form>
          <ul className="mt-3 grid gap-2" aria-label="Free-text answers">
            {answers.length === 0 && <li className="text-sm text-slate-600">No answers match.</li>}
            {answers.map((answer) => (
              <li key={answer.id} className="rounded border border-slate-200 bg-white p-3 text-sm">
                <p>{answer.comment ?? <em>(no text)</em>}</p>
                <p className="mt-1 text-slate-600">
                  {answer.reason} · {answer.consentEvent.channel}
                  {answer.consentEvent.topic ? ` / ${answer.consentEvent.topic.key}` : ""} · {answer.createdAt.toISOString().slice(0, 10)} ·{" "}
                  <a className="text-blue-800 underline" href={`/admin/${workspaceId}/contacts/${answer.consentEvent.contactId}`}>
                    contact
                  </a>
                </p>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </div>
  );
}
