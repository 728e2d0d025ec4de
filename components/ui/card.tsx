export function Card({ children }: { children: React.ReactNode }) {
  return <div className="rounded-[var(--brand-radius)] border border-[var(--border)] bg-[var(--surface)] p-6 shadow-sm sm:p-8">{children}</div>;
}

export function PageShell({ children }: { children: React.ReactNode }) {
  return <main className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center px-4 py-10">{children}</main>;
}

const BUTTON_STYLES = {
  primary:
    "w-full rounded-[calc(var(--brand-radius)/2)] bg-[var(--brand-primary)] px-5 py-3 text-base font-semibold text-[var(--brand-on-primary)] hover:opacity-90 sm:w-auto",
  secondary:
    "rounded-[calc(var(--brand-radius)/2)] border border-[var(--field-border)] bg-[var(--surface)] px-4 py-2 font-medium text-[var(--text)] hover:bg-[var(--page)]",
};

type ButtonProps = { children: React.ReactNode; name?: string; value?: string };

function SubmitButton({ children, variant, name, value }: ButtonProps & { variant: keyof typeof BUTTON_STYLES }) {
  return (
    <button
      type="submit"
      name={name}
      value={value}
      className={`${BUTTON_STYLES[variant]} focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-[var(--brand-primary)]`}
    >
      {children}
    </button>
  );
}

export function PrimaryButton(props: ButtonProps) {
  return <SubmitButton variant="primary" {...props} />;
}

export function SecondaryButton(props: ButtonProps) {
  return <SubmitButton variant="secondary" {...props} />;
}
