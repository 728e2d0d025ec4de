export function BreakdownTable({ caption, rows, total }: { caption: string; rows: { key: string; count: number }[]; total?: number }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="pb-2 text-left font-semibold">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-300">
          <th scope="col" className="py-1">
            {caption.split(" by ")[1] ?? "Key"}
          </th>
          <th scope="col" className="py-1 text-right">
            Count
          </th>
          {total ? (
            <th scope="col" className="py-1 text-right">
              Share
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={3} className="py-1 text-slate-600">
              None yet
            </td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={row.key} className="border-b border-slate-100">
            <th scope="row" className="py-1 font-normal">
              {row.key}
            </th>
            <td className="py-1 text-right tabular-nums">{row.count}</td>
            {total ? <td className="py-1 text-right tabular-nums">{((row.count / total) * 100).toFixed(0)}%</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
