// What every browser journey shares: the gateway URL from the command line, Debian's
// Chromium started with the flags this network needs (playwright-core never downloads a
// browser), pages that fail the step on a script error or a CSP violation, one `ok` /
// `FAIL` line per step, and a last line `journeys: N passed, M failed` that the Rust
// test checks. On a failure a screenshot is left in /tmp.
//
// Environment: CHROMIUM=<path> overrides /usr/bin/chromium; JOURNEY_SHOTS=<dir> saves a
// screenshot after every step; JOURNEY_TIMEOUT_MS=<ms> is the wait for any one element.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.basename(process.argv[1] || 'journey.mjs');
/** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
export const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^http:\/\/[^/]+$/.test(base)) {
  console.error(`usage: node ${script} http://HOST:PORT   (the gateway base URL)`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.JOURNEY_SHOTS || '';
const TIMEOUT = Number(process.env.JOURNEY_TIMEOUT_MS || 20000);

let browser;
/** The page steps screenshot and check for script errors (the last one opened). */
let current;
let stepNo = 0;
let passed = 0;
let failed = 0;
const pageErrors = [];

/** Fails the step with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** A fresh browser context (its own cookies) with one page, which steps now watch. */
export async function newPage() {
  if (!browser) {
    if (shots) fs.mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  current = page;
  return page;
}

/** Runs one step: prints `ok`, or throws after printing `FAIL`. */
export async function step(name, fn) {
  stepNo += 1;
  const started = Date.now();
  try {
    const note = await fn();
    if (pageErrors.length) throw new Error(`script error on the page: ${pageErrors.join(' | ')}`);
    console.log(`ok   ${name}${note ? `: ${note}` : ''} (${Date.now() - started} ms)`);
    if (shots && current) {
      const file = `${String(stepNo).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`;
      await current.screenshot({ path: path.join(shots, file), fullPage: true });
    }
  } catch (err) {
    console.log(`FAIL ${name}: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

/** A journey: its steps run in order; a failure ends the run. */
export async function journey(name, fn) {
  console.log(`--- ${name}`);
  try {
    await fn();
    passed += 1;
  } catch (err) {
    failed += 1;
    throw err;
  }
}

/** Runs `main`, prints the summary line and exits (non-zero on a failure). */
export async function run(main) {
  try {
    await main();
    console.log(`journeys: ${passed} passed, ${failed} failed`);
    await browser?.close();
    process.exit(0);
  } catch (err) {
    let shot = '';
    if (current) {
      shot = path.join(os.tmpdir(), `tandem-${script.replace(/\.mjs$/, '')}-failure-${Date.now()}.png`);
      await current.screenshot({ path: shot, fullPage: true }).catch(() => { shot = ''; });
      console.log(`     at ${current.url()}`);
      const alert = await current.locator('#error').textContent().catch(() => '');
      if (alert) console.log(`     alert: ${alert.trim()}`);
    }
    if (shot) console.log(`     screenshot: ${shot}`);
    console.log(`     ${String(err.stack || err).split('\n').slice(0, 6).join('\n     ')}`);
    console.log(`journeys: ${passed} passed, ${failed || 1} failed`);
    if (browser) await browser.close().catch(() => {});
    process.exit(1);
  }
}
