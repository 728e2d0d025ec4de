import "server-only";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { resolveContactLink, type ContactLink } from "@/lib/links/message-links";
import type { TokenPurpose } from "@/lib/links/tokens";
import { resolveUnsubscribeLink, type UnsubscribeLink } from "@/lib/links/unsubscribe";
import { boundString, parseBound, type BoundSchemas } from "@/lib/platform/bound-arguments";
import type { FormSchema } from "@/lib/platform/form-schema";

// The recipient pages' forms carry no session: each action is bound to the token of the page it was
// rendered on and states here the purpose that token must have. Its body runs only once the token
// verifies again, for that purpose (the contact is the token's, never one the browser names), the other
// bound arguments are as the page rendered them (the 404 page otherwise) and the form's fields parse.
// Every answer is a redirect back to the page (post/redirect/get), so the forms work without JavaScript.

type Links = { unsubscribe: UnsubscribeLink; preferences: ContactLink; confirm: ContactLink };

const RESOLVE: { [P in TokenPurpose]: (token: string) => Promise<Links[P] | null> } = {
  unsubscribe: resolveUnsubscribeLink,
  preferences: (token) => resolveContactLink(token, "preferences"),
  confirm: (token) => resolveContactLink(token, "confirm"),
};

/** The token, then the rest of what the page bound. */
type BoundTuple<B extends BoundSchemas> = z.ZodTuple<[typeof boundString, ...B], null>;

/** A post whose token verified: its link, what the page bound (the token first) and the form as posted. */
export type LinkPost<P extends TokenPurpose, B extends BoundSchemas> = { link: Links[P]; bound: z.output<BoundTuple<B>>; form: FormData };

type LinkSpec<P extends TokenPurpose, B extends BoundSchemas, S extends FormSchema> = {
  /** What the page binds after the token, in order ([] for nothing). */
  bound: B;
  /** The form's fields (`noFields` for a form that is only a button). */
  form: S;
  /** The page the form is on: where a post goes whose token no longer verifies, to say so. */
  page: (bound: z.output<BoundTuple<B>>) => string;
  /** Where a post goes whose form does not parse; back to the page unless given. */
  invalid?: (post: LinkPost<P, B>) => string | Promise<string>;
};

/** A recipient page's form action; its body answers with the page to go back to. */
export function linkAction<P extends TokenPurpose, const B extends BoundSchemas, S extends FormSchema>(
  purpose: P,
  spec: LinkSpec<P, B, S>,
  body: (post: LinkPost<P, B> & { data: z.output<S> }) => Promise<string>,
): (...args: [...z.input<BoundTuple<B>>, FormData]) => Promise<never> {
  const boundSchema: BoundTuple<B> = z.tuple([boundString, ...spec.bound]);
  return async (...args) => {
    const bound = parseBound(boundSchema, args.slice(0, spec.bound.length + 1));
    const form = args[spec.bound.length + 1];
    if (!(form instanceof FormData)) notFound();
    const link = await RESOLVE[purpose](bound[0]);
    if (!link) redirect(spec.page(bound));
    const post = { link, bound, form };
    const fields = spec.form.safeParse(form);
    if (!fields.success) redirect(spec.invalid ? await spec.invalid(post) : spec.page(bound));
    redirect(await body({ ...post, data: fields.data }));
  };
}
