import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { documentLocale } from "@/lib/pages/page-language";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Preference center", template: "%s · Preference center" },
  description: "Hosted preference center and unsubscribe service: one-click unsubscribe, per-channel preferences, consent proof.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request: its scripts carry that response's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang={await documentLocale()}>
      <body className="min-h-dvh bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
