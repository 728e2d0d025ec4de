import Link from "next/link";
import { notFound } from "next/navigation";
import { BreakdownTable } from "@/components/admin/breakdown-table";
import { requireMember } from "@/lib/admin/auth";
import { lastDays } from "@/lib/admin/analytics-store";
import { formatPerThousand, overComplaintLimit, perThousand, readMessageIdSegment, readPeriodDays } from "@/lib/admin/message-rates";
import { countMessage, listMessageOptOuts, messageReasons } from "@/lib/admin/message-rates-store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ workspaceId: string; messageId: string }>; searchParams: Promise<Record<string, string | undefined>> };

// One message: how many got it, who left or complained through it, and why.
export default async function MessagePage({ params, searchParams }: Props) {
  const [{ workspaceId, messageId: segment }, query] = await Promise.all([params, searchParams]);
  await requireMember(workspaceId);
  const messageId = readMessageIdSegment(segment);
  if (messageId === null) notFound();
  const days = readPeriodDays(query.days);
  const range = lastDays(days);
  const [counts, reasons, optOuts] = await Promise.all([
    countMessage(workspaceId, messageId, range),
    messageReasons(workspaceId, messageId, range),
    listMessageOptOuts(workspaceId, messageId, range),
  ]);
  const stats = [
    ["Sent", String(counts.sent)],
    ["Opt-outs", String(counts.optOuts)],
    ["Opt-out rate", formatPerThousand(perThousand(counts.optOuts, counts.sent))],
    ["Complaints", String(counts.complaints)],
    ["Complaint rate", formatPerThousand(perThousand(counts.complaints, counts.sent))],
  ];

  return (
    <div className="grid gap-8">
      <div>
        <p className="text-sm">
          <Link className="text-blue-800 underline" href={`/admin/${workspaceId}/messages?days=${days}`}>
            All messages
          </Link>
        </p>
        <h1 className="text-2xl font-bold break-all">Message {messageId}</h1>
        <p className="text-sm text-slate-700">The last {days} days.</p>
      </div>

      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums" data-testid={`stat-${label}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {overComplaintLimit(counts) && (
        <p role="status" className="font-semibold text-red-800">
          Complaints are over Gmail&apos;s 0.3% line for this message.
        </p>
      )}

      <div className="grid gap-6 md:grid-cols-3">
        <BreakdownTable caption="Answers by reason" rows={reasons} total={reasons.reduce((sum, row) => sum + row.count, 0)} />
        <div className="md:col-span-2">
          <table className="w-full text-left text-sm" aria-label="Opt-outs and complaints">
            <caption className="pb-2 text-left font-semibold">Opt-outs and complaints{optOuts.more ? `, the newest ${optOuts.entries.length}` : ""}</caption>
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-1">
                  When
                </th>
                <th scope="col" className="py-1">
                  What
                </th>
                <th scope="col" className="py-1">
                  How
                </th>
                <th scope="col" className="py-1">
                  Reason
                </th>
                <th scope="col" className="py-1">
                  <span className="sr-only">Contact</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {optOuts.entries.length === 0 && (
                <tr>
                  <td colSpan={5} className="py-1 text-slate-600">
                    None in this period.
                  </td>
                </tr>
              )}
              {optOuts.entries.map((entry) => (
                <tr key={entry.id} className="border-b border-slate-100 align-top">
                  <td className="py-1 tabular-nums">{entry.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                  <td className="py-1">
                    {entry.action} {entry.channel}
                    {entry.topic ? ` / ${entry.topic.key}` : ""}
                  </td>
                  <td className="py-1">{entry.source}</td>
                  <td className="py-1">
                    {entry.feedback ? (
                      <>
                        {entry.feedback.reason}
                        {entry.feedback.comment ? `: “${entry.feedback.comment}”` : ""}
                      </>
                    ) : (
                      <span className="text-slate-600">none given</span>
                    )}
                  </td>
                  <td className="py-1">
                    <Link className="text-blue-800 underline" href={`/admin/${workspaceId}/contacts/${entry.contactId}`}>
                      contact
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
