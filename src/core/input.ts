// Input types of the resource classes. Kept apart from the kit (which holds zod
// schemas) so the public declaration files reference @pulumi/pulumi only.
import type * as pulumi from "@pulumi/pulumi";

/**
 * `T` as a program may pass it: any value, at any depth, may be a Pulumi `Input`
 * (an `Output` or a `Promise`) of its whole type. Not distributive:
 * `Output<"a" | "b">` and `Output<boolean>` fit a field typed `"a" | "b"` or
 * `boolean`, not only `Output<"a">`. An optional field also takes `undefined`, and
 * an `Output` that may be undefined (`Output<string | undefined>`).
 */
export type DeepInput<T> = undefined extends T ? DeepInputOf<Exclude<T, undefined>, undefined> : DeepInputOf<T, never>;

/** {@link DeepInput} of a defined `T`; `U` is `undefined` for an optional field, `never` otherwise. */
export type DeepInputOf<T, U> = [T] extends [string | number | boolean | null]
  ? pulumi.Input<T | U>
  : [T] extends [readonly (infer E)[]]
    ? pulumi.Input<DeepInput<E>[] | U>
    : [T] extends [object]
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> } | U>
      : pulumi.Input<T | U>;

/** A resource's args: each field a {@link DeepInput} of its type. */
export type InputArgs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** A resource's output properties: each field of its outputs an `Output` of its whole type. */
export type OutputProperties<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };
