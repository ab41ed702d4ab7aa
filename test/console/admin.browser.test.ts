// The admin console end to end in headless Chromium (Debian's package, driven by playwright-core): sign in with the
// API key, watch the live feed, open a user page that updates itself on a new behaviour, travel back with asOf,
// see a reason under every recommendation, and the value, social and opinion dimensions of a profile. Skipped with a
// warning when Chromium is missing, except in CI.
// UPDATE_SCREENSHOTS=1 also writes docs/console-feed.png, docs/console-user.png and docs/console-user-timeline.png (1280x800).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_DIST } from '../../src/server/admin.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const API_KEY = 'console-test-key';
const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(ROOT, 'docs') : null;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI)
    throw new Error(`Chromium is missing at ${CHROMIUM} in CI: .ci/run installs it (apt-get install -y chromium)`);
  console.warn(
    `admin console browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

const ITEMS = [
  ...['Star Wars', 'Alien', 'Blade Runner', 'Dune', 'Arrival', 'Interstellar'].map((t, i) => ({
    id: `sf${i}`,
    title: t,
    category: 'Sci-Fi',
    tags: ['space', 'future'],
    description: `${t}: a science fiction film about space and the future.`,
    price: 10 + i,
  })),
  ...['Planet Earth', 'Blue Planet', 'Our Planet', 'Cosmos'].map((t, i) => ({
    id: `doc${i}`,
    title: t,
    category: 'Documentary',
    tags: ['nature'],
    description: `${t}: a documentary about wildlife and nature.`,
    price: 5 + i,
  })),
  ...['Heat', 'Ronin', 'Drive'].map((t, i) => ({
    id: `cr${i}`,
    title: t,
    category: 'Crime',
    tags: ['heist'],
    description: `${t}: a crime thriller with a heist.`,
    price: 8 + i,
  })),
];

describe.skipIf(!haveChromium)('admin console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const base = () => server.url.replace(/\/graphql$/, '');

  /** A GraphQL call with the API key (writes need it). */
  async function api<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  }
  const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { profile { version } } }`;
  const record = (input: Record<string, unknown>) =>
    api<{ recordBehavior: { profile: { version: number } } }>(RECORD, { input });

  /** Waits until the console's WebSocket is acknowledged, then a little for the subscription to register. */
  async function live() {
    await page.getByRole('status', { name: 'Live updates: live' }).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(400);
  }

  beforeAll(async () => {
    if (!existsSync(path.join(ADMIN_DIST, 'index.html')))
      execSync('npm run admin:build', { cwd: ROOT, stdio: 'inherit' });
    server = await startTestServer('sqlite', { API_KEYS: `${API_KEY}:admin` });
    await api(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: ITEMS });
    const t0 = Date.now() - 60 * 60_000;
    // alice: two older versions (an hour and half an hour ago), so asOf has a past to show.
    await record({
      userId: 'alice',
      itemId: 'sf0',
      type: 'PURCHASE',
      eventId: 'a1',
      occurredAt: new Date(t0).toISOString(),
    });
    await record({
      userId: 'alice',
      itemId: 'sf1',
      type: 'CLICK',
      eventId: 'a2',
      occurredAt: new Date(t0 + 30 * 60_000).toISOString(),
    });
    // background traffic so collaborative sources have something
    for (const [u, items] of [
      ['bg1', ['sf0', 'sf2', 'sf3']],
      ['bg2', ['doc0', 'doc1']],
      ['bg3', ['sf1', 'sf4', 'cr0']],
    ] as const) {
      for (const [j, itemId] of items.entries())
        await record({ userId: u, itemId, type: 'CLICK', eventId: `${u}-${j}` });
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for an admin token and refuses a wrong one', async () => {
    await page.goto(`${base()}/admin`);
    const token = page.getByLabel('Admin token or API key');
    await token.fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('did not accept');
    await token.fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live feed' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("tastegraph.console.token")')).toBe(API_KEY);
  });

  it('shows every user’s updates in the live feed as they happen', async () => {
    await live();
    await record({ userId: 'bob', itemId: 'doc2', type: 'PURCHASE', eventId: 'b1' });
    await record({ userId: 'carol', itemId: 'cr1', type: 'FAVORITE', eventId: 'c1' });
    const rows = page.getByTestId('feed-row');
    await rows.filter({ hasText: 'carol' }).waitFor({ timeout: 5000 });
    await rows.filter({ hasText: 'bob' }).waitFor({ timeout: 5000 });
    await expect(rows.filter({ hasText: 'bob' }).textContent()).resolves.toMatch(/v1.*category\s*Documentary/);
    expect(Number(await page.getByTestId('rate').textContent())).toBeGreaterThanOrEqual(2);
    if (SHOTS) {
      for (let j = 0; j < 6; j++)
        await record({
          userId: ['dave', 'erin', 'bob'][j % 3]!,
          itemId: ['doc0', 'doc3', 'cr2', 'sf4', 'sf5', 'doc1'][j]!,
          type: j % 2 ? 'CLICK' : 'PURCHASE',
          eventId: `shot-${j}`,
        });
      await rows.nth(7).waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'console-feed.png') });
    }
  });

  it('opens a user page that shows a new version by itself, without reload', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'alice', exact: true }).click();
    await expect(page.getByTestId('profile-version').textContent()).resolves.toBe('v2');
    // Browser-side code as strings: the server tsconfig has no DOM types.
    await page.evaluate('window.__noReload = true');
    await live();
    const started = Date.now();
    await record({ userId: 'alice', itemId: 'sf2', type: 'PURCHASE', eventId: 'a3' });
    await page.getByTestId('profile-version').filter({ hasText: 'v3' }).waitFor({ timeout: 5000 });
    const elapsed = Date.now() - started;
    console.log(`user page showed the new version ${elapsed} ms after recordBehavior was sent`);
    expect(elapsed).toBeLessThan(3000);
    expect(await page.evaluate('window.__noReload')).toBe(true);
    // the event log and the timeline followed
    await page.getByTestId('events').getByText('Blade Runner').waitFor({ timeout: 5000 });
    await expect(page.getByTestId('version-row').count()).resolves.toBe(3);
  });

  it('renders a reason for every recommendation, and the controls change them', async () => {
    const recs = page.getByTestId('recommendation');
    await recs.first().waitFor();
    const n = await recs.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) expect(await recs.nth(i).getByTestId('reason').count()).toBeGreaterThan(0);
    await page.getByLabel('Only categories').fill('Documentary');
    await expect
      .poll(async () => (await recs.allTextContents()).every((t) => t.includes('Documentary')), { timeout: 5000 })
      .toBe(true);
    if (SHOTS) {
      await page.getByLabel('Only categories').fill('');
      await page.waitForTimeout(800);
      await page.getByLabel('Only categories').blur();
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(SHOTS, 'console-user.png') });
      await page.evaluate('document.getElementById("timeline-title").scrollIntoView(); window.scrollBy(0, -24)');
      await page.screenshot({ path: path.join(SHOTS, 'console-user-timeline.png') });
    }
    await page.getByLabel('Only categories').fill('');
  });

  it('shows an older version with the asOf control, then comes back to now', async () => {
    await page.getByLabel('or version').selectOption({
      label: (await page.getByLabel('or version').locator('option', { hasText: /^v1 ·/ }).textContent())!,
    });
    await page.getByRole('heading', { name: /Profile as of/ }).waitFor();
    await expect(page.getByTestId('profile-version').textContent()).resolves.toBe('v1');
    // the datetime control: a moment between v1 and v2 still shows v1
    const v1 = await page.getByLabel('Profile as of', { exact: true }).inputValue();
    const later = new Date(new Date(v1).getTime() + 10 * 60_000);
    const p = (x: number, w = 2) => String(x).padStart(w, '0');
    await page
      .getByLabel('Profile as of', { exact: true })
      .fill(
        `${later.getFullYear()}-${p(later.getMonth() + 1)}-${p(later.getDate())}T${p(later.getHours())}:${p(later.getMinutes())}:${p(later.getSeconds())}.000`,
      );
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByTestId('profile-version').textContent()).resolves.toBe('v1');
    await page.getByRole('button', { name: 'Back to now' }).click();
    await page.getByRole('heading', { name: 'Profile now' }).waitFor();
    await expect(page.getByTestId('profile-version').textContent()).resolves.toBe('v3');
  });

  it('shows an item with interaction counts and similar items, and the model page', async () => {
    await page.getByTestId('events').getByRole('link', { name: 'Blade Runner' }).click();
    await page.getByRole('heading', { name: /Item sf2/ }).waitFor();
    await expect(page.getByTestId('item-events').textContent()).resolves.toBe('2');
    await expect(page.getByTestId('item-users').textContent()).resolves.toBe('2');
    await page.getByRole('list', { name: /Items similar to Blade Runner/ }).waitFor();
    await page.getByRole('link', { name: 'Model' }).click();
    await expect(page.getByTestId('items-stored').textContent()).resolves.toBe(String(ITEMS.length));
  });

  it('shows the value, social and opinion dimensions on the user page, and a FOLLOWING reason in its own colour', async () => {
    // bg1 shares their activity; dana follows them, buys twice (a price level) and pans an item's smell and price.
    await api(
      `mutation { upsertUser(input: { id: "bg1", attributes: { shareActivity: true, displayName: "Bea" } }) { id } }`,
    );
    await api(
      `mutation { recordRelation(input: { eventId: "d-f1", userId: "dana", otherUserId: "bg1", type: FOLLOW }) { duplicate } }`,
    );
    for (const [j, itemId] of ['sf3', 'sf4'].entries())
      await record({ userId: 'dana', itemId, type: 'PURCHASE', eventId: `d${j}` });
    await record({
      userId: 'dana',
      itemId: 'doc2',
      type: 'REVIEW',
      eventId: 'd-r',
      text: 'Awful. The sound is terrible and it is way too expensive. Do not buy.',
    });
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'dana', exact: true }).click();
    await page.getByRole('heading', { name: /dana/ }).first().waitFor();
    const value = page.getByTestId('value-facets');
    await value.getByText('Price level').waitFor();
    await expect(page.getByTestId('social-following').textContent()).resolves.toBe('1');
    const aspects = page.getByTestId('aspect-facets');
    await aspects.getByText('dislikes').first().waitFor();
    await expect(aspects.getByText('price').count()).resolves.toBeGreaterThan(0);
    // Dimension kinds are not repeated among the taste facets.
    await expect(page.locator('#profile details summary', { hasText: /^aspect/ }).count()).resolves.toBe(0);
    const following = page.locator('.badge.reason-following').first();
    await following.waitFor();
    await expect(following.textContent()).resolves.toBe('following');
    // Browser-side code: the server tsconfig has no DOM types, so getComputedStyle is reached through globalThis.
    type Styles = { getComputedStyle(e: unknown): { backgroundColor: string } };
    const colour = (l: typeof following) =>
      l.evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).backgroundColor);
    const other = page.locator('[data-testid="reason"] .badge:not(.reason-following)').first();
    expect(await other.count()).toBeGreaterThan(0);
    expect(await colour(following)).not.toBe(await colour(other));
    await expect(
      page.getByTestId('recommendation').filter({ hasText: 'Bea, whom you follow' }).count(),
    ).resolves.toBeGreaterThan(0);
  });

  it('is readable at phone width: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const to of ['/admin/users/alice', '/admin']) {
      await page.goto(`${base()}${to}`);
      await page.locator('h1').first().waitFor();
      await page.waitForTimeout(300);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(392);
    }
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
});

describe('/admin without a build', () => {
  it('says how to build the console', async () => {
    const express = (await import('express')).default;
    const { mountAdmin } = await import('../../src/server/admin.js');
    const app = express();
    expect(mountAdmin(app, '/nonexistent/admin-dist')).toBe(false);
    const http = await import('node:http');
    const srv = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(srv.address() as { port: number }).port}/admin/users/x`);
    srv.close();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run admin:build');
  });
});
