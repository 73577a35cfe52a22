// The buy-back journey through the Tandem web page, in a real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; no browser is downloaded):
//
//   register → buy a targeted dashcam (through the checkout API) → its confirmation
//   designates the buy-back center → "Sell back your old device" → instant estimate → a mistyped order
//   number; an order number that is not theirs and a name that does not match: the form
//   keeps what was typed and says how many attempts are left (no application is made) →
//   verified with the benefit, told where to send the device (prepaid label, receiving
//   address) and where the money goes → send the device → a staff member logs in to the
//   staff desk (a wrong password first) and inspects it: grade C needs a note, then a
//   counteroffer → the customer sees the note and what changed the grade, accepts → paid
//   → recorded by the seller; only that application is listed; a non-targeted purchase;
//   the fifth failed attempt locks applying, with the form kept.
//
// Usage: node buyback.mjs http://127.0.0.1:8080 STAFF_LOGIN STAFF_PASSWORD UNKNOWN_ORDER
// (UNKNOWN_ORDER: a well-formed order number nobody bought). Prints one line per step and
// exits non-zero on the first failure, leaving a screenshot in /tmp. Screenshots at
// 390×844 and 1280×800 go to $BUYBACK_SHOTS (when set). CHROMIUM=<path> overrides
// /usr/bin/chromium.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = (process.argv[2] || '').replace(/\/+$/, '');
const staffLogin = process.argv[3] || '';
const staffPassword = process.argv[4] || '';
const unknownOrder = process.argv[5] || '';
if (!/^http:\/\/[^/]+$/.test(base) || !staffLogin || !staffPassword || !unknownOrder) {
  console.error('usage: node buyback.mjs http://HOST:PORT STAFF_LOGIN STAFF_PASSWORD UNKNOWN_ORDER');
  process.exit(2);
}
const SHOTS = process.env.BUYBACK_SHOTS || '';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.JOURNEY_TIMEOUT_MS || 20000);
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const person = {
  name: `Robin Buyback ${stamp}`,
  email: `buyback-${stamp}@example.com`,
  phone: '+1 415 555 0123',
};

let page;
let browser;
let passed = 0;
const pageErrors = [];
const NOTE = 'The screen is cracked across the lens';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, fn) {
  const started = Date.now();
  try {
    const note = await fn();
    if (pageErrors.length) throw new Error(`script error on the page: ${pageErrors.join(' | ')}`);
    console.log(`ok   ${name}${note ? `: ${note}` : ''} (${Date.now() - started} ms)`);
    passed += 1;
  } catch (err) {
    console.log(`FAIL ${name}: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

const text = async (selector) => ((await page.locator(selector).first().textContent()) || '').trim();
const visible = (selector) => page.locator(selector).first().waitFor({ state: 'visible' });
const alertText = () => text('#error[role="alert"]');

/** Screenshots as `name` at phone and desktop width; fails when the page is wider than
 *  either (nothing may need sideways scrolling). */
async function shots(name) {
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const [w, h] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(100);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide <= w, `${name}: the page is ${wide} px wide at a ${w} px viewport`);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `buyback-${name}-${w}x${h}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** After a failed verification: still the form, with what was typed, and the attempts
 *  left; returns the alert. */
async function keptWithAttempts(order, name, left) {
  await page.locator(`#bb-attempts[data-remaining="${left}"]`).waitFor({ state: 'visible' });
  expect(await page.locator('#buyback[data-view="apply"]').count() === 1, 'still the form');
  expect(await page.locator('#bb-application').isHidden(), 'no application shown');
  expect((await page.inputValue('#bb-order')) === order, 'the order number is kept');
  expect((await page.inputValue('#bb-name')) === name, 'the name is kept');
  expect((await page.inputValue('#bb-email')) === person.email, 'the e-mail is kept');
  expect((await page.inputValue('#bb-screen')) === 'scratched', 'the condition is kept');
  return alertText();
}

async function applyWith({ order, name = person.name, phone = person.phone }) {
  await page.click('#buyback a[data-tab="apply"]');
  await page.locator('#buyback[data-view="apply"]').waitFor({ state: 'attached' });
  await page.fill('#bb-order', order);
  await page.fill('#bb-name', name);
  await page.fill('#bb-email', person.email);
  await page.fill('#bb-phone', phone);
  await page.fill('#bb-postal', '94103');
  await page.selectOption('#bb-device', 'dashcam|Roadlens|RL-1');
  await page.selectOption('#bb-screen', 'scratched');
  await page.click('#bb-apply');
}

/** Buys device `productId` alone through the API from the page (the customer's
 *  session): its checkout ID and order number. */
async function buyByApi(productId) {
  return page.evaluate(async (product) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('tandem_csrf=')).split('=')[1]);
    const post = (url, body) => fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
    }).then((r) => r.json());
    const year = new Date().getFullYear() - 5;
    const checkout = await post('/api/v1/checkouts', { product_id: product });
    const paid = await post(`/api/v1/checkouts/${checkout.checkout_id}/payment`, { card: {
      number: '4242 4242 4242 4242', expiry_month: 12, expiry_year: year + 10, cvc: '123', holder_name: 'R B' } });
    return { checkout_id: checkout.checkout_id, order_number: paid.order_number };
  }, productId);
}

/** Applies through the API from the page with a wrong name (a failed attempt): the
 *  status and the attempts left. */
async function guessByApi(order, name) {
  return page.evaluate(async ({ order, name }) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('tandem_csrf=')).split('=')[1]);
    const r = await fetch('/api/v1/buyback/applications', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ order_number: order, personal: { name, email: 'x@example.com', phone: '1', postal_code: '1' },
        item: { category: 'dashcam', maker: 'Roadlens', model: 'RL-1' },
        answers: { powers_on: true, screen: 'flawless', damage: 'none', accessories_complete: true } }),
    });
    const problem = await r.json();
    return { status: r.status, attempts_remaining: problem.attempts_remaining };
  }, { order, name });
}

async function main() {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });

  await step('register a new customer', async () => {
    await page.goto(`${base}/`);
    await page.waitForFunction(() => document.body.dataset.state === 'done');
    await page.click('#register-link');
    await visible('#register-form');
    await page.fill('#reg-name', person.name);
    await page.fill('#reg-email', person.email);
    await page.fill('#reg-phone', person.phone);
    await page.fill('#reg-dob', '1985-02-03');
    await page.fill('#reg-password', 'buyback-Pass-2026');
    await page.fill('#reg-line1', '1 Market St');
    await page.fill('#reg-city', 'San Francisco');
    await page.fill('#reg-region', 'CA');
    await page.fill('#reg-postal', '94103');
    await page.click('#register-button');
    await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
  });

  let order;
  await step('buy a Roadlens RL-2 Duo: its confirmation designates the buy-back center', async () => {
    // Bought through the checkout API (the checkout pages have their own journeys).
    const bought = await buyByApi('DEV-DC-1002');
    expect(/^TA-/.test(bought.order_number || ''), `order ${JSON.stringify(bought)}`);
    await page.evaluate((id) => { window.location.hash = `#/checkout/${id}`; }, bought.checkout_id);
    // The dashcam needs fitting: the confirmation shows after the installer slot.
    await visible('#installers li.installer button.slot');
    await page.locator('#installers li.installer button.slot').first().click();
    await visible('#confirmation');
    order = await text('#order-number');
    expect(order === bought.order_number, `the confirmation shows ${order}`);
    await visible('#buyback-offer');
    const offer = await text('#buyback-offer');
    expect(offer.includes('Tandem Buy-back Center'), `the offer names the center: ${offer}`);
    expect(offer.includes(order), `the offer says how to apply with ${order}: ${offer}`);
    return order;
  });

  await step('follow the link: the order number is filled in and an instant estimate shown', async () => {
    await page.click('#buyback-apply-link');
    await page.locator('#buyback[data-view="apply"]').waitFor({ state: 'attached' });
    expect((await page.inputValue('#bb-order')) === order, 'order number prefilled');
    expect((await page.inputValue('#bb-name')) === person.name, 'name prefilled from the account');
    await page.selectOption('#bb-device', 'dashcam|Roadlens|RL-1');
    await page.selectOption('#bb-screen', 'scratched');
    await page.locator('#bb-estimate[data-grade="B"]').waitFor({ state: 'attached' });
    const estimate = await text('#bb-estimate');
    expect(estimate.includes('$35.00'), `estimate: ${estimate}`);
    return estimate;
  });

  await step('a mistyped order number: the alert points at the typo', async () => {
    const last = order.slice(-1);
    await applyWith({ order: order.slice(0, -1) + (last === '7' ? '8' : '7') });
    await visible('#error');
    const alert = await alertText();
    expect(/order number/i.test(alert) && /typo/i.test(alert), `alert: ${alert}`);
    expect((await page.getAttribute('#bb-order', 'aria-invalid')) === 'true', 'the field is marked');
    return alert;
  });

  await step('an order number that is not theirs: the form is kept, 4 attempts left', async () => {
    await applyWith({ order: unknownOrder });
    const alert = await keptWithAttempts(unknownOrder, person.name, 4);
    expect(/could not confirm/i.test(alert), `alert: ${alert}`);
    const note = await text('#bb-attempts');
    expect(/4 attempts left/.test(note), `attempts: ${note}`);
    await shots('not-confirmed');
    return note;
  });

  await step('a name that does not match: the same answer, 3 attempts left', async () => {
    await applyWith({ order, name: 'Somebody Else' });
    await keptWithAttempts(order, 'Somebody Else', 3);
    const alert = await alertText();
    expect(/could not confirm/i.test(alert) && !/RL-2/.test(alert), `nothing about the order: ${alert}`);
    return text('#bb-attempts');
  });

  let id;
  await step('the right details, typed differently: verified, with the benefit', async () => {
    await applyWith({ order: order.toLowerCase(), name: `  ${person.name.toUpperCase()} `, phone: '(415) 555-0123' });
    await page.locator('#bb-application[data-state="verified"]').waitFor({ state: 'attached' });
    id = await page.getAttribute('#bb-application', 'data-application-id');
    const benefit = Number(await page.getAttribute('#bb-app-benefit', 'data-minor-units'));
    const total = Number(await page.getAttribute('#bb-app-total', 'data-minor-units'));
    expect(benefit === 5000 && total === 8500, `benefit ${benefit}, total ${total}`);
    expect((await text('#bb-app-purchased')).includes('RL-2 Duo'), 'the purchase is shown');
    expect(await page.locator('#bb-attempts').isHidden(), 'no attempts note once verified');
    const label = await text('#bb-label');
    expect(label === `LBL-${id.slice(3)}`, `label ${label} for ${id}`);
    const address = await text('#bb-ship-address');
    expect(address.includes('Tandem Buy-back Center') && address.includes('94607'), `address: ${address}`);
    const account = await text('#bb-payout-account');
    expect(/^customer:CUS-/.test(account), `paid to ${account}`);
    expect(/withdraw/i.test(await text('#bb-payout')), 'how to withdraw it');
    await shots('verified-instructions');
    return `${id}: label ${label}, paid to ${account}`;
  });

  await step('send the device', async () => {
    await page.click('#bb-ship');
    await page.locator('#bb-application[data-state="awaiting_item"]').waitFor({ state: 'attached' });
    expect((await text('#bb-label')).startsWith('LBL-'), 'the label is still shown');
  });

  await step('the staff desk inspects it: grade C, a counteroffer', async () => {
    await page.click('#buyback a[data-tab="desk"]');
    await visible('#desk-form');
    await page.fill('#desk-login', staffLogin);
    await page.fill('#desk-password', 'not-the-password');
    await page.click('#desk-load');
    await visible('#error');
    expect(/wrong staff login or password/i.test(await alertText()), 'a wrong password is refused');
    await page.fill('#desk-password', staffPassword);
    await page.click('#desk-load');
    await visible('#desk-signed-in');
    expect((await text('#desk-staff-id')) === staffLogin, 'signed in as the staff member');
    const row = page.locator(`#desk-applications li[data-application-id="${id}"]`);
    await row.waitFor({ state: 'visible' });
    await row.locator('select.desk-grade').selectOption('C');
    await row.locator('button.desk-inspect').click();
    await visible('#error');
    expect(/note/i.test(await alertText()), 'a lower grade needs a note');
    await row.locator('input.desk-note').fill(NOTE);
    await row.locator('button.desk-inspect').click();
    await row.waitFor({ state: 'detached' });
    await page.click('#desk-logout');
    await visible('#desk-form');
    return `inspected by ${staffLogin}`;
  });

  await step('the counteroffer shows the note and what changed the grade', async () => {
    await page.click('#buyback a[data-tab="mine"]');
    const mine = page.locator(`#bb-applications li[data-application-id="${id}"] a`);
    await mine.waitFor({ state: 'visible' });
    const listed = await page.locator('#bb-applications li[data-application-id]').count();
    expect(listed === 1, `only the verified application is listed (${listed})`);
    await mine.click();
    await page.locator('#bb-application[data-state="counteroffered"]').waitFor({ state: 'attached' });
    const offer = Number(await page.getAttribute('#bb-app-offer', 'data-minor-units'));
    expect(offer === 2000, `offer ${offer}`);
    await visible('#bb-grade-change');
    expect((await text('#bb-change-note')) === NOTE, `note: ${await text('#bb-change-note')}`);
    const declared = await text('#bb-change-declared');
    expect(declared.startsWith('Grade B') && declared.includes('screen scratched'), `declared: ${declared}`);
    expect((await text('#bb-change-found')) === 'Grade C', 'found grade C');
    const difference = Number(await page.getAttribute('#bb-change-price', 'data-difference'));
    expect(difference === -1500, `difference ${difference}`);
    expect(await page.locator('#bb-shipping').count() === 0, 'the device has arrived: no shipping instructions');
    await shots('counteroffer');
    return text('#bb-change-price');
  });

  await step('accept the counteroffer: price and benefit paid, recorded by the seller', async () => {
    await page.click('#bb-accept');
    await page.locator('#bb-application[data-state="reported"]').waitFor({ state: 'attached' });
    const paid = Number(await page.getAttribute('#bb-app-paid', 'data-minor-units'));
    expect(paid === 7000, `paid ${paid} = offer 2000 + benefit 5000`);
    await page.locator('#bb-app-reported[data-recorded="true"]').waitFor({ state: 'attached' });
    return text('#bb-app-reported');
  });

  let tracker;
  await step('a device that is not targeted: the alert says so', async () => {
    tracker = (await buyByApi('DEV-TT-1001')).order_number;
    expect(/^TA-/.test(tracker || ''), `tracker order ${tracker}`);
    await applyWith({ order: tracker });
    await page.locator('#bb-application[data-state="rejected"]').waitFor({ state: 'attached' });
    const alert = await alertText();
    expect(/not targeted/i.test(alert), `alert: ${alert}`);
    return alert;
  });

  await step('the fifth failed attempt locks applying; the form is kept', async () => {
    for (const [i, left] of [[3, 2], [4, 1]]) {
      const answer = await guessByApi(order, `Wrong Guess ${i}`);
      expect(answer.status === 409 && answer.attempts_remaining === left, `guess ${i}: ${JSON.stringify(answer)}`);
    }
    await applyWith({ order, name: 'Wrong Guess 5' });
    await keptWithAttempts(order, 'Wrong Guess 5', 0);
    const note = await text('#bb-attempts');
    expect(/locked until/i.test(note), `attempts: ${note}`);
    await page.click('#bb-apply');
    await page.waitForFunction(() => /^Too many failed verifications/.test(document.getElementById('error').textContent));
    const alert = await alertText();
    expect((await page.inputValue('#bb-name')) === 'Wrong Guess 5', 'the form is still kept');
    await shots('locked');
    return alert;
  });
}

try {
  await main();
  console.log(`buyback steps: ${passed} passed, 0 failed`);
  await browser.close();
  process.exit(0);
} catch (err) {
  if (page) {
    const shot = path.join(os.tmpdir(), `tandem-buyback-failure-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.log(`     at ${page.url()}\n     screenshot: ${shot}`);
    const alert = await page.locator('#error').textContent().catch(() => '');
    if (alert) console.log(`     alert: ${alert.trim()}`);
  }
  console.log(`     ${String(err.stack || err).split('\n').slice(0, 6).join('\n     ')}`);
  console.log(`buyback steps: ${passed} passed, 1 failed`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
