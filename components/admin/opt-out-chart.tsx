"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLORS: Record<string, string> = { email: "#1e40af", sms: "#b45309", whatsapp: "#15803d", push: "#7e22ce" };

/** Opt-outs per period, stacked by channel. The same numbers stand in a table beside it. */
export function OptOutChart({ points, channels }: { points: { period: string; byChannel: Record<string, number> }[]; channels: string[] }) {
  const data = points.map((point) => ({ period: point.period, ...point.byChannel }));
  return (
    <div className="h-72 w-full" role="img" aria-label="Opt-outs over time by channel">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {channels.map((channel) => (
            <Bar key={channel} dataKey={channel} stackId="channels" fill={COLORS[channel] ?? "#334155"} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
