// The anonymous purchase (seed 003) through the web pages, in a real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; no browser is downloaded). Two
// phases, with the carrier's step (a gRPC partner) in between, driven by the Rust test:
//
//   buy:   a customer registers, opens "Buy anonymously" from the header, asks for a
//          dashcam with characteristics, sees every seller's offers, orders Kestrel's →
//          the order ID; a short payment and a declined card are refused, then pays; gives
//          a delivery address. In a new browser context the seller logs in to the seller
//          desk (a wrong password first), sees the order ID and item but none of the
//          customer's name, e-mail, phone, street or ZIP codes on any of its pages, and
//          requests delivery (the handle shown). Prints `result: {…}`.
//   after: (the carrier has delivered) the customer sees the order delivered and the
//          money released; the seller sees the income released and the order delivered
//          (no longer among the open ones), buys a demand report
//          (charged once; asked again, not charged again) and sees its suppressed rows.
//
// Usage: node anonymous.mjs http://HOST:PORT buy
//        node anonymous.mjs http://HOST:PORT after ORDER_ID EMAIL PASSWORD
// Screenshots at 390×844 and 1280×800 go to $ANON_SHOTS (when set).

import fs from 'node:fs';
import path from 'node:path';
import { base, expect, journey, newPage, run, step } from './lib.mjs';

const phase = process.argv[3] || '';
const SHOTS = process.env.ANON_SHOTS || '';
const SELLER = { login: 'KESTREL-DESK', password: 'demo-seller-pass', id: 'seller-kestrel', name: 'Kestrel Electronics' };
const ITEM = { id: 'CM-KES-001', title: 'Kestrel K2 Dual Dashcam' };
const PASSWORD = 'correct horse battery 7';
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const person = {
  name: `Quinn Anonymous ${stamp}`,
  email: `anon-${stamp}@example.com`,
  phone: '+1 415 555 0177',
  dob: '1988-03-14',
  line1: '5 Registered Row',
  city: 'San Francisco',
  region: 'CA',
  postal: '94103',
};
const delivery = {
  recipient: `Robin Quillfeather ${stamp}`,
  line1: '77 Hidden Lantern Way',
  city: 'Sausalito',
  region: 'CA',
  postal: '94965',
};

/** Screenshots of `page` as `name` at phone and desktop width; fails when the page is
 *  wider than either (nothing may need sideways scrolling). */
async function shots(page, name) {
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const [w, h] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(100);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide <= w, `${name}: the page is ${wide} px wide at a ${w} px viewport`);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

const text = async (page, selector) => ((await page.locator(selector).first().textContent()) || '').trim();
const done = (page) => page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error');

/** Fails when the page shows anything that identifies the purchaser. */
async function noPurchaser(page, where) {
  const shown = await page.evaluate(() => document.body.innerText + document.title);
  const html = await page.content();
  for (const secret of [person.name, person.email, person.phone, person.line1, person.postal,
    delivery.recipient, delivery.line1, delivery.postal, 'Quinn', 'Quillfeather', 'Hidden Lantern', stamp]) {
    expect(!shown.includes(secret) && !html.includes(secret), `${where} shows the purchaser's ${JSON.stringify(secret)}`);
  }
}

async function sellerLogin(page) {
  await page.goto(`${base}/seller`);
  await page.locator('#seller-login-form').waitFor({ state: 'visible' });
  await page.fill('#seller-login', SELLER.login);
  await page.fill('#seller-password', SELLER.password);
  await page.click('#seller-login-button');
  await page.locator('body[data-view="desk"][data-state="done"]').waitFor({ state: 'attached' });
  expect((await text(page, '#seller-name')) === SELLER.name, 'the header names the seller');
}

async function sellerTab(page, tab) {
  await page.click(`.tabs a[data-tab="${tab}"]`);
  await page.locator(`body[data-tab="${tab}"][data-state="done"]`).waitFor({ state: 'attached' });
}

async function buy() {
  const result = {};
  let page = await newPage();
  await journey('the purchaser buys anonymously', async () => {
    await step('register a new customer on the main page', async () => {
      await page.goto(`${base}/`);
      await page.locator('#account[data-state="out"]').waitFor({ state: 'attached' });
      await page.click('#register-link');
      await page.locator('#register-form').waitFor({ state: 'visible' });
      await page.fill('#reg-name', person.name);
      await page.fill('#reg-email', person.email);
      await page.fill('#reg-phone', person.phone);
      await page.fill('#reg-dob', person.dob);
      await page.fill('#reg-password', PASSWORD);
      await page.fill('#reg-line1', person.line1);
      await page.fill('#reg-city', person.city);
      await page.fill('#reg-region', person.region);
      await page.fill('#reg-postal', person.postal);
      await page.click('#register-button');
      await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
      expect(await page.locator('#anonymous-link').isVisible(), 'the header links to Buy anonymously');
      expect(await page.locator('#seller-desk-link').isVisible(), 'and to the seller desk');
      await shots(page, '00-main-page-header');
      return person.email;
    });
    await step('"Buy anonymously" from the header', async () => {
      await page.click('#anonymous-link');
      await page.locator('body[data-view="shop"][data-state="done"]').waitFor({ state: 'attached' });
      expect((await text(page, '#anon-customer')) === person.name, 'signed in as the customer');
      await shots(page, '01-buy-anonymously');
    });
    await step('ask for a 4k two-channel dashcam: offers of every seller', async () => {
      await page.fill('#anon-kind', 'dashcam');
      const rows = page.locator('#anon-char-rows .char-row');
      await rows.nth(0).locator('.char-name').fill('resolution');
      await rows.nth(0).locator('.char-value').fill('4K');
      await page.click('#anon-add-char');
      await rows.nth(1).locator('.char-name').fill('channels');
      await rows.nth(1).locator('.char-value').fill('2');
      await page.click('#anon-add-char');
      await rows.nth(2).locator('.char-name').fill('parking-mode');
      await rows.nth(2).locator('.char-value').fill('yes');
      await page.click('#anon-search-button');
      await page.locator('#anon-results-view:not([hidden])').waitFor({ state: 'attached' });
      const offers = page.locator('#anon-results li.commodity');
      expect((await offers.count()) >= 1, 'offers shown');
      const kestrel = page.locator(`#anon-results li.commodity[data-commodity-id="${ITEM.id}"]`);
      expect((await kestrel.count()) === 1, `${ITEM.title} offered`);
      const shown = await kestrel.textContent();
      expect(shown.includes(SELLER.name) && shown.includes('$165.00') && /\d+ in stock/.test(shown), `seller, price, stock: ${shown}`);
      // Without the rare characteristic, more sellers offer a 4k dashcam.
      await rows.nth(2).locator('.remove').click();
      await rows.nth(1).locator('.remove').click();
      await page.click('#anon-search-button');
      await page.waitForFunction(() => document.querySelectorAll('#anon-results li.commodity').length > 1);
      const sellers = await page.locator('#anon-results li.commodity').evaluateAll((ls) => [...new Set(ls.map((l) => l.dataset.sellerId))]);
      expect(sellers.length >= 2, `offers of several sellers: ${sellers}`);
      await shots(page, '02-offers');
      return `${await page.locator('#anon-results li.commodity').count()} offers from ${sellers.join(', ')}`;
    });
    await step(`order ${ITEM.title}: the order ID, and what the seller sees`, async () => {
      await page.locator(`#anon-results li.commodity[data-commodity-id="${ITEM.id}"] .order-button`).click();
      await page.locator('#anon-order:not([hidden])[data-escrow-state="awaiting_payment"]').waitFor({ state: 'attached' });
      const orderId = await text(page, '#anon-order-id');
      expect(/^AN-[A-Z0-9-]+$/.test(orderId), `order ID ${orderId}`);
      expect((await text(page, '#anon-order-item')).includes(ITEM.title), 'the item');
      expect((await page.locator('#anon-order').textContent()).includes('The seller sees only this order ID and the item'), 'the explanation');
      result.order_id = orderId;
      await shots(page, '03-order-id');
      return orderId;
    });
    await step('a short payment is refused, nothing charged', async () => {
      expect((await page.inputValue('#anon-pay-amount')) === '165.00', 'the amount is prefilled');
      await page.fill('#anon-pay-amount', '150.00');
      await page.fill('#anon-card-number', '4242 4242 4242 4242');
      await page.fill('#anon-card-cvc', '123');
      await page.fill('#anon-card-name', 'Q A');
      await page.click('#anon-pay');
      await page.locator('#error:not([hidden])').waitFor({ state: 'attached' });
      const alert = await text(page, '#error');
      expect(/does not match/i.test(alert) && alert.includes('165.00'), `refusal: ${alert}`);
      expect((await page.getAttribute('#anon-order', 'data-escrow-state')) === 'awaiting_payment', 'still unpaid');
      return alert;
    });
    await step('a declined card is refused, nothing charged', async () => {
      await page.fill('#anon-pay-amount', '165.00');
      await page.fill('#anon-card-number', '4000 0000 0000 0002');
      await page.click('#anon-pay');
      await page.waitForFunction(() => /declined/i.test(document.getElementById('error').textContent));
      const alert = await text(page, '#error');
      expect((await page.getAttribute('#anon-order', 'data-escrow-state')) === 'awaiting_payment', 'still unpaid');
      return alert;
    });
    await step('pay the amount: held in escrow', async () => {
      await page.fill('#anon-card-number', '4242 4242 4242 4242');
      await page.fill('#anon-card-cvc', '123');
      await page.click('#anon-pay');
      await page.locator('#anon-order[data-escrow-state="held"]').waitFor({ state: 'attached' });
      expect(await page.locator('#error').isHidden(), 'no alert');
      return text(page, '#anon-escrow-state');
    });
    await step('give the delivery address: sealed', async () => {
      await page.fill('#anon-recipient', delivery.recipient);
      await page.fill('#anon-line1', delivery.line1);
      await page.fill('#anon-city', delivery.city);
      await page.fill('#anon-region', delivery.region);
      await page.fill('#anon-postal', delivery.postal);
      await page.click('#anon-seal');
      await page.locator('#anon-sealed:not([hidden])').waitFor({ state: 'attached' });
      expect((await page.inputValue('#anon-line1')) === '', 'the page forgets the address');
      await shots(page, '04-paid-address-sealed');
      return text(page, '#anon-sealed');
    });
  });

  page = await newPage();
  await journey('the seller ships by order ID without seeing who or where', async () => {
    await step('a wrong seller password is refused', async () => {
      await page.goto(`${base}/seller`);
      await page.locator('#seller-login-form').waitFor({ state: 'visible' });
      await page.fill('#seller-login', SELLER.login);
      await page.fill('#seller-password', 'not-the-password');
      await page.click('#seller-login-button');
      await page.locator('#error:not([hidden])').waitFor({ state: 'attached' });
      return text(page, '#error');
    });
    await step('log in: the order by ID and item, no purchaser anywhere', async () => {
      await sellerLogin(page);
      const order = page.locator(`li.seller-order[data-order-id="${result.order_id}"]`);
      await order.waitFor({ state: 'visible' });
      const shown = await order.textContent();
      expect(shown.includes(ITEM.title) && shown.includes('$165.00'), `order and item: ${shown}`);
      expect((await order.getAttribute('data-escrow-state')) === 'held', 'paid, ready to ship');
      await noPurchaser(page, 'the orders tab');
      for (const tab of ['income', 'commodities', 'reports']) {
        await sellerTab(page, tab);
        await noPurchaser(page, `the ${tab} tab`);
      }
      await sellerTab(page, 'orders');
      await shots(page, '05-seller-orders');
    });
    await step('request delivery: the handle, never the address', async () => {
      const order = page.locator(`li.seller-order[data-order-id="${result.order_id}"]`);
      await order.locator('.request-delivery').click();
      await page.locator(`li.seller-order[data-order-id="${result.order_id}"][data-escrow-state="shipping"]`).waitFor({ state: 'attached' });
      const handle = await text(page, `li.seller-order[data-order-id="${result.order_id}"] .handle`);
      expect(handle.length > 0, 'a delivery handle');
      await noPurchaser(page, 'the shipped order');
      result.handle = handle;
      await shots(page, '06-seller-delivery-requested');
      return handle;
    });
  });
  result.email = person.email;
  result.password = PASSWORD;
  result.recipient = delivery.recipient;
  result.line1 = delivery.line1;
  result.postal = delivery.postal;
  result.customer_name = person.name;
  console.log(`result: ${JSON.stringify(result)}`);
}

async function after() {
  const [orderId, email, password] = process.argv.slice(4);
  expect(orderId && email && password, 'usage: after ORDER_ID EMAIL PASSWORD');
  let page = await newPage();
  await journey('the purchaser sees the order delivered and paid to the seller', async () => {
    await step('log in on the page and open the order', async () => {
      await page.goto(`${base}/anonymous#/order/${encodeURIComponent(orderId)}`);
      await page.locator('#anon-login-form').waitFor({ state: 'visible' });
      await page.fill('#anon-login', email);
      await page.fill('#anon-password', password);
      await page.click('#anon-login-button');
      await page.locator(`#anon-order[data-order-id="${orderId}"]`).waitFor({ state: 'attached' });
      await page.locator('#anon-order[data-escrow-state="released"][data-delivery-state="delivered"]').waitFor({ state: 'attached' });
      expect(await page.locator('#anon-receipt').isHidden(), 'nothing left to confirm');
      await shots(page, '07-purchaser-delivered');
      return `${await text(page, '#anon-escrow-state')} · ${await text(page, '#anon-delivery-state')}`;
    });
  });
  page = await newPage();
  await journey('the seller is paid and buys an analysis that singles out no one', async () => {
    await step('income: the order released, the balance holds it', async () => {
      await sellerLogin(page);
      await sellerTab(page, 'income');
      const row = page.locator(`#seller-income-rows tr[data-order-id="${orderId}"]`);
      await row.waitFor({ state: 'visible' });
      expect((await row.getAttribute('data-state')) === 'released', 'released to the seller');
      expect((await row.textContent()).includes('$165.00'), 'its amount');
      const balance = Number(await page.getAttribute('#seller-balance', 'data-minor-units'));
      expect(balance >= 16500, `balance ${balance}`);
      await noPurchaser(page, 'the income tab');
      await shots(page, '08-seller-income');
      return text(page, '#seller-balance');
    });
    await step('orders: delivered ones leave the open list, all of them show it delivered', async () => {
      await sellerTab(page, 'orders');
      expect((await page.locator(`li.seller-order[data-order-id="${orderId}"]`).count()) === 0, 'not open any more');
      await page.selectOption('#seller-order-filter', 'all');
      const order = page.locator(`li.seller-order[data-order-id="${orderId}"][data-escrow-state="released"][data-delivery-state="delivered"]`);
      await order.waitFor({ state: 'visible' });
      await noPurchaser(page, 'all orders');
      return (await order.locator('.delivery').textContent()).trim();
    });
    await step('commodities: change a price and the stock', async () => {
      await sellerTab(page, 'commodities');
      const item = page.locator('li.seller-commodity[data-commodity-id="CM-KES-004"]');
      await item.locator('.price-input').fill('84.50');
      await item.locator('.stock-input').fill('33');
      await item.locator('.save').click();
      await page.waitForFunction(() => /^Saved /.test(document.getElementById('status').textContent));
      const status = await text(page, '#status');
      expect(status.includes('$84.50') && status.includes('33 in stock'), status);
      return status;
    });
    await step('buy a demand report: tables, bars, suppressed rows', async () => {
      await sellerTab(page, 'reports');
      await page.selectOption('#seller-report-kind', 'demand');
      await page.fill('#seller-report-weeks', '8');
      await page.click('#seller-buy-report');
      await page.locator('#seller-report:not([hidden])').waitFor({ state: 'attached' });
      await done(page);
      const facts = await text(page, '#seller-report-facts');
      expect(/charged once|not charged again/.test(facts), `the charge: ${facts}`);
      expect((await page.locator('#seller-report table.data-table').count()) >= 1, 'a table');
      expect((await page.locator('#seller-report .bar-chart .bar').count()) >= 1, 'a bar chart');
      const suppressed = Number(await page.getAttribute('#seller-report', 'data-suppressed-rows'));
      expect(suppressed >= 1, 'rows resting on fewer than five purchasers are suppressed');
      expect((await page.locator('#seller-report').textContent()).includes('fewer than 5 purchasers — suppressed'), 'and say so');
      await noPurchaser(page, 'the report');
      await shots(page, '09-seller-report');
      return `${facts}; ${suppressed} suppressed row(s)`;
    });
    await step('the same report again: shown, not charged again', async () => {
      const before = await page.getAttribute('#seller-report', 'data-report-id');
      await page.click('#seller-buy-report');
      await page.waitForFunction(() => /not charged again/.test(document.getElementById('status').textContent));
      expect((await page.getAttribute('#seller-report', 'data-report-id')) === before, 'the same report');
      return text(page, '#status');
    });
  });
}

run(async () => {
  if (phase === 'buy') await buy();
  else if (phase === 'after') await after();
  else throw new Error(`unknown phase ${JSON.stringify(phase)} (buy or after)`);
});
