"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "@/components/admin/chart-frame";

const COLORS = ["#1e40af", "#b45309", "#15803d", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#a16207"];

/** Opt-outs per period, stacked by series (channels, topics or sources). The numbers stand in a table beside it. */
export function OptOutChart({ points, series, label }: { points: { period: string; bySeries: Record<string, number> }[]; series: string[]; label: string }) {
  const data = points.map((point) => ({ period: point.period, ...point.bySeries }));
  return (
    <ChartFrame label={label}>
      <BarChart data={data}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="period" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        {series.map((key, index) => (
          <Bar key={key} dataKey={key} stackId="series" fill={COLORS[index % COLORS.length]} />
        ))}
      </BarChart>
    </ChartFrame>
  );
}
