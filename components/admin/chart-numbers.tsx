/** The figures behind a chart, one row a period, folded under "The numbers" for who cannot read the chart. */
export function ChartNumbers({ headings, rows }: { headings: string[]; rows: { period: string; figures: React.ReactNode[] }[] }) {
  return (
    <details className="mt-2 text-sm">
      <summary>The numbers</summary>
      <table className="mt-2 w-full text-left">
        <thead>
          <tr>
            <th scope="col">Period</th>
            {headings.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.period}>
              <td>{row.period}</td>
              {row.figures.map((figure, index) => (
                <td key={index} className="tabular-nums">
                  {figure}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
