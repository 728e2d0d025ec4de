export function Card({ children }: { children: React.ReactNode }) {
  return <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>;
}

export function PageShell({ children, wide = false }: { children: React.ReactNode; wide?: boolean }) {
  return <main className={`mx-auto flex min-h-dvh flex-col px-4 py-10 ${wide ? "max-w-3xl" : "max-w-xl justify-center"}`}>{children}</main>;
}

const BUTTON_STYLES = {
  primary: "w-full rounded-lg bg-blue-800 px-5 py-3 text-base font-semibold text-white hover:bg-blue-900 sm:w-auto",
  secondary: "rounded-lg border border-slate-400 bg-white px-4 py-2 font-medium text-slate-900 hover:bg-slate-100",
};

function SubmitButton({ children, variant }: { children: React.ReactNode; variant: keyof typeof BUTTON_STYLES }) {
  return (
    <button
      type="submit"
      className={`${BUTTON_STYLES[variant]} focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-blue-800`}
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
