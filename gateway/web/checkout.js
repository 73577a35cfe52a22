// Tandem web UI, checkout: buying a plan, a device, or both — after the confirm step
// (confirm.js), the price with the discount line → the installer slot (optional) and card
// payment; a declined card keeps the checkout for another card → confirmation, or the
// order cancelled / refunded. Uses common.js; the views, session and routing are app.js's.
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, el, formatMoney, setMoney, formatDate, formatDateTime, sentence, fieldMessage, missingFields,
    setState, setStatus, showError, clearError, api, getJson,
  } = T;

  /** Checkouts already fetched, by ID (so a view change does not fetch them again). */
  const checkouts = new Map();
  /** The installer slot chosen on the pay step, by checkout ID. */
  const chosenSlots = new Map();

  // ---- checkout ----------------------------------------------------------------------

  /** Goes to the confirm step of buying `planId`, `productId` or both (either may be
   *  null), after logging in if need be. */
  async function buy(planId, productId) {
    clearError();
    const customer = await T.session();
    const back = location.hash && !location.hash.startsWith('#/buy') ? location.hash : '#/';
    const then = { buy: { planId, productId, back } };
    if (!customer) {
      const what = planId && productId ? 'this bundle' : planId ? 'this plan' : 'this device';
      T.needLogin(`Log in or create an account to buy ${what}. We will take you straight to checkout.`, then);
      return;
    }
    const params = new URLSearchParams();
    if (planId) params.set('plan', planId);
    if (productId) params.set('device', productId);
    params.set('back', back);
    // A device's own page (/devices/ID) has no checkout: buy on the main page.
    if (location.pathname !== '/') location.assign(`/#/buy?${params}`);
    else T.navigate(`#/buy?${params}`);
  }

  /** The step of the journey a checkout is at. */
  function checkoutStep(c) {
    switch (c.state) {
      case 'priced': return 'pay';
      case 'creating': case 'paying': case 'paid': case 'refunding': return 'processing';
      case 'completed':
        return c.device && c.device.needs_installation && !c.booking && !c.order_cancellation ? 'install' : 'done';
      default: return 'ended'; // cancelled, refunded, refund_failed
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

  /** "35, sedan, 2021, 12,000 mi/yr, ZIP 94103, glass" as definition rows. */
  function renderConditions(c) {
    const box = $('checkout-rated');
    box.hidden = !c.conditions;
    if (!c.conditions) return;
    const k = c.conditions;
    const v = c.vehicle;
    const rows = [
      ['Driver age', String(k.driver_age)],
      ['Car', v ? `${k.vehicle_year} ${v.make} ${v.model} (${k.vehicle_class})` : `${k.vehicle_year} ${k.vehicle_class}`],
      ['Miles per year', Number(k.annual_mileage).toLocaleString('en-US')],
      ['Parked at ZIP', k.postal_code],
      ['Extra cover', (k.options || []).map((o) => o.replace(/_/g, ' ')).join(', ') || 'none'],
    ];
    $('checkout-conditions').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  }

  function renderSummary(c) {
    $('plan-line').hidden = !c.plan;
    $('device-line').hidden = !c.device;
    $('summary-title').textContent = c.plan && c.device ? 'Your bundle' : 'Your purchase';
    $('checkout-plan').textContent = (c.plan && c.plan.name) || '';
    $('checkout-device').textContent = (c.device && c.device.name) || '';
    $('checkout-installation').textContent = c.device && c.device.needs_installation
      ? 'Fitted by a professional installer near you' : 'Ships to your address, fit it yourself';
    setMoney($('premium'), c.premium);
    setMoney($('device-price'), c.device_price);
    const discount = c.discount;
    $('discount-line').hidden = !discount;
    $('no-discount').hidden = Boolean(discount) || !(c.plan && c.device);
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
    $('premium-due').closest('tr').hidden = !(c.plan && c.device);
    renderConditions(c);
    $('checkout-order-number').textContent = c.order_number || '—';
    const held = c.state === 'priced' && c.reserved_until;
    $('reserved-until').textContent = held ? formatDateTime(c.reserved_until) : '—';
    $('reserved-until').previousElementSibling.hidden = !held;
    $('reserved-until').hidden = !held;
  }

  /** "Tue, Dec 8, 9:00 AM PST (America/Los_Angeles)": the appointment in the workshop's zone. */
  function appointmentTime(booking) {
    const zone = booking.time_zone || undefined;
    try {
      const when = new Intl.DateTimeFormat('en-US', {
        weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
        timeZone: zone, timeZoneName: 'short',
      }).format(new Date(booking.starts_at));
      return zone ? `${when} (${zone})` : when;
    } catch (_) {
      return formatDateTime(booking.starts_at, true, true);
    }
  }

  function renderConfirmation(c) {
    for (const node of document.querySelectorAll('#confirmation .order-fact')) node.hidden = !c.device;
    for (const node of document.querySelectorAll('#confirmation .policy-fact')) node.hidden = !c.plan;
    $('confirmation-title').textContent = 'Thank you — you are all set';
    $('confirmation-text').textContent = [
      c.plan ? 'Your insurance policy is contracted.' : '',
      c.device ? 'Your device order is confirmed.' : '',
      'Keep these numbers for your records; a receipt is on its way by e-mail.',
    ].filter(Boolean).join(' ');
    $('order-number').textContent = c.order_number || '—';
    $('policy-number').textContent = (c.policy && c.policy.policy_number) || '—';
    $('policy-dates').textContent = c.policy
      ? `${formatDate(c.policy.start_date)} to ${formatDate(c.policy.end_date)}` : '—';
    const customer = T.currentCustomer();
    $('policy-holder').textContent = customer ? customer.name : '—';
    $('policy-vehicle').textContent = c.vehicle && c.conditions
      ? [`${c.conditions.vehicle_year} ${c.vehicle.make} ${c.vehicle.model}`, c.vehicle.plate, c.vehicle.vin]
        .filter(Boolean).join(' · ')
      : '—';
    const booking = $('booking');
    if (c.booking) {
      booking.replaceChildren(
        el('span', { className: 'booking-installer' }, c.booking.installer_name),
        ', ',
        el('time', { className: 'booking-time', datetime: c.booking.starts_at }, appointmentTime(c.booking)),
        c.booking.installer_address ? el('span', { className: 'booking-address' }, ` · ${c.booking.installer_address}`) : null,
        c.booking.installer_phone ? el('span', { className: 'booking-phone' }, ` · ${c.booking.installer_phone}`) : null);
      booking.dataset.bookingId = c.booking.booking_id;
    } else if (c.device && !c.device.needs_installation) {
      booking.textContent = 'None needed: the device ships to your address.';
    } else {
      booking.textContent = 'Not booked yet: choose a time on your account page.';
    }
    setMoney($('paid-total'), c.total);
    if (T.buyback && c.order_number) T.buyback.offer(c.order_number);
  }

  function renderEnded(c) {
    const refunded = c.state === 'refunded';
    const owed = c.state === 'refund_failed';
    $('ended-title').textContent = refunded ? 'This order was refunded'
      : owed ? 'This order was cancelled; your refund is with our staff' : 'This order was cancelled';
    const why = c.failure ? sentence(humanDecline(c.failure)) : '';
    $('ended-text').textContent = refunded
      ? `${why} Your payment was returned in full and the device released.`.trim()
      : owed
        ? `${why} The card processor did not accept the refund, so our staff will return ` +
          'your payment in full and contact you. The device was released.'
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
    const seq = T.nextView();
    T.showView('checkout-view');
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
        if (seq !== T.currentView()) return;
      }
      setStatus('');
      await enterStep(checkout, seq);
    } catch (err) {
      if (seq !== T.currentView()) return;
      setStatus('');
      setState('error');
      box.dataset.state = 'error';
      if (err.status === 401) {
        T.needLogin('Please log in to see this checkout.', { hash: location.hash });
      } else {
        showError(sentence(err.message));
      }
    }
  }

  /** Renders a checkout, then does what its step needs (installers, polling). */
  async function enterStep(c, seq, polls) {
    const step = renderCheckout(c);
    if (step === 'install') {
      await T.installers.load(c, seq);
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
        if (seq !== T.currentView()) return;
        try {
          const next = await getJson(`/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}`);
          if (seq === T.currentView()) await enterStep(next, seq, (polls || 0) + 1);
        } catch (err) {
          if (seq === T.currentView()) showError(sentence(err.message));
        }
      }, 1000);
      return;
    } else {
      setStatus('');
      setState('done');
    }
    if (step === 'pay') {
      const customer = T.currentCustomer();
      if (customer && !$('card-name').value) $('card-name').value = customer.name;
      if (c.failure) showError(`${withNothingCharged(c.failure, 'Nothing was charged.')} ${heldText(c)}`);
      await loadSlotChoice(c, seq);
    }
    if (step === 'done' || step === 'ended') {
      const heading = step === 'done' ? $('confirmation-title') : $('ended-title');
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: 'nearest' });
    }
  }

  /** "Your order TA-… and the device stay held until 3:45 PM: try another card." */
  function heldText(c) {
    const what = c.order_number ? `Your order ${c.order_number} and the device stay held` : 'Your quote stays open';
    return c.reserved_until
      ? `${what} until ${formatDateTime(c.reserved_until)}: you can try another card.`
      : `${what}: you can try another card.`;
  }

  /** On the pay step of a device an installer fits: the installers and their slots, one
   *  of which may be chosen to be booked with the payment. */
  async function loadSlotChoice(c, seq) {
    const box = $('pay-slot');
    const wanted = Boolean(c.device && c.device.needs_installation);
    box.hidden = !wanted;
    if (!wanted) return;
    const list = $('pay-installers');
    if (list.dataset.checkoutId === c.checkout_id && list.children.length) return;
    list.dataset.checkoutId = c.checkout_id;
    try {
      const found = await T.installers.pickInto(list, c.checkout_id, (slot, installer, button) => {
        const again = chosenSlots.get(c.checkout_id) === slot.slot_id;
        for (const b of list.querySelectorAll('button.slot')) b.setAttribute('aria-pressed', 'false');
        if (again) {
          chosenSlots.delete(c.checkout_id);
          $('pay-slot-text').textContent = 'No time chosen: you can choose one later on your account page.';
        } else {
          chosenSlots.set(c.checkout_id, slot.slot_id);
          button.setAttribute('aria-pressed', 'true');
          $('pay-slot-text').textContent =
            `Chosen: ${installer.name}, ${appointmentTime({ starts_at: slot.starts_at, time_zone: installer.time_zone })}. ` +
            'It is booked when you pay.';
        }
      }, 'Choose');
      if (seq !== T.currentView()) return;
      if (!found) $('pay-slot-text').textContent = 'No installer near you fits this device yet: we will call you to arrange it.';
    } catch (_) {
      $('pay-slot-text').textContent = 'Installers could not be listed now: you can choose a time after paying.';
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
      const seq = T.currentView();
      $('pay').disabled = true;
      $('cancel-checkout').disabled = true;
      $('checkout').dataset.state = 'paying';
      setState('loading');
      setStatus('Processing your payment…');
      try {
        const slot = chosenSlots.get(c.checkout_id);
        const paid = await api('POST', `/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}/payment`, {
          ...(slot ? { slot_id: slot } : {}),
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
        if (seq === T.currentView()) await enterStep(paid, seq);
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
      if (c && (c.plan || c.device)) buy(c.plan && c.plan.plan_id, c.device && c.device.product_id);
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
      // Declined: the checkout, its order number and the hold are kept for another card.
      const next = await refreshCheckout(c.checkout_id);
      const shown = next || { ...c, state: 'priced', failure: err.message };
      if (!next) renderCheckout(shown);
      showError(`${withNothingCharged(err.message, 'Nothing was charged to your card.')} ${heldText(shown)}`);
      $('card-number').value = '';
      $('card-number').focus();
    } else if (err.status === 401) {
      T.needLogin('Your session has ended. Log in again to finish paying.', { hash: location.hash });
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


  T.checkout = {
    buy, enterStep, show: showCheckout, init: initCardForm,
    appointmentTime,
    /** Keeps a checkout just made, so showing it needs no fetch. */
    remember: (c) => checkouts.set(c.checkout_id, c),
    get: (id) => checkouts.get(id),
    forget: () => checkouts.clear(),
  };
})();
