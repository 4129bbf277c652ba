/**
 * Polls `cond` (every few ms) until it holds. Not a timed assertion: the limit only turns a condition that
 * never comes into a failure that names it, instead of a hung test.
 */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`waitFor: still not true after ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
