// Messages people understand, on a phone (390×844) in a real headless Chromium:
//
//   a. the plan search starts empty (no invented driver or car); sent empty, every field
//      says at once, under itself, that it is required, with a summary at the top linking
//      to each; sent with several wrong values, each says what is wrong in plain words
//      ("Driver age must be between 16 and 99", "ZIP code must be 5 digits"), the right
//      ones are not marked; a good search shows plans whose device lists do not run words
//      together; one plan, a device's page, and "Back to plan search" / "Back to all plans"
//      bring the same conditions and plans back; a sold-out device is named
//   b. registering with several bad fields: all of them told at once under their fields;
//      corrected, the account is made, the header says "Signed in as <name>" with its
//      words apart, and the search form is filled in from the registration (ZIP code,
//      age) and says so
//   c. no view is wider than the phone (document scrollWidth ≤ 390), the header's link
//      texts are separated; the login view too
//
// Screenshots of every view at 390×844 go to $MESSAGES_SHOTS (when set).
//
// Usage: node messages.mjs http://127.0.0.1:8080

import fs from 'node:fs';
import path from 'node:path';
import { base, expect, journey, newPage, run, step } from './lib.mjs';

const SHOTS = process.env.MESSAGES_SHOTS || '';
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'messages-Pass-2026';
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const person = {
  name: `Robin Messages ${stamp}`,
  email: `messages-${stamp}@example.com`,
  phone: '+1 415 555 0144',
  dob: '1979-06-30',
  line1: '1 Market St',
  city: 'San Francisco',
  region: 'CA',
  postal: '94103',
};
const THIS_YEAR = new Date().getFullYear();
const CONDITIONS = {
  driver_age: '35', vehicle_class: 'sedan', vehicle_year: String(THIS_YEAR - 5), annual_mileage: '12000', postal_code: '94103',
};
const SOLD_OUT = 'DEV-DC-1004'; // out of stock in the demo catalogue

let page;

/** The age of `person` today. */
function ageOf(dob) {
  const [y, m, d] = dob.split('-').map(Number);
  const now = new Date();
  const before = now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d);
  return now.getFullYear() - y - (before ? 1 : 0);
}

/** Checks the page fits the phone and saves a full-page screenshot named `name`. */
async function shot(name) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide <= PHONE.width, `${name}: the page is ${wide} px wide at a ${PHONE.width} px viewport`);
  if (SHOTS) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}-390x844.png`), fullPage: true });
  }
}

async function settled() {
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state)
    && !document.getElementById('search-button').disabled);
}

/** Each field of `form` with its own message: { name: { invalid, message, described } },
 *  `described` telling whether the input is aria-describedby its message. */
async function fieldMessages(form) {
  return page.evaluate((selector) => {
    const out = {};
    for (const input of document.querySelectorAll(`${selector} input[name], ${selector} select[name]`)) {
      const box = input.closest('.field') || input.closest('fieldset');
      const note = box && box.querySelector('.field-error');
      const ids = (input.getAttribute('aria-describedby') || '').split(' ');
      out[input.name] = {
        invalid: input.getAttribute('aria-invalid') === 'true',
        message: note ? note.textContent.trim() : '',
        described: Boolean(note && ids.includes(note.id)),
      };
    }
    return out;
  }, form);
}

/** Fails unless exactly the fields of `expected` ({ name: message }) are marked, each
 *  with its message under it and described by it, and the summary at the top lists the
 *  messages that it does not already say. */
async function expectFieldMessages(form, expected) {
  const fields = await fieldMessages(form);
  for (const [name, want] of Object.entries(expected)) {
    const got = fields[name];
    expect(got, `no field ${name}`);
    expect(got.invalid, `${name} is marked invalid`);
    expect(got.message === want, `${name}: "${got.message}", expected "${want}"`);
    expect(got.described, `${name} is aria-describedby its message`);
  }
  for (const [name, got] of Object.entries(fields)) {
    if (!(name in expected)) expect(!got.invalid && !got.message, `${name} is not marked: ${JSON.stringify(got)}`);
  }
  const summary = (await page.locator('#error').innerText()).trim();
  const box = await page.locator('#error').boundingBox();
  const formBox = await page.locator(form).boundingBox();
  expect(box && formBox && box.y < formBox.y, 'the summary is above the form');
  for (const message of Object.values(expected)) {
    expect(summary.includes(message.replace(/\.$/, '')), `the summary says "${message}": ${summary}`);
  }
  return summary;
}

/** Texts of `selector`'s elements in which two neighbouring elements' words touch (no
 *  space between, e.g. "Sales deskSeller desk"): none expected. */
async function runTogether(selector) {
  return page.evaluate((sel) => {
    const found = [];
    const visit = (node) => {
      const kids = [...node.childNodes];
      for (let i = 1; i < kids.length; i++) {
        const [a, b] = [kids[i - 1], kids[i]];
        if (a.nodeType !== 1 || b.nodeType !== 1) continue;
        const [ta, tb] = [a.textContent, b.textContent];
        if (ta.trim() && tb.trim() && !/\s$/.test(ta) && !/^\s/.test(tb)) found.push(`${ta.trim()}|${tb.trim()}`);
      }
      for (const kid of kids) if (kid.nodeType === 1) visit(kid);
    };
    for (const root of document.querySelectorAll(sel)) visit(root);
    return found;
  }, selector);
}

async function fillSearch(values) {
  for (const [name, value] of Object.entries(values)) {
    if (name === 'vehicle_class') await page.selectOption('#vehicle_class', value);
    else await page.fill(`#${name}`, value);
  }
}

async function search(values) {
  await fillSearch(values);
  await page.click('#search-button');
  await settled();
}

/** The search form's values. */
async function formValues() {
  const out = {};
  for (const name of Object.keys(CONDITIONS)) out[name] = await page.inputValue(`#${name}`);
  return out;
}

async function plansShown() {
  return page.locator('#results article.plan[data-plan-id]').count();
}

async function main() {
  page = await newPage();
  await page.setViewportSize(PHONE);

  await journey('a. the plan search: empty at first, every message at once, the search kept', async () => {
    await step('the form starts empty with hints, no plans on invented conditions', async () => {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => document.body.dataset.state === 'done');
      await page.locator('#account[data-state="out"]').waitFor({ state: 'attached' });
      const values = await formValues();
      expect(Object.values(values).every((v) => v === ''), `an empty form: ${JSON.stringify(values)}`);
      expect(await plansShown() === 0, 'no plans');
      for (const name of ['driver_age', 'vehicle_year', 'annual_mileage', 'postal_code']) {
        const hint = await page.getAttribute(`#${name}`, 'placeholder');
        expect(/^e\.g\. \d+$/.test(hint || ''), `${name} has an example as its placeholder: ${hint}`);
      }
      await shot('01-search-empty');
    });

    await step('sent empty: every field says it is required, at once, with a summary on top', async () => {
      await page.click('#search-button');
      await settled();
      const summary = await expectFieldMessages('#search-form', {
        driver_age: 'Driver age is required.',
        vehicle_class: 'Vehicle class is required.',
        vehicle_year: 'Vehicle year is required.',
        annual_mileage: 'Annual mileage is required.',
        postal_code: 'ZIP code is required.',
      });
      expect(await page.locator('#error ul.error-list li a[href="#driver_age"]').count() === 1, 'the summary links to the field');
      await page.locator('#error a[href="#postal_code"]').click();
      expect(await page.evaluate(() => document.activeElement.id) === 'postal_code', 'the link focuses the field');
      await shot('02-search-every-field-required');
      return summary.replace(/\s+/g, ' ');
    });

    await step('wrong values: each field says what is wrong, in plain words, all at once', async () => {
      await search({ driver_age: '12', vehicle_class: 'sedan', vehicle_year: '1900', annual_mileage: '250000', postal_code: '9410' });
      expect(await page.locator('body').getAttribute('data-state') === 'error', 'error state');
      const summary = await expectFieldMessages('#search-form', {
        driver_age: 'Driver age must be between 16 and 99.',
        vehicle_year: `Vehicle year must be between 1950 and ${THIS_YEAR + 1}.`,
        annual_mileage: 'Annual mileage must be a whole number of miles from 0 to 100,000.',
        postal_code: 'ZIP code must be 5 digits.',
      });
      expect(await plansShown() === 0, 'no plans');
      await shot('03-search-wrong-values');
      return summary.replace(/\s+/g, ' ');
    });

    let found;
    await step('a good search: plans, the messages gone, device lists with their words apart', async () => {
      await search(CONDITIONS);
      expect(await page.locator('body').getAttribute('data-state') === 'done', `search failed: ${await page.locator('#error').innerText()}`);
      found = await plansShown();
      expect(found > 0, 'plans shown');
      expect(await page.locator('#error').isHidden(), 'no alert');
      expect(await page.locator('#search-form .field-error').count() === 0, 'no field messages left');
      expect(await page.locator('#search-form [aria-invalid]').count() === 0, 'no field marked');
      const touching = await runTogether('#results li.device, #results .plan-actions, #results .plan-header');
      expect(touching.length === 0, `words run together: ${touching.slice(0, 3).join(' / ')}`);
      const device = ((await page.locator('#results li.device').first().innerText()) || '').replace(/\s+/g, ' ');
      await shot('04-results');
      return `${found} plans; first device: ${device}`;
    });

    await step('one plan, then "Back to all plans": the same conditions and plans', async () => {
      await page.locator('#results article.plan button.open-plan').first().click();
      await page.waitForFunction(() => document.body.dataset.view === 'plan' && document.body.dataset.state === 'done');
      const touching = await runTogether('#plan-detail li.device, #plan-detail .plan-header');
      expect(touching.length === 0, `words run together: ${touching.slice(0, 3).join(' / ')}`);
      await shot('05-plan');
      await page.click('#plan-view a.back');
      await page.waitForFunction(() => document.body.dataset.view === 'search' && document.body.dataset.state === 'done');
      expect(JSON.stringify(await formValues()) === JSON.stringify(CONDITIONS), `the form kept: ${JSON.stringify(await formValues())}`);
      expect(await plansShown() === found, 'the plans kept');
    });

    await step('a device\'s page, then "Back to plan search": the same conditions and plans', async () => {
      const link = page.locator('#results li.device a.details-link').first();
      const href = await link.getAttribute('href');
      await link.click();
      await page.waitForURL(`**${href}`);
      await page.waitForFunction(() => document.body.dataset.view === 'device' && document.body.dataset.state === 'done');
      await shot('06-device');
      await page.click('#device-back');
      await page.waitForFunction(() => document.body.dataset.view === 'search' && document.body.dataset.state === 'done'
        && document.querySelectorAll('#results article.plan').length > 0);
      expect(JSON.stringify(await formValues()) === JSON.stringify(CONDITIONS), `the form kept: ${JSON.stringify(await formValues())}`);
      expect(await plansShown() === found, 'the plans kept');
      return page.url().replace(base, '');
    });

    await step('a sold-out device is named, and the lists show it sold out after a refresh', async () => {
      const message = await page.evaluate(
        (id) => window.Tandem.plans.outOfStockMessage(id, 'product is out of stock'), SOLD_OUT);
      const name = (await page.evaluate(async (id) => (await window.Tandem.getJson(`/api/v1/devices/${id}`)).name, SOLD_OUT));
      expect(message === `The ${name} is out of stock.`, `the message names the device: ${message}`);
      await page.evaluate(() => window.Tandem.plans.refreshStock());
      expect(await plansShown() === found, 'the plans are still shown');
      const soldOut = page.locator(`#results li.device[data-product-id="${SOLD_OUT}"]`);
      if (await soldOut.count()) {
        expect(await soldOut.first().locator('button.buy-with-plan').isDisabled(), 'its buy button is disabled');
        expect((await soldOut.first().locator('.stock').innerText()).trim() === 'Out of stock', 'it says so');
      }
      return message;
    });
  });

  await journey('b. registering: every bad field at once, then the search filled in from it', async () => {
    await step('several bad fields: each told under itself, all at once', async () => {
      // A new visitor (a tab with no search kept yet).
      page = await newPage();
      await page.setViewportSize(PHONE);
      await page.goto(`${base}/#/register`);
      await page.locator('#register-form').waitFor({ state: 'visible' });
      await shot('07-register');
      await page.fill('#reg-name', person.name);
      await page.fill('#reg-email', 'robin-at-example');
      await page.fill('#reg-phone', '12');
      await page.fill('#reg-password', 'short');
      await page.fill('#reg-city', person.city);
      await page.fill('#reg-region', person.region);
      await page.fill('#reg-postal', '941');
      await page.click('#register-button');
      await page.locator('#error').waitFor({ state: 'visible' });
      const summary = await expectFieldMessages('#register-form', {
        email: 'E-mail must be an address like name@example.com.',
        phone: 'Phone must be a number of 7 to 15 digits, e.g. +1 415 555 0100.',
        date_of_birth: 'Date of birth is required.',
        password: 'Password must be at least 10 characters.',
        'address.line1': 'Street address is required.',
        'address.postal_code': 'ZIP code must be 5 digits.',
      });
      expect(await page.locator('#account[data-state="out"]').count() === 1, 'no account made');
      await shot('08-register-every-error');
      return summary.replace(/\s+/g, ' ');
    });

    await step('corrected: the account is made; the header says who, words apart', async () => {
      await page.fill('#reg-email', person.email);
      await page.fill('#reg-phone', person.phone);
      await page.fill('#reg-dob', person.dob);
      await page.fill('#reg-password', PASSWORD);
      await page.fill('#reg-line1', person.line1);
      await page.fill('#reg-postal', person.postal);
      await page.click('#register-button');
      await page.locator('#account[data-state="in"]').waitFor({ state: 'attached' });
      const signedIn = (await page.locator('#account-in .signed-in').textContent()).replace(/\s+/g, ' ').trim();
      expect(signedIn === `Signed in as ${person.name}`, `"${signedIn}"`);
      const header = (await page.locator('.site-header').innerText()).replace(/\s+/g, ' ');
      expect(header.includes(`Signed in as ${person.name}`), `the header: ${header}`);
      return header;
    });

    await step('the search form: ZIP code and age from the registration, and it says so', async () => {
      await page.waitForFunction(() => document.body.dataset.view === 'search' && document.body.dataset.state === 'done');
      await page.locator('#search-prefilled').waitFor({ state: 'visible' });
      const note = (await page.locator('#search-prefilled').innerText()).trim();
      expect(/registration/i.test(note) && /ZIP code/.test(note) && /age/.test(note), `the note: ${note}`);
      expect(await page.inputValue('#postal_code') === person.postal, 'the ZIP code of the address');
      expect(await page.inputValue('#driver_age') === String(ageOf(person.dob)), 'the age from the date of birth');
      await shot('09-search-filled-from-registration');
      return note;
    });
  });

  await journey('c. the phone layout: nothing wider than the phone, header words apart', async () => {
    await step('the header\'s links and texts are separated', async () => {
      const touching = await runTogether('.site-header');
      expect(touching.length === 0, `words run together: ${touching.join(' / ')}`);
      const links = await page.locator('.site-header a:visible, .site-header button:visible').allInnerTexts();
      const text = (await page.locator('.site-header').textContent()).replace(/\s+/g, ' ');
      for (let i = 1; i < links.length; i++) {
        const pair = `${links[i - 1].trim()} ${links[i].trim()}`;
        if (text.includes(`${links[i - 1].trim()}${links[i].trim()}`)) throw new Error(`"${pair}" run together`);
      }
      // No two header items overlap on the phone.
      const boxes = await page.locator('.site-header a:visible, .site-header button:visible, .site-header .signed-in:visible')
        .evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
          expect(!overlap, `header items ${i} and ${j} overlap`);
        }
      }
      return links.join(' · ');
    });
    await step('log out; the login view fits the phone', async () => {
      await page.click('#logout');
      await page.locator('#account[data-state="out"]').waitFor({ state: 'attached' });
      expect(await page.inputValue('#postal_code') === '', 'the values from the registration are taken back');
      await page.click('#login-link');
      await page.locator('#login-form').waitFor({ state: 'visible' });
      const touching = await runTogether('.site-header');
      expect(touching.length === 0, `words run together: ${touching.join(' / ')}`);
      await shot('10-login');
    });
  });
}

await run(main);
