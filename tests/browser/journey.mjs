// The customer's whole journey through the Tandem web page, in a real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; no browser is downloaded):
//
//   a. register → search → a plan with its devices → buy a device that needs fitting →
//      confirm the rating conditions and the car (a contradicting age and a missing make
//      are named next to their fields, all at once) → the bundle price with the discount
//      line and what it is rated on → choose the nearest installer's slot and pay with a
//      test card → confirmation (order, policy, vehicle, the booked appointment)
//   b. a declined card: the alert says so and that nothing was charged; the checkout,
//      its order number and the hold stay; another card pays
//   c. an unknown postal code: the alert and the ZIP code field's own message say so
//   d. log out; buying asks to log in; a wrong password is refused; logging in again
//      carries on to the confirm step and the checkout, which can be cancelled
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
  make: 'Honda',
  model: 'Civic',
  line1: '1 Market St',
  city: 'San Francisco',
  region: 'CA',
  postal: '94103',
};

let page;

/** The person's age today (what the conditions must say). */
const AGE = (() => {
  const [y, m, d] = person.dob.split('-').map(Number);
  const now = new Date();
  const before = now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d);
  return now.getFullYear() - y - (before ? 1 : 0);
})();

const text = async (selector) => ((await page.locator(selector).textContent()) || '').trim();
const minor = async (selector) => Number(await page.locator(selector).getAttribute('data-minor-units'));
const alertText = async () => text('#error[role="alert"]');

async function waitVisible(selector) {
  await page.locator(selector).first().waitFor({ state: 'visible' });
}

async function search({ driverAge = String(AGE), vehicleClass = 'sedan', year, mileage = '12000', postal = '94103' }) {
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
  await step(`search plans: driver ${AGE}, sedan, 5-year-old car, 12000 mi, ZIP 94103`, async () => {
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

/** On the confirm step: the car's make and model, then "Confirm and see the price". */
async function confirm() {
  await waitVisible('#confirm-form');
  await page.waitForFunction(() => document.body.dataset.view === 'confirm'
    && ['done', 'error'].includes(document.body.dataset.state));
  await page.fill('#cf-make', person.make);
  await page.fill('#cf-model', person.model);
  await page.click('#confirm-button');
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
    await step('open the page: the search form starts empty, no plans before a search', async () => {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => document.body.dataset.state === 'done');
      expect(await page.locator('#results article.plan[data-plan-id]').count() === 0, 'no plans on invented conditions');
      expect(await page.inputValue('#driver_age') === '' && await page.inputValue('#postal_code') === '', 'an empty form');
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
    await step('confirm step: the conditions searched for and the registered policyholder', async () => {
      await buy(DEVICE_ID);
      await waitVisible('#confirm-form');
      await page.waitForFunction(() => document.body.dataset.view === 'confirm' && document.body.dataset.state === 'done');
      expect(await page.inputValue('#cf-driver-age') === String(AGE), 'the age searched for');
      expect(await page.inputValue('#cf-postal-code') === '94103', 'the ZIP searched for');
      expect((await text('#cf-holder-name')) === person.name, 'the policyholder is the customer');
      expect(!(await page.isChecked('#cf-notify-staff')), 'the staff question starts unticked');
      const items = await text('#confirm-items');
      expect(items.includes(PLAN) && items.includes(DEVICE), `what is bought: ${items}`);
    });
    await step('a contradicting age and a missing make are named at once, next to their fields', async () => {
      await page.fill('#cf-driver-age', String(AGE - 3));
      await page.fill('#cf-make', '');
      await page.fill('#cf-model', person.model);
      await page.click('#confirm-button');
      await waitVisible('#error');
      const alert = await alertText();
      expect(alert.includes(`makes you ${AGE}`), `the alert explains the age: ${alert}`);
      expect(await page.locator('#cf-driver-age').getAttribute('aria-invalid') === 'true', 'the age is marked');
      expect(await page.locator('#confirm-view').isVisible(), 'still on the confirm step');
      return alert;
    });
    let totals;
    await step(`confirm: the bundle price with the discount line and what it is rated on`, async () => {
      await page.fill('#cf-driver-age', String(AGE));
      await confirm();
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
      const rated = await text('#checkout-conditions');
      expect(rated.includes(String(AGE)) && rated.includes('94103') && rated.includes(person.make),
        `what it is rated on: ${rated}`);
      return `${discount.replace(/\s+/g, ' ')}; total ${totals}`;
    });
    let installerName;
    await step('choose the nearest installer\'s first slot before paying', async () => {
      await waitVisible('#pay-installers li.installer[data-installer-id]');
      const first = page.locator('#pay-installers li.installer').first();
      const distance = ((await first.locator('.distance').textContent()) || '').trim();
      expect(/^\d+\.\d (mi|km)\b/.test(distance), `distance with one decimal: ${distance}`);
      const metres = (await page.locator('#pay-installers li.installer').evaluateAll(
        (items) => items.map((li) => Number(li.dataset.distanceM))));
      expect(metres.every((m, i) => i === 0 || metres[i - 1] <= m), 'nearest first');
      installerName = ((await first.locator('.installer-name').textContent()) || '').trim();
      await first.locator('button.slot[data-slot-id]').first().click();
      expect(await first.locator('button.slot[aria-pressed="true"]').count() === 1, 'the slot is chosen');
      expect((await text('#pay-slot-text')).includes(installerName), 'the choice is named');
      return `${installerName}, ${distance}`;
    });
    await step('pay with the test card 4242 4242 4242 4242: booked with the payment', async () => {
      await fillCard(PAYS);
      await page.click('#pay');
      await waitCheckout('completed');
      await waitVisible('#confirmation');
      expect(await page.locator('#installation-step').isHidden(), 'no installer step after paying');
      expect((await page.locator('#error').isHidden()), `no alert: ${await alertText()}`);
    });
    await step('confirmation: order number, policy number and dates, vehicle, booking', async () => {
      const order = await text('#order-number');
      const policy = await text('#policy-number');
      const booking = await text('#booking');
      expect(order.startsWith('TA-'), `order number ${order}`);
      expect(policy.startsWith('POL-'), `policy number ${policy}`);
      expect(/\d{4} to .*\d{4}/.test(await text('#policy-dates')), 'policy dates');
      expect(booking.includes(installerName), `booking names the installer: ${booking}`);
      expect(/\d:\d\d/.test(booking), `booking has a time: ${booking}`);
      const vehicle = await text('#policy-vehicle');
      expect(vehicle.includes(`${person.make} ${person.model}`), `the vehicle covered: ${vehicle}`);
      expect((await text('#paid-total')) === totals, 'paid the total');
      return `${order}, ${policy}, ${booking}`;
    });
  });

  await journey('b. a declined card, then another card on the same checkout', async () => {
    await step('back to the plans', async () => {
      await page.click('#confirmation a[href="#/"]');
      await page.waitForFunction(() => document.body.dataset.view === 'search' && document.body.dataset.state === 'done');
    });
    await searchAndOpenPlan();
    let order;
    await step('pay with the declined card 4000 0000 0000 0002: the checkout and its hold stay', async () => {
      await buy(DIY_DEVICE_ID);
      await confirm();
      await waitCheckout('priced');
      await waitVisible('#card-form');
      order = await text('#checkout-order-number');
      await fillCard(DECLINED);
      await page.click('#pay');
      await waitVisible('#error');
      const alert = await alertText();
      expect(/declined/i.test(alert), `the alert says declined: ${alert}`);
      expect(/nothing was charged/i.test(alert), `the alert says nothing was charged: ${alert}`);
      expect(alert.includes(order) && /held until/i.test(alert), `the order stays held: ${alert}`);
      await waitCheckout('priced');
      expect(!(await page.locator('#pay').isDisabled()), 'another card may be tried');
      expect((await text('#checkout-order-number')) === order, 'the same order number');
      expect(await page.locator('#confirmation').isHidden(), 'no confirmation');
      return alert;
    });
    await step('pay with 4242 4242 4242 4242 on the same checkout', async () => {
      await fillCard(PAYS);
      await page.click('#pay');
      await waitVisible('#confirmation');
      expect((await text('#order-number')) === order, `the same order: ${await text('#order-number')}`);
      return order;
    });
  });

  await journey('c. an unknown postal code', async () => {
    await step('search with ZIP 96201: the alert and the ZIP code field say so', async () => {
      await page.click('#confirmation a[href="#/"]');
      await page.waitForFunction(() => document.body.dataset.view === 'search');
      await search({ year: new Date().getFullYear() - 5, postal: '96201' });
      expect(await page.locator('body').getAttribute('data-state') === 'error', 'error state');
      const alert = await alertText();
      expect(alert.includes('ZIP 96201'), `the alert names the ZIP code: ${alert}`);
      expect(await page.locator('#postal_code').getAttribute('aria-invalid') === 'true', 'the field is marked');
      const own = await page.locator('#search-form .field:has(#postal_code) .field-error').textContent();
      expect(/ZIP 96201/.test(own || ''), `the message under the ZIP code: ${own}`);
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
    await step('log in as the same customer: on to the confirm step and the checkout', async () => {
      await page.fill('#login-password', PASSWORD);
      await page.click('#login-button');
      await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
      expect((await text('#customer-name')) === person.name, 'the header shows the name again');
      await confirm();
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
      await confirm();
      await waitCheckout('priced');
      expect(await page.locator('#pay-slot').isHidden(), 'no installer to choose');
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
