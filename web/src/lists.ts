// The portal takes only types from shared/domain (ESLint): where it needs a list of values, it writes the list and
// the compiler checks it against the domain's union type, both ways.

/** `true` exactly when the list `A` names every member of `T` (`satisfies readonly T[]` on the list refuses others). */
export type ListsAll<T, A extends readonly unknown[]> = [Exclude<T, A[number]>] extends [never] ? true : false;
