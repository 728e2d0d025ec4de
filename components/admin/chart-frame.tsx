"use client";

import { ResponsiveContainer } from "recharts";

/** A chart as one labelled image filling the width, 18rem high; the numbers stand in a table beside it. */
export function ChartFrame({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="h-72 w-full" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}
