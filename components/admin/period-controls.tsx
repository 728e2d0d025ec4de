import type { ReactNode } from "react";

/**
 * The GET form above the dashboard's charts: the period and the bucket of its time series, then the
 * page's own choices (`children`) and its links (`after`).
 */
export function PeriodControls({ days, bucket, children, after }: { days: number; bucket: string; children?: ReactNode; after?: ReactNode }) {
  return (
    <form className="flex flex-wrap items-end gap-3 text-sm" method="get">
      <label>
        Period{" "}
        <select name="days" defaultValue={String(days)} className="rounded border border-slate-400 p-1">
          <option value="7">7 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
        </select>
      </label>
      <label>
        Per{" "}
        <select name="bucket" defaultValue={bucket} className="rounded border border-slate-400 p-1">
          <option value="day">day</option>
          <option value="week">week</option>
        </select>
      </label>
      {children}
      <button type="submit" className="rounded bg-blue-800 px-3 py-1 text-white">
        Show
      </button>
      {after}
    </form>
  );
}
