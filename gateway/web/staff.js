// Tandem staff page (seed 001's sales-staff terminal): staff log in separately from
// customers, see their leads with the customer details that were forwarded, and
// acknowledge or close them. Plain DOM code; API text is inserted as text, never HTML.
'use strict';

(function () {
  const T = window.Tandem;
  const { $, el, api, formatLocal, setState, setStatus, clearError } = T;
  const KIND = { contact: 'Contact request', registration_update: 'Registration update', purchase: 'Purchase', interest: 'Interest' };
  const ACTION = { send_information: 'send information', visit: 'visit', phone_call: 'phone call' };

  function showError(message) {
    T.showError(message);
    setState('error');
  }

  function show(view) {
    $('staff-login-view').hidden = view !== 'login';
    $('leads-view').hidden = view !== 'leads';
    document.body.dataset.view = view;
  }

  function signedIn(staff) {
    $('staff-in').hidden = !staff;
    $('staff-name').textContent = staff ? staff.name : '';
    if (staff) {
      $('staff-facts').textContent = `${staff.staff_id} · areas ${staff.area_codes.join(', ') || '—'} · `
        + `${staff.product_lines.length ? staff.product_lines.join(', ').replace(/_/g, ' ') : 'all product lines'} · `
        + `${staff.open_leads} open${staff.capacity ? ` of ${staff.capacity}` : ''}`;
    }
  }

  function leadCard(l) {
    const c = l.customer;
    const address = [c.address.line1, c.address.line2, c.address.city, `${c.address.region} ${c.address.postal_code}`].filter(Boolean).join(', ');
    return el('li', { className: 'lead card', dataset: { leadId: l.lead_id, status: l.status, kind: l.kind } },
      el('p', {}, el('span', { className: 'kind' }, KIND[l.kind] || l.kind), ' ',
        el('span', { className: 'badge status' }, l.status), ' ', el('small', {}, `${l.lead_id} · ${formatLocal(l.created_at)}`)),
      l.product_name ? el('p', { className: 'product' }, `${l.product_name} (model ${l.model_number})`) : null,
      el('p', { className: 'customer' }, el('strong', {}, c.name), ` · ${c.email} · ${c.phone}`,
        c.office ? ` · ${c.office}${c.section ? `, ${c.section}` : ''}` : '', c.office_phone ? ` · office ${c.office_phone}` : ''),
      el('p', { className: 'address' }, address),
      l.kind === 'contact'
        ? el('p', { className: 'contact' }, `Wants: ${l.actions.map((a) => ACTION[a] || a).join(', ')} · reach at ${l.contact_phone} / ${l.contact_email}`)
        : null,
      l.comment ? el('blockquote', { className: 'comment' }, l.comment) : null,
      l.details.length ? el('ul', { className: 'details' }, l.details.map((d) => el('li', {}, d))) : null,
      el('p', { className: 'hint' }, `Why you: ${l.routing_reason}`),
      el('p', { className: 'buttons' },
        el('button', {
          type: 'button', className: 'acknowledge', disabled: l.status === 'acknowledged' || l.status === 'closed',
          onclick: () => act(l, 'acknowledgement'),
        }, 'Acknowledge'),
        el('button', {
          type: 'button', className: 'secondary close', disabled: l.status === 'closed',
          onclick: () => act(l, 'closure'),
        }, 'Close')));
  }

  /** Shows the leads under the filter; `note` says what was just done. */
  async function loadLeads(note) {
    clearError();
    setState('loading');
    setStatus('Loading your leads…');
    try {
      const [me, list] = await Promise.all([
        api('GET', '/api/v1/staff/session'),
        api('GET', `/api/v1/staff/leads?status=${encodeURIComponent($('lead-filter').value)}`),
      ]);
      signedIn(me.staff);
      $('leads').replaceChildren(...list.leads.map(leadCard));
      const count = list.leads.length ? `${list.total} lead(s).` : 'No leads here.';
      setStatus(note ? `${note} ${count}` : count);
      show('leads');
      setState('done');
    } catch (err) {
      setStatus('');
      if (err.status === 401) {
        signedIn(null);
        show('login');
        setState('done');
      } else {
        showError(err.message);
      }
    }
  }

  async function act(lead, what) {
    clearError();
    try {
      await api('POST', `/api/v1/staff/leads/${encodeURIComponent(lead.lead_id)}/${what}`);
      await loadLeads(what === 'closure' ? `Lead ${lead.lead_id} closed.` : `Lead ${lead.lead_id} acknowledged.`);
    } catch (err) {
      showError(err.message);
    }
  }

  function init() {
    $('staff-login-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      $('staff-login-button').disabled = true;
      try {
        await api('POST', '/api/v1/staff/session', { login: $('staff-login').value.trim(), password: $('staff-password').value });
        $('staff-password').value = '';
        await loadLeads();
      } catch (err) {
        showError(err.status === 401 ? 'Wrong staff login or password.' : err.message);
      } finally {
        $('staff-login-button').disabled = false;
      }
    });
    $('staff-logout').addEventListener('click', async () => {
      await api('DELETE', '/api/v1/staff/session').catch(() => null);
      signedIn(null);
      show('login');
    });
    $('lead-filter').addEventListener('change', () => loadLeads());
    $('leads-refresh').addEventListener('click', () => loadLeads());
    loadLeads();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
