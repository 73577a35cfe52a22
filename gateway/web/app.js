// Tandem web UI: plan search with associated devices ("/"), and device details
// ("/devices/{id}"). Plain DOM code, no framework, no build step. Everything shown from the
// API is inserted as text, never as HTML.
'use strict';

(function () {
  const FIELDS = ['driver_age', 'vehicle_class', 'vehicle_year', 'annual_mileage', 'postal_code'];
  const PASSTHROUGH = ['devices_per_plan'];

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

  const $ = (id) => document.getElementById(id);
  let searchSeq = 0;

  // ---- helpers -----------------------------------------------------------------------

  /** Creates an element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
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

  /** A same-site path (never another origin or a javascript: URL), else null. */
  function safePath(path) {
    return typeof path === 'string' && /^\/(?![/\\])/.test(path) ? path : null;
  }

  function setState(state) {
    document.body.dataset.state = state;
  }

  function showError(message, fieldErrors) {
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
    for (const { field } of fieldErrors || []) {
      const input = document.querySelector(`#search-form [name="${CSS.escape(field)}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const described = (input.getAttribute('aria-describedby') || '').split(' ');
        if (!described.includes('error')) {
          input.setAttribute('aria-describedby', described.concat('error').join(' ').trim());
        }
      }
    }
  }

  function clearError() {
    const box = $('error');
    box.textContent = '';
    box.hidden = true;
    for (const input of document.querySelectorAll('#search-form [aria-invalid]')) {
      input.removeAttribute('aria-invalid');
    }
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  /** GETs JSON from the API; throws an Error carrying the problem document on failure. */
  async function getJson(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: 'application/json' } });
    } catch (_) {
      throw Object.assign(new Error('Cannot reach the server. Check your connection and try again.'), { problem: null });
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      const detail = (body && body.detail) || `The server answered ${response.status}.`;
      throw Object.assign(new Error(detail), { problem: body });
    }
    return body;
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

  function renderDevice(device) {
    const buy = safePath(device.purchase_path);
    const inStock = device.stock > 0;
    return el('li', { className: 'device', dataset: { productId: device.product_id, category: device.category || '' } },
      el('div', { className: 'device-main' },
        el('span', { className: 'device-name' }, device.name),
        el('span', { className: 'maker-model' }, `${device.maker} ${device.model}`),
        el('span', { className: 'category' }, CATEGORY_LABELS[device.category] || device.category || 'Device'),
        device.needs_installation ? el('span', { className: 'installation' }, 'Professional installation') : null),
      el('div', { className: 'device-buy' },
        moneyNode(device.price, 'price'),
        el('span', { className: inStock ? 'stock in-stock' : 'stock out-of-stock', dataset: { stock: device.stock } },
          inStock ? `${device.stock} in stock` : 'Out of stock'),
        buy ? el('a', { className: 'buy button', href: buy, 'aria-label': `Buy ${device.name}` }, 'Buy') : null));
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

  function renderDevices(offer) {
    if (!offer.device_info_available) {
      return el('p', { className: 'device-info-unavailable notice', role: 'note' },
        'Device information is unavailable right now');
    }
    if (!offer.devices.length) {
      return el('p', { className: 'no-devices' }, 'No associated devices for this vehicle.');
    }
    return el('ul', { className: 'devices' }, offer.devices.map(renderDevice));
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
      renderDevices(offer));
  }

  async function search(params) {
    const seq = ++searchSeq;
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

  function initSearch() {
    const form = $('search-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = formQuery(form);
      history.pushState(null, '', `/?${params}`);
      search(params);
    });
    window.addEventListener('popstate', () => {
      const params = new URLSearchParams(location.search);
      if ([...params.keys()].length) {
        fillForm(form, params);
        search(formQuery(form));
      }
    });
    // Conditions in the URL fill the form; without them the form's example values are
    // searched, so the first view already shows plans and their devices.
    const params = new URLSearchParams(location.search);
    if ([...params.keys()].length) fillForm(form, params);
    search(formQuery(form));
  }

  // ---- device details ----------------------------------------------------------------

  function renderDeviceDetail(device) {
    const inStock = device.stock > 0;
    const classes = (device.compatible_classes || []).map((c) => CLASS_LABELS[c] || c).join(', ');
    return el('article', { className: 'device-detail card', id: 'device', dataset: { productId: device.product_id } },
      el('h1', { className: 'device-name' }, device.name),
      el('p', { className: 'maker-model' }, `${device.maker} ${device.model}`),
      el('p', { className: 'category' }, CATEGORY_LABELS[device.category] || device.category || 'Device'),
      el('p', { className: 'description' }, device.description),
      el('dl', { className: 'facts' },
        el('dt', {}, 'Price'), el('dd', {}, moneyNode(device.price, 'price')),
        el('dt', {}, 'Availability'),
        el('dd', {}, el('span', { className: inStock ? 'stock in-stock' : 'stock out-of-stock', dataset: { stock: device.stock } },
          inStock ? `${device.stock} in stock` : 'Out of stock')),
        el('dt', {}, 'Fits'), el('dd', { className: 'compatible' }, classes || 'Any vehicle'),
        el('dt', {}, 'Installation'),
        el('dd', { className: 'installation' }, device.needs_installation ? 'Professional installation needed' : 'Do it yourself')),
      el('p', { className: 'product-id' }, `Product ID: ${device.product_id}`));
  }

  async function showDevice(id) {
    $('search-view').hidden = true;
    $('results').hidden = true;
    $('device-view').hidden = false;
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

  function init() {
    const match = location.pathname.match(/^\/devices\/([^/]+)\/?$/);
    if (match) {
      let id = match[1];
      try { id = decodeURIComponent(id); } catch (_) { /* keep it as written */ }
      showDevice(id);
    } else {
      initSearch();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
