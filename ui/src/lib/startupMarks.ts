// Performance marks of a cold start, read by the cold-start benchmark
// (tests/benches/cold_start.rs prints every `switchboard:` mark).

/** The first frame that shows contact rows. */
export const FIRST_LIST_PAINT_MARK = "switchboard:first-list-paint";

export function hasMark(name: string): boolean {
  return performance.getEntriesByName(name).length > 0;
}

/** Marks `name` the first time only: later renders and effects leave the first one. */
export function markOnce(name: string): void {
  if (!hasMark(name)) performance.mark(name);
}
