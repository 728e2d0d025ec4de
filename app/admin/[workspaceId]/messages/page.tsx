import Link from "next/link";
import { MessageRatesChart } from "@/components/admin/message-rates-chart";
import { requireMember } from "@/lib/admin/auth";
import { lastDays, type Bucket } from "@/lib/admin/analytics-store";
import {
  formatPerThousand,
  GMAIL_COMPLAINT_LIMIT_PER_THOUSAND,
  overComplaintLimit,
  perThousand,
  readMessageSort,
  readPeriodDays,
} from "@/lib/admin/message-rates";
import { rankMessages, ratesOverTime } from "@/lib/admin/message-rates-store";
import { PeriodControls } from "@/components/admin/period-controls";
import { ChartNumbers } from "@/components/admin/chart-numbers";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ workspaceId: string }>; searchParams: Promise<Record<string, string | undefined>> };

// Which messages make people leave or complain: rates per 1,000 sent, from the send log.
export default async function MessagesPage({ params, searchParams }: Props) {
  const [{ workspaceId }, query] = await Promise.all([params, searchParams]);
  await requireMember(workspaceId);
  const days = readPeriodDays(query.days);
  const bucket: Bucket = query.bucket === "week" ? "week" : "day";
  const sort = readMessageSort(query.sort);
  const range = lastDays(days);
  const [messages, points] = await Promise.all([rankMessages(workspaceId, range, sort), ratesOverTime(workspaceId, range, bucket)]);

  return (
    <div className="grid gap-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold">Messages</h1>
        <PeriodControls days={days} bucket={bucket}>
          <label>
            Rank by{" "}
            <select name="sort" defaultValue={sort} className="rounded border border-slate-400 p-1">
              <option value="opt_outs">opt-out rate</option>
              <option value="complaints">complaint rate</option>
            </select>
          </label>
        </PeriodControls>
      </div>

      <section aria-labelledby="rates-over-time" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="rates-over-time" className="font-semibold">
          Opt-outs and complaints per 1,000 sent, per {bucket}
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          Gmail asks bulk senders to keep spam complaints under 0.3% of what they send ({GMAIL_COMPLAINT_LIMIT_PER_THOUSAND} per 1,000): the dashed line.
        </p>
        <MessageRatesChart
          points={points.map((point) => ({
            period: point.period,
            optOutRate: perThousand(point.optOuts, point.sent),
            complaintRate: perThousand(point.complaints, point.sent),
          }))}
          complaintLimit={GMAIL_COMPLAINT_LIMIT_PER_THOUSAND}
          label="Opt-out and complaint rates over time"
        />
        <ChartNumbers
          headings={["Sent", "Opt-outs", "Complaints", "Opt-out rate", "Complaint rate"]}
          rows={points.map((point) => ({
            period: point.period,
            figures: [
              point.sent,
              point.optOuts,
              point.complaints,
              formatPerThousand(perThousand(point.optOuts, point.sent)),
              formatPerThousand(perThousand(point.complaints, point.sent)),
            ],
          }))}
        />
      </section>

      <section aria-labelledby="ranking" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="ranking" className="font-semibold">
          Messages sent in the last {days} days, by {sort === "complaints" ? "complaint" : "opt-out"} rate
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          People who opted out or complained through each message (its id in the links and the send log), per 1,000 of it sent. A complaint opts the person out,
          so it counts as an opt-out too.
        </p>
        <table className="mt-3 w-full text-left text-sm" aria-label="Messages by rate">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="py-1">
                Message
              </th>
              <th scope="col" className="py-1 text-right">
                Sent
              </th>
              <th scope="col" className="py-1 text-right">
                Opt-outs
              </th>
              <th scope="col" className="py-1 text-right">
                Opt-out rate
              </th>
              <th scope="col" className="py-1 text-right">
                Complaints
              </th>
              <th scope="col" className="py-1 text-right">
                Complaint rate
              </th>
            </tr>
          </thead>
          <tbody>
            {messages.length === 0 && (
              <tr>
                <td colSpan={6} className="py-1 text-slate-600">
                  No sends recorded in this period (POST /api/v1/sends records them).
                </td>
              </tr>
            )}
            {messages.map((message) => (
              <tr key={message.messageId} className="border-b border-slate-100">
                <th scope="row" className="py-1 font-normal break-all">
                  <Link className="text-blue-800 underline" href={`/admin/${workspaceId}/messages/${encodeURIComponent(message.messageId)}?days=${days}`}>
                    {message.messageId}
                  </Link>
                </th>
                <td className="py-1 text-right tabular-nums">{message.sent}</td>
                <td className="py-1 text-right tabular-nums">{message.optOuts}</td>
                <td className="py-1 text-right tabular-nums">{formatPerThousand(perThousand(message.optOuts, message.sent))}</td>
                <td className="py-1 text-right tabular-nums">{message.complaints}</td>
                <td className={`py-1 text-right tabular-nums ${overComplaintLimit(message) ? "font-semibold text-red-800" : ""}`}>
                  {formatPerThousand(perThousand(message.complaints, message.sent))}
                  {overComplaintLimit(message) ? " — over Gmail's 0.3%" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
