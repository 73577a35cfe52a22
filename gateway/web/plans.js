// Tandem web UI, plans: the plan search's results, each plan with its associated devices,
// one plan with all its devices ("Buy with this plan" starts the checkout, checkout.js),
// and a device's own page (/devices/ID); the search form itself is search.js's. Uses
// common.js; the views and routing are app.js's.
//
// After a checkout found a device sold out, `refreshStock()` fetches the lists again and
// `outOfStockMessage()` names the device.
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, el, CATEGORY_LABELS, moneyNode, safePath, sentence, fieldMessage, setState, setStatus, showError,
    clearError, getJson,
  } = T;
  /** The most devices the API lists for one plan: the plan view shows them all. */
  const ALL_DEVICES = '20';
  const CLASS_LABELS = {
    compact: 'Compact', sedan: 'Sedan', suv: 'SUV', pickup: 'Pickup', sports: 'Sports car', van: 'Van',
  };

  let searchSeq = 0;
  /** The query string of the search whose results are on the page. */
  let searched = null;
  /** Device names by product ID, from every list shown (to name a sold-out device). */
  const deviceNames = new Map();

  // ---- the plans found -----------------------------------------------------------------

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
      onclick: () => T.checkout.buy(plan.plan_id, device.product_id),
    }, 'Buy with this plan');
  }

  /** `nodes` with a space between each two, so their text never runs together. */
  function spaced(...nodes) {
    return nodes.filter(Boolean).flatMap((node, i) => (i ? [' ', node] : [node]));
  }

  function renderDevice(device, plan, withDescription) {
    const details = safePath(device.purchase_path);
    deviceNames.set(device.product_id, device.name);
    return el('li', { className: 'device', dataset: { productId: device.product_id, category: device.category || '' } },
      el('div', { className: 'device-main' }, spaced(
        el('span', { className: 'device-name' }, device.name),
        el('span', { className: 'maker-model' }, `${device.maker} ${device.model}`),
        el('span', { className: 'category' }, CATEGORY_LABELS[device.category] || device.category || 'Device'),
        device.needs_installation ? el('span', { className: 'installation' }, 'Professional installation included') : null,
        withDescription && device.description ? el('span', { className: 'device-description' }, device.description) : null)),
      ' ',
      el('div', { className: 'device-buy' }, spaced(
        moneyNode(device.price, 'price'),
        stockNode(device),
        details ? el('a', { className: 'details-link', href: details, 'aria-label': `Details of ${device.name}` }, 'Details') : null,
        plan ? buyButton(plan, device) : null,
        deviceOnlyButton(device))));
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
      onclick: () => T.navigate(`#/plan/${encodeURIComponent(plan.plan_id)}`),
    }, 'See plan and all devices');
  }

  function renderOffer(offer) {
    const plan = offer.plan || {};
    const titleId = `plan-${plan.plan_id}-title`;
    return el('article', { className: 'plan card', dataset: { planId: plan.plan_id }, 'aria-labelledby': titleId },
      el('header', { className: 'plan-header' },
        el('h2', { className: 'plan-name', id: titleId }, plan.name || plan.plan_id), ' ',
        el('p', { className: 'premium' }, moneyNode(offer.premium, 'amount'), el('span', { className: 'per' }, ' / year'))),
      el('p', { className: 'plan-summary' }, plan.summary),
      el('p', { className: 'region' }, 'Rating region: ', el('span', { className: 'region-code' }, offer.region)),
      el('h3', {}, 'Coverage'),
      el('ul', { className: 'coverages' }, (plan.coverages || []).map((c) => el('li', {}, c))),
      renderFactors(offer),
      el('h3', {}, 'Devices for this plan'),
      renderDevices(offer),
      el('p', { className: 'plan-actions' }, spaced(
        offer.device_info_available && !offer.devices.length ? null : openPlanButton(plan),
        planOnlyButton(plan))));
  }

  /** Buys the plan without a device (no bundle discount). */
  function planOnlyButton(plan) {
    return el('button', {
      type: 'button',
      className: 'buy-plan-only secondary',
      dataset: { planId: plan.plan_id },
      'aria-label': `Buy ${plan.name || plan.plan_id} without a device`,
      onclick: () => T.checkout.buy(plan.plan_id, null),
    }, 'Buy the plan alone');
  }

  /** Buys the device without a plan (no bundle discount). */
  function deviceOnlyButton(device) {
    return el('button', {
      type: 'button',
      className: 'buy-device-only secondary',
      dataset: { productId: device.product_id, soldOut: device.stock > 0 ? 'false' : 'true' },
      disabled: device.stock > 0 ? null : true,
      'aria-label': `Buy ${device.name} without a plan`,
      onclick: () => T.checkout.buy(null, device.product_id),
    }, 'Buy the device alone');
  }

  /** Searches plans for `params` and shows them (or the API's messages at the form). */
  async function search(params) {
    const seq = ++searchSeq;
    searched = params.toString();
    $('search-prefilled').hidden = true;
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
      T.plans.saveSearch(searched);
      setStatus(body.offers.length === 1 ? '1 plan found.'
        : body.offers.length ? `${body.offers.length} plans found.` : 'No plans match these conditions.');
      setState('done');
    } catch (err) {
      if (seq !== searchSeq) return;
      searched = null;
      $('results').replaceChildren();
      setStatus('');
      showError(fieldMessage(err, $('search-form')), err.problem && err.problem.errors, $('search-form'));
      setState('error');
    } finally {
      if (seq === searchSeq) {
        $('search-button').disabled = false;
        $('results').removeAttribute('aria-busy');
      }
    }
  }

  /** Fetches the plan search on the page (or the last one of this tab) again, so stock
   *  that changed shows: a sold-out device says so and its buttons are disabled. Quiet:
   *  the view shown, its alert and status are left alone. Call it after the checkout
   *  answered 409 for a sold-out device. */
  async function refreshStock() {
    const query = searched || T.plans.savedSearch();
    searched = null; // whatever happens here, the next visit to the search fetches again
    if (!query) return;
    const seq = ++searchSeq;
    try {
      const body = await getJson(`/api/v1/plans?${query}`);
      if (seq !== searchSeq) return;
      $('results').replaceChildren(...body.offers.map(renderOffer));
      searched = query;
    } catch (_) {
      // The next visit to the search fetches again.
    }
  }

  /** The query string of the plans shown (null when none are, or they are out of date). */
  function shownSearch() {
    return searched;
  }

  /** Takes the plans off the page (a search still under way is dropped); the next search
   *  fetches again. */
  function clearResults() {
    ++searchSeq;
    searched = null;
    $('results').replaceChildren();
    $('results').removeAttribute('aria-busy');
    $('search-button').disabled = false;
  }

  /** "The Roadlens RL-2 Duo Front + Rear Dashcam is out of stock." for `productId`: the
   *  name from the lists shown, else from the catalogue; `detail` (the API's message)
   *  when the name cannot be found. */
  async function outOfStockMessage(productId, detail) {
    let name = deviceNames.get(productId);
    if (!name && productId) {
      try {
        name = (await getJson(`/api/v1/devices/${encodeURIComponent(productId)}`)).name;
      } catch (_) {
        name = null;
      }
    }
    if (name) deviceNames.set(productId, name);
    return name ? `The ${name} is out of stock.` : sentence(detail || 'This device is out of stock');
  }

  // ---- one plan with all its devices -------------------------------------------------

  function renderPlanDetail(offer) {
    const plan = offer.plan || {};
    return el('article', { className: 'plan-detail card', dataset: { planId: plan.plan_id }, 'aria-labelledby': 'plan-detail-title' },
      el('header', { className: 'plan-header' },
        el('h1', { className: 'plan-name', id: 'plan-detail-title' }, plan.name || plan.plan_id), ' ',
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
    const seq = T.nextView();
    T.showView('plan-view');
    clearError();
    setState('loading');
    setStatus('Loading the plan…');
    $('plan-detail').replaceChildren();
    const params = T.plans.conditionParams();
    params.set('devices_per_plan', ALL_DEVICES);
    try {
      const body = await getJson(`/api/v1/plans?${params}`);
      if (seq !== T.currentView()) return;
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
      if (seq !== T.currentView()) return;
      setStatus('');
      showError(fieldMessage(err, $('search-form')), err.problem && err.problem.errors, $('search-form'));
      setState('error');
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
      el('p', { className: 'device-buy' }, deviceOnlyButton(device)),
      el('p', { className: 'hint' }, 'Buy it with an insurance plan for a bundle discount: search plans and pick this device.'),
      el('p', { className: 'product-id' }, `Product ID: ${device.product_id}`));
  }

  async function showDevice(id) {
    T.showView('device-view');
    const saved = T.plans.savedSearch();
    $('device-back').setAttribute('href', saved ? `/?${saved}` : '/');
    setState('loading');
    setStatus('Loading device…');
    try {
      const device = await getJson(`/api/v1/devices/${encodeURIComponent(id)}`);
      document.title = `${device.name} — Tandem`;
      deviceNames.set(device.product_id, device.name);
      $('device-detail').replaceChildren(renderDeviceDetail(device));
      setStatus('');
      setState('done');
    } catch (err) {
      setStatus('');
      showError(err.message, null);
      setState('error');
    }
  }

  T.plans = Object.assign(T.plans || {}, {
    search, shownSearch, clearResults, showPlan, showDevice, refreshStock, outOfStockMessage,
  });
})();
