// Tandem web UI, the plan search form: what the customer says about the driver and the
// car, searched by plans.js (which shows the plans found). The form starts empty, with
// examples as placeholders; a signed-in customer's empty ZIP code and driver age are
// filled in from the registration, and a note says so. Sending the form always searches,
// so an empty or wrong form gets every field's message from the API at once. The last
// search of this tab is kept (sessionStorage): going back to the plan search from
// anywhere (a plan, a device's page, the checkout) shows it again. Uses common.js; the
// views and routing are app.js's.
'use strict';

(function () {
  const T = window.Tandem;
  const { $, el, setState, setStatus, clearError } = T;
  const FIELDS = ['driver_age', 'vehicle_class', 'vehicle_year', 'annual_mileage', 'postal_code'];
  const PASSTHROUGH = ['devices_per_plan'];
  /** Where the last search of this tab is kept, to come back to. */
  const SAVED_KEY = 'tandem.plan-search';

  /** Whether the form was just sent: search even when it is empty (to say what is missing). */
  let submitted = false;
  /** The values filled in from the registration ({ name: value }), to take back on logout. */
  let prefilled = {};

  /** The query string for the form's current values (empty values left out). */
  function formQuery(form) {
    const params = new URLSearchParams();
    for (const name of FIELDS.concat(PASSTHROUGH)) {
      const value = (form.elements[name].value || '').trim();
      if (value) params.set(name, value);
    }
    const options = [...form.querySelectorAll('input[name="options"]:checked')].map((c) => c.value);
    if (options.length) params.set('options', options.join(','));
    return params;
  }

  /** Fills the form from URL parameters; a field missing from the URL is left empty. */
  function fillForm(form, params) {
    for (const name of FIELDS.concat(PASSTHROUGH)) {
      const value = params.get(name) || '';
      const input = form.elements[name];
      if (input.tagName === 'SELECT') {
        const known = [...input.options].some((o) => o.value === value);
        if (!known && value) input.append(el('option', { value }, value));
        input.value = value;
      } else {
        input.value = value;
      }
    }
    const options = params.getAll('options').flatMap((v) => v.split(',')).map((v) => v.trim());
    for (const box of form.querySelectorAll('input[name="options"]')) {
      box.checked = options.includes(box.value);
    }
  }

  /** Whether `params` holds any rating condition (not only how many devices to list). */
  function hasConditions(params) {
    return FIELDS.concat(['options']).some((name) => (params.get(name) || '').trim());
  }

  /** The query string of the last search of this tab that found plans ('' for none). */
  function savedSearch() {
    try { return sessionStorage.getItem(SAVED_KEY) || ''; } catch (_) { return ''; }
  }

  function saveSearch(query) {
    try {
      if (query) sessionStorage.setItem(SAVED_KEY, query);
      else sessionStorage.removeItem(SAVED_KEY);
    } catch (_) { /* storage refused: going back starts a new search */ }
  }

  /** Whole years from a YYYY-MM-DD birth date to today, or null. */
  function ageFrom(dateOfBirth) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth || '');
    if (!m) return null;
    const now = new Date();
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const before = now.getMonth() + 1 < month || (now.getMonth() + 1 === month && now.getDate() < day);
    return now.getFullYear() - year - (before ? 1 : 0);
  }

  /** Fills the empty ZIP code and driver age from the signed-in customer's registration
   *  and says so under the form; without a customer, takes back what was filled in. */
  async function prefill() {
    const seq = T.currentView();
    const customer = await T.session();
    if (seq !== T.currentView()) return;
    const form = $('search-form');
    const note = $('search-prefilled');
    if (!customer) {
      for (const [name, value] of Object.entries(prefilled)) {
        if (form.elements[name].value === value) form.elements[name].value = '';
      }
      prefilled = {};
      note.hidden = true;
      return;
    }
    const filled = [];
    const zip = ((customer.address || {}).postal_code || '').trim();
    if (/^\d{5}$/.test(zip) && !form.elements.postal_code.value.trim()) {
      form.elements.postal_code.value = zip;
      prefilled.postal_code = zip;
      filled.push('ZIP code (from your address)');
    }
    const age = ageFrom(customer.date_of_birth);
    if (age !== null && age >= 16 && age <= 99 && !form.elements.driver_age.value.trim()) {
      form.elements.driver_age.value = String(age);
      prefilled.driver_age = String(age);
      filled.push('driver age (from your date of birth)');
    }
    if (filled.length) {
      note.textContent = `Filled in from your registration: ${filled.join(' and ')}. `
        + 'Check them, tell us about your car and choose Show plans.';
      note.hidden = false;
    }
  }

  /** The rating conditions of the page (its query string, else the form's values). */
  function conditionParams() {
    const params = new URLSearchParams(location.search);
    return [...params.keys()].length ? params : formQuery($('search-form'));
  }

  /** The conditions as the checkout API wants them. */
  function checkoutConditions() {
    const p = conditionParams();
    const int = (name) => {
      const n = Number(p.get(name));
      return Number.isInteger(n) ? n : 0;
    };
    return {
      driver_age: int('driver_age'),
      vehicle_class: p.get('vehicle_class') || '',
      vehicle_year: int('vehicle_year'),
      annual_mileage: int('annual_mileage'),
      postal_code: p.get('postal_code') || '',
      options: p.getAll('options').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
    };
  }

  function showSearch() {
    T.nextView();
    T.showView('search-view');
    document.title = 'Tandem — car insurance with the right devices';
    const form = $('search-form');
    const asked = submitted;
    submitted = false;
    let params = new URLSearchParams(location.search);
    if (!asked && !hasConditions(params) && savedSearch()) {
      // Back to the plan search from elsewhere: the last search of this tab comes back.
      params = new URLSearchParams(savedSearch());
      history.replaceState(null, '', `/?${params}${location.hash}`);
    }
    if (asked || hasConditions(params)) {
      if (!asked) fillForm(form, params);
      const query = formQuery(form);
      if (asked || query.toString() !== T.plans.shownSearch()) {
        T.plans.search(query);
      } else {
        clearError();
        setState('done');
      }
      return;
    }
    // Nothing asked yet: the form as the customer left it (empty at first), no plans.
    T.plans.clearResults();
    clearError();
    setStatus('');
    setState('done');
    prefill();
  }

  function initSearch() {
    const form = $('search-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = formQuery(form);
      history.pushState(null, '', `/?${params}`);
      submitted = true; // asked again: search again, even with the form empty
      T.route(true);
    });
  }

  /** Forgets the customer's search on logging out: the kept search and the values filled
   *  in from the registration. */
  function forget() {
    saveSearch('');
    prefill();
  }

  T.plans = Object.assign(T.plans || {}, {
    initSearch, showSearch, checkoutConditions, conditionParams, savedSearch, saveSearch, forget,
  });
})();
