// Tandem web UI, the confirm step before a checkout (#/buy?plan=ID&device=ID): what is
// bought (a plan, a device, or both for the bundle discount), the conditions the premium
// is rated on and the car the policy covers, for the customer to check or change, the
// policyholder from the registration, and the unticked question whether the sales
// representative may be told of the purchase. Confirming starts the checkout
// (checkout.js). Uses common.js; the views, session and routing are app.js's.
'use strict';

(function () {
  const T = window.Tandem;
  const { $, el, sentence, setState, setStatus, showError, clearError, api, getJson } = T;
  const CONDITION_FIELDS = ['driver_age', 'vehicle_class', 'vehicle_year', 'annual_mileage', 'postal_code'];

  /** What the confirm view is for: { planId, productId, back }. */
  let choice = null;
  /** The consent wording version shown with the question. */
  let wordingVersion = '';

  /** Whole years from a YYYY-MM-DD birth date to today. */
  function ageFrom(dateOfBirth) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth || '');
    if (!m) return null;
    const now = new Date();
    let age = now.getFullYear() - Number(m[1]);
    const before = now.getMonth() + 1 < Number(m[2]) || (now.getMonth() + 1 === Number(m[2]) && now.getDate() < Number(m[3]));
    if (before) age -= 1;
    return age;
  }

  function input(name) {
    return $('confirm-form').elements[name];
  }

  /** Fills the conditions from the plan search, else from the registration. */
  function fillConditions(customer) {
    const searched = T.plans.checkoutConditions();
    for (const name of CONDITION_FIELDS) {
      const value = searched[name];
      input(`conditions.${name}`).value = value === 0 || value === undefined ? '' : String(value);
    }
    const address = customer.address || {};
    if (!input('conditions.postal_code').value) input('conditions.postal_code').value = address.postal_code || '';
    const age = ageFrom(customer.date_of_birth);
    if (!input('conditions.driver_age').value && age !== null) input('conditions.driver_age').value = String(age);
    for (const box of document.querySelectorAll('#confirm-form input[name="conditions.options"]')) {
      box.checked = (searched.options || []).includes(box.value);
    }
    $('cf-registered-zip').textContent = address.postal_code || '';
    updateZipNote(customer);
  }

  /** Shows the "parked elsewhere" confirmation when the ZIP differs from the registered one. */
  function updateZipNote(customer) {
    const registered = ((customer && customer.address) || {}).postal_code || '';
    const zip = input('conditions.postal_code').value.trim();
    const differs = Boolean(registered && zip && zip !== registered);
    $('cf-zip-note').hidden = !differs;
    if (!differs) $('cf-confirm-zip').checked = false;
  }

  function fillHolder(customer) {
    $('cf-holder-name').textContent = customer.name || '';
    $('cf-holder-dob').textContent = customer.date_of_birth ? T.formatDate(customer.date_of_birth) : '';
    const a = customer.address || {};
    $('cf-holder-address').textContent = [a.line1, a.line2, a.city, [a.region, a.postal_code].filter(Boolean).join(' ')]
      .filter(Boolean).join(', ');
  }

  /** The names of what is bought, as list items. */
  async function describeChoice(planId, productId) {
    const items = $('confirm-items');
    items.replaceChildren();
    const [plan, device] = await Promise.all([
      planId ? getJson(`/api/v1/plans/${encodeURIComponent(planId)}`).then((b) => b.plan).catch(() => null) : null,
      productId ? getJson(`/api/v1/devices/${encodeURIComponent(productId)}`).catch(() => null) : null,
    ]);
    if (planId) {
      items.append(el('li', { className: 'confirm-plan', dataset: { planId } },
        el('span', { className: 'line-kind' }, 'Insurance plan, 12 months'), ' ',
        el('strong', {}, (plan && plan.name) || planId)));
    }
    if (productId) {
      items.append(el('li', { className: 'confirm-device', dataset: { productId } },
        el('span', { className: 'line-kind' }, 'Device'), ' ',
        el('strong', {}, (device && device.name) || productId),
        device && device.needs_installation ? el('span', { className: 'line-note' }, ' — fitted by an installer near you') : null));
    }
    $('confirm-bundle-note').textContent = planId && productId
      ? 'Bought together, the bundle discount applies where a rule matches; you see it on the next step.'
      : 'Bought on its own, no bundle discount applies.';
  }

  /** The purchases consent's wording and version, for the question. */
  async function loadConsentWording() {
    try {
      const body = await getJson('/api/v1/consents');
      const purchases = (body.consents || []).find((c) => c.purpose === 'purchases');
      if (purchases) {
        $('cf-consent-wording').textContent = purchases.wording;
        wordingVersion = purchases.wording_version;
      }
    } catch (_) {
      wordingVersion = '';
    }
    $('confirm-consent').hidden = !wordingVersion;
  }

  /** Shows the confirm view for `params` (plan, device, back). */
  async function show(params) {
    const seq = T.nextView();
    T.showView('confirm-view');
    clearError();
    setStatus('');
    const planId = params.get('plan') || '';
    const productId = params.get('device') || '';
    choice = { planId, productId, back: params.get('back') || '#/' };
    $('confirm-back').setAttribute('href', choice.back.startsWith('#/') ? choice.back : '#/');
    const customer = await T.session();
    if (seq !== T.currentView()) return;
    if (!customer) {
      T.needLogin('Log in or create an account to buy. We will take you straight back here.', { hash: location.hash });
      return;
    }
    document.title = 'Confirm your purchase — Tandem';
    $('confirm-conditions').hidden = !planId;
    $('confirm-vehicle').hidden = !planId;
    $('confirm-holder').hidden = !planId;
    for (const field of document.querySelectorAll('#confirm-conditions [required], #confirm-vehicle [required]')) {
      field.disabled = !planId;
    }
    $('cf-notify-staff').checked = false;
    setState('loading');
    await Promise.all([describeChoice(planId, productId), loadConsentWording()]);
    if (seq !== T.currentView()) return;
    if (planId) {
      fillConditions(customer);
      fillHolder(customer);
    }
    setState('done');
  }

  /** The checkout request of the form. */
  function body() {
    const out = {};
    if (choice.planId) {
      const number = (name) => {
        const text = input(`conditions.${name}`).value.trim();
        return text === '' ? 0 : Number(text);
      };
      out.plan_id = choice.planId;
      out.conditions = {
        driver_age: number('driver_age'),
        vehicle_class: input('conditions.vehicle_class').value,
        vehicle_year: number('vehicle_year'),
        annual_mileage: number('annual_mileage'),
        postal_code: input('conditions.postal_code').value.trim(),
        options: [...document.querySelectorAll('#confirm-form input[name="conditions.options"]:checked')].map((b) => b.value),
      };
      out.vehicle = {
        make: input('vehicle.make').value.trim(),
        model: input('vehicle.model').value.trim(),
        plate: input('vehicle.plate').value.trim(),
        vin: input('vehicle.vin').value.trim(),
      };
      out.confirm_postal_code = $('cf-confirm-zip').checked;
    }
    if (choice.productId) out.product_id = choice.productId;
    if (wordingVersion) {
      out.notify_staff = $('cf-notify-staff').checked;
      out.consent_wording_version = wordingVersion;
    }
    return out;
  }

  async function submit(event) {
    event.preventDefault();
    if (!choice) return;
    clearError();
    const form = $('confirm-form');
    const button = $('confirm-button');
    button.disabled = true;
    setState('loading');
    setStatus(choice.productId ? 'Reserving your device and pricing…' : 'Pricing your policy…');
    try {
      const checkout = await api('POST', '/api/v1/checkouts', body());
      setStatus('');
      T.checkout.remember(checkout);
      T.navigate(`#/checkout/${encodeURIComponent(checkout.checkout_id)}`);
    } catch (err) {
      setStatus('');
      setState('error');
      if (err.status === 401) {
        T.needLogin('Your session has ended. Log in again to buy.', { hash: location.hash });
      } else if (err.status === 409 && choice.productId) {
        showError(`${await T.plans.outOfStockMessage(choice.productId, err.message)} Please choose another device.`);
        T.plans.refreshStock();
      } else {
        const errors = (err.problem && err.problem.errors) || [];
        const words = errors.length ? errors.map((e) => sentence(e.message)).join(' ') : sentence(err.message);
        showError(words, errors, form);
      }
    } finally {
      button.disabled = false;
    }
  }

  function init() {
    const form = $('confirm-form');
    if (!form) return;
    form.addEventListener('submit', submit);
    input('conditions.postal_code').addEventListener('input', () => updateZipNote(T.currentCustomer()));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  T.confirm = { show };
})();
