// The customer's side of a sale in a real headless Chromium (issue 15):
//
//   f. a plan alone from the search results: confirm, pay, a confirmation with no order
//   g. a device alone from its own page, telling the sales representative (the consent
//      recorded with its wording version)
//   h. a bundle with an installer slot chosen before paying; then the account page: the
//      purchases, the appointment moved to another time, the policy cancelled in its
//      cooling-off period and the order before it ships (each refunded), the e-mails
//   i. the printable policy schedule: policyholder, vehicle, what it is rated on
//
// Screenshots of the confirm step, the checkout and the account at phone (390×844) and
// desktop (1280×800) widths go to CUSTOMER_SHOTS=<dir>.
//
// Usage: node customer.mjs http://127.0.0.1:8080

import fs from 'node:fs';
import path from 'node:path';
import { base, expect, journey, newPage, run, step } from './lib.mjs';

const PLAN_ID = 'PLN-SAFE-DRIVER';
const DEVICE_ID = 'DEV-DC-1002'; // fitted by an installer
const DIY_DEVICE_ID = 'DEV-DC-1001'; // ships, no installer
const PAYS = '4242 4242 4242 4242';
const PASSWORD = 'customer-Pass-2026';
const shots = process.env.CUSTOMER_SHOTS || '';
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const person = {
  name: `Casey Customer ${stamp}`,
  email: `customer-${stamp}@example.com`,
  dob: '1979-09-30',
  make: 'Subaru',
  model: 'Outback',
  plate: '8XYZ321',
};
const AGE = (() => {
  const [y, m, d] = person.dob.split('-').map(Number);
  const now = new Date();
  const before = now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d);
  return now.getFullYear() - y - (before ? 1 : 0);
})();
const YEAR = new Date().getFullYear() - 4;

let page;

const text = async (selector) => ((await page.locator(selector).first().textContent()) || '').trim();
const alertText = async () => text('#error[role="alert"]');
const waitVisible = (selector) => page.locator(selector).first().waitFor({ state: 'visible' });
const settled = () => page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state));

/** Full-page screenshots of what is shown at phone and desktop widths. */
async function shoot(name) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  for (const [width, height] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `${name} at ${width} px is ${overflow} px too wide`);
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1100, height: 900 });
}

async function register() {
  await page.goto(`${base}/#/register`);
  await waitVisible('#register-form');
  await page.fill('#reg-name', person.name);
  await page.fill('#reg-email', person.email);
  await page.fill('#reg-phone', '+1 415 555 0142');
  await page.fill('#reg-dob', person.dob);
  await page.fill('#reg-password', PASSWORD);
  await page.fill('#reg-line1', '500 Howard St');
  await page.fill('#reg-city', 'San Francisco');
  await page.fill('#reg-region', 'CA');
  await page.fill('#reg-postal', '94105');
  await page.click('#register-button');
  await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
}

async function searchPlans() {
  await page.goto(`${base}/?driver_age=${AGE}&vehicle_class=suv&vehicle_year=${YEAR}&annual_mileage=9000&postal_code=94105`);
  await page.waitForFunction(() => document.body.dataset.state === 'done'
    && document.querySelectorAll('#results article.plan').length > 0);
}

/** Fills the car on the confirm step and confirms. */
async function confirmCar() {
  await page.waitForFunction(() => document.body.dataset.view === 'confirm' && document.body.dataset.state === 'done');
  await page.fill('#cf-make', person.make);
  await page.fill('#cf-model', person.model);
  await page.fill('#cf-plate', person.plate);
  await page.click('#confirm-button');
}

async function fillCard() {
  await page.locator('#card-number').fill('');
  await page.locator('#card-number').pressSequentially(PAYS);
  await page.selectOption('#card-exp-month', '12');
  await page.selectOption('#card-exp-year', String(new Date().getFullYear() + 3));
  await page.fill('#card-cvc', '123');
  await page.fill('#card-name', person.name);
}

async function payAndConfirm() {
  await fillCard();
  await page.click('#pay');
  await waitVisible('#confirmation');
}

/** The account page, shown again, once its purchases are listed. */
async function openAccount() {
  await page.click('#account-link');
  await page.waitForFunction(() => document.body.dataset.view === 'account' && document.body.dataset.state === 'done');
}

/** Reloads the account until `selector` shows `pattern` (a refund settles in the background). */
async function accountUntil(selector, pattern) {
  for (let i = 0; i < 40; i += 1) {
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.view === 'account' && document.body.dataset.state === 'done');
    if (pattern.test(await text(selector))) return text(selector);
    await page.waitForTimeout(250);
  }
  throw new Error(`${selector} never showed ${pattern}: ${await text(selector)}`);
}

async function main() {
  page = await newPage();

  await journey('f. a plan alone', async () => {
    await step('register', register);
    await step('search, then "Buy the plan alone"', async () => {
      await searchPlans();
      await page.locator(`#results button.buy-plan-only[data-plan-id="${PLAN_ID}"]`).click();
      await waitVisible('#confirm-form');
      await page.waitForFunction(() => document.body.dataset.view === 'confirm' && document.body.dataset.state === 'done');
      expect(await page.inputValue('#cf-driver-age') === String(AGE), 'the searched age');
      expect(await page.inputValue('#cf-vehicle-class') === 'suv', 'the searched car type');
      expect(await page.locator('.confirm-device').count() === 0, 'no device');
      expect(/no bundle discount/i.test(await text('#confirm-bundle-note')), 'no discount on its own');
      await shoot('confirm-plan-alone');
    });
    await step('confirm and pay: a policy, no order', async () => {
      await confirmCar();
      await page.locator('#checkout[data-state="priced"]').waitFor({ state: 'attached' });
      expect(await page.locator('#device-line').isHidden(), 'no device line');
      expect(await page.locator('#pay-slot').isHidden(), 'no installer to choose');
      await payAndConfirm();
      expect((await text('#policy-number')).startsWith('POL-'), 'a policy');
      expect(await page.locator('#order-number').isHidden(), 'no order number shown');
      return text('#policy-number');
    });
  });

  await journey('g. a device alone, telling the sales representative', async () => {
    await step('the device page: "Buy the device alone"', async () => {
      await page.goto(`${base}/devices/${DIY_DEVICE_ID}`);
      await page.locator('button.buy-device-only').first().click();
      await page.waitForURL(/#\/buy\?/);
      await page.waitForFunction(() => document.body.dataset.view === 'confirm' && document.body.dataset.state === 'done');
      expect(await page.locator('#confirm-conditions').isHidden(), 'no rating conditions for a device');
      expect(await page.locator('.confirm-plan').count() === 0, 'no plan');
      await waitVisible('#cf-notify-staff');
      expect(!(await page.isChecked('#cf-notify-staff')), 'unticked');
      await page.check('#cf-notify-staff');
      await page.click('#confirm-button');
      await page.locator('#checkout[data-state="priced"]').waitFor({ state: 'attached' });
      expect(await page.locator('#plan-line').isHidden(), 'no plan line');
      await shoot('checkout-device-alone');
    });
    await step('pay: an order, no policy; the consent recorded', async () => {
      await payAndConfirm();
      expect((await text('#order-number')).startsWith('TA-'), 'an order');
      expect(await page.locator('#policy-number').isHidden(), 'no policy shown');
      const consents = await page.evaluate(() => fetch('/api/v1/consents').then((r) => r.json()));
      const purchases = consents.consents.find((c) => c.purpose === 'purchases');
      expect(purchases.granted === true, 'the purchases consent is given');
      const record = consents.history.find((r) => r.purpose === 'purchases' && r.granted);
      expect(record && record.wording_version === purchases.wording_version, 'with the wording version shown');
      return `${purchases.wording_version}, ${record.source}`;
    });
  });

  let order;
  await journey('h. a bundle, then the account page', async () => {
    await step('buy the plan with the dashcam, a slot chosen before paying', async () => {
      await searchPlans();
      await page.locator(`#results article.plan[data-plan-id="${PLAN_ID}"] button.open-plan`).click();
      await page.waitForFunction(() => document.body.dataset.view === 'plan' && document.body.dataset.state === 'done');
      await page.locator(`#plan-detail li.device[data-product-id="${DEVICE_ID}"] button.buy-with-plan`).click();
      await confirmCar();
      await page.locator('#checkout[data-state="priced"]').waitFor({ state: 'attached' });
      await waitVisible('#pay-installers button.slot');
      await page.locator('#pay-installers button.slot').first().click();
      await payAndConfirm();
      order = await text('#order-number');
      const booking = await text('#booking');
      expect(/\d:\d\d/.test(booking), `booked with the payment: ${booking}`);
      return `${order}: ${booking}`;
    });
    await step('the account lists the three purchases and the e-mails', async () => {
      await openAccount();
      expect(await page.locator('#purchases li.purchase').count() === 3, 'three purchases');
      await page.waitForFunction(() => document.querySelectorAll('#account-mail li.mail').length >= 1);
      await shoot('account');
      return `${await page.locator('#account-mail li.mail').count()} e-mails`;
    });
    await step('move the appointment to another time', async () => {
      const purchase = page.locator('#purchases li.purchase').first();
      const before = await purchase.locator('.appointment-time').textContent();
      await purchase.locator('button.change-installation').click();
      await waitVisible('#reschedule-installers button.slot');
      await page.locator('#reschedule-installers button.slot').nth(1).click();
      await settled();
      const after = await text('#purchases li.purchase .appointment-time');
      expect(after && after !== before, `moved: ${before} → ${after}`);
      return after;
    });
    await step('cancel the policy in its cooling-off period: refunded', async () => {
      const purchase = page.locator('#purchases li.purchase').first();
      await purchase.locator('button.cancel-policy').click();
      await purchase.locator('button.cancel-policy-yes').click();
      await settled();
      return accountUntil('#purchases li.purchase .purchase-policy .part-cancelled', /refunded to your card/);
    });
    await step('cancel the order before it ships: refunded', async () => {
      const purchase = page.locator('#purchases li.purchase').first();
      await purchase.locator('button.cancel-order').click();
      await purchase.locator('button.cancel-order-yes').click();
      await settled();
      return accountUntil('#purchases li.purchase .purchase-order .part-cancelled', /refunded to your card/);
    });
  });

  await journey('i. the policy schedule', async () => {
    await step('open it from the account: policyholder, vehicle, conditions', async () => {
      await page.locator('#purchases li.purchase').last().locator('a.schedule-link').click();
      await page.waitForFunction(() => document.body.dataset.view === 'policy' && document.body.dataset.state === 'done');
      const facts = await text('#schedule-facts');
      expect(facts.includes(person.name), `the policyholder: ${facts}`);
      expect(facts.includes(`${YEAR} ${person.make} ${person.model}`) && facts.includes(person.plate), `the vehicle: ${facts}`);
      const rated = await text('#schedule-conditions');
      expect(rated.includes(String(AGE)) && rated.includes('94105'), `what it is rated on: ${rated}`);
      await waitVisible('#print-schedule');
      await shoot('policy-schedule');
    });
  });
}

await run(main);
