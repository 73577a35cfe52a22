// Tandem web UI, buy-back (seed 004): sell a used device to the Tandem Buy-back Center
// with the order number of a device bought here. Plain DOM code; everything from the API
// is inserted as text. Uses the helpers of common.js and the page's plumbing from app.js
// (window.Tandem: session, login, navigation).
//
// Views (inside the main page):
//   #/buyback[?order=TA-…]   apply: order number, your details, the device and its
//                            condition, with an instant estimate
//   #/buyback/app/ID         one application: state, benefit, total, the next step (where
//                            to send the device, where the money goes, why an offer
//                            changed), history
// A purchase the seller does not confirm keeps the form as typed, with the attempts left.
//   #/buyback/mine           your applications
//   #/buyback/desk           the buy-back center staff's desk (each staff member logs in):
//                            inspections
// The order confirmation shows the designated buy-back center (offer()).
'use strict';

(function () {
  const T = window.Tandem;
  const { $, formatMoney: money } = T;
  const PARTS = ['buyback-form', 'bb-application', 'bb-list', 'bb-desk'];
  const STATE_TEXT = {
    applied: 'applied, being verified',
    verified: 'verified — send your device',
    rejected: 'rejected',
    awaiting_item: 'awaiting your device',
    inspected: 'inspected, being paid',
    counteroffered: 'counteroffer — your answer, please',
    paid: 'paid',
    returned: 'declined, device returned',
    reported: 'completed and recorded by the seller',
  };
  /** States that change without the user: polled while shown. */
  const MOVING = ['applied', 'inspected', 'paid'];

  let models = null;
  let seq = 0;
  let estimateSeq = 0;
  let timer = null;
  /** Generated on first use: the attempts left under the form, the next steps of an
   *  application. */
  let attemptsNote = null;
  let nextBox = null;

  function describe(item) {
    const category = T.CATEGORY_LABELS[item && item.category];
    return item ? `${item.maker} ${item.model} (${category ? category.toLowerCase() : item.category})` : '—';
  }

  function showPart(part, tab) {
    for (const id of PARTS) $(id).hidden = id !== part;
    $('buyback').dataset.view = tab;
    for (const a of document.querySelectorAll('#buyback .tabs a')) {
      if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  /** The device list, from the price table (once). */
  async function loadModels() {
    if (models) return models;
    const table = await T.api('GET', '/api/v1/buyback/prices');
    const seen = new Map();
    for (const e of table.entries) {
      const key = [e.item.category, e.item.maker, e.item.model].join('|');
      if (!seen.has(key)) seen.set(key, e.item);
    }
    models = [...seen.entries()];
    const select = $('bb-device');
    select.replaceChildren(...models.map(([key, item]) => T.el('option', { value: key }, describe(item))));
    return models;
  }

  function item() {
    const [category, maker, model] = ($('bb-device').value || '||').split('|');
    return { category, maker, model };
  }

  function answers() {
    return {
      powers_on: $('bb-powers-on').checked,
      screen: $('bb-screen').value,
      damage: $('bb-damage').value,
      accessories_complete: $('bb-accessories').checked,
    };
  }

  async function estimate() {
    const mine = ++estimateSeq;
    const out = $('bb-estimate');
    try {
      const e = await T.api('POST', '/api/v1/buyback/estimates', { item: item(), answers: answers() });
      if (mine !== estimateSeq) return;
      out.textContent = `Instant estimate: grade ${e.grade}, ${money(e.price)} — plus the seller's benefit once your purchase is verified.`;
      out.dataset.grade = e.grade;
      out.dataset.minorUnits = e.price.minor_units;
    } catch (err) {
      if (mine === estimateSeq) out.textContent = T.sentence(err.message);
    }
  }

  async function showApply(params) {
    showPart('buyback-form', 'apply');
    document.title = 'Sell back your old device — Tandem';
    const order = params.get('order');
    if (order) $('bb-order').value = order;
    const customer = await T.session();
    if (customer && !$('bb-name').value) {
      $('bb-name').value = customer.name || '';
      $('bb-email').value = customer.email || '';
      $('bb-phone').value = customer.phone || '';
      $('bb-postal').value = (customer.address && customer.address.postal_code) || '';
    }
    try {
      await loadModels();
      await estimate();
      T.setState('done');
    } catch (err) {
      T.setState('error');
      T.showError(T.sentence(err.message));
    }
  }

  async function apply(event) {
    event.preventDefault();
    const form = $('buyback-form');
    T.clearError();
    const missing = T.missingFields(form);
    if (missing.length) {
      T.showError(`Please fill in: ${missing.join(', ')}.`, null, form);
      return;
    }
    if (!(await T.session())) {
      T.needLogin('Please log in to sell back a device.', { hash: location.hash });
      return;
    }
    const body = {
      order_number: $('bb-order').value.trim(),
      personal: {
        name: $('bb-name').value, email: $('bb-email').value,
        phone: $('bb-phone').value, postal_code: $('bb-postal').value,
      },
      item: item(),
      answers: answers(),
      request_id: T.requestId(),
    };
    $('bb-apply').disabled = true;
    T.setState('loading');
    T.setStatus('Checking your order with the seller…');
    try {
      const app = await T.api('POST', '/api/v1/buyback/applications', body);
      T.setStatus('');
      attempts(null);
      T.navigate(`#/buyback/app/${encodeURIComponent(app.application_id)}`);
    } catch (err) {
      T.setStatus('');
      T.setState('error');
      if (err.status === 401) {
        T.needLogin('Please log in to sell back a device.', { hash: location.hash });
      } else if (err.problem && err.problem.attempts_remaining !== undefined) {
        // Not confirmed by the seller (or locked): the form keeps what was typed.
        T.showError(T.sentence(err.message), null, form);
        attempts(err.problem);
        $('bb-order').focus();
      } else if (err.status === 429) {
        T.showError(`Too many attempts with this order number or from your account. ${T.sentence(err.message)}`, null, form);
      } else {
        T.showError(T.fieldMessage(err, form), err.problem && err.problem.errors, form);
      }
    } finally {
      $('bb-apply').disabled = false;
    }
  }

  /** Under the form: how many attempts are left before applying is locked (or until
   *  when it is locked); hidden for `null`. */
  function attempts(problem) {
    if (!attemptsNote) {
      attemptsNote = T.el('p', { id: 'bb-attempts', className: 'notice', role: 'status' });
      $('bb-apply').parentElement.before(attemptsNote);
    }
    const note = attemptsNote;
    note.hidden = !problem;
    if (!problem) return;
    const left = problem.attempts_remaining;
    note.dataset.remaining = String(left);
    note.textContent = problem.locked_until
      ? `Applying is locked until ${T.formatDateTime(problem.locked_until, true, true)}. Your details are kept below.`
      : `${left} attempt${left === 1 ? '' : 's'} left before applying is locked for 24 hours. Your details are kept below — check them against your order confirmation.`;
  }

  /** The lines of an address. */
  function addressLines(recipient, a) {
    return [recipient, a.line1, a.line2, `${a.city}, ${a.region} ${a.postal_code}`, a.country]
      .filter(Boolean).flatMap((line, i) => (i ? [T.el('br'), line] : [line]));
  }

  /** What to do next: where to send the device, where the money goes, and why an offer
   *  changed — generated here, below the application's status. */
  function nextSteps(app) {
    if (!nextBox) {
      nextBox = T.el('div', { id: 'bb-next', className: 'next-steps' });
      $('bb-app-reason').after(nextBox);
    }
    const box = nextBox;
    const parts = [];
    const change = app.grade_change;
    if (change) {
      parts.push(T.el('section', { id: 'bb-grade-change', className: 'notice', 'aria-labelledby': 'bb-change-title' },
        T.el('h3', { id: 'bb-change-title' }, app.state === 'counteroffered' ? 'Why we offer less' : 'What the inspection found'),
        T.el('dl', { className: 'facts' },
          T.el('dt', {}, 'You declared'), T.el('dd', { id: 'bb-change-declared' }, `Grade ${change.declared_grade}: ${change.declared_condition}`),
          T.el('dt', {}, 'We found'), T.el('dd', { id: 'bb-change-found' }, `Grade ${change.inspected_grade}`),
          T.el('dt', {}, "Inspector's note"), T.el('dd', { id: 'bb-change-note' }, change.inspector_note || '—'),
          T.el('dt', {}, 'Price'), T.el('dd', { id: 'bb-change-price', dataset: { difference: change.difference.minor_units } },
            `${money(change.offer)} instead of ${money(change.estimate)} (${money(change.difference)})`))));
    }
    const ship = app.shipping;
    if (ship) {
      parts.push(T.el('section', { id: 'bb-shipping', 'aria-labelledby': 'bb-ship-title' },
        T.el('h3', { id: 'bb-ship-title' }, 'Where to send your device'),
        T.el('p', {}, 'Prepaid label: ', T.el('strong', { id: 'bb-label' }, ship.label_reference)),
        T.el('address', { id: 'bb-ship-address' }, ...addressLines(ship.recipient, ship.address)),
        T.el('p', {}, ship.instructions)));
    }
    const payout = app.payout_destination;
    if (payout) {
      parts.push(T.el('section', { id: 'bb-payout', 'aria-labelledby': 'bb-payout-title' },
        T.el('h3', { id: 'bb-payout-title' }, 'Where the money goes'),
        T.el('p', {}, `${payout.account_holder}, account `, T.el('strong', { id: 'bb-payout-account' }, payout.account)),
        T.el('p', {}, payout.how_to_withdraw)));
    }
    box.replaceChildren(...parts);
    box.hidden = !parts.length;
  }

  /** Shows the seller's own record of this buy-back (the sales center shows the result). */
  async function salesRecord(app, mine) {
    try {
      const d = await T.api('GET', `/api/v1/buyback/orders/${encodeURIComponent(app.order_number)}`);
      if (mine !== seq) return;
      const r = (d.results || []).find((x) => x.application_id === app.application_id);
      if (!r) return;
      const node = $('bb-app-reported');
      node.textContent = `Recorded by the seller on ${T.formatDateTime(r.recorded_at, true)}: ` +
        `${describe(r.item)}, grade ${r.grade}, ${money(r.price)} + benefit ${money(r.benefit)}.`;
      node.dataset.recorded = 'true';
    } catch (_) { /* the record is extra information */ }
  }

  function render(app, mine) {
    const box = $('bb-application');
    box.dataset.state = app.state;
    box.dataset.applicationId = app.application_id;
    $('bb-app-id').textContent = app.application_id;
    $('bb-app-state').textContent = STATE_TEXT[app.state] || app.state;
    $('bb-app-order').textContent = app.order_number;
    $('bb-app-purchased').textContent = app.purchased ? `${app.purchased.name}` : '—';
    $('bb-app-item').textContent = `${describe(app.item)}, declared grade ${app.declared_grade}`;
    T.setMoney($('bb-app-estimate'), app.estimate);
    T.setMoney($('bb-app-offer'), app.offer);
    if (app.offer && app.inspected_grade) $('bb-app-offer').textContent += ` (grade ${app.inspected_grade})`;
    T.setMoney($('bb-app-benefit'), app.benefit);
    if (app.benefit_description) $('bb-app-benefit').textContent += ` — ${app.benefit_description}`;
    T.setMoney($('bb-app-total'), app.state === 'rejected' ? null : app.total);
    T.setMoney($('bb-app-paid'), app.total_paid);
    const reported = $('bb-app-reported');
    delete reported.dataset.recorded;
    reported.textContent = app.reported_at ? 'Recorded' : (app.state === 'paid' ? 'Sending the result to the seller…' : '—');
    const reason = $('bb-app-reason');
    reason.hidden = !app.reason;
    reason.textContent = app.reason || '';
    nextSteps(app);
    $('bb-ship').hidden = app.state !== 'verified';
    $('bb-accept').hidden = app.state !== 'counteroffered';
    $('bb-decline').hidden = app.state !== 'counteroffered';
    $('bb-history').replaceChildren(...app.history.map((h) => T.el('li', { dataset: { state: h.state } },
      `${T.formatDateTime(h.at)} — ${STATE_TEXT[h.state] || h.state}${h.note ? `: ${h.note}` : ''}`)));
    if (app.state === 'rejected') T.showError(T.sentence(app.reason));
    if (app.state === 'reported') salesRecord(app, mine);
  }

  async function showApplication(id) {
    const mine = ++seq;
    clearTimeout(timer);
    showPart('bb-application', 'mine');
    document.title = `Buy-back ${id} — Tandem`;
    T.setState('loading');
    try {
      const app = await T.api('GET', `/api/v1/buyback/applications/${encodeURIComponent(id)}`);
      if (mine !== seq) return;
      render(app, mine);
      T.setState('done');
      if (MOVING.includes(app.state)) {
        timer = setTimeout(() => { if (mine === seq) showApplication(id); }, 700);
      }
    } catch (err) {
      if (mine !== seq) return;
      T.setState('error');
      if (err.status === 401) T.needLogin('Please log in to see your buy-back.', { hash: location.hash });
      else T.showError(T.sentence(err.message));
    }
  }

  async function act(path, body) {
    const id = $('bb-application').dataset.applicationId;
    T.clearError();
    for (const b of ['bb-ship', 'bb-accept', 'bb-decline']) $(b).disabled = true;
    try {
      await T.api('POST', `/api/v1/buyback/applications/${encodeURIComponent(id)}/${path}`, body);
      await showApplication(id);
    } catch (err) {
      T.showError(T.sentence(err.message));
    } finally {
      for (const b of ['bb-ship', 'bb-accept', 'bb-decline']) $(b).disabled = false;
    }
  }

  async function showMine() {
    const mine = ++seq;
    showPart('bb-list', 'mine');
    document.title = 'Your buy-backs — Tandem';
    try {
      const list = await T.api('GET', '/api/v1/buyback/applications');
      if (mine !== seq) return;
      const items = list.applications.map((a) => T.el('li', { dataset: { applicationId: a.application_id, state: a.state } },
        T.el('a', { href: `#/buyback/app/${encodeURIComponent(a.application_id)}` }, a.application_id),
        describe(a.item), STATE_TEXT[a.state] || a.state));
      $('bb-applications').replaceChildren(...(items.length ? items : [T.el('li', {}, 'No applications yet.')]));
      T.setState('done');
    } catch (err) {
      if (err.status === 401) T.needLogin('Please log in to see your buy-backs.', { hash: location.hash });
      else T.showError(T.sentence(err.message));
    }
  }

  // ---- staff desk ---------------------------------------------------------------------

  /** A staff call: the desk's own session cookie goes with it (and, as every call, the
   *  CSRF token). */
  function staffApi(method, url, body) {
    return T.api(method, url, body);
  }

  /** Shows the login form, or who is signed in with the items awaiting inspection. */
  function deskSignedIn(staff) {
    $('desk-form').hidden = !!staff;
    $('desk-signed-in').hidden = !staff;
    if (staff) {
      $('desk-staff-name').textContent = staff.name;
      $('desk-staff-id').textContent = staff.staff_id;
    } else {
      $('desk-applications').replaceChildren();
      delete $('bb-desk').dataset.loaded;
    }
  }

  function deskItem(a) {
    const grade = T.el('select', { className: 'desk-grade', 'aria-label': `Grade found for ${a.application_id}` },
      ...['A', 'B', 'C', 'D'].map((g) => T.el('option', { value: g, selected: g === a.declared_grade }, `Grade ${g}`)));
    const note = T.el('input', { className: 'desk-note', type: 'text', placeholder: 'What you found', 'aria-label': 'Inspection note' });
    const button = T.el('button', { type: 'button', className: 'desk-inspect' }, 'Record inspection');
    button.addEventListener('click', async () => {
      T.clearError();
      button.disabled = true;
      try {
        const after = await staffApi('POST', `/api/v1/buyback/desk/applications/${encodeURIComponent(a.application_id)}/inspection`,
          { grade: grade.value, note: note.value });
        T.setStatus(`${a.application_id}: ${STATE_TEXT[after.state] || after.state}.`);
        await loadDesk();
      } catch (err) {
        T.showError(T.sentence(err.message));
        button.disabled = false;
      }
    });
    return T.el('li', { dataset: { applicationId: a.application_id } },
      T.el('strong', {}, a.application_id), describe(a.item), `declared ${a.declared_grade}, estimate ${money(a.estimate)}`,
      grade, note, button);
  }

  async function loadDesk() {
    const list = await staffApi('GET', '/api/v1/buyback/desk/applications?state=awaiting_item');
    const items = list.applications.map(deskItem);
    $('desk-applications').replaceChildren(...(items.length ? items : [T.el('li', { className: 'empty' }, 'Nothing awaits inspection.')]));
    $('bb-desk').dataset.loaded = 'true';
  }

  async function showDesk() {
    ++seq;
    showPart('bb-desk', 'desk');
    document.title = 'Buy-back staff desk — Tandem';
    T.setState('done');
    let me = null;
    try {
      me = await staffApi('GET', '/api/v1/buyback/desk/session');
    } catch (err) {
      if (err.status !== 401) T.showError(T.sentence(err.message));
    }
    deskSignedIn(me && me.staff);
    if (me) {
      try { await loadDesk(); } catch (err) { T.showError(T.sentence(err.message)); }
    }
  }

  async function deskLogin(event) {
    event.preventDefault();
    T.clearError();
    $('desk-load').disabled = true;
    try {
      const me = await staffApi('POST', '/api/v1/buyback/desk/session',
        { login: $('desk-login').value.trim(), password: $('desk-password').value });
      $('desk-password').value = '';
      deskSignedIn(me.staff);
      await loadDesk();
    } catch (err) {
      T.showError(T.sentence(err.message));
    } finally {
      $('desk-load').disabled = false;
    }
  }

  async function deskLogout() {
    T.clearError();
    await staffApi('DELETE', '/api/v1/buyback/desk/session').catch(() => null);
    deskSignedIn(null);
  }

  // ---- the order confirmation -----------------------------------------------------------

  /** On the order confirmation: the buy-back center the seller designates, if any. */
  async function offer(orderNumber) {
    const box = $('buyback-offer');
    box.hidden = true;
    if (!orderNumber) return;
    try {
      const d = await T.api('GET', `/api/v1/buyback/orders/${encodeURIComponent(orderNumber)}`);
      if (!d.targeted) return;
      const best = (d.benefits || []).reduce((m, b) => (!m || b.amount.minor_units > m.amount.minor_units ? b : m), null);
      box.replaceChildren(
        T.el('strong', {}, `Sell your old device to the ${d.center_name}`),
        best ? ` — and get up to ${money(best.amount)} extra from us on top of its price.` : '.',
        T.el('br'), d.how_to_apply, ' ',
        T.el('a', { id: 'buyback-apply-link', href: `#/buyback?order=${encodeURIComponent(d.order_number)}` }, 'Sell back your old device'));
      box.hidden = false;
    } catch (_) { /* the offer is extra information */ }
  }

  /** Shows the buy-back view the hash names. */
  function show(hash) {
    clearTimeout(timer);
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    let m;
    if ((m = path.match(/^#\/buyback\/app\/([^/?#]+)$/))) showApplication(decodeURIComponent(m[1]));
    else if (path === '#/buyback/mine') showMine();
    else if (path === '#/buyback/desk') showDesk();
    else showApply(params);
  }

  function init() {
    $('buyback-form').addEventListener('submit', apply);
    for (const id of ['bb-device', 'bb-screen', 'bb-damage', 'bb-powers-on', 'bb-accessories']) {
      $(id).addEventListener('change', estimate);
    }
    $('bb-ship').addEventListener('click', () => act('shipment', {}));
    $('bb-accept').addEventListener('click', () => act('counteroffer', { accept: true }));
    $('bb-decline').addEventListener('click', () => act('counteroffer', { accept: false }));
    $('desk-form').addEventListener('submit', deskLogin);
    $('desk-logout').addEventListener('click', deskLogout);
  }

  T.buyback = { show, offer };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
