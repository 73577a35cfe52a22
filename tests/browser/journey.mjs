// The customer's whole journey through the Tandem web page, in a real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; no browser is downloaded):
//
//   a. register → search → a plan with its devices → buy a device that needs fitting →
//      the bundle price with the discount line → pay with a test card → the nearest
//      installer and a slot → confirmation (order, policy, booking)
//   b. a declined card: the alert says so, nothing charged, the checkout is cancelled
//   c. an unknown postal code: the alert names postal_code
//   d. log out; buying asks to log in; a wrong password is refused; logging in again
//      carries on to the checkout, which can be cancelled
//   e. a device that needs no fitting goes straight to the confirmation
//
// Usage: node journey.mjs http://127.0.0.1:8080
// Prints one line per step and exits non-zero on the first failure, leaving a screenshot
// in /tmp. JOURNEY_SHOTS=<dir> also saves a screenshot after every step;
// CHROMIUM=<path> overrides /usr/bin/chromium.

import { base, expect, journey, newPage, run, step } from './lib.mjs';

const PLAN = 'Safe Driver Comprehensive';
const DEVICE_ID = 'DEV-DC-1002';
const DEVICE = 'Roadlens RL-2 Duo Front + Rear Dashcam';
const DIY_DEVICE_ID = 'DEV-DC-1001'; // Roadlens RL-1: no installation needed
const PAYS = '4242 4242 4242 4242';
const DECLINED = '4000 0000 0000 0002';
const PASSWORD = 'journey-Pass-2026';
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const person = {
  name: `Jordan Journey ${stamp}`,
  email: `journey-${stamp}@example.com`,
  phone: '+1 415 555 0123',
  dob: '1988-04-12',
  line1: '1 Market St',
  city: 'San Francisco',
  region: 'CA',
  postal: '94103',
};

let page;

const text = async (selector) => ((await page.locator(selector).textContent()) || '').trim();
const minor = async (selector) => Number(await page.locator(selector).getAttribute('data-minor-units'));
const alertText = async () => text('#error[role="alert"]');

async function waitVisible(selector) {
  await page.locator(selector).first().waitFor({ state: 'visible' });
}

async function search({ driverAge = '35', vehicleClass = 'sedan', year, mileage = '12000', postal = '94103' }) {
  await page.fill('#driver_age', driverAge);
  await page.selectOption('#vehicle_class', vehicleClass);
  await page.fill('#vehicle_year', String(year));
  await page.fill('#annual_mileage', mileage);
  await page.fill('#postal_code', postal);
  await page.click('#search-button');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state)
    && !document.getElementById('search-button').disabled);
}

async function searchAndOpenPlan() {
  const year = new Date().getFullYear() - 5;
  await step('search plans: driver 35, sedan, 5-year-old car, 12000 mi, ZIP 94103', async () => {
    await search({ year });
    expect(await page.locator('body').getAttribute('data-state') === 'done', `search failed: ${await alertText()}`);
    const plans = await page.locator('#results article.plan[data-plan-id]').count();
    expect(plans > 0, 'no plans shown');
    return `${plans} plans`;
  });
  await step(`open "${PLAN}" with its devices`, async () => {
    const article = page.locator('#results article.plan', { has: page.locator('.plan-name', { hasText: PLAN }) });
    await article.locator('button.open-plan').click();
    await page.waitForFunction(() => document.body.dataset.view === 'plan' && document.body.dataset.state === 'done');
    expect((await text('#plan-detail .plan-name')) === PLAN, 'the plan view shows the plan');
    const devices = await page.locator('#plan-detail li.device[data-product-id]').count();
    expect(devices > 0, 'the plan lists its devices');
    const device = page.locator(`#plan-detail li.device[data-product-id="${DEVICE_ID}"]`);
    expect(await device.count() === 1, `${DEVICE_ID} is among the plan's devices`);
    expect(((await device.locator('.device-name').textContent()) || '').trim() === DEVICE, 'device name');
    return `${devices} devices`;
  });
}

async function buy(productId) {
  const button = page.locator(`#plan-detail li.device[data-product-id="${productId}"] button.buy-with-plan`);
  await button.click();
}

async function waitCheckout(state) {
  await page.locator(`#checkout[data-state="${state}"]`).waitFor({ state: 'attached' });
}

async function fillCard(number) {
  await page.locator('#card-number').fill('');
  await page.locator('#card-number').pressSequentially(number);
  const year = String(new Date().getFullYear() + 3);
  await page.selectOption('#card-exp-month', '12');
  await page.selectOption('#card-exp-year', year);
  await page.fill('#card-cvc', '123');
  await page.fill('#card-name', person.name);
}

async function main() {
  page = await newPage();

  await journey('a. happy path: register, search, buy a plan with a dashcam, pay, book an installer', async () => {
    await step('open the page: plans shown at once', async () => {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => document.body.dataset.state === 'done');
      expect(await page.locator('#results article.plan[data-plan-id]').count() > 0, 'plans on first view');
      await page.locator('#account[data-state="out"]').waitFor({ state: 'attached' });
    });
    await step('register a new customer', async () => {
      await page.click('#register-link');
      await waitVisible('#register-form');
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
      expect((await text('#customer-name')) === person.name, 'the header shows the name');
      await waitVisible('#logout');
      return person.email;
    });
    await searchAndOpenPlan();
    let totals;
    await step(`buy it with the ${DEVICE}: the bundle price with the discount line`, async () => {
      await buy(DEVICE_ID);
      await waitCheckout('priced');
      await waitVisible('#card-form');
      expect((await text('#checkout-plan')) === PLAN, 'checkout shows the plan');
      expect((await text('#checkout-device')) === DEVICE, 'checkout shows the device');
      await waitVisible('#discount-line');
      const discount = await text('#discount-line');
      expect(/−\$\d/.test(discount), `the discount line shows a deduction: ${discount}`);
      expect(await minor('#discount-amount') > 0, 'a discount amount');
      const premiumDue = await minor('#premium-due');
      const deviceDue = await minor('#device-due');
      const total = await minor('#total');
      expect(total === premiumDue + deviceDue, `total ${total} = premium due ${premiumDue} + device due ${deviceDue}`);
      const premium = await minor('#premium');
      const price = await minor('#device-price');
      expect(premium + price - (await minor('#discount-amount')) === total, 'list prices less the discount make the total');
      totals = await text('#total');
      expect((await text('#pay')).includes(totals), 'the Pay button names the amount');
      return `${discount.replace(/\s+/g, ' ')}; total ${totals}`;
    });
    let installerName;
    await step('pay with the test card 4242 4242 4242 4242', async () => {
      await fillCard(PAYS);
      await page.click('#pay');
      await waitCheckout('completed');
      await page.locator('#checkout[data-step="install"]').waitFor({ state: 'attached' });
      await waitVisible('#installers li.installer[data-installer-id]');
      expect((await page.locator('#error').isHidden()), `no alert: ${await alertText()}`);
    });
    await step('choose the nearest installer\'s first slot', async () => {
      const first = page.locator('#installers li.installer').first();
      const distance = ((await first.locator('.distance').textContent()) || '').trim();
      expect(/^\d+\.\d (mi|km)\b/.test(distance), `distance with one decimal: ${distance}`);
      const metres = (await page.locator('#installers li.installer').evaluateAll(
        (items) => items.map((li) => Number(li.dataset.distanceM))));
      expect(metres.every((m, i) => i === 0 || metres[i - 1] <= m), 'nearest first');
      installerName = ((await first.locator('.installer-name').textContent()) || '').trim();
      await first.locator('button.slot[data-slot-id]').first().click();
      await waitVisible('#confirmation');
      return `${installerName}, ${distance}`;
    });
    await step('confirmation: order number, policy number and dates, booking', async () => {
      const order = await text('#order-number');
      const policy = await text('#policy-number');
      const booking = await text('#booking');
      expect(order.startsWith('TA-'), `order number ${order}`);
      expect(policy.startsWith('POL-'), `policy number ${policy}`);
      expect(/\d{4} to .*\d{4}/.test(await text('#policy-dates')), 'policy dates');
      expect(booking.includes(installerName), `booking names the installer: ${booking}`);
      expect(/\d:\d\d/.test(booking), `booking has a time: ${booking}`);
      expect((await text('#paid-total')) === totals, 'paid the total');
      return `${order}, ${policy}, ${booking}`;
    });
  });

  await journey('b. a declined card', async () => {
    await step('back to the plans', async () => {
      await page.click('#confirmation a[href="#/"]');
      await page.waitForFunction(() => document.body.dataset.view === 'search' && document.body.dataset.state === 'done');
    });
    await searchAndOpenPlan();
    await step('pay with the declined card 4000 0000 0000 0002', async () => {
      await buy(DEVICE_ID);
      await waitCheckout('priced');
      await waitVisible('#card-form');
      await fillCard(DECLINED);
      await page.click('#pay');
      await waitVisible('#error');
      const alert = await alertText();
      expect(/declined/i.test(alert), `the alert says declined: ${alert}`);
      expect(/nothing was charged/i.test(alert), `the alert says nothing was charged: ${alert}`);
      await waitCheckout('cancelled');
      await waitVisible('#ended-step');
      expect(await page.locator('#confirmation').isHidden(), 'no confirmation');
      return alert;
    });
  });

  await journey('c. an unknown postal code', async () => {
    await step('search with ZIP 96201: the alert names postal_code', async () => {
      await page.click('#ended-step a[href="#/"]');
      await page.waitForFunction(() => document.body.dataset.view === 'search');
      await search({ year: new Date().getFullYear() - 5, postal: '96201' });
      expect(await page.locator('body').getAttribute('data-state') === 'error', 'error state');
      const alert = await alertText();
      expect(alert.includes('postal_code'), `the alert names postal_code: ${alert}`);
      expect(await page.locator('#postal_code').getAttribute('aria-invalid') === 'true', 'the field is marked');
      expect(await page.locator('#results article.plan').count() === 0, 'no plans');
      return alert;
    });
  });

  await journey('d. log out and log in again', async () => {
    await step('log out', async () => {
      await page.click('#logout');
      await page.locator('#account[data-state="out"]').waitFor({ state: 'attached' });
      await waitVisible('#login-link');
    });
    await searchAndOpenPlan();
    await step('buying while logged out shows the login form', async () => {
      await buy(DEVICE_ID);
      await waitVisible('#login-form');
      await waitVisible('#auth-reason');
      return text('#auth-reason');
    });
    await step('a wrong password is refused', async () => {
      await page.fill('#login', person.email);
      await page.fill('#login-password', 'not-the-password');
      await page.click('#login-button');
      await waitVisible('#error');
      expect(await page.locator('#account[data-state="out"]').count() === 1, 'still logged out');
      return alertText();
    });
    await step('log in as the same customer: on to the checkout', async () => {
      await page.fill('#login-password', PASSWORD);
      await page.click('#login-button');
      await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
      expect((await text('#customer-name')) === person.name, 'the header shows the name again');
      await waitCheckout('priced');
      expect((await text('#checkout-device')) === DEVICE, 'the checkout is for the device chosen');
    });
    await step('cancel that order', async () => {
      await page.click('#cancel-checkout');
      await waitCheckout('cancelled');
      await waitVisible('#ended-step');
    });
  });
  await journey('e. a device that needs no installation', async () => {
    await step('back to the plans', async () => {
      await page.click('#ended-step a[href="#/"]');
      await page.waitForFunction(() => document.body.dataset.view === 'search');
    });
    await searchAndOpenPlan();
    await step(`buy it with ${DIY_DEVICE_ID} and pay: straight to the confirmation`, async () => {
      await buy(DIY_DEVICE_ID);
      await waitCheckout('priced');
      await waitVisible('#card-form');
      await fillCard(PAYS);
      await page.click('#pay');
      await waitVisible('#confirmation');
      expect(await page.locator('#installation-step').isHidden(), 'no installer step');
      expect((await text('#order-number')).startsWith('TA-'), 'order number');
      expect((await text('#policy-number')).startsWith('POL-'), 'policy number');
      return `${await text('#order-number')}, ${await text('#booking')}`;
    });
  });

}

await run(main);
