// Tandem sales desk (seed 001): log in (FIG. 12A) → menu (FIG. 12B) → product information
// with Detail / Options / Consumables / Contact sales staff / Purchase (FIG. 6, 14B) →
// the contact form (FIG. 7); the registration update form (FIG. 14A) → the
// notice-confirmation page asking whether the change may go to the salesperson
// (FIG. 15); the customer's consents, given or withdrawn with one click.
// Plain DOM code; everything from the API is inserted as text, never as HTML.
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, el, api, formatMoney: money, formatLocal, fieldLabel, requestId, setState, setStatus, clearError,
  } = T;
  const VIEWS = ['login-view', 'menu-view', 'products-view', 'product-view', 'contact-view',
    'registration-view', 'confirm-view', 'consents-view'];
  const ACTIONS = { send_information: 'send information', visit: 'visit', phone_call: 'call' };
  const KINDS = [['option', 'Options'], ['consumable', 'Consumables'], ['attachment', 'Attachments']];
  let customer = null;
  let products = null;
  let registration = null;
  let pendingUpdate = null;

  /** Shows `message`, or the problem's field errors, each named by its label ("E-mail:
   *  …."), marking those fields of `form`. */
  function showError(message, form, errors) {
    const parts = [];
    for (const { field, message: why } of errors || []) {
      const input = form && form.querySelector(`[name="${CSS.escape(field)}"]`);
      if (why) parts.push(`${(input && fieldLabel(input)) || field}: ${why}.`);
    }
    T.showError(parts.length ? parts.join(' ') : message, form ? errors : null, form);
  }

  function show(view, state) {
    for (const v of VIEWS) $(v).hidden = v !== view;
    document.body.dataset.view = view.replace(/-view$/, '');
    setState(state || 'done');
  }

  function failed(err, form) {
    setStatus('');
    setState('error');
    if (err.status === 401) {
      customer = null;
      route();
      showError('Please log in first.');
      return;
    }
    showError(err.message, form, err.problem && err.problem.errors);
  }

  // ---- session ------------------------------------------------------------------------

  function setCustomer(c) {
    customer = c;
    $('account-in').hidden = !c;
    $('customer-name').textContent = c ? c.name : '';
  }

  async function loadSession() {
    try {
      const body = await api('GET', '/api/v1/session');
      setCustomer(body.customer);
    } catch (_) {
      setCustomer(null);
    }
  }

  // ---- products -----------------------------------------------------------------------

  async function loadProducts() {
    if (!products) products = (await api('GET', '/api/v1/products')).products;
    return products;
  }

  function purchaseButton(p) {
    // Devices are bought online with an insurance plan; larger items through the staff.
    return p.product_id
      ? el('a', { className: 'button purchase', href: `/devices/${encodeURIComponent(p.product_id)}`, 'aria-label': `Purchase ${p.name}` }, 'Purchase')
      : el('a', { className: 'button purchase', href: `#/contact/${encodeURIComponent(p.model_number)}/purchase`,
        'aria-label': `Purchase ${p.name} through your sales representative` }, 'Purchase');
  }

  function productCard(p) {
    const href = (suffix) => `#/products/${encodeURIComponent(p.model_number)}${suffix}`;
    return el('li', { className: 'product card', dataset: { model: p.model_number, line: p.product_line } },
      el('h2', { className: 'product-name' }, p.name),
      el('p', { className: 'line' }, `${p.maker} · model ${p.model_number} · ${p.product_line.replace(/_/g, ' ')}`),
      el('p', {}, p.description),
      p.list_price ? el('p', { className: 'price' }, money(p.list_price)) : null,
      el('p', { className: 'buttons' },
        el('a', { className: 'button secondary detail', href: href('') }, 'Detail'),
        el('a', { className: 'button secondary options', href: href('/options') }, 'Options'),
        el('a', { className: 'button secondary consumables', href: href('/consumables') }, 'Consumables'),
        el('a', { className: 'button contact', href: `#/contact/${encodeURIComponent(p.model_number)}` }, 'Contact sales staff'),
        purchaseButton(p)));
  }

  async function showProducts() {
    show('products-view', 'loading');
    setStatus('Loading products…');
    try {
      const list = await loadProducts();
      $('products').replaceChildren(...list.map(productCard));
      setStatus(`${list.length} products.`);
      show('products-view');
    } catch (err) { failed(err); }
  }

  async function showProduct(model, only) {
    show('product-view', 'loading');
    setStatus('Loading the product…');
    try {
      // Fetched on its own: this is the request the seed's interest notice follows.
      const p = await api('GET', `/api/v1/products/${encodeURIComponent(model)}`);
      document.title = `${p.name} — Tandem sales desk`;
      const groups = KINDS.filter(([kind]) => !only || kind === only).map(([kind, label]) => {
        const items = p.related.filter((r) => r.kind === kind);
        return el('section', { className: `related ${kind}`, id: `related-${kind}` },
          el('h3', {}, label),
          items.length
            ? el('ul', {}, items.map((r) => el('li', { dataset: { model: r.model_number } },
              r.name, r.model_number ? ` (${r.model_number})` : '', r.note ? ` — ${r.note}` : '')))
            : el('p', { className: 'hint' }, 'None listed.'));
      });
      $('product-detail').replaceChildren(el('article', { className: 'product card', id: 'product', dataset: { model: p.model_number } },
        el('h1', { className: 'product-name' }, p.name),
        el('p', { className: 'line' }, `${p.maker} · model ${p.model_number} · catalogue ${p.info_number || '—'}`),
        el('p', {}, p.description),
        p.special_note ? el('p', { className: 'notice' }, p.special_note) : null,
        p.list_price ? el('p', { className: 'price' }, money(p.list_price)) : null,
        groups,
        el('p', { className: 'buttons' },
          el('a', { className: 'button contact', href: `#/contact/${encodeURIComponent(p.model_number)}` }, 'Contact sales staff'),
          purchaseButton(p))));
      setStatus('');
      show('product-view');
      if (only) $(`related-${only}`).scrollIntoView({ block: 'nearest' });
    } catch (err) { failed(err); }
  }

  // ---- contact form (FIG. 7) ------------------------------------------------------------

  async function showContact(model, purchase) {
    show('contact-view', 'loading');
    try {
      const list = await loadProducts();
      const p = list.find((x) => x.model_number === model);
      if (!p) throw new Error('This product is not in the product information.');
      const form = $('contact-form');
      form.reset();
      form.hidden = false;
      $('contact-done').hidden = true;
      form.dataset.idempotencyKey = requestId('contact');
      $('contact-product').textContent = p.name;
      $('contact-model').value = p.model_number;
      $('contact-name').value = customer.name;
      $('contact-phone').value = customer.phone;
      $('contact-email').value = customer.email;
      if (purchase) {
        $('contact-comment').value = `I would like to buy the ${p.name}.`;
        form.querySelector('input[value="visit"]').checked = true;
      }
      countComment();
      setStatus('');
      show('contact-view');
    } catch (err) { failed(err); }
  }

  /** Shows how long the comment is against the limit the server applies. */
  function countComment() {
    const comment = $('contact-comment');
    const max = Number(comment.dataset.maxChars);
    const n = [...comment.value].length; // characters, as the server counts them
    const fmt = (x) => x.toLocaleString('en-US');
    $('contact-comment-count').textContent = `${fmt(n)} of ${fmt(max)} characters`
      + (n > max ? ` (${fmt(n - max)} too many)` : '');
    $('contact-comment-count').classList.toggle('over', n > max);
  }

  function initContact() {
    const form = $('contact-form');
    form.addEventListener('reset', () => setTimeout(() => {
      $('contact-name').value = customer ? customer.name : '';
      $('contact-phone').value = customer ? customer.phone : '';
      $('contact-email').value = customer ? customer.email : '';
      countComment();
    }));
    $('contact-comment').addEventListener('input', countComment);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      const actions = [...form.querySelectorAll('input[name="actions"]:checked')].map((c) => c.value);
      if (!actions.length) {
        showError('Please tick what you would like: information, a visit or a call.', form, [{ field: 'actions' }]);
        return;
      }
      $('contact-send').disabled = true;
      setStatus('Sending…');
      setState('loading');
      try {
        const receipt = await api('POST', '/api/v1/contact-requests', {
          model_number: $('contact-model').value,
          phone: $('contact-phone').value.trim(),
          email: $('contact-email').value.trim(),
          comment: $('contact-comment').value,
          actions,
          idempotency_key: form.dataset.idempotencyKey,
        });
        form.hidden = true;
        $('contact-done').hidden = false;
        $('contact-done').dataset.leadId = receipt.lead_id;
        const who = receipt.staff_name || 'our sales desk';
        $('contact-done-text').textContent = `${who} will get in touch about the ${receipt.product_name} `
          + `(${receipt.actions.map((a) => ACTIONS[a] || a).join(', ')}). Reference ${receipt.lead_id}.`;
        setStatus('Sent.');
        setState('done');
      } catch (err) {
        failed(err, form);
      } finally {
        $('contact-send').disabled = false;
      }
    });
  }

  // ---- registration update (FIG. 14A) and confirmation (FIG. 15) ------------------------

  const REG_FIELDS = [
    ['name', 'reg-name', 'Name'], ['phone', 'reg-phone', 'Phone'], ['email', 'reg-email', 'E-mail'],
    ['office', 'reg-office', 'Office'], ['section', 'reg-section', 'Section'], ['office_phone', 'reg-office-phone', 'Office phone'],
  ];
  const ADDRESS_FIELDS = [['line1', 'reg-line1'], ['line2', 'reg-line2'], ['city', 'reg-city'], ['region', 'reg-region'], ['postal_code', 'reg-postal']];

  function fillRegistration(r) {
    for (const [key, id] of REG_FIELDS) $(id).value = r[key] || '';
    for (const [key, id] of ADDRESS_FIELDS) $(id).value = (r.address && r.address[key]) || '';
    $('possessed').replaceChildren(...(r.possessed_products.length
      ? r.possessed_products.map((p) => el('li', { dataset: { model: p.model_number } }, `${p.name} (model ${p.model_number}), order ${p.order_number}`))
      : [el('li', { className: 'hint' }, 'None yet: products you buy here appear on this list.')]));
  }

  async function showRegistration() {
    show('registration-view', 'loading');
    setStatus('Loading your details…');
    try {
      registration = await api('GET', '/api/v1/registration');
      fillRegistration(registration);
      setStatus('');
      show('registration-view');
    } catch (err) { failed(err); }
  }

  function initRegistration() {
    const form = $('registration-form');
    form.addEventListener('reset', (event) => {
      event.preventDefault();
      if (registration) fillRegistration(registration);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearError();
      if (!registration) return;
      const update = {};
      const changes = [];
      for (const [key, id, label] of REG_FIELDS) {
        const value = $(id).value.trim();
        if (value !== (registration[key] || '')) {
          update[key] = value;
          changes.push(`${label}: ${registration[key] || '(none)'} → ${value || '(none)'}`);
        }
      }
      const address = {};
      let addressChanged = false;
      for (const [key, id] of ADDRESS_FIELDS) {
        address[key] = $(id).value.trim();
        if (address[key] !== (registration.address[key] || '')) addressChanged = true;
      }
      if (addressChanged) {
        update.address = { ...address, region: address.region.toUpperCase(), country: 'US' };
        changes.push(`Address: ${[address.line1, address.line2, address.city, address.region, address.postal_code].filter(Boolean).join(', ')}`);
      }
      if (!changes.length) {
        showError('Nothing has changed.');
        return;
      }
      pendingUpdate = update;
      $('confirm-changes').replaceChildren(...changes.map((c) => el('li', {}, c)));
      $('confirm-wording').textContent = registration.consent.wording;
      $('confirm-forward').checked = false;
      $('confirm-form').hidden = false;
      $('confirm-done').hidden = true;
      $('confirm-form').dataset.idempotencyKey = requestId('reg');
      location.hash = '#/registration/confirm';
    });
    $('confirm-cancel').addEventListener('click', () => { location.hash = '#/registration'; });
    $('confirm-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      if (!pendingUpdate) return;
      $('confirm-send').disabled = true;
      setStatus('Saving…');
      setState('loading');
      try {
        const done = await api('PUT', '/api/v1/registration', {
          ...pendingUpdate,
          forward_to_staff: $('confirm-forward').checked,
          consent_wording_version: registration.consent.wording_version,
          idempotency_key: $('confirm-form').dataset.idempotencyKey,
        });
        registration = done.registration;
        pendingUpdate = null;
        setCustomer({ ...customer, name: done.registration.name, phone: done.registration.phone, email: done.registration.email });
        $('confirm-form').hidden = true;
        $('confirm-done').hidden = false;
        $('confirm-done').dataset.forwarded = String(done.forwarded);
        $('confirm-done-text').textContent = done.forwarded
          ? `Saved, and sent to ${done.staff_name || 'our sales desk'} as you agreed.`
          : 'Saved. Your sales representative was not told.';
        setStatus('Saved.');
        setState('done');
      } catch (err) {
        if (err.status === 400 || err.status === 409) {
          // Back to the form with what was typed (no reload), to correct it.
          history.pushState(null, '', '#/registration');
          show('registration-view');
        }
        failed(err, $('registration-form'));
      } finally {
        $('confirm-send').disabled = false;
      }
    });
  }

  function showConfirm() {
    if (!pendingUpdate && $('confirm-done').hidden) {
      location.hash = '#/registration';
      return;
    }
    show('confirm-view');
  }

  // ---- consents ------------------------------------------------------------------------

  async function showConsents() {
    show('consents-view', 'loading');
    try {
      const body = await api('GET', '/api/v1/consents');
      $('consents').replaceChildren(...body.consents.map((c) => el('li', { className: 'card consent-item', dataset: { purpose: c.purpose, granted: String(c.granted) } },
        el('p', {}, c.wording),
        el('p', {}, el('span', { className: 'badge' }, c.granted ? 'Given' : 'Not given'),
          c.recorded_at ? ` since ${formatLocal(c.recorded_at)}` : ''),
        el('button', {
          type: 'button',
          className: c.granted ? 'secondary withdraw' : 'give',
          onclick: () => setConsent(c, !c.granted),
        }, c.granted ? 'Withdraw' : 'Give consent'))));
      $('consent-history').replaceChildren(...body.history.map((h) => el('li', {},
        `${formatLocal(h.recorded_at)}: ${h.granted ? 'given' : 'not given'} — ${h.purpose.replace(/_/g, ' ')} (${h.source.replace(/_/g, ' ')}, wording ${h.wording_version})`)));
      show('consents-view');
    } catch (err) { failed(err); }
  }

  async function setConsent(c, granted) {
    clearError();
    try {
      const changed = await api('PUT', `/api/v1/consents/${encodeURIComponent(c.purpose)}`, { granted, wording_version: c.wording_version });
      setStatus(granted ? 'Consent given.' : `Consent withdrawn${changed.cancelled_messages ? `; ${changed.cancelled_messages} e-mail(s) not sent` : ''}.`);
      await showConsents();
    } catch (err) { failed(err); }
  }

  // ---- routing -------------------------------------------------------------------------

  function route() {
    clearError();
    const hash = decodeURIComponent(location.hash || '#/');
    document.title = 'Sales desk — Tandem';
    if (!customer) {
      show('login-view');
      $('login').focus();
      return;
    }
    let m;
    if (hash === '#/products') showProducts();
    else if ((m = hash.match(/^#\/products\/(.+?)(?:\/(options|consumables))?$/))) showProduct(m[1], m[2] && m[2].replace(/s$/, ''));
    else if ((m = hash.match(/^#\/contact\/(.+?)(\/purchase)?$/))) showContact(m[1], Boolean(m[2]));
    else if (hash === '#/registration') showRegistration();
    else if (hash === '#/registration/confirm') showConfirm();
    else if (hash === '#/consents') showConsents();
    else { setStatus(''); show('menu-view'); }
  }

  function initLogin() {
    $('login-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      $('login-button').disabled = true;
      try {
        const body = await api('POST', '/api/v1/session', {
          login: $('login').value.trim(),
          password: $('login-password').value,
        });
        $('login-password').value = '';
        setCustomer(body.customer);
        route();
      } catch (err) {
        showError(err.status === 401 ? 'Wrong e-mail or password.' : err.message);
        setState('error');
      } finally {
        $('login-button').disabled = false;
      }
    });
    $('logout').addEventListener('click', async () => {
      await api('DELETE', '/api/v1/session').catch(() => null);
      setCustomer(null);
      location.hash = '#/';
      route();
    });
  }

  async function init() {
    initLogin();
    initContact();
    initRegistration();
    await loadSession();
    window.addEventListener('hashchange', route);
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
