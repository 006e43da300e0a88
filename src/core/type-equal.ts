// Compile-time only: used by the `*.types-check.ts` files, which fail `tsc` when a
// zod schema and the hand-written public interface it implements drift apart.

/** Objects and arrays rebuilt field by field, so an interface and zod's inferred type compare by shape. */
type Shape<T> = T extends readonly (infer E)[] ? Shape<E>[] : T extends object ? { [K in keyof T]: Shape<T[K]> } : T;

/**
 * `true` when A and B are the same type, deeply: the same keys, the same optional
 * keys, the same field types (not mere mutual assignability, which lets an extra
 * optional key through).
 */
export type Equal<A, B> = (<T>() => T extends Shape<A> ? 1 : 2) extends <T>() => T extends Shape<B> ? 1 : 2 ? true : false;

/** Keys of A that B lacks and keys of B that A lacks, for a readable error when {@link Equal} fails. */
export type KeyDiff<A, B> = { onlyLeft: Exclude<keyof A, keyof B>; onlyRight: Exclude<keyof B, keyof A> };
