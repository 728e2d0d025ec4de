import Link from "next/link";
import { notFound } from "next/navigation";
import { formVersionHref } from "@/lib/forms/form-paths";
import { requireMember } from "@/lib/admin/auth";
import { contactTimeline, findContact } from "@/lib/contacts/contact-store";
import { getContactPreferences } from "@/lib/consent/preference-store";

export const dynamic = "force-dynamic";

const SOURCE_LABELS: Record<string, string> = {
  one_click: "one-click (mail app)",
  landing_page: "unsubscribe page",
  preference_page: "preference page",
  embed: "embedded page",
  mailto: "email reply",
  sms_keyword: "SMS keyword",
  whatsapp_keyword: "WhatsApp",
  api: "API",
  admin: "admin",
  import: "import",
  double_opt_in: "double opt-in",
  form: "sign-up form",
};

// One contact: where they stand now, and every change of consent that led there.
export default async function ContactPage({ params }: { params: Promise<{ workspaceId: string; contactId: string }> }) {
  const { workspaceId, contactId } = await params;
  await requireMember(workspaceId);
  const contact = await findContact(workspaceId, contactId);
  if (!contact) notFound();
  const [state, timeline] = await Promise.all([getContactPreferences(workspaceId, contactId), contactTimeline(workspaceId, contactId)]);

  return (
    <div className="grid gap-8">
      <div>
        <h1 className="text-2xl font-bold">{contact.email ?? contact.phone ?? contact.externalId}</h1>
        <p className="text-sm text-slate-700">
          {[contact.phone, contact.whatsappId && `WhatsApp ${contact.whatsappId}`, contact.externalId && `external id ${contact.externalId}`, contact.locale]
            .filter(Boolean)
            .join(" · ")}
        </p>
      </div>
      <section aria-labelledby="now">
        <h2 id="now" className="text-lg font-semibold">
          Now
        </h2>
        <div className="mt-2 grid gap-4 md:grid-cols-3">
          {state?.channels.map((channel) => (
            <div key={channel.channel} className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
              <p className="font-semibold">
                {channel.channel}: {channel.subscribed ? "on" : "off"}
                {channel.paused ? " (paused)" : ""}
              </p>
              <p className="text-slate-700">frequency: {channel.frequency}</p>
              <ul className="mt-2">
                {channel.topics.map((topic) => (
                  <li key={topic.key}>
                    {topic.key}: {topic.status}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </section>
      <section aria-labelledby="timeline">
        <h2 id="timeline" className="text-lg font-semibold">
          Consent timeline
        </h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col">When (UTC)</th>
              <th scope="col">What</th>
              <th scope="col">How</th>
              <th scope="col">Message</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {timeline.map((entry) => (
              <tr key={entry.id} className="border-b border-slate-100 align-top">
                <td className="py-1 whitespace-nowrap">{entry.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                <td className="py-1">
                  {entry.defaults ? `created, with the defaults ${entry.defaults.join(", ")}` : `${entry.action} ${entry.channel}`}
                  {entry.topic ? ` / ${entry.topic.key}` : ""}
                  {!entry.defaults && (entry.previousStatus || entry.newStatus) ? (
                    <span className="text-slate-600">
                      {" "}
                      ({entry.previousStatus ?? "—"} → {entry.newStatus ?? "—"})
                    </span>
                  ) : null}
                </td>
                <td className="py-1">
                  {SOURCE_LABELS[entry.source] ?? entry.source}
                  {entry.form && (
                    <>
                      {" "}
                      <Link href={formVersionHref(workspaceId, entry.form.id, entry.form.version)} className="text-blue-800 underline">
                        {entry.form.name ?? "form"}, version {entry.form.version}
                      </Link>
                    </>
                  )}
                  {entry.locale ? `, ${entry.locale}` : ""}
                </td>
                <td className="py-1">{entry.messageId ?? ""}</td>
                <td className="py-1">{entry.feedback ? `${entry.feedback.reason}${entry.feedback.comment ? `: “${entry.feedback.comment}”` : ""}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
