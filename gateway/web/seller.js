// Tandem seller desk (seed 003, the salesperson's terminal): a seller logs in apart from
// customers and staff, sees its orders by order ID and item only (never the purchaser),
// requests delivery and gets the delivery handle (never the address), follows its income
// per order ID, edits its commodities' price and stock, and buys reports, shown as
// tables and bar charts with suppressed rows marked. Plain DOM code; API text is
// inserted as text, never HTML.
'use strict';

(function () {
  const T = window.Tandem;
  const { $, el, api, formatMoney, formatLocal, setState, setStatus, clearError } = T;
  const ESCROW = {
    awaiting_payment: 'Awaiting payment',
    held: 'Paid — ready to ship',
    shipping: 'Shipping — paid on delivery',
    released: 'Released to you',
    refunded: 'Refunded to the purchaser',
    voided: 'Cancelled before payment',
  };
  const DELIVERY = {
    requested: 'Delivery requested',
    picked_up: 'Picked up',
    delivered: 'Delivered',
    failed: 'Delivery failed',
  };
  const REPORT = {
    sales_history: 'Sales history',
    demand: 'Demand by kind and characteristic',
    conversion: 'Conversion: requests to orders',
    price_bands: 'Price bands',
    weekly: 'Trend by week',
    regions: 'By coarse region',
  };
  const SUPPRESSED = 'fewer than 5 purchasers — suppressed';
  const TABS = ['orders', 'income', 'commodities', 'reports'];

  function showError(message, problem, form) {
    T.showError(message, problem && problem.errors, form);
    setState('error');
  }

  function show(view) {
    $('seller-login-view').hidden = view !== 'login';
    $('seller-desk-view').hidden = view !== 'desk';
    document.body.dataset.view = view;
  }

  function signedIn(seller) {
    $('seller-in').hidden = !seller;
    $('seller-name').textContent = seller ? seller.seller_name : '';
  }

  function currentTab() {
    const tab = (location.hash.match(/^#\/(\w+)/) || [])[1];
    return TABS.includes(tab) ? tab : 'orders';
  }

  // ---- orders ------------------------------------------------------------------------

  function orderItem(o) {
    const d = o.delivery;
    const c = o.commodity;
    return el('li', { className: 'card seller-order', dataset: { orderId: o.order_id, escrowState: o.escrow_state || '', deliveryState: d ? d.state : '' } },
      el('p', { className: 'order-id' }, o.order_id),
      el('p', { className: 'item' }, el('strong', {}, c.title), ` · ${c.kind}`,
        c.characteristics.length ? ` · ${c.characteristics.map((ch) => `${ch.name} ${ch.value}`).join(', ')}` : ''),
      el('p', {}, formatMoney(o.amount), ' · ', el('span', { className: 'badge escrow' }, ESCROW[o.escrow_state] || o.escrow_state || ''),
        // The broker tells a seller the day only (times could link one purchaser's orders).
        el('small', { className: 'hint' }, ` · ordered ${T.formatDate(String(o.placed_at || '').slice(0, 10))}`)),
      o.delivery_handle
        ? el('p', { className: 'delivery' }, 'Delivery handle ', el('strong', { className: 'handle' }, o.delivery_handle),
          d ? ` · ${DELIVERY[d.state] || d.state}${d.note ? ` (${d.note})` : ''}` : '')
        : null,
      o.escrow_state === 'held' && !o.delivery_handle
        ? el('p', { className: 'buttons' }, el('button', { type: 'button', className: 'request-delivery', onclick: () => requestDelivery(o) }, 'Request delivery'))
        : null,
      o.escrow_state === 'awaiting_payment' ? el('p', { className: 'hint' }, 'Ship once the purchaser has paid.') : null);
  }

  /** Escrow states of orders that still need the seller or the carrier. */
  const OPEN = ['awaiting_payment', 'held', 'shipping'];

  async function loadOrders() {
    const list = await api('GET', '/api/v1/seller/orders');
    const all = $('seller-order-filter').value === 'all';
    const shown = all ? list.orders : list.orders.filter((o) => OPEN.includes(o.escrow_state));
    $('seller-orders').replaceChildren(...shown.map(orderItem));
    if (!shown.length) $('seller-orders').append(el('li', { className: 'hint' }, all ? 'No orders yet.' : 'No open orders.'));
    return all ? `${list.orders.length} order(s).` : `${shown.length} open order(s) of ${list.orders.length}.`;
  }

  async function requestDelivery(o) {
    clearError();
    setState('loading');
    try {
      const shipped = await api('POST', `/api/v1/seller/orders/${encodeURIComponent(o.order_id)}/delivery`);
      await loadOrders();
      setStatus(`Delivery requested for ${shipped.order_id}: label ${shipped.delivery_handle || '—'}.`);
      setState('done');
    } catch (err) {
      setStatus('');
      showError(T.sentence(err.message), err.problem);
    }
  }

  // ---- income ------------------------------------------------------------------------

  async function loadIncome() {
    const income = await api('GET', '/api/v1/seller/income');
    T.setMoney($('seller-balance'), income.balance);
    $('seller-income-rows').replaceChildren(...income.entries.map((e) => el('tr', { dataset: { orderId: e.order_id, state: e.state || '' } },
      el('td', { className: 'order-id-cell' }, e.order_id),
      el('td', { className: 'amount' }, formatMoney(e.amount)),
      el('td', {}, ESCROW[e.state] || e.state || ''),
      el('td', {}, formatLocal(e.paid_at)),
      el('td', {}, formatLocal(e.settled_at)))));
    if (!income.entries.length) {
      $('seller-income-rows').append(el('tr', {}, el('td', { colspan: 5, className: 'hint' }, 'No income yet.')));
    }
    return `Balance ${formatMoney(income.balance)}.`;
  }

  // ---- commodities -------------------------------------------------------------------

  function commodityItem(c) {
    const id = c.commodity_id.replace(/[^A-Za-z0-9_-]/g, '_');
    const price = el('input', { id: `price-${id}`, className: 'price-input', type: 'number', min: '0.01', step: '0.01', inputmode: 'decimal' });
    const stock = el('input', { id: `stock-${id}`, className: 'stock-input', type: 'number', min: '0', max: '100000', step: '1' });
    price.value = (c.price.minor_units / 100).toFixed(2);
    stock.value = String(c.stock);
    const save = async () => {
      clearError();
      setState('loading');
      try {
        const saved = await api('PUT', `/api/v1/seller/commodities/${encodeURIComponent(c.commodity_id)}`, {
          kind: c.kind, title: c.title, characteristics: c.characteristics,
          price: { minor_units: Math.round(Number(price.value) * 100), currency: c.price.currency },
          stock: Number(stock.value),
        });
        setStatus(`Saved ${saved.title}: ${formatMoney(saved.price)}, ${saved.stock} in stock.`);
        setState('done');
      } catch (err) {
        setStatus('');
        showError(T.sentence(err.message), err.problem);
      }
    };
    return el('li', { className: 'card seller-commodity', dataset: { commodityId: c.commodity_id } },
      el('p', {}, el('strong', {}, c.title), ` · ${c.kind}`),
      el('p', { className: 'hint' }, c.characteristics.map((ch) => `${ch.name}: ${ch.value}`).join(' · ') || 'No characteristics'),
      el('div', { className: 'commodity-edit' },
        el('div', { className: 'field' }, el('label', { for: `price-${id}` }, `Price (${c.price.currency})`), price),
        el('div', { className: 'field' }, el('label', { for: `stock-${id}` }, 'Stock'), stock),
        el('button', { type: 'button', className: 'secondary save', onclick: save }, 'Save')));
  }

  async function loadCommodities() {
    const list = await api('GET', '/api/v1/seller/commodities');
    $('seller-commodities').replaceChildren(...list.commodities.map(commodityItem));
    return `${list.commodities.length} commodities.`;
  }

  // ---- reports -----------------------------------------------------------------------

  function barChart(table) {
    const rows = table.rows;
    const max = Math.max(1, ...rows.filter((r) => !r.suppressed).map((r) => r.values[0] || 0));
    return el('div', { className: 'bar-chart', role: 'img', 'aria-label': `${table.title}: ${table.value_columns[0] || ''} per row` },
      rows.map((r) => {
        const label = r.labels.join(' · ') || '—';
        if (r.suppressed) {
          return el('div', { className: 'bar-row suppressed' }, el('span', { className: 'bar-label' }, label),
            el('span', { className: 'bar-note' }, SUPPRESSED));
        }
        const bar = el('span', { className: 'bar' });
        bar.style.width = `${Math.round(((r.values[0] || 0) / max) * 100)}%`;
        return el('div', { className: 'bar-row' }, el('span', { className: 'bar-label' }, label),
          el('span', { className: 'bar-track' }, bar), el('span', { className: 'bar-value' }, String(r.values[0] || 0)));
      }));
  }

  function reportTable(table) {
    const head = el('tr', {}, table.label_columns.map((c) => el('th', { scope: 'col' }, c)),
      table.value_columns.map((c) => el('th', { scope: 'col', className: 'num' }, c)));
    const body = table.rows.map((r) => el('tr', { className: r.suppressed ? 'suppressed' : '', dataset: { suppressed: String(r.suppressed) } },
      r.labels.map((l) => el('td', {}, l)),
      r.suppressed
        ? el('td', { colspan: Math.max(1, table.value_columns.length), className: 'suppressed-note' }, SUPPRESSED)
        : r.values.map((v) => el('td', { className: 'num' }, String(v)))));
    return el('section', { className: 'report-table' },
      el('h4', {}, table.title),
      table.rows.length && table.value_columns.length ? barChart(table) : null,
      el('div', { className: 'table-scroll' }, el('table', { className: 'data-table' }, el('thead', {}, head), el('tbody', {}, body))),
      table.rows.length ? null : el('p', { className: 'hint' }, 'No rows.'));
  }

  function showReport(r, charged) {
    const card = $('seller-report');
    card.hidden = false;
    card.dataset.reportId = r.report_id;
    card.dataset.suppressedRows = String(r.tables.reduce((n, t) => n + t.rows.filter((row) => row.suppressed).length, 0));
    $('seller-report-title').textContent = `${REPORT[r.kind] || r.kind}, last ${r.weeks} week(s)`;
    $('seller-report-facts').textContent = `${r.report_id} · ${formatMoney(r.price)} ${charged === false ? 'already paid — not charged again' : 'charged once'} · ${formatLocal(r.created_at)}`;
    $('seller-report-tables').replaceChildren(...r.tables.map(reportTable));
  }

  async function openReport(id) {
    clearError();
    setState('loading');
    try {
      showReport(await api('GET', `/api/v1/seller/reports/${encodeURIComponent(id)}`));
      setState('done');
    } catch (err) {
      showError(T.sentence(err.message), err.problem);
    }
  }

  async function loadReports() {
    const list = await api('GET', '/api/v1/seller/reports');
    $('seller-reports').replaceChildren(...list.reports.map((r) => el('li', { dataset: { reportId: r.report_id } },
      el('button', { type: 'button', className: 'link', onclick: () => openReport(r.report_id) }, `${REPORT[r.kind] || r.kind}, ${r.weeks} week(s)`),
      el('span', { className: 'hint' }, ` · ${formatMoney(r.price)} · ${formatLocal(r.created_at)}`))));
    return `${list.reports.length} report(s) bought.`;
  }

  async function buyReport(event) {
    event.preventDefault();
    clearError();
    const form = $('seller-report-form');
    $('seller-buy-report').disabled = true;
    setState('loading');
    setStatus('Buying the report…');
    try {
      const bought = await api('POST', '/api/v1/seller/reports', { kind: $('seller-report-kind').value, weeks: Number($('seller-report-weeks').value) });
      showReport(bought.report, bought.charged_now);
      await loadReports();
      setStatus(bought.charged_now
        ? `Report bought: ${formatMoney(bought.report.price)} charged once.`
        : 'You had bought this report today: shown again, not charged again.');
      setState('done');
    } catch (err) {
      setStatus('');
      showError(T.fieldMessage(err, form), err.problem, form);
    } finally {
      $('seller-buy-report').disabled = false;
    }
  }

  // ---- the desk ----------------------------------------------------------------------

  const LOADERS = { orders: loadOrders, income: loadIncome, commodities: loadCommodities, reports: loadReports };

  async function loadDesk() {
    clearError();
    setState('loading');
    try {
      const me = await api('GET', '/api/v1/seller/session');
      signedIn(me);
      show('desk');
      const tab = currentTab();
      for (const t of TABS) {
        $(`seller-${t}-tab`).hidden = t !== tab;
        const link = document.querySelector(`.tabs a[data-tab="${t}"]`);
        if (t === tab) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      document.body.dataset.tab = tab;
      setStatus(await LOADERS[tab]());
      setState('done');
    } catch (err) {
      setStatus('');
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
    $('seller-login-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      $('seller-login-button').disabled = true;
      try {
        await api('POST', '/api/v1/seller/session', { login: $('seller-login').value.trim(), password: $('seller-password').value });
        $('seller-password').value = '';
        await loadDesk();
      } catch (err) {
        showError(err.status === 401 ? 'Wrong seller login or password.' : T.sentence(err.message), err.problem);
      } finally {
        $('seller-login-button').disabled = false;
      }
    });
    $('seller-logout').addEventListener('click', async () => {
      await api('DELETE', '/api/v1/seller/session').catch(() => null);
      signedIn(null);
      show('login');
    });
    $('seller-report-form').addEventListener('submit', buyReport);
    $('seller-order-filter').addEventListener('change', loadDesk);
    window.addEventListener('hashchange', loadDesk);
    loadDesk();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
