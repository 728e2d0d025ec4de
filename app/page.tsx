const promises = [
  {
    title: "Unsubscribe in one click",
    body: "Signed links and RFC 8058 one-click unsubscribe for Gmail, Yahoo and Apple Mail. Opening a link changes nothing; the opt-out is honoured the moment it is confirmed.",
  },
  {
    title: "Per channel, per topic",
    body: "Leaving SMS keeps WhatsApp and email. People choose topics, frequency or a pause instead of leaving — in English, Spanish, Portuguese or Italian.",
  },
  {
    title: "Proof of consent",
    body: "Every change lands in an append-only, hash-chained ledger: what, when, how, from which message, with the wording the person saw.",
  },
  {
    title: "Ask before every send",
    body: "An API tells your sending systems who may receive which topic on which channel, and why not when they may not.",
  },
];

export default function HomePage() {
  return (
    <main className="mx-auto max-w-4xl px-6 py-16">
      <h1 className="text-4xl font-bold tracking-tight">Preference center &amp; unsubscribe service</h1>
      <p className="mt-4 max-w-2xl text-lg text-slate-700">
        A hosted place where the people you message say yes or no — per channel and per topic — and where that choice is honoured at once, never lost, and
        provable later.
      </p>
      <ul className="mt-10 grid gap-6 sm:grid-cols-2">
        {promises.map((promise) => (
          <li key={promise.title} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <h2 className="text-lg font-semibold">{promise.title}</h2>
            <p className="mt-2 text-slate-700">{promise.body}</p>
          </li>
        ))}
      </ul>
      <p className="mt-10 text-sm text-slate-600">
        Service status:{" "}
        <a className="text-blue-800 underline" href="/api/health">
          /api/health
        </a>{" "}
        · API reference:{" "}
        <a className="text-blue-800 underline" href="/docs/api">
          /docs/api
        </a>
      </p>
    </main>
  );
}
