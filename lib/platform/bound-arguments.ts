import { notFound } from "next/navigation";
import { z } from "zod";
import { isUuid } from "@/lib/platform/uuid";

// A bound argument comes back with a form post as the page rendered it, unless someone edited the
// post: then it names nothing here, and the answer is the 404 page, never a database error.

export const boundUuid = z.string().refine(isUuid);
export const boundString = z.string();
export const boundBoolean = z.boolean();

/** The schemas of what a page binds to an action after its first argument, in order. */
export type BoundSchemas = readonly z.ZodType[];

/** The arguments a page bound to a form's action, each as its schema says; the 404 page otherwise. */
export function parseBound<T extends z.ZodTuple>(schema: T, values: readonly unknown[]): z.output<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) notFound();
  return parsed.data;
}
