// Small helpers the stores share for batched reads: split ids into statement-sized parts, and
// file rows under their key.

/** `items` in consecutive parts of at most `size` (an `in (…)` list per statement). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Appends `value` to the list `into` holds under `key`, keeping the order values arrive in. */
export function addTo<V>(into: Map<string, V[]>, key: string, value: V): void {
  const list = into.get(key);
  if (list) list.push(value);
  else into.set(key, [value]);
}
