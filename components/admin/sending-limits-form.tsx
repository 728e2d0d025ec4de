import type { Channel } from "@/lib/generated/prisma/enums";
import { MAX_WINDOW_HOURS, type SendLimits } from "@/lib/contacts/send-limits";

type Props = {
  action: (form: FormData) => Promise<void>;
  timeZone: string;
  sendLimits: SendLimits;
  channels: Channel[];
  /** Live marketing topics, with the enabled channels they are sent on. */
  topics: { key: string; channels: Channel[] }[];
};

const input = "rounded border border-slate-400 p-1";
const button = "rounded bg-blue-800 px-3 py-1 text-white";

function CapFields({ name, label, cap }: { name: string; label: string; cap?: { max: number; windowHours: number } }) {
  return (
    <fieldset className="flex flex-wrap items-center gap-2">
      <legend className="sr-only">{label}</legend>
      <span className="w-48">{label}</span>
      <label>
        at most{" "}
        <input name={`${name}.max`} type="number" min={1} max={1000} defaultValue={cap?.max} aria-label={`${label}: at most`} className={`${input} w-20`} />
      </label>
      <label>
        per{" "}
        <input
          name={`${name}.hours`}
          type="number"
          min={1}
          max={MAX_WINDOW_HOURS}
          defaultValue={cap?.windowHours ?? 168}
          aria-label={`${label}: hours`}
          className={`${input} w-24`}
        />{" "}
        hours
      </label>
    </fieldset>
  );
}

/** The workspace's time zone, a cap per channel (and per topic on it), quiet hours per channel: blank is none. */
export function SendingLimitsForm({ action, timeZone, sendLimits, channels, topics }: Props) {
  const capOf = (channel: Channel, topic?: string) => sendLimits.frequencyCaps.find((c) => c.channel === channel && c.topic === topic);
  return (
    <form action={action} className="mt-3 grid gap-3 text-sm">
      <label>
        Time zone for contacts without one (IANA, such as Europe/Madrid){" "}
        <input name="timeZone" required defaultValue={timeZone} className={`${input} w-56 font-mono`} />
      </label>
      <h3 className="font-semibold">Frequency caps (messages in a rolling window; 168 hours is 7 days)</h3>
      {channels.map((channel) => (
        <CapFields key={channel} name={`cap.${channel}`} label={channel} cap={capOf(channel)} />
      ))}
      {topics.flatMap((topic) =>
        topic.channels.map((channel) => (
          <CapFields
            key={`${topic.key}/${channel}`}
            name={`cap.${channel}.${topic.key}`}
            label={`${topic.key} on ${channel}`}
            cap={capOf(channel, topic.key)}
          />
        )),
      )}
      <h3 className="font-semibold">Quiet hours (in each contact&apos;s time zone)</h3>
      {channels.map((channel) => {
        const quiet = sendLimits.quietHours.find((q) => q.channel === channel);
        return (
          <fieldset key={channel} className="flex flex-wrap items-center gap-2">
            <legend className="sr-only">Quiet hours for {channel}</legend>
            <span className="w-48">{channel}</span>
            <label>
              from <input name={`quiet.${channel}.start`} type="time" defaultValue={quiet?.start} aria-label={`${channel} quiet from`} className={input} />
            </label>
            <label>
              to <input name={`quiet.${channel}.end`} type="time" defaultValue={quiet?.end} aria-label={`${channel} quiet to`} className={input} />
            </label>
          </fieldset>
        );
      })}
      <p className="text-xs text-slate-600">
        A contact&apos;s daily or weekly digest choice caps marketing on that channel at one a day or one a week. Transactional topics are exempt from caps and
        quiet hours. Sendability and the audience apply these to what you log with POST /api/v1/sends.
      </p>
      <div>
        <button type="submit" className={button}>
          Save sending limits
        </button>
      </div>
    </form>
  );
}
