/**
 * The as-of date: the day at which the server resolves feed and schema versions.
 * Kept free of the `vscode` module so its rules are the same wherever they are used.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today in UTC as YYYY-MM-DD: the server's default when `ssmd.asOf` is empty. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Why `text` is not an acceptable as-of date, or undefined when it is.
 * Empty means "today"; anything else must be a real calendar day (2025-02-30 is refused).
 */
export function asOfProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === "") {
    return undefined;
  }
  const match = DATE.exec(value);
  if (!match) {
    return `"${value}" is not a date: type it as YYYY-MM-DD (for example 2025-06-01), or leave it empty for today.`;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (
    parsed.getUTCFullYear() !== year ||
    parsed.getUTCMonth() !== month - 1 ||
    parsed.getUTCDate() !== day
  ) {
    return `${value} is not a day of the calendar: check the month (01-12) and the day of that month.`;
  }
  return undefined;
}

/** The label of the status bar item: the date in effect, saying when it is "today". */
export function asOfLabel(setting: string, now: Date = new Date()): string {
  const value = setting.trim();
  if (value === "" || asOfProblem(value) !== undefined) {
    return `SSMD as of ${todayUtc(now)} (today)`;
  }
  return `SSMD as of ${value}`;
}
