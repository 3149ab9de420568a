/**
 * FreeBSD's `sysctl -n kern.boottime`, e.g. `{ sec = 1733212345, usec = 123456 } Tue Dec  3 08:12:25 2024`.
 * The wrapper saves it in the job folder when the job starts; a different one later means the host was
 * started again since, and took the job's processes with it.
 */
export interface BootTime {
  sec: number;
  usec: number;
}

const BOOTTIME = /^\s*\{\s*sec\s*=\s*(\d{1,12})\s*,\s*usec\s*=\s*(\d{1,6})\s*\}/;

export function parseBootTime(text: string): BootTime | null {
  const match = BOOTTIME.exec(text);
  if (match === null) return null;
  return { sec: Number(match[1]), usec: Number(match[2]) };
}

/**
 * kern.boottime is not a constant: FreeBSD recomputes it as wall time minus uptime whenever the clock is
 * set, stepped by ntpd or read again from the RTC on resume. A shift smaller than this is such an adjustment,
 * not a new boot; only a new boot further away counts on its own (see jobLiveness, which prefers the pid).
 */
export const BOOT_SHIFT_TOLERANCE_SEC = 10 * 60;

export const bootedAgain = (then: BootTime, now: BootTime): boolean => Math.abs(now.sec - then.sec) > BOOT_SHIFT_TOLERANCE_SEC;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** The value as sysctl prints it: the struct, then ctime(3)'s text of it (in UTC here). */
export function formatBootTime(boot: BootTime): string {
  const d = new Date(boot.sec * 1000);
  const when = `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
  return `{ sec = ${boot.sec}, usec = ${boot.usec} } ${when}`;
}
