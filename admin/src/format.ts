export const fmt = (n: number | null | undefined, digits = 3): string =>
  n === null || n === undefined ? '—' : n.toFixed(digits);

export const signed = (n: number, digits = 3): string => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(digits)}`;

export function dateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function time(iso: string | number | Date): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "2026-12-03T10:15:30.250" in local time, the value format of <input type="datetime-local" step="0.001">. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Chart colours with enough contrast on white. */
export const PALETTE = ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285', '#5f3dc4', '#a61e4d'];
