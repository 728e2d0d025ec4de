"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "@/components/admin/chart-frame";

export type FormPointView = { period: string; views: number; submissions: number; confirmed: number };

/** A form's views, submissions and confirmations per period. The numbers stand in a table beside it. */
export function FormStatsChart({ points, label }: { points: FormPointView[]; label: string }) {
  return (
    <ChartFrame label={label}>
      <LineChart data={points}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="period" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        <Line type="monotone" dataKey="views" name="Views" stroke="#64748b" strokeWidth={2} />
        <Line type="monotone" dataKey="submissions" name="Submissions" stroke="#1e40af" strokeWidth={2} />
        <Line type="monotone" dataKey="confirmed" name="Confirmations" stroke="#0f766e" strokeWidth={2} />
      </LineChart>
    </ChartFrame>
  );
}
