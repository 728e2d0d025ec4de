"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "@/components/admin/chart-frame";

export type RatePointView = { period: string; optOutRate: number | null; complaintRate: number | null };

/** Opt-outs and complaints per 1,000 sent, per period, against Gmail's complaint line. The numbers stand in a table beside it. */
export function MessageRatesChart({ points, complaintLimit, label }: { points: RatePointView[]; complaintLimit: number; label: string }) {
  return (
    <ChartFrame label={label}>
      <LineChart data={points}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="period" />
        <YAxis label={{ value: "per 1,000 sent", angle: -90, position: "insideLeft" }} />
        <Tooltip />
        <Legend />
        <Line type="monotone" dataKey="optOutRate" name="Opt-outs per 1,000 sent" stroke="#1e40af" strokeWidth={2} />
        <Line type="monotone" dataKey="complaintRate" name="Complaints per 1,000 sent" stroke="#be123c" strokeWidth={2} />
        <ReferenceLine
          y={complaintLimit}
          ifOverflow="extendDomain"
          stroke="#b91c1c"
          strokeDasharray="6 4"
          label={{ value: `Gmail's complaint limit: ${complaintLimit / 10}% (${complaintLimit} per 1,000)`, position: "insideBottomRight", fill: "#991b1b" }}
        />
      </LineChart>
    </ChartFrame>
  );
}
