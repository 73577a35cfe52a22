// Tandem web UI, the customer's account (#/account): every purchase with its order,
// policy and installation appointment — cancel the order before it ships, the policy in
// its 14-day cooling-off period (each refunded to the card), move or cancel the
// appointment — the buy-back applications, and the e-mails sent; and a policy's printable
// schedule (#/account/policy/CHECKOUT-ID). Uses common.js and installers.js; the views,
// session and routing are app.js's.
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, el, formatMoney, formatDate, formatDateTime, sentence, setState, setStatus, showError, clearError,
    api, getJson,
  } = T;

  const REFUND_WORDS = {
    pending: 'refund under way',
    refunded: 'refunded to your card',
    failed: 'the card processor refused the refund: our staff will return the money',
  };

  /** "Cancelled on Dec 3, 2026 — $12.00 refunded to your card". */
  function cancellationText(cancellation) {
    return `Cancelled on ${formatDateTime(cancellation.cancelled_at, true)} — ` +
      `${formatMoney(cancellation.refund)} ${REFUND_WORDS[cancellation.refund_state] || cancellation.refund_state}`;
  }

  /** A button that asks once more before `action` runs: the first click shows the question. */
  function confirmButton(label, question, action, className) {
    const yes = el('button', { type: 'button', className: `danger ${className}-yes` }, question);
    const no = el('button', { type: 'button', className: 'secondary' }, 'No, keep it');
    const ask = el('span', { className: 'confirm-ask', hidden: true }, yes, ' ', no);
    const first = el('button', { type: 'button', className: `secondary ${className}` }, label);
    first.addEventListener('click', () => { first.hidden = true; ask.hidden = false; yes.focus(); });
    no.addEventListener('click', () => { first.hidden = false; ask.hidden = true; first.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await action();
      } finally {
        yes.disabled = false;
        no.disabled = false;
      }
    });
    return el('span', { className: 'confirm-action' }, first, ask);
  }

  /** Runs a change of a purchase and shows the account again (or why it failed). */
  async function change(what, request) {
    clearError();
    setState('loading');
    setStatus(`${what}…`);
    try {
      await request();
      setStatus(`${what}: done.`);
      await show(true);
    } catch (err) {
      setStatus('');
      setState('error');
      if (err.status === 401) T.needLogin('Your session has ended. Log in again.', { hash: location.hash });
      else showError(sentence(err.message));
    }
  }

  function post(checkoutId, path, method) {
    return api(method || 'POST', `/api/v1/checkouts/${encodeURIComponent(checkoutId)}/${path}`);
  }

  function renderOrder(c) {
    if (!c.device) return null;
    const cancelled = c.order_cancellation;
    return el('div', { className: 'purchase-part purchase-order', dataset: { orderNumber: c.order_number || '' } },
      el('h4', {}, c.device.name),
      el('p', {}, `Order ${c.order_number} · ${formatMoney(c.device_due)}`),
      cancelled
        ? el('p', { className: 'part-cancelled' }, cancellationText(cancelled))
        : confirmButton('Cancel the order', `Yes, cancel it and refund ${formatMoney(c.device_due)}`,
          () => change('Cancelling your order', () => post(c.checkout_id, 'order/cancellation')), 'cancel-order'),
      cancelled ? null : renderAppointment(c));
  }

  function renderAppointment(c) {
    if (!c.device.needs_installation) return el('p', { className: 'hint' }, 'Ships to your address.');
    const b = c.booking;
    if (!b) {
      return el('p', { className: 'appointment none' }, 'No installation booked. ',
        el('button', { type: 'button', className: 'book-installation', onclick: () => reschedule(c) }, 'Choose a time'));
    }
    return el('div', { className: 'appointment', dataset: { bookingId: b.booking_id } },
      el('p', {}, 'Installation: ',
        el('strong', { className: 'appointment-time' }, T.checkout.appointmentTime(b)),
        ` at ${b.installer_name}`,
        b.installer_address ? `, ${b.installer_address}` : '',
        b.installer_phone ? ` (${b.installer_phone})` : ''),
      el('button', { type: 'button', className: 'secondary change-installation', onclick: () => reschedule(c) }, 'Change the time'),
      ' ',
      confirmButton('Cancel the appointment', 'Yes, cancel the appointment',
        () => change('Cancelling your appointment', () => post(c.checkout_id, 'installation', 'DELETE')), 'cancel-installation'));
  }

  function renderPolicy(c) {
    if (!c.plan || !c.policy) return null;
    const cancelled = c.policy.cancellation;
    return el('div', { className: 'purchase-part purchase-policy', dataset: { policyNumber: c.policy.policy_number } },
      el('h4', {}, c.plan.name),
      el('p', {}, `Policy ${c.policy.policy_number} · cover ${formatDate(c.policy.start_date)} to ` +
        `${formatDate(c.policy.end_date)} · ${formatMoney(c.premium_due)}`),
      el('a', { className: 'schedule-link', href: `#/account/policy/${encodeURIComponent(c.checkout_id)}` }, 'Policy schedule'),
      ' ',
      cancelled
        ? el('p', { className: 'part-cancelled' }, cancellationText(cancelled))
        : confirmButton('Cancel the policy', 'Yes, cancel it (14-day cooling-off) and refund',
          () => change('Cancelling your policy', () => post(c.checkout_id, 'policy/cancellation')), 'cancel-policy'));
  }

  function renderPurchase(c) {
    const title = c.plan && c.device ? 'Plan and device' : c.plan ? 'Insurance plan' : 'Device';
    const ended = c.state !== 'completed';
    return el('li', { className: 'purchase card', dataset: { checkoutId: c.checkout_id, state: c.state } },
      el('h3', {}, title, ' ', el('span', { className: 'purchase-date' }, formatDateTime(c.created_at, true))),
      ended
        ? el('p', { className: 'purchase-ended' },
          c.state === 'priced' ? 'Not paid yet. ' : `${c.state.replace(/_/g, ' ')}. `,
          c.state === 'priced' ? el('a', { href: `#/checkout/${encodeURIComponent(c.checkout_id)}` }, 'Go to checkout') : null)
        : null,
      ended ? null : renderPolicy(c),
      ended ? null : renderOrder(c),
      el('p', { className: 'purchase-total' }, `Paid ${formatMoney(c.total)}`));
  }

  /** Lists installers for a purchase's device; a chosen slot books or moves the appointment. */
  async function reschedule(c) {
    clearError();
    const box = $('reschedule');
    box.hidden = false;
    $('reschedule-title').textContent = c.booking ? 'Choose a new installation time' : 'Choose an installation time';
    try {
      const found = await T.installers.pickInto($('reschedule-installers'), c.checkout_id, (slot) =>
        change(c.booking ? 'Moving your appointment' : 'Booking your appointment',
          () => api('POST', `/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}/installation`, { slot_id: slot.slot_id })),
      'Book');
      if (!found) $('reschedule-title').textContent = 'No installer near you fits this device yet.';
      box.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      showError(sentence(err.message));
    }
  }

  function renderBuybacks(list) {
    $('account-buybacks').replaceChildren(...(list.length ? list.map((a) =>
      el('li', { dataset: { applicationId: a.application_id, state: a.state } },
        el('a', { href: `#/buyback/app/${encodeURIComponent(a.application_id)}` }, a.application_id),
        ` · ${a.item ? `${a.item.maker} ${a.item.model}` : ''} · ${a.state.replace(/_/g, ' ')} · ${formatMoney(a.total)}`))
      : [el('li', { className: 'hint' }, 'None yet. ', el('a', { href: '#/buyback' }, 'Sell back a device'))]));
  }

  function renderMail(list) {
    $('account-mail').replaceChildren(...(list.length ? list.map((m) =>
      el('li', { className: 'mail', dataset: { kind: m.kind, status: m.status } },
        el('strong', {}, m.subject), ' ',
        el('span', { className: 'hint' }, `${formatDateTime(m.sent_at || m.queued_at, true)} · ${m.status}`)))
      : [el('li', { className: 'hint' }, 'No e-mails yet.')]));
  }

  /** Shows the account (again, after a change, when `keepStatus`). */
  async function show(keepStatus) {
    const seq = T.nextView();
    T.showView('account-view');
    if (!keepStatus) { clearError(); setStatus(''); }
    $('reschedule').hidden = true;
    document.title = 'My account — Tandem';
    const customer = await T.session();
    if (seq !== T.currentView()) return;
    if (!customer) {
      T.needLogin('Log in to see your account.', { hash: '#/account' });
      return;
    }
    setState('loading');
    const [purchases, buybacks, mail] = await Promise.allSettled([
      getJson('/api/v1/account/purchases'),
      getJson('/api/v1/buyback/applications'),
      getJson('/api/v1/account/mail'),
    ]);
    if (seq !== T.currentView()) return;
    const list = purchases.status === 'fulfilled' ? purchases.value.purchases : [];
    $('purchases').replaceChildren(...(list.length ? list.map(renderPurchase)
      : [el('li', { className: 'hint' }, purchases.status === 'fulfilled'
        ? 'Nothing bought yet.' : 'Your purchases cannot be shown right now.')]));
    if (buybacks.status === 'fulfilled') renderBuybacks(buybacks.value.applications || []);
    else $('account-buybacks').replaceChildren(el('li', { className: 'hint' }, 'Buy-back applications cannot be shown right now.'));
    if (mail.status === 'fulfilled') renderMail(mail.value.mail || []);
    else $('account-mail').replaceChildren(el('li', { className: 'hint' }, 'E-mails cannot be shown right now.'));
    setState('done');
  }

  /** The printable schedule of the policy of checkout `checkoutId`. */
  async function showPolicy(checkoutId) {
    const seq = T.nextView();
    T.showView('policy-view');
    clearError();
    document.title = 'Policy schedule — Tandem';
    setState('loading');
    try {
      const s = await getJson(`/api/v1/checkouts/${encodeURIComponent(checkoutId)}/policy`);
      if (seq !== T.currentView()) return;
      const h = s.policyholder;
      const v = s.vehicle;
      const facts = [
        ['Policy number', s.policy_number],
        ['Plan', s.plan_name],
        ['Policyholder', h.name],
        ['Date of birth', formatDate(h.date_of_birth)],
        ['Address', T.installers.formatAddress(h.address)],
        ['Vehicle', [`${v.year} ${v.make} ${v.model}`, v.plate && `plate ${v.plate}`, v.vin && `VIN ${v.vin}`].filter(Boolean).join(' · ')],
        ['Cover', `${formatDate(s.start_date)} to ${formatDate(s.end_date)}`],
        ['Annual premium', formatMoney(s.premium)],
        ['Premium charged', formatMoney(s.premium_due) + (s.discount ? ` (${s.discount})` : '')],
        ['Cooling-off period ends', formatDate(s.cooling_off_ends)],
        ['Status', s.cancelled ? `Cancelled on ${formatDateTime(s.cancelled_at, true)}` : 'In force'],
      ];
      const k = s.conditions;
      const rated = [
        ['Driver age', String(k.driver_age)],
        ['Type of car', k.vehicle_class],
        ['Model year', String(k.vehicle_year)],
        ['Miles per year', Number(k.annual_mileage).toLocaleString('en-US')],
        ['Parked at ZIP', k.postal_code],
        ['Extra cover', (k.options || []).map((o) => o.replace(/_/g, ' ')).join(', ') || 'none'],
      ];
      const rows = (pairs) => pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]);
      $('schedule-facts').replaceChildren(...rows(facts));
      $('schedule-conditions').replaceChildren(...rows(rated));
      $('schedule-coverages').replaceChildren(...(s.coverages || []).map((c) => el('li', {}, c)));
      setState('done');
    } catch (err) {
      if (seq !== T.currentView()) return;
      setState('error');
      if (err.status === 401) T.needLogin('Log in to see your policy.', { hash: location.hash });
      else showError(sentence(err.message));
    }
  }

  function init() {
    const close = $('reschedule-close');
    if (!close) return;
    close.addEventListener('click', () => { $('reschedule').hidden = true; });
    $('print-schedule').addEventListener('click', () => window.print());
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  T.account = { show, showPolicy };
})();
