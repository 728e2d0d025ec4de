/** A column heading over figures: right-aligned like the figures below it. */
export function NumberHeader({ children }: { children: React.ReactNode }) {
  return (
    <th scope="col" className="text-right">
      {children}
    </th>
  );
}

/** A figure in a table: right-aligned with digits of equal width, so columns line up. */
export function NumberCell({ children }: { children: React.ReactNode }) {
  return <td className="text-right tabular-nums">{children}</td>;
}
