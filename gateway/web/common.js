// Tandem web UI: what every page's scripts share — building DOM nodes (API text always
// inserted as text, never as HTML), formatting money and dates, calling the REST API with
// the session cookie and the CSRF token, and showing its problem documents in the page's
// alert (#error) and status line (#status). Loaded first on every page; exposes
// `window.Tandem`, which the main page's scripts extend (plans.js, checkout.js,
// installers.js, buyback.js, app.js).
'use strict';

window.Tandem = (function () {
  const $ = (id) => document.getElementById(id);

  /** Device categories as people say them. */
  const CATEGORY_LABELS = {
    car_navigation: 'Car navigation',
    dashcam: 'Dashcam',
    collision_warning: 'Collision warning',
    blind_spot_monitor: 'Blind-spot monitor',
    telematics_unit: 'Telematics unit',
    theft_tracker: 'Theft tracker',
    tire_pressure_monitor: 'Tire-pressure monitor',
  };

  // ---- DOM and formatting ------------------------------------------------------------

  /** Creates an element with attributes (`className`, `dataset`, `onclick`, others as
   *  is) and children (nodes, or strings, which become text nodes). */
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

  /** An amount in a new span, its value kept in data attributes. */
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

  /** An instant in the browser's own locale and time zone ('' for none). */
  function formatLocal(instant) {
    return instant ? new Date(instant).toLocaleString() : '';
  }

  /** An instant → "Tue, Nov 24". */
  function formatDay(instant, timeZone) {
    const parsed = new Date(instant);
    if (!instant || Number.isNaN(parsed.getTime())) return '';
    return zoned({ weekday: 'short', month: 'short', day: 'numeric' }, timeZone).format(parsed);
  }

  /** A formatter in `timeZone` (an IANA name), else in the browser's zone. */
  function zoned(options, timeZone) {
    try {
      return new Intl.DateTimeFormat('en-US', { ...options, timeZone: timeZone || undefined });
    } catch (_) {
      return new Intl.DateTimeFormat('en-US', options);
    }
  }

  /** An instant → "9:00 AM" (in `timeZone`, an IANA name, when given). */
  function formatTime(instant, timeZone) {
    const parsed = new Date(instant);
    if (!instant || Number.isNaN(parsed.getTime())) return instant || '';
    return zoned({ hour: 'numeric', minute: '2-digit' }, timeZone).format(parsed);
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

  /** A key unique enough for an idempotent request: `prefix-time-random`. */
  function requestId(prefix) {
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    return prefix ? `${prefix}-${id}` : id;
  }

  /** `data-state` of the body: loading, done or error (tests wait for it). */
  function setState(state) {
    document.body.dataset.state = state;
  }

  /** The page's status line (#status, a live region). */
  function setStatus(text) {
    $('status').textContent = text;
  }

  // ---- forms and the alert -----------------------------------------------------------

  /** The label a person sees for a form field (a group of boxes: its legend). */
  function fieldLabel(input) {
    if (input.tagName === 'FIELDSET') return (input.querySelector('legend') || input).textContent.trim();
    const label = input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    return label ? label.textContent.trim() : '';
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

  /** What to say at the top for a problem: its one field error in plain words; for
   *  several, a lead-in to the list showError puts under it (each error is also shown
   *  under its own field); with none, its message, a field path such as `card.number:`
   *  in front told with the label of the form's input instead ("Card number: …"). */
  function fieldMessage(err, form) {
    const message = String(err.message || '');
    const errors = (err.problem && err.problem.errors) || [];
    const told = errors.filter((e) => e && e.message);
    if (told.length === 1) return sentence(told[0].message);
    if (told.length > 1) return `Please correct these ${told.length} answers:`;
    for (const { field } of errors) {
      const prefix = `${field}:`;
      const input = form && fieldInput(form, field);
      const label = input && fieldLabel(input);
      if (label && message.startsWith(prefix)) {
        return sentence(`${label}:${message.slice(prefix.length)}`);
      }
    }
    return sentence(message);
  }

  /** The element a field's own message goes at the end of: its `.field`, its group of
   *  boxes (fieldset), else its parent. */
  function fieldBox(input) {
    if (input.tagName === 'FIELDSET') return input;
    const boxes = input.type === 'checkbox' || input.type === 'radio';
    return input.closest('.field') || (boxes && input.closest('fieldset')) || input.parentElement;
  }

  let fieldErrorSeq = 0;

  /** Adds the `id`s to the input's aria-describedby (once each). */
  function describeBy(input, ...ids) {
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    for (const id of ids) if (!described.includes(id)) described.push(id);
    input.setAttribute('aria-describedby', described.join(' '));
  }

  /** Marks `input` invalid and, with `text`, shows it under the field (its own message,
   *  which the input is described by); several messages for one field add up. */
  function markField(input, text) {
    input.setAttribute('aria-invalid', 'true');
    if (!text) {
      describeBy(input, 'error');
      return;
    }
    const box = fieldBox(input);
    let note = [...box.children].find((c) => c.classList.contains('field-error'));
    if (!note) {
      fieldErrorSeq += 1;
      note = el('small', { className: 'field-error', id: `${input.id || 'field'}-error-${fieldErrorSeq}` });
      box.append(note);
    }
    const said = sentence(text);
    if (!note.textContent.includes(said)) note.textContent = `${note.textContent} ${said}`.trim();
    const group = box.tagName === 'FIELDSET' && input.tagName !== 'FIELDSET'
      ? [...box.querySelectorAll('input, select, textarea')] : [input];
    for (const member of group) {
      member.setAttribute('aria-invalid', 'true');
      describeBy(member, note.id);
    }
  }

  /** Names of required fields of `form` left empty; each is marked, with "… is
   *  required" under it. */
  function missingFields(form) {
    const missing = [];
    for (const input of form.querySelectorAll('[required]')) {
      if (input.disabled || input.value.trim()) continue;
      const label = fieldLabel(input) || input.name;
      markField(input, `${label} is required`);
      missing.push(label);
    }
    return missing;
  }

  /** Shows `message` in the page's alert (#error), the summary at the top; marks the
   *  inputs the problem's field errors name, in `form` (else anywhere on the page), each
   *  with its message under it; errors whose words `message` does not already say are
   *  listed under it, each a link to its field. */
  function showError(message, fieldErrors, form) {
    const box = $('error');
    box.replaceChildren(document.createTextNode(message));
    box.hidden = false;
    const target = form || document;
    const listed = [];
    for (const error of fieldErrors || []) {
      const input = error && error.field ? fieldInput(target, error.field) : null;
      const text = error && error.message ? sentence(error.message) : '';
      if (input) markField(input, text);
      if (text && !String(message).includes(text.replace(/\.$/, ''))) listed.push({ input, text });
    }
    if (listed.length) {
      box.append(el('ul', { className: 'error-list' }, listed.map(({ input, text }) => el('li', {},
        input && input.id
          ? el('a', {
            href: `#${input.id}`,
            onclick: (event) => { event.preventDefault(); input.focus(); },
          }, text)
          : text))));
    }
    const rect = box.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({ block: 'center' });
  }

  /** Hides the alert, removes the fields' own messages and unmarks every input. */
  function clearError() {
    const box = $('error');
    box.replaceChildren();
    box.hidden = true;
    const gone = new Set(['error']);
    for (const note of document.querySelectorAll('.field-error')) {
      gone.add(note.id);
      note.remove();
    }
    for (const input of document.querySelectorAll('[aria-invalid], [aria-describedby]')) {
      input.removeAttribute('aria-invalid');
      const described = (input.getAttribute('aria-describedby') || '').split(' ')
        .filter((id) => id && !gone.has(id));
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }

  /** "Try again in 12 minutes." from a Retry-After header in seconds. */
  function retryText(retryAfter) {
    const seconds = Number(retryAfter);
    if (!Number.isFinite(seconds) || seconds <= 0) return 'Please wait a while before trying again.';
    if (seconds < 90) return `Try again in ${Math.ceil(seconds)} seconds.`;
    return `Try again in ${Math.ceil(seconds / 60)} minutes.`;
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
   *  state-changing request carries the CSRF token; `options.headers` are added.
   *  `retried` is internal: one more try after a CSRF refusal. */
  async function api(method, url, body, options, retried) {
    const headers = { Accept: 'application/json', ...((options && options.headers) || {}) };
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
      return api(method, url, body, options, true); // the cookie changed under us: once more
    }
    throw new ApiError(detail, response.status, answer, response.headers.get('Retry-After'));
  }

  /** GETs JSON from the API; throws an ApiError carrying the problem document on failure. */
  function getJson(url) {
    return api('GET', url);
  }

  return {
    $, el, CATEGORY_LABELS,
    formatMoney, moneyNode, setMoney, formatDate, formatDateTime, formatLocal, formatDay, formatTime,
    sentence, safePath, requestId, setState, setStatus,
    fieldLabel, fieldInput, fieldMessage, missingFields, showError, clearError, retryText,
    ApiError, readCookie, api, getJson,
  };
})();
