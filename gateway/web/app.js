// Tandem web UI: the whole bundle journey on one page, plain DOM code, no framework, no
// build step. Everything shown from the API is inserted as text, never as HTML.
//
// Views (the hash names the view; the query string keeps the rating conditions):
//   /?conditions              plan search with associated devices (searches on load)
//   /?conditions#/plan/ID     one plan with all its devices, each "Buy with this plan"
//   /?conditions#/checkout/ID the checkout: bundle price with the discount line → card
//                             payment → installer and slot → confirmation
//   #/login, #/register       log in / create an account
//   #/buyback…                selling a used device back (buyback.js)
//   /devices/ID               a device's details
'use strict';

(function () {
  const FIELDS = ['driver_age', 'vehicle_class', 'vehicle_year', 'annual_mileage', 'postal_code'];
  const PASSTHROUGH = ['devices_per_plan'];
  /** The most devices the API lists for one plan: the plan view shows them all. */
  const ALL_DEVICES = '20';

  const CATEGORY_LABELS = {
    car_navigation: 'Car navigation',
    dashcam: 'Dashcam',
    collision_warning: 'Collision warning',
    blind_spot_monitor: 'Blind-spot monitor',
    telematics_unit: 'Telematics unit',
    theft_tracker: 'Theft tracker',
    tire_pressure_monitor: 'Tire-pressure monitor',
  };
  const CLASS_LABELS = {
    compact: 'Compact', sedan: 'Sedan', suv: 'SUV', pickup: 'Pickup', sports: 'Sports car', van: 'Van',
  };
  const VIEWS = ['search-view', 'results', 'device-view', 'auth-view', 'plan-view', 'checkout-view', 'buyback-view'];
  const METERS_PER_MILE = 1609.344;

  const $ = (id) => document.getElementById(id);
  let searchSeq = 0;
  let viewSeq = 0;
  /** The query string of the search whose results are on the page. */
  let searched = null;
  /** The last route shown, so popstate and hashchange do not show it twice. */
  let routed = null;

  /** The logged-in customer, or null; `sessionReady` settles once it is known. */
  let customer = null;
  let sessionReady = Promise.resolve();
  /** What to do after logging in: buy a bundle, or go back to a view. */
  let afterLogin = null;
  /** Checkouts already fetched, by ID (so a view change does not fetch them again). */
  const checkouts = new Map();

  // ---- helpers -----------------------------------------------------------------------

  /** Creates an element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Money from integer minor units, in the currency's own number of decimals. */
  function formatMoney(money) {
    if (!money) return '—';
    try {
      const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
      const digits = fmt.resolvedOptions().maximumFractionDigits;
      return fmt.format(money.minor_units / 10 ** digits);
    } catch (_) {
      return money.display || `${money.currency} ${(money.minor_units / 100).toFixed(2)}`;
    }
  }

  function moneyNode(money, className) {
    return el('span', {
      className,
      dataset: money ? { minorUnits: money.minor_units, currency: money.currency } : {},
    }, formatMoney(money));
  }

  /** Puts an amount into an existing element, keeping its value in data attributes. */
  function setMoney(node, money, prefix) {
    node.textContent = money ? `${prefix || ''}${formatMoney(money)}` : '—';
    if (money) {
      node.dataset.minorUnits = money.minor_units;
      node.dataset.currency = money.currency;
    } else {
      delete node.dataset.minorUnits;
      delete node.dataset.currency;
    }
  }

  /** "2026-11-24" → "Nov 24, 2026" (a calendar date, no time zone shift). */
  function formatDate(date) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date || '') ? new Date(`${date}T00:00:00Z`) : null;
    if (!parsed || Number.isNaN(parsed.getTime())) return date || '—';
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(parsed);
  }

  /** An RFC 3339 instant → "Tue, Nov 24, 9:00 AM" in the browser's time zone. */
  function formatDateTime(instant, withYear, withZone) {
    const parsed = new Date(instant);
    if (!instant || Number.isNaN(parsed.getTime())) return instant || '—';
    return new Intl.DateTimeFormat('en-US', {
      weekday: 'short', month: 'short', day: 'numeric', year: withYear ? 'numeric' : undefined,
      hour: 'numeric', minute: '2-digit', timeZoneName: withZone ? 'short' : undefined,
    }).format(parsed);
  }

  function formatDay(instant) {
    const parsed = new Date(instant);
    if (!instant || Number.isNaN(parsed.getTime())) return '';
    return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric' }).format(parsed);
  }

  function formatTime(instant) {
    const parsed = new Date(instant);
    if (!instant || Number.isNaN(parsed.getTime())) return instant || '';
    return new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(parsed);
  }

  /** Metres → "2.3 mi (3.7 km)": miles first for US addresses, one decimal each. */
  function formatDistance(meters) {
    const km = `${(meters / 1000).toFixed(1)} km`;
    const mi = `${(meters / METERS_PER_MILE).toFixed(1)} mi`;
    return `${mi} (${km})`;
  }

  function formatAddress(address) {
    if (!address) return '';
    if (typeof address === 'string') return address;
    const street = [address.line1, address.line2].filter(Boolean).join(', ');
    const place = [address.city, [address.region, address.postal_code].filter(Boolean).join(' ')]
      .filter(Boolean).join(', ');
    return [street, place].filter(Boolean).join(', ');
  }

  /** A message as a sentence: first letter upper-case, a full stop at the end. */
  function sentence(text) {
    const t = String(text || '').trim();
    if (!t) return '';
    const s = t[0].toUpperCase() + t.slice(1);
    return /[.!?]$/.test(s) ? s : `${s}.`;
  }

  /** A same-site path (never another origin or a javascript: URL), else null. */
  function safePath(path) {
    return typeof path === 'string' && /^\/(?![/\\])/.test(path) ? path : null;
  }

  function setState(state) {
    document.body.dataset.state = state;
  }

  /** The form inputs a problem's field errors point at: `conditions.postal_code` marks
   *  `[name="conditions.postal_code"]`, else `[name="postal_code"]`. */
  function fieldInput(form, field) {
    const parts = String(field).split('.');
    for (let i = 0; i < parts.length; i++) {
      const name = parts.slice(i).join('.');
      const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (input) return input;
    }
    return null;
  }

  /** A problem's message with a field path such as `card.number:` in front told with
   *  the label of the form's input instead ("Card number: …"). */
  function fieldMessage(err, form) {
    const message = String(err.message || '');
    const errors = (err.problem && err.problem.errors) || [];
    for (const { field } of errors) {
      const prefix = `${field}:`;
      const input = form && fieldInput(form, field);
      const label = input && form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
      if (label && message.startsWith(prefix)) {
        return sentence(`${label.textContent.trim()}:${message.slice(prefix.length)}`);
      }
    }
    return sentence(message);
  }

  /** Shows `message` in the page's alert; marks the inputs of `form` that the problem's
   *  field errors name. */
  function showError(message, fieldErrors, form) {
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
    const target = form || $('search-form');
    for (const { field } of fieldErrors || []) {
      const input = fieldInput(target, field);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (!described.includes('error')) {
          input.setAttribute('aria-describedby', described.concat('error').join(' '));
        }
      }
    }
    const rect = box.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({ block: 'center' });
  }

  function clearError() {
    const box = $('error');
    box.textContent = '';
    box.hidden = true;
    for (const input of document.querySelectorAll('[aria-invalid]')) {
      input.removeAttribute('aria-invalid');
      const described = (input.getAttribute('aria-describedby') || '').split(' ')
        .filter((id) => id && id !== 'error');
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  function showView(id) {
    for (const view of VIEWS) $(view).hidden = true;
    $(id).hidden = false;
    if (id === 'search-view') $('results').hidden = false;
    document.body.dataset.view = id.replace(/-view$/, '');
  }

  // ---- API ---------------------------------------------------------------------------

  /** An error answer of the API: its message, status and problem document. */
  class ApiError extends Error {
    constructor(message, status, problem, retryAfter) {
      super(message);
      this.status = status;
      this.problem = problem;
      this.retryAfter = retryAfter;
    }
  }

  function readCookie(name) {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) {
        try { return decodeURIComponent(part.slice(eq + 1).trim()); } catch (_) { return part.slice(eq + 1).trim(); }
      }
    }
    return null;
  }

  /** The CSRF token from the `tandem_csrf` cookie; any API answer sets it when missing. */
  async function csrfToken(refresh) {
    let token = refresh ? null : readCookie('tandem_csrf');
    if (!token) {
      await fetch('/api/v1/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .catch(() => null);
      token = readCookie('tandem_csrf');
    }
    return token || '';
  }

  /** Calls the API; answers the JSON body (null for 204) or throws an ApiError. Every
   *  state-changing request carries the CSRF token. */
  async function api(method, url, body, retried) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET') headers['X-CSRF-Token'] = await csrfToken(retried);
    let response;
    try {
      response = await fetch(url, init);
    } catch (_) {
      throw new ApiError('Cannot reach the server. Check your connection and try again.', 0, null);
    }
    const type = response.headers.get('Content-Type') || '';
    const answer = type.includes('json') ? await response.json().catch(() => null) : null;
    if (response.ok) return response.status === 204 ? null : answer;
    const detail = (answer && answer.detail) || `The server answered ${response.status}.`;
    if (response.status === 403 && /csrf/i.test(detail) && !retried) {
      return api(method, url, body, true); // the cookie changed under us: once more
    }
    throw new ApiError(detail, response.status, answer, response.headers.get('Retry-After'));
  }

  /** GETs JSON from the API; throws an Error carrying the problem document on failure. */
  function getJson(url) {
    return api('GET', url);
  }

  /** "Try again in 12 minutes." from a Retry-After header in seconds. */
  function retryText(retryAfter) {
    const seconds = Number(retryAfter);
    if (!Number.isFinite(seconds) || seconds <= 0) return 'Please wait a while before trying again.';
    if (seconds < 90) return `Try again in ${Math.ceil(seconds)} seconds.`;
    return `Try again in ${Math.ceil(seconds / 60)} minutes.`;
  }

  // ---- session -----------------------------------------------------------------------

  function setCustomer(next) {
    customer = next || null;
    const account = $('account');
    account.dataset.state = customer ? 'in' : 'out';
    $('account-in').hidden = !customer;
    $('account-out').hidden = Boolean(customer);
    $('customer-name').textContent = customer ? customer.name : '';
    if (customer && !$('card-name').value) $('card-name').value = customer.name;
  }

  function loadSession() {
    sessionReady = api('GET', '/api/v1/session')
      .then((body) => setCustomer(body && (body.customer || body)))
      .catch(() => setCustomer(null));
    return sessionReady;
  }

  /** Shows the login form with `reason`, and comes back to `then` after logging in. */
  function needLogin(reason, then) {
    setCustomer(null);
    afterLogin = then || { hash: location.hash };
    navigate('#/login');
    $('auth-reason').textContent = reason;
    $('auth-reason').hidden = false;
  }

  async function continueAfterLogin() {
    const next = afterLogin;
    afterLogin = null;
    $('auth-reason').hidden = true;
    if (next && next.buy) {
      navigate(next.buy.back || '#/', true);
      await buy(next.buy.planId, next.buy.productId);
    } else if (next && next.hash && next.hash.startsWith('#/') && !/^#\/(login|register)$/.test(next.hash)) {
      navigate(next.hash, true);
    } else {
      navigate('#/', true);
    }
  }

  function showAuth(mode) {
    ++viewSeq;
    showView('auth-view');
    clearError();
    setState('done');
    setStatus('');
    const login = mode === 'login';
    $('auth-view').dataset.mode = mode;
    $('login-form').hidden = !login;
    $('register-form').hidden = login;
    document.title = login ? 'Log in — Tandem' : 'Create your account — Tandem';
    if (!afterLogin) $('auth-reason').hidden = true;
    const first = login ? $('login') : $('reg-name');
    if (!first.value) first.focus();
  }

  /** Names of required fields of `form` left empty, marked invalid. */
  function missingFields(form) {
    const missing = [];
    for (const input of form.querySelectorAll('[required]')) {
      if (!input.value.trim()) {
        input.setAttribute('aria-invalid', 'true');
        const label = form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
        missing.push(label ? label.textContent.trim() : input.name);
      }
    }
    return missing;
  }

  function authError(err, form) {
    if (err.status === 429) {
      const text = sentence(err.message);
      showError(/try again/i.test(text) ? text : `${text} ${retryText(err.retryAfter)}`, null, form);
    } else if (err.status === 401) {
      showError(sentence(err.message || 'Wrong e-mail or password'), null, form);
    } else if (err.status === 409 && form.id === 'register-form') {
      showError(`${sentence(err.message)} Log in instead, or use another e-mail address.`,
        (err.problem && err.problem.errors && err.problem.errors.length) ? err.problem.errors : [{ field: 'email' }], form);
    } else {
      showError(fieldMessage(err, form), err.problem && err.problem.errors, form);
    }
  }

  function initAuth() {
    const loginForm = $('login-form');
    loginForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      const missing = missingFields(loginForm);
      if (missing.length) {
        showError(`Please fill in: ${missing.join(', ')}.`, null, loginForm);
        return;
      }
      $('login-button').disabled = true;
      setStatus('Logging in…');
      try {
        const body = await api('POST', '/api/v1/session', {
          login: loginForm.elements.login.value.trim(),
          password: loginForm.elements.password.value,
        });
        loginForm.elements.password.value = '';
        setCustomer(body.customer || body);
        setStatus(`Welcome back, ${customer.name}.`);
        await continueAfterLogin();
      } catch (err) {
        setStatus('');
        authError(err, loginForm);
      } finally {
        $('login-button').disabled = false;
      }
    });

    const registerForm = $('register-form');
    registerForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      const missing = missingFields(registerForm);
      if (missing.length) {
        showError(`Please fill in: ${missing.join(', ')}.`, null, registerForm);
        return;
      }
      const v = (name) => registerForm.elements[name].value.trim();
      const body = {
        name: v('name'),
        email: v('email'),
        phone: v('phone'),
        address: {
          line1: v('address.line1'),
          line2: v('address.line2'),
          city: v('address.city'),
          region: v('address.region').toUpperCase(),
          postal_code: v('address.postal_code'),
          country: v('address.country'),
        },
        date_of_birth: v('date_of_birth'),
        password: registerForm.elements.password.value,
      };
      $('register-button').disabled = true;
      setStatus('Creating your account…');
      try {
        const answer = await api('POST', '/api/v1/customers', body);
        registerForm.elements.password.value = '';
        setCustomer(answer.customer || answer);
        setStatus(`Welcome to Tandem, ${customer.name}.`);
        await continueAfterLogin();
      } catch (err) {
        setStatus('');
        authError(err, registerForm);
      } finally {
        $('register-button').disabled = false;
      }
    });

    $('logout').addEventListener('click', async () => {
      clearError();
      $('logout').disabled = true;
      try {
        await api('DELETE', '/api/v1/session');
      } catch (err) {
        if (err.status !== 401) {
          showError(sentence(err.message));
          return;
        }
      } finally {
        $('logout').disabled = false;
      }
      setCustomer(null);
      checkouts.clear();
      if (document.body.dataset.view !== 'search') navigate('#/');
      setStatus('You have logged out.');
    });
  }

  // ---- plan search -------------------------------------------------------------------

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

  function stockNode(device) {
    const inStock = device.stock > 0;
    return el('span', { className: inStock ? 'stock in-stock' : 'stock out-of-stock', dataset: { stock: device.stock } },
      inStock ? `${device.stock} in stock` : 'Out of stock');
  }

  function buyButton(plan, device) {
    return el('button', {
      type: 'button',
      className: 'buy-with-plan',
      dataset: { planId: plan.plan_id, productId: device.product_id, soldOut: device.stock > 0 ? 'false' : 'true' },
      disabled: device.stock > 0 ? null : true,
      'aria-label': `Buy ${device.name} with ${plan.name || plan.plan_id}`,
      onclick: () => buy(plan.plan_id, device.product_id),
    }, 'Buy with this plan');
  }

  function renderDevice(device, plan, withDescription) {
    const details = safePath(device.purchase_path);
    return el('li', { className: 'device', dataset: { productId: device.product_id, category: device.category || '' } },
      el('div', { className: 'device-main' },
        el('span', { className: 'device-name' }, device.name),
        el('span', { className: 'maker-model' }, `${device.maker} ${device.model}`),
        el('span', { className: 'category' }, CATEGORY_LABELS[device.category] || device.category || 'Device'),
        device.needs_installation ? el('span', { className: 'installation' }, 'Professional installation included') : null,
        withDescription && device.description ? el('span', { className: 'device-description' }, device.description) : null),
      el('div', { className: 'device-buy' },
        moneyNode(device.price, 'price'),
        stockNode(device),
        details ? el('a', { className: 'details-link', href: details, 'aria-label': `Details of ${device.name}` }, 'Details') : null,
        plan ? buyButton(plan, device) : null));
  }

  function renderFactors(offer) {
    if (!offer.factors || !offer.factors.length) return null;
    return el('details', { className: 'factors' },
      el('summary', {}, 'How this premium is calculated'),
      el('ul', {},
        offer.plan && offer.plan.base_premium
          ? el('li', {}, 'Base premium: ', moneyNode(offer.plan.base_premium, 'base-premium'))
          : null,
        offer.factors.map((f) => el('li', { className: 'factor', dataset: { name: f.name } },
          `${f.name.replace(/_/g, ' ')}: ×${(f.basis_points / 10000).toFixed(4)}`))));
  }

  function renderDevices(offer, withDescription) {
    if (!offer.device_info_available) {
      return el('p', { className: 'device-info-unavailable notice', role: 'note' },
        'Device information is unavailable right now');
    }
    if (!offer.devices.length) {
      return el('p', { className: 'no-devices' }, 'No associated devices for this vehicle.');
    }
    return el('ul', { className: 'devices' }, offer.devices.map((d) => renderDevice(d, offer.plan, withDescription)));
  }

  function openPlanButton(plan) {
    return el('button', {
      type: 'button',
      className: 'open-plan secondary',
      dataset: { planId: plan.plan_id },
      'aria-label': `See ${plan.name || plan.plan_id} with all its devices`,
      onclick: () => navigate(`#/plan/${encodeURIComponent(plan.plan_id)}`),
    }, 'See plan and all devices');
  }

  function renderOffer(offer) {
    const plan = offer.plan || {};
    const titleId = `plan-${plan.plan_id}-title`;
    return el('article', { className: 'plan card', dataset: { planId: plan.plan_id }, 'aria-labelledby': titleId },
      el('header', { className: 'plan-header' },
        el('h2', { className: 'plan-name', id: titleId }, plan.name || plan.plan_id),
        el('p', { className: 'premium' }, moneyNode(offer.premium, 'amount'), el('span', { className: 'per' }, ' / year'))),
      el('p', { className: 'plan-summary' }, plan.summary),
      el('p', { className: 'region' }, 'Rating region: ', el('span', { className: 'region-code' }, offer.region)),
      el('h3', {}, 'Coverage'),
      el('ul', { className: 'coverages' }, (plan.coverages || []).map((c) => el('li', {}, c))),
      renderFactors(offer),
      el('h3', {}, 'Devices for this plan'),
      renderDevices(offer),
      offer.device_info_available && !offer.devices.length
        ? null : el('p', { className: 'plan-actions' }, openPlanButton(plan)));
  }

  async function search(params) {
    const seq = ++searchSeq;
    searched = params.toString();
    clearError();
    setState('loading');
    setStatus('Searching plans…');
    $('search-button').disabled = true;
    $('results').setAttribute('aria-busy', 'true');
    try {
      const body = await getJson(`/api/v1/plans?${params}`);
      if (seq !== searchSeq) return;
      const results = $('results');
      results.replaceChildren(...body.offers.map(renderOffer));
      setStatus(body.offers.length === 1 ? '1 plan found.'
        : body.offers.length ? `${body.offers.length} plans found.` : 'No plans match these conditions.');
      setState('done');
    } catch (err) {
      if (seq !== searchSeq) return;
      searched = null;
      $('results').replaceChildren();
      setStatus('');
      showError(err.message, err.problem && err.problem.errors);
      setState('error');
    } finally {
      if (seq === searchSeq) {
        $('search-button').disabled = false;
        $('results').removeAttribute('aria-busy');
      }
    }
  }

  function showSearch() {
    ++viewSeq;
    showView('search-view');
    document.title = 'Tandem — car insurance with the right devices';
    const form = $('search-form');
    const params = new URLSearchParams(location.search);
    if ([...params.keys()].length) fillForm(form, params);
    // Conditions in the URL fill the form; without them the form's example values are
    // searched, so the first view already shows plans and their devices.
    const query = formQuery(form);
    if (query.toString() !== searched) {
      search(query);
    } else {
      clearError();
      setState('done');
    }
  }

  function initSearch() {
    const form = $('search-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = formQuery(form);
      history.pushState(null, '', `/?${params}`);
      searched = null; // asked again: search again
      route(true);
    });
  }

  // ---- one plan with all its devices -------------------------------------------------

  function renderPlanDetail(offer) {
    const plan = offer.plan || {};
    return el('article', { className: 'plan-detail card', dataset: { planId: plan.plan_id }, 'aria-labelledby': 'plan-detail-title' },
      el('header', { className: 'plan-header' },
        el('h1', { className: 'plan-name', id: 'plan-detail-title' }, plan.name || plan.plan_id),
        el('p', { className: 'premium' }, moneyNode(offer.premium, 'amount'), el('span', { className: 'per' }, ' / year'))),
      el('p', { className: 'plan-summary' }, plan.summary),
      el('p', { className: 'region' }, 'Rating region: ', el('span', { className: 'region-code' }, offer.region)),
      el('h2', {}, 'Coverage'),
      el('ul', { className: 'coverages' }, (plan.coverages || []).map((c) => el('li', {}, c))),
      renderFactors(offer),
      el('h2', {}, 'Choose a device to go with it'),
      el('p', { className: 'hint' }, 'Buy a device together with this plan: the bundle discount is ' +
        'shown at checkout, and devices that need fitting come with a booking at the installer nearest you.'),
      renderDevices(offer, true));
  }

  async function showPlan(planId) {
    const seq = ++viewSeq;
    showView('plan-view');
    clearError();
    setState('loading');
    setStatus('Loading the plan…');
    $('plan-detail').replaceChildren();
    const params = conditionParams();
    params.set('devices_per_plan', ALL_DEVICES);
    try {
      const body = await getJson(`/api/v1/plans?${params}`);
      if (seq !== viewSeq) return;
      const offer = body.offers.find((o) => o.plan && o.plan.plan_id === planId);
      if (!offer) {
        showError('This plan is not available for the driver and vehicle you searched. Go back to see the plans that are.');
        setStatus('');
        setState('error');
        return;
      }
      document.title = `${offer.plan.name} — Tandem`;
      $('plan-detail').replaceChildren(renderPlanDetail(offer));
      setStatus('');
      setState('done');
    } catch (err) {
      if (seq !== viewSeq) return;
      setStatus('');
      showError(err.message, err.problem && err.problem.errors);
      setState('error');
    }
  }

  // ---- checkout ----------------------------------------------------------------------

  /** Starts a checkout of a plan with a device (after logging in, if need be). */
  async function buy(planId, productId) {
    clearError();
    await sessionReady;
    const then = { buy: { planId, productId, back: location.hash || '#/' } };
    if (!customer) {
      needLogin('Log in or create an account to buy this bundle. We will take you straight to checkout.', then);
      return;
    }
    const buttons = document.querySelectorAll('button.buy-with-plan, #retry-checkout');
    for (const b of buttons) b.disabled = true;
    setState('loading');
    setStatus('Reserving your device and pricing the bundle…');
    try {
      const checkout = await api('POST', '/api/v1/checkouts', {
        plan_id: planId,
        product_id: productId,
        conditions: checkoutConditions(),
      });
      checkouts.set(checkout.checkout_id, checkout);
      setStatus('');
      navigate(`#/checkout/${encodeURIComponent(checkout.checkout_id)}`);
    } catch (err) {
      setStatus('');
      setState('error');
      if (err.status === 401) {
        needLogin('Your session has ended. Log in again to buy this bundle.', then);
      } else if (err.status === 409) {
        showError(`${sentence(err.message)} Please choose another device or plan.`);
      } else {
        showError(sentence(err.message), err.problem && err.problem.errors);
      }
    } finally {
      for (const b of buttons) b.disabled = b.dataset.soldOut === 'true';
    }
  }

  /** The step of the journey a checkout is at. */
  function checkoutStep(c) {
    switch (c.state) {
      case 'priced': return 'pay';
      case 'creating': case 'paying': case 'paid': case 'refunding': return 'processing';
      case 'completed':
        return c.device && c.device.needs_installation && !c.booking ? 'install' : 'done';
      default: return 'ended'; // cancelled, refunded
    }
  }

  function markSteps(step) {
    const order = ['review', 'pay', 'install', 'done'];
    const at = { pay: 1, processing: 1, install: 2, done: 3, ended: -1 }[step];
    for (const li of document.querySelectorAll('#checkout .steps li')) {
      const i = order.indexOf(li.dataset.step);
      li.classList.toggle('done', at >= 0 && i < at);
      li.classList.toggle('current', i === at);
      if (i === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
  }

  function renderSummary(c) {
    $('checkout-plan').textContent = (c.plan && c.plan.name) || '';
    $('checkout-device').textContent = (c.device && c.device.name) || '';
    $('checkout-installation').textContent = c.device && c.device.needs_installation
      ? 'Fitted by a professional installer near you' : 'Ships to your address, fit it yourself';
    setMoney($('premium'), c.premium);
    setMoney($('device-price'), c.device_price);
    const discount = c.discount;
    $('discount-line').hidden = !discount;
    $('no-discount').hidden = Boolean(discount);
    if (discount) {
      $('discount-line').dataset.target = discount.target;
      $('discount-description').textContent = discount.description;
      setMoney($('discount-amount'), discount.amount, '−');
    }
    setMoney($('total'), c.total);
    $('total-label').textContent = {
      completed: 'Total paid', paid: 'Total paid', cancelled: 'Total (not charged)', refunded: 'Total (refunded)',
    }[c.state] || 'Total due today';
    setMoney($('premium-due'), c.premium_due);
    setMoney($('device-due'), c.device_due);
    $('checkout-order-number').textContent = c.order_number || '—';
    const held = c.state === 'priced' && c.reserved_until;
    $('reserved-until').textContent = held ? formatDateTime(c.reserved_until) : '—';
    $('reserved-until').previousElementSibling.hidden = !held;
    $('reserved-until').hidden = !held;
  }

  function renderConfirmation(c) {
    $('order-number').textContent = c.order_number || '—';
    $('policy-number').textContent = (c.policy && c.policy.policy_number) || '—';
    $('policy-dates').textContent = c.policy
      ? `${formatDate(c.policy.start_date)} to ${formatDate(c.policy.end_date)}` : '—';
    const booking = $('booking');
    if (c.booking) {
      booking.replaceChildren(
        el('span', { className: 'booking-installer' }, c.booking.installer_name),
        ', ',
        el('time', { className: 'booking-time', datetime: c.booking.starts_at }, formatDateTime(c.booking.starts_at, true, true)));
      booking.dataset.bookingId = c.booking.booking_id;
    } else if (c.device && !c.device.needs_installation) {
      booking.textContent = 'None needed: the device ships to your address.';
    } else {
      booking.textContent = 'Not booked yet: we will call you to arrange a time.';
    }
    setMoney($('paid-total'), c.total);
    if (window.TandemBuyback) window.TandemBuyback.offer(c.order_number);
  }

  function renderEnded(c) {
    const refunded = c.state === 'refunded';
    $('ended-title').textContent = refunded ? 'This order was refunded' : 'This order was cancelled';
    const why = c.failure ? sentence(humanDecline(c.failure)) : '';
    $('ended-text').textContent = refunded
      ? `${why} Your payment was returned in full and the device released.`.trim()
      : `${withNothingCharged(why || 'This order was cancelled.', 'Nothing was charged.')} ` +
        'The device was released; you can start again.';
  }

  /** Shows a checkout at the step it is at. */
  function renderCheckout(c) {
    checkouts.set(c.checkout_id, c);
    const box = $('checkout');
    box.dataset.state = c.state;
    box.dataset.checkoutId = c.checkout_id;
    const step = checkoutStep(c);
    box.dataset.step = step;
    markSteps(step);
    renderSummary(c);
    $('payment-step').hidden = !(step === 'pay' || c.state === 'paying' || c.state === 'paid');
    $('pay').disabled = step !== 'pay';
    $('cancel-checkout').disabled = step !== 'pay';
    $('pay').textContent = `Pay ${formatMoney(c.total)}`;
    $('installation-step').hidden = step !== 'install';
    $('ended-step').hidden = step !== 'ended';
    $('confirmation').hidden = step !== 'done';
    document.title = {
      pay: 'Checkout — Tandem', processing: 'Paying… — Tandem', install: 'Choose an installer — Tandem',
      done: 'Order confirmed — Tandem', ended: 'Order cancelled — Tandem',
    }[step];
    if (step === 'done') renderConfirmation(c);
    if (step === 'ended') renderEnded(c);
    return step;
  }

  async function showCheckout(id) {
    const seq = ++viewSeq;
    showView('checkout-view');
    clearError();
    const box = $('checkout');
    let checkout = checkouts.get(id);
    if (!checkout || box.dataset.checkoutId !== id) {
      box.dataset.state = 'loading';
      box.dataset.step = 'loading';
      for (const s of ['payment-step', 'installation-step', 'ended-step', 'confirmation']) $(s).hidden = true;
    }
    setState('loading');
    try {
      if (!checkout) {
        setStatus('Loading your checkout…');
        checkout = await getJson(`/api/v1/checkouts/${encodeURIComponent(id)}`);
        if (seq !== viewSeq) return;
      }
      setStatus('');
      await enterStep(checkout, seq);
    } catch (err) {
      if (seq !== viewSeq) return;
      setStatus('');
      setState('error');
      box.dataset.state = 'error';
      if (err.status === 401) {
        needLogin('Please log in to see this checkout.', { hash: location.hash });
      } else {
        showError(sentence(err.message));
      }
    }
  }

  /** Renders a checkout, then does what its step needs (installers, polling). */
  async function enterStep(c, seq, polls) {
    const step = renderCheckout(c);
    if (step === 'install') {
      await loadInstallers(c, seq);
    } else if (step === 'processing') {
      // Another tab, or a restarted server, is still finishing it: look again shortly.
      setState('loading');
      setStatus(c.state === 'refunding' ? 'Your payment is being refunded…' : 'Your order is being processed…');
      if ((polls || 0) >= 60) {
        setStatus('');
        showError('Your order is still being processed. Please reload this page in a minute.');
        setState('error');
        return;
      }
      setTimeout(async () => {
        if (seq !== viewSeq) return;
        try {
          const next = await getJson(`/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}`);
          if (seq === viewSeq) await enterStep(next, seq, (polls || 0) + 1);
        } catch (err) {
          if (seq === viewSeq) showError(sentence(err.message));
        }
      }, 1000);
      return;
    } else {
      setStatus('');
      setState('done');
    }
    if (step === 'pay') {
      if (customer && !$('card-name').value) $('card-name').value = customer.name;
    }
    if (step === 'done' || step === 'ended') {
      const heading = step === 'done' ? $('confirmation-title') : $('ended-title');
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: 'nearest' });
    }
  }

  function initCardForm() {
    const month = $('card-exp-month');
    for (let m = 1; m <= 12; m++) {
      const label = String(m).padStart(2, '0');
      month.append(el('option', { value: m }, label));
    }
    const year = $('card-exp-year');
    const now = new Date();
    for (let y = now.getFullYear(); y <= now.getFullYear() + 12; y++) year.append(el('option', { value: y }, y));
    month.value = String(now.getMonth() + 1);
    year.value = String(now.getFullYear() + 2);

    // Groups the card number in fours as it is typed.
    $('card-number').addEventListener('input', (event) => {
      const input = event.target;
      const digits = input.value.replace(/\D/g, '').slice(0, 19);
      const grouped = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
      if (grouped !== input.value) input.value = grouped;
    });
    for (const button of document.querySelectorAll('button.test-card')) {
      button.addEventListener('click', () => {
        $('card-number').value = button.dataset.number;
        if (!$('card-cvc').value) $('card-cvc').value = '123';
        $('card-number').focus();
      });
    }

    $('card-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const c = checkouts.get($('checkout').dataset.checkoutId);
      if (!c || c.state !== 'priced') return;
      clearError();
      const form = $('card-form');
      const missing = missingFields(form);
      if (missing.length) {
        showError(`Please fill in: ${missing.join(', ')}.`, null, form);
        return;
      }
      const seq = viewSeq;
      $('pay').disabled = true;
      $('cancel-checkout').disabled = true;
      $('checkout').dataset.state = 'paying';
      setState('loading');
      setStatus('Processing your payment…');
      try {
        const paid = await api('POST', `/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}/payment`, {
          card: {
            number: $('card-number').value.replace(/\s/g, ''),
            expiry_month: Number(month.value),
            expiry_year: Number(year.value),
            cvc: $('card-cvc').value.trim(),
            holder_name: $('card-name').value.trim(),
          },
        });
        $('card-number').value = '';
        $('card-cvc').value = '';
        setStatus('Payment received.');
        if (seq === viewSeq) await enterStep(paid, seq);
      } catch (err) {
        setStatus('');
        setState('error');
        await paymentFailed(c, err, form);
      }
    });

    $('cancel-checkout').addEventListener('click', async () => {
      const c = checkouts.get($('checkout').dataset.checkoutId);
      if (!c) return;
      clearError();
      $('cancel-checkout').disabled = true;
      $('pay').disabled = true;
      try {
        const cancelled = await api('DELETE', `/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}`);
        renderCheckout(cancelled || { ...c, state: 'cancelled' });
        setStatus('Your order was cancelled.');
      } catch (err) {
        showError(sentence(err.message));
        await refreshCheckout(c.checkout_id);
      }
    });

    $('retry-checkout').addEventListener('click', () => {
      const c = checkouts.get($('checkout').dataset.checkoutId);
      if (c && c.plan && c.device) buy(c.plan.plan_id, c.device.product_id);
    });
  }

  /** Fetches a checkout again and shows it; quietly keeps what is shown on failure. */
  async function refreshCheckout(id) {
    try {
      const c = await getJson(`/api/v1/checkouts/${encodeURIComponent(id)}`);
      if ($('checkout').dataset.checkoutId === id) renderCheckout(c);
      return c;
    } catch (_) {
      const c = checkouts.get(id);
      if (c && $('checkout').dataset.checkoutId === id) renderCheckout(c);
      return null;
    }
  }

  /** Words for the payment processor's decline codes. */
  const DECLINE_CODES = {
    card_declined: 'the card issuer declined the payment',
    insufficient_funds: 'insufficient funds',
    expired_card: 'the card has expired',
    incorrect_cvc: 'the CVC is wrong',
    processing_error: 'a processing error',
  };

  function humanDecline(message) {
    return String(message || '').replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (code) => DECLINE_CODES[code] || code);
  }

  /** The problem's message, saying that nothing was charged unless it already does. */
  function withNothingCharged(message, addition) {
    const text = sentence(humanDecline(message));
    if (/nothing (was|has been) charged/i.test(text)) return text;
    return /try again/i.test(text) ? `${text} Nothing was charged.` : `${text} ${addition}`;
  }

  async function paymentFailed(c, err, form) {
    const fields = err.problem && err.problem.errors;
    if (err.status === 402) {
      showError(withNothingCharged(err.message, 'Nothing was charged to your card.'));
      const next = await refreshCheckout(c.checkout_id);
      if (!next) renderCheckout({ ...c, state: 'cancelled', failure: err.message });
      $('checkout').dataset.state = (next && next.state) || 'cancelled';
    } else if (err.status === 401) {
      needLogin('Your session has ended. Log in again to finish paying.', { hash: location.hash });
    } else if (err.status === 400) {
      showError(`${fieldMessage(err, form)} Please check the card details.`, fields, form);
      renderCheckout(c);
    } else if (err.status === 503 || err.status === 504 || err.status === 0) {
      showError(withNothingCharged(err.message, 'Nothing was charged; you can try again.'));
      await refreshCheckout(c.checkout_id);
    } else {
      showError(sentence(err.message), fields, form);
      await refreshCheckout(c.checkout_id);
    }
  }

  // ---- installer and slot ------------------------------------------------------------

  function renderInstaller(installer, checkoutId) {
    const slots = installer.slots || [];
    const name = installer.name;
    return el('li', { className: 'installer', dataset: { installerId: installer.installer_id, distanceM: installer.distance_m } },
      el('div', { className: 'installer-main' },
        el('span', { className: 'installer-name' }, name),
        el('span', { className: 'distance' }, `${formatDistance(installer.distance_m)} away`),
        el('span', { className: 'installer-address' }, formatAddress(installer.address)),
        installer.phone ? el('span', { className: 'installer-phone' }, installer.phone) : null),
      slots.length
        ? el('div', { className: 'slots', role: 'group', 'aria-label': `Times at ${name}` },
          slots.map((slot) => el('button', {
            type: 'button',
            className: 'slot',
            dataset: { slotId: slot.slot_id, startsAt: slot.starts_at },
            'aria-label': `Book ${name} on ${formatDateTime(slot.starts_at)}`,
            onclick: () => book(checkoutId, slot.slot_id),
          }, el('span', { className: 'slot-day' }, formatDay(slot.starts_at)),
          el('span', { className: 'slot-time' }, `${formatTime(slot.starts_at)}–${formatTime(slot.ends_at)}`))))
        : el('p', { className: 'hint' }, 'No free times in the next weeks.'));
  }

  async function loadInstallers(c, seq) {
    const list = $('installers');
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    $('installers-origin').textContent = 'Finding the installers nearest you…';
    setState('loading');
    try {
      const body = await getJson(`/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}/installers`);
      if (seq !== viewSeq) return;
      const origin = body.origin || {};
      const place = [origin.city, origin.state].filter(Boolean).join(', ');
      const installers = body.installers || [];
      $('installers-origin').textContent = installers.length
        ? `Paid — thank you. Now pick a time: these installers fit the ${c.device.name} and are nearest to ` +
          `${place ? `${place} ` : ''}${origin.postal_code || 'your address'}.`
        : 'No installer near you fits this device yet. We will call you to arrange the fitting.';
      if (installers.length) {
        const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(new Date())
          .find((part) => part.type === 'timeZoneName');
        if (zone) $('installers-origin').textContent += ` Times are shown in your time zone (${zone.value}).`;
      }
      list.replaceChildren(...installers.map((i) => renderInstaller(i, c.checkout_id)));
      setState('done');
    } catch (err) {
      if (seq !== viewSeq) return;
      $('installers-origin').textContent = 'Your order is paid. We could not look up installers right now.';
      showError(sentence(err.message), err.problem && err.problem.errors);
      setState('error');
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  async function book(checkoutId, slotId) {
    clearError();
    const seq = viewSeq;
    const buttons = document.querySelectorAll('#installers button.slot');
    for (const b of buttons) b.disabled = true;
    setState('loading');
    setStatus('Booking your installation…');
    try {
      const booked = await api('POST', `/api/v1/checkouts/${encodeURIComponent(checkoutId)}/installation`, { slot_id: slotId });
      setStatus('Installation booked.');
      if (seq === viewSeq) await enterStep(booked, seq);
    } catch (err) {
      setStatus('');
      setState('error');
      if (err.status === 409) {
        showError(`${sentence(err.message)} Please choose another time.`);
        const c = checkouts.get(checkoutId);
        if (c && seq === viewSeq) await loadInstallers(c, seq);
      } else if (err.status === 401) {
        needLogin('Your session has ended. Log in again to book the installation.', { hash: location.hash });
      } else {
        showError(sentence(err.message));
        for (const b of buttons) b.disabled = false;
      }
    }
  }

  // ---- device details ----------------------------------------------------------------

  function renderDeviceDetail(device) {
    const classes = (device.compatible_classes || []).map((c) => CLASS_LABELS[c] || c).join(', ');
    return el('article', { className: 'device-detail card', id: 'device', dataset: { productId: device.product_id } },
      el('h1', { className: 'device-name' }, device.name),
      el('p', { className: 'maker-model' }, `${device.maker} ${device.model}`),
      el('p', { className: 'category' }, CATEGORY_LABELS[device.category] || device.category || 'Device'),
      el('p', { className: 'description' }, device.description),
      el('dl', { className: 'facts' },
        el('dt', {}, 'Price'), el('dd', {}, moneyNode(device.price, 'price')),
        el('dt', {}, 'Availability'), el('dd', {}, stockNode(device)),
        el('dt', {}, 'Fits'), el('dd', { className: 'compatible' }, classes || 'Any vehicle'),
        el('dt', {}, 'Installation'),
        el('dd', { className: 'installation' }, device.needs_installation ? 'Professional installation needed' : 'Do it yourself')),
      el('p', { className: 'hint' }, 'Buy it with an insurance plan for a bundle discount: search plans and pick this device.'),
      el('p', { className: 'product-id' }, `Product ID: ${device.product_id}`));
  }

  async function showDevice(id) {
    showView('device-view');
    setState('loading');
    setStatus('Loading device…');
    try {
      const device = await getJson(`/api/v1/devices/${encodeURIComponent(id)}`);
      document.title = `${device.name} — Tandem`;
      $('device-detail').replaceChildren(renderDeviceDetail(device));
      setStatus('');
      setState('done');
    } catch (err) {
      setStatus('');
      showError(err.message, null);
      setState('error');
    }
  }

  // ---- routing -----------------------------------------------------------------------

  /** Goes to a view of this page (`#/…`), keeping the conditions in the query string. */
  function navigate(hash, replace) {
    const url = `${location.pathname}${location.search}${hash === '#/' ? '' : hash}`;
    history[replace ? 'replaceState' : 'pushState'](null, '', url);
    route();
  }

  function decode(part) {
    try { return decodeURIComponent(part); } catch (_) { return part; }
  }

  /** Shows the view the URL names (once per URL unless `force`). */
  function route(force) {
    const key = location.pathname + location.search + location.hash;
    if (!force && key === routed) return;
    const hash = location.hash;
    if (hash && !hash.startsWith('#/')) return; // an in-page anchor such as #main
    routed = key;
    let m;
    if ((m = hash.match(/^#\/plan\/([^/?#]+)$/))) showPlan(decode(m[1]));
    else if ((m = hash.match(/^#\/checkout\/([^/?#]+)$/))) showCheckout(decode(m[1]));
    else if (hash === '#/login' || hash === '#/register') showAuth(hash.slice(2));
    else if (hash.startsWith('#/buyback') && window.TandemBuyback) {
      ++viewSeq;
      showView('buyback-view');
      clearError();
      setStatus('');
      window.TandemBuyback.show(hash);
    }
    else showSearch();
  }

  /** What buyback.js uses of this page's plumbing. */
  window.Tandem = {
    api, el, formatMoney, formatDateTime, sentence, fieldMessage, showError, clearError,
    setState, setStatus, needLogin, navigate, session: () => sessionReady.then(() => customer),
  };

  function init() {
    loadSession();
    initAuth();
    const match = location.pathname.match(/^\/devices\/([^/]+)\/?$/);
    if (match) {
      // The header's links lead to the views of the main page.
      window.addEventListener('hashchange', () => {
        if (location.hash.startsWith('#/')) location.assign(`/${location.hash}`);
      });
      showDevice(decode(match[1]));
      return;
    }
    initSearch();
    initCardForm();
    window.addEventListener('popstate', () => route());
    window.addEventListener('hashchange', () => route());
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
