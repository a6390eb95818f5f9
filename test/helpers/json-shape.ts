/**
 * The shape of a `--json` result, for snapshots: values that change from run to run replaced by their
 * kind, each list by the shape of its first element (how many resources change is the stack's business,
 * not the format's), and the keys of `outputs` (named by the stack contract) kept as a sorted list.
 */
export function jsonShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [jsonShape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'outputs' && v && typeof v === 'object' ? Object.keys(v).sort() : jsonShape(v),
      ]),
    );
  }
  return value === null ? 'null' : typeof value;
}
