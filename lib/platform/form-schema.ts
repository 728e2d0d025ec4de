import { z } from "zod";

// A server action receives its form as FormData. A form's schema reads the fields it posts from it (an
// unticked box posts nothing, a multi-select posts a field many times), then checks them.

/** A schema that reads a posted form. */
export type FormSchema = z.ZodType<unknown, FormData>;

export function formSchema<S extends z.core.$ZodType>(readFields: (form: FormData) => unknown, schema: S) {
  return z.instanceof(FormData).transform(readFields).pipe(schema);
}

/** A form that posts no fields of its own: only its button and what the page bound to its action. */
export const noFields = z.instanceof(FormData);
