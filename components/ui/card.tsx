export function Card({ children }: { children: React.ReactNode }) {
  return <div className="rounded-[var(--brand-radius)] border border-[var(--border)] bg-[var(--surface)] p-6 shadow-sm sm:p-8">{children}</div>;
}

export function PageShell({ children, wide = false }: { children: React.ReactNode; wide?: boolean }) {
  return <main className={`mx-auto flex min-h-dvh flex-col px-4 py-10 ${wide ? "max-w-3xl" : "max-w-xl justify-center"}`}>{children}</main>;
}

const BUTTON_STYLES = {
  primary: "w-full rounded-[calc(var(--brand-radius)/2)] bg-[var(--brand-primary)] px-5 py-3 text-base font-semibold text-[var(--brand-on-primary)] hover:opacity-90 sm:w-auto",
  secondary: "rounded-[calc(var(--brand-radius)/2)] border border-[var(--field-border)] bg-[var(--surface)] px-4 py-2 font-medium text-[var(--text)] hover:bg-[var(--page)]",
};

function SubmitButton({ children, variant }: { children: React.ReactNode; variant: keyof typeof BUTTON_STYLES }) {
  return (
    <button
      type="submit"
      className={`${BUTTON_STYLES[variant]} focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-[var(--brand-primary)]`}
    >
      {children}
    </button>
  );
}

export function PrimaryButton({ children }: { children: React.ReactNode }) {
  return <SubmitButton variant="primary">{children}</SubmitButton>;
}

export function SecondaryButton({ children }: { children: React.ReactNode }) {
  return <SubmitButton variant="secondary">{children}</SubmitButton>;
}
