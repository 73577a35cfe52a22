// Tandem "Buy anonymously" page (seed 003, the purchaser's terminal): a signed-in
// customer asks for a kind and characteristics, sees the matching commodities of every
// seller, orders one and gets an order ID (all the seller ever learns, with the item),
// pays it into escrow, gives a sealed delivery address, follows the escrow and delivery,
// confirms receipt or cancels. Plain DOM code; API text is inserted as text, never HTML.
'use strict';

(function () {
  const T = window.Tandem;
  const { $, el, api, formatMoney, formatLocal, setState, setStatus, clearError } = T;

  const ESCROW = {
    awaiting_payment: 'Awaiting your payment',
    held: 'Paid — held in escrow',
    shipping: 'Shipped — held until delivery',
    released: 'Delivered — paid to the seller',
    refunded: 'Refunded to your card',
    voided: 'Cancelled — nothing was paid',
  };
  const DELIVERY = {
    requested: 'Shipped — waiting for the carrier',
    picked_up: 'With the carrier',
    delivered: 'Delivered',
    failed: 'Delivery failed',
  };
  /** The order shown in the order card. */
  let shown = null;
  /** The last search's recorded request, which an order names. */
  let lastRequestId = '';

  function showError(message, problem, form) {
    T.showError(message, problem && problem.errors, form);
    setState('error');
  }

  function show(view) {
    $('anon-login-view').hidden = view !== 'login';
    $('anon-shop-view').hidden = view !== 'shop';
    document.body.dataset.view = view;
  }

  function signedIn(customer) {
    $('anon-in').hidden = !customer;
    $('anon-customer').textContent = customer ? customer.name : '';
  }

  // ---- search ------------------------------------------------------------------------

  function addCharacteristic(name, value) {
    const n = $('anon-char-rows').children.length + 1;
    const row = el('li', { className: 'char-row' },
      el('label', { for: `anon-char-name-${n}`, className: 'visually-hidden' }, 'Characteristic'),
      el('input', { id: `anon-char-name-${n}`, className: 'char-name', type: 'text', placeholder: 'e.g. resolution', spellcheck: 'false', autocapitalize: 'none' }),
      el('label', { for: `anon-char-value-${n}`, className: 'visually-hidden' }, 'Value'),
      el('input', { id: `anon-char-value-${n}`, className: 'char-value', type: 'text', placeholder: 'e.g. 4k' }),
      el('button', { type: 'button', className: 'link remove', onclick: () => row.remove() }, 'Remove'));
    row.querySelector('.char-name').value = name || '';
    row.querySelector('.char-value').value = value || '';
    $('anon-char-rows').append(row);
    return row;
  }

  function searchQuery() {
    const params = new URLSearchParams();
    params.set('kind', $('anon-kind').value.trim().toLowerCase());
    const max = $('anon-max-price').value.trim();
    if (max) params.set('max_price_minor_units', String(Math.round(Number(max) * 100)));
    for (const row of $('anon-char-rows').children) {
      const name = row.querySelector('.char-name').value.trim().toLowerCase();
      const value = row.querySelector('.char-value').value.trim();
      if (name && value) params.append(`c[${name}]`, value);
    }
    return params.toString();
  }

  function commodityItem(c) {
    return el('li', { className: 'commodity card', dataset: { commodityId: c.commodity_id, sellerId: c.seller_id } },
      el('div', { className: 'commodity-main' },
        el('p', { className: 'commodity-title' }, el('strong', {}, c.title)),
        el('p', { className: 'seller' }, `Sold by ${c.seller_name}`),
        el('ul', { className: 'chars' }, c.characteristics.map((ch) => el('li', {}, `${ch.name}: ${ch.value}`)))),
      el('div', { className: 'commodity-buy' },
        el('p', { className: 'price' }, formatMoney(c.price)),
        el('p', { className: 'in-stock' }, `${c.stock} in stock`),
        el('button', { type: 'button', className: 'order-button', onclick: () => placeOrder(c) }, 'Order anonymously')));
  }

  async function search(event) {
    if (event) event.preventDefault();
    clearError();
    const form = $('anon-search-form');
    const missing = T.missingFields(form);
    if (missing.length) {
      showError(`Please fill in: ${missing.join(', ')}.`, null, form);
      return;
    }
    setState('loading');
    setStatus('Looking for offers…');
    $('anon-search-button').disabled = true;
    try {
      const found = await api('GET', `/api/v1/anonymous/commodities?${searchQuery()}`);
      lastRequestId = found.request_id;
      $('anon-results').replaceChildren(...found.commodities.map(commodityItem));
      if (!found.commodities.length) {
        $('anon-results').append(el('li', { className: 'hint none' }, 'No seller offers that right now. Try fewer characteristics.'));
      }
      $('anon-results-view').hidden = false;
      setStatus(`${found.commodities.length} offer(s).`);
      setState('done');
    } catch (err) {
      setStatus('');
      if (err.status === 401) return start();
      showError(T.fieldMessage(err, form), err.problem, form);
    } finally {
      $('anon-search-button').disabled = false;
    }
  }

  async function placeOrder(c) {
    clearError();
    setState('loading');
    setStatus(`Ordering ${c.title}…`);
    try {
      const order = await api('POST', '/api/v1/anonymous/orders', {
        request_id: lastRequestId, commodity_id: c.commodity_id, idempotency_key: T.requestId('order'),
      });
      $('anon-results-view').hidden = true;
      showOrder(order);
      await loadOrders();
      setStatus(`Ordered. Your order ID is ${order.order_id}.`);
      setState('done');
      $('anon-order').scrollIntoView({ block: 'start' });
    } catch (err) {
      setStatus('');
      showError(T.sentence(err.message), err.problem);
    }
  }

  // ---- one order ---------------------------------------------------------------------

  function showOrder(o) {
    shown = o;
    const card = $('anon-order');
    card.hidden = false;
    card.dataset.orderId = o.order_id;
    card.dataset.escrowState = o.escrow_state || '';
    card.dataset.deliveryState = (o.delivery && o.delivery.state) || '';
    $('anon-order-id').textContent = o.order_id;
    $('anon-order-item').textContent = `${o.commodity.title} (${o.commodity.kind}${o.commodity.characteristics.length ? `; ${o.commodity.characteristics.map((c) => `${c.name} ${c.value}`).join(', ')}` : ''})`;
    $('anon-order-seller').textContent = o.commodity.seller_name || o.commodity.seller_id;
    T.setMoney($('anon-order-amount'), o.amount);
    $('anon-escrow-state').textContent = ESCROW[o.escrow_state] || o.escrow_state || '—';
    $('anon-escrow-state').dataset.state = o.escrow_state || '';
    const d = o.delivery;
    $('anon-delivery-state').textContent = d ? (DELIVERY[d.state] || d.state) : 'Not shipped yet';
    $('anon-delivery-state').dataset.state = d ? d.state : '';
    $('anon-delivery-handle').textContent = o.delivery_handle ? `Delivery ${o.delivery_handle}${d && d.note ? ` · ${d.note}` : ''}` : '';
    const awaiting = o.escrow_state === 'awaiting_payment';
    const open = awaiting || o.escrow_state === 'held';
    $('anon-pay-form').hidden = !awaiting;
    if (awaiting) {
      $('anon-pay-amount').value = (o.amount.minor_units / 100).toFixed(2);
      if (!$('anon-card-year').value) $('anon-card-year').value = String(new Date().getFullYear() + 3);
    }
    $('anon-address-form').hidden = !open;
    $('anon-cancel').hidden = !open;
    $('anon-receipt').hidden = !(o.escrow_state === 'shipping' && d && d.state !== 'delivered' && d.state !== 'failed');
  }

  async function openOrder(orderId, note) {
    clearError();
    setState('loading');
    try {
      const o = await api('GET', `/api/v1/anonymous/orders/${encodeURIComponent(orderId)}`);
      showOrder(o);
      setStatus(note || '');
      setState('done');
    } catch (err) {
      showError(T.sentence(err.message), err.problem);
    }
  }

  function orderItem(o) {
    return el('li', { className: 'card anon-order-line', dataset: { orderId: o.order_id, escrowState: o.escrow_state || '' } },
      el('button', { type: 'button', className: 'link', onclick: () => openOrder(o.order_id) }, o.order_id), ' ',
      el('span', {}, `${o.commodity.title} · ${formatMoney(o.amount)} · `),
      el('span', { className: 'badge' }, ESCROW[o.escrow_state] || o.escrow_state || ''),
      o.delivery ? el('span', { className: 'hint' }, ` · ${DELIVERY[o.delivery.state] || o.delivery.state}`) : null,
      el('small', { className: 'hint' }, ` · ${formatLocal(o.placed_at)}`));
  }

  async function loadOrders() {
    const list = await api('GET', '/api/v1/anonymous/orders');
    $('anon-orders').replaceChildren(...list.orders.map(orderItem));
    if (!list.orders.length) $('anon-orders').append(el('li', { className: 'hint' }, 'None yet.'));
  }

  async function pay(event) {
    event.preventDefault();
    clearError();
    const form = $('anon-pay-form');
    const missing = T.missingFields(form);
    if (missing.length) {
      showError(`Please fill in: ${missing.join(', ')}.`, null, form);
      return;
    }
    $('anon-pay').disabled = true;
    setState('loading');
    setStatus('Paying…');
    try {
      const o = await api('POST', `/api/v1/anonymous/orders/${encodeURIComponent(shown.order_id)}/payment`, {
        amount: { minor_units: Math.round(Number($('anon-pay-amount').value) * 100), currency: shown.amount.currency },
        card: {
          number: $('anon-card-number').value.trim(),
          expiry_month: Number($('anon-card-month').value),
          expiry_year: Number($('anon-card-year').value),
          cvc: $('anon-card-cvc').value.trim(),
          holder_name: $('anon-card-name').value.trim(),
        },
        idempotency_key: T.requestId('pay'),
      });
      $('anon-card-number').value = '';
      $('anon-card-cvc').value = '';
      showOrder(o);
      await loadOrders();
      setStatus(`Paid ${formatMoney(o.amount)} into escrow for ${o.order_id}.`);
      setState('done');
    } catch (err) {
      setStatus('');
      showError(T.fieldMessage(err, form), err.problem, form);
    } finally {
      $('anon-pay').disabled = false;
    }
  }

  async function sealAddress(event) {
    event.preventDefault();
    clearError();
    const form = $('anon-address-form');
    const missing = T.missingFields(form);
    if (missing.length) {
      showError(`Please fill in: ${missing.join(', ')}.`, null, form);
      return;
    }
    $('anon-seal').disabled = true;
    setState('loading');
    try {
      const sealed = await api('PUT', `/api/v1/anonymous/orders/${encodeURIComponent(shown.order_id)}/address`, {
        recipient_name: $('anon-recipient').value.trim(),
        address: {
          line1: $('anon-line1').value.trim(),
          line2: $('anon-line2').value.trim(),
          city: $('anon-city').value.trim(),
          region: $('anon-region').value.trim().toUpperCase(),
          postal_code: $('anon-postal').value.trim(),
          country: 'US',
        },
      });
      // The address is not kept in the page either once sealed.
      for (const id of ['anon-recipient', 'anon-line1', 'anon-line2', 'anon-city', 'anon-region', 'anon-postal']) $(id).value = '';
      $('anon-sealed').hidden = false;
      $('anon-sealed').textContent = `Address sealed ${formatLocal(sealed.sealed_at)}. Only the carrier will read it.`;
      setStatus('Delivery address saved.');
      setState('done');
    } catch (err) {
      setStatus('');
      showError(T.fieldMessage(err, form), err.problem, form);
    } finally {
      $('anon-seal').disabled = false;
    }
  }

  async function act(what, note) {
    clearError();
    setState('loading');
    try {
      const o = await api('POST', `/api/v1/anonymous/orders/${encodeURIComponent(shown.order_id)}/${what}`);
      showOrder(o);
      await loadOrders();
      setStatus(note);
      setState('done');
    } catch (err) {
      setStatus('');
      showError(T.sentence(err.message), err.problem);
    }
  }

  // ---- start -------------------------------------------------------------------------

  async function start() {
    clearError();
    setState('loading');
    try {
      const me = await api('GET', '/api/v1/session');
      signedIn(me.customer);
      show('shop');
      await loadOrders();
      const wanted = /^#\/order\/([^/?#]+)$/.exec(location.hash);
      if (wanted) await openOrder(decodeURIComponent(wanted[1]));
      setState('done');
    } catch (err) {
      if (err.status === 401) {
        signedIn(null);
        show('login');
        setState('done');
      } else {
        showError(T.sentence(err.message), err.problem);
      }
    }
  }

  function init() {
    addCharacteristic('', '');
    $('anon-add-char').addEventListener('click', () => addCharacteristic('', '').querySelector('input').focus());
    $('anon-search-form').addEventListener('submit', search);
    $('anon-pay-form').addEventListener('submit', pay);
    $('anon-address-form').addEventListener('submit', sealAddress);
    $('anon-receipt').addEventListener('click', () => act('receipt', 'Receipt confirmed: the seller is paid.'));
    $('anon-cancel').addEventListener('click', () => act('cancellation', 'Order cancelled.'));
    $('anon-refresh').addEventListener('click', async () => {
      if (shown) await openOrder(shown.order_id, 'Up to date.');
      await loadOrders().catch(() => null);
    });
    $('anon-login-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      $('anon-login-button').disabled = true;
      try {
        await api('POST', '/api/v1/session', { login: $('anon-login').value.trim(), password: $('anon-password').value });
        $('anon-password').value = '';
        await start();
      } catch (err) {
        showError(err.status === 401 ? 'Wrong login or password.' : T.sentence(err.message), err.problem);
      } finally {
        $('anon-login-button').disabled = false;
      }
    });
    $('anon-logout').addEventListener('click', async () => {
      await api('DELETE', '/api/v1/session').catch(() => null);
      signedIn(null);
      shown = null;
      $('anon-order').hidden = true;
      show('login');
    });
    start();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
