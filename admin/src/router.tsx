// A small history router under /admin: links are real <a href> (open in a new tab, keyboard, reload all work).
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export const BASE = '/admin';
const CHANGE = 'tastegraph:navigate';

function subscribe(l: () => void) {
  window.addEventListener('popstate', l);
  window.addEventListener(CHANGE, l);
  return () => {
    window.removeEventListener('popstate', l);
    window.removeEventListener(CHANGE, l);
  };
}

/** The path below /admin, e.g. "/users/alice" (always starts with "/"). */
export function usePath(): string {
  const pathname = useSyncExternalStore(subscribe, () => location.pathname);
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest === '' ? '/' : rest;
}

export function navigate(to: string): void {
  history.pushState(null, '', BASE + to);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

export const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;
export const itemPath = (id: string) => `/items/${encodeURIComponent(id)}`;

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={BASE + to} onClick={handle} {...rest} />;
}
