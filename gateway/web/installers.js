// Tandem web UI, the installation step of a checkout: the installers nearest the
// customer that fit the device, each with its free slots, and booking one. Uses
// common.js; checkout.js shows the step and goes on once a slot is booked.
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, el, formatDateTime, formatDay, formatTime, sentence, setState, setStatus, showError, clearError,
    api, getJson,
  } = T;
  const METERS_PER_MILE = 1609.344;
  /** Slot times are shown where the fitting happens. */
  const LOCAL_TIMES = 'Times are local to each installer.';

  /** Metres → "2.3 mi (3.7 km)": miles first for US addresses, one decimal each. */
  function formatDistance(meters) {
    const km = `${(meters / 1000).toFixed(1)} km`;
    const mi = `${(meters / METERS_PER_MILE).toFixed(1)} mi`;
    return `${mi} (${km})`;
  }

  /** A postal address on one line. */
  function formatAddress(address) {
    if (!address) return '';
    if (typeof address === 'string') return address;
    const street = [address.line1, address.line2].filter(Boolean).join(', ');
    const place = [address.city, [address.region, address.postal_code].filter(Boolean).join(' ')]
      .filter(Boolean).join(', ');
    return [street, place].filter(Boolean).join(', ');
  }

  // ---- installer and slot ------------------------------------------------------------

  /** One installer with its free slots, each a button that calls `onPick(slot, installer)`
   *  (`verb` names what it does, e.g. "Book", "Choose"). */
  function renderInstaller(installer, onPick, verb) {
    const slots = installer.slots || [];
    const name = installer.name;
    return el('li', { className: 'installer', dataset: { installerId: installer.installer_id, distanceM: installer.distance_m } },
      el('div', { className: 'installer-main' },
        el('span', { className: 'installer-name' }, name),
        el('span', { className: 'distance' }, `${formatDistance(installer.distance_m)} away`),
        el('span', { className: 'installer-address' }, formatAddress(installer.address)),
        installer.phone ? el('span', { className: 'installer-phone' }, installer.phone) : null),
      slots.length
        ? el('div', { className: 'slots', role: 'group', 'aria-label': `Times at ${name}` },
          slots.map((slot) => el('button', {
            type: 'button',
            className: 'slot',
            dataset: { slotId: slot.slot_id, startsAt: slot.starts_at },
            'aria-label': `${verb || 'Book'} ${name} on ${formatDateTime(slot.starts_at)}`,
            'aria-pressed': verb === 'Choose' ? 'false' : null,
            onclick: (event) => onPick(slot, installer, event.currentTarget),
          }, el('span', { className: 'slot-day' }, formatDay(slot.starts_at, installer.time_zone)),
          el('span', { className: 'slot-time' },
            `${formatTime(slot.starts_at, installer.time_zone)}–${formatTime(slot.ends_at, installer.time_zone)}`))))
        : el('p', { className: 'hint' }, 'No free times in the next weeks.'));
  }

  async function loadInstallers(c, seq) {
    const list = $('installers');
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    $('installers-origin').textContent = 'Finding the installers nearest you…';
    setState('loading');
    try {
      const body = await getJson(`/api/v1/checkouts/${encodeURIComponent(c.checkout_id)}/installers`);
      if (seq !== T.currentView()) return;
      const origin = body.origin || {};
      const place = [origin.city, origin.state].filter(Boolean).join(', ');
      const installers = body.installers || [];
      $('installers-origin').textContent = installers.length
        ? `Paid — thank you. Now pick a time: these installers fit the ${c.device.name} and are nearest to ` +
          `${place ? `${place} ` : ''}${origin.postal_code || 'your address'}.`
        : 'No installer near you fits this device yet. We will call you to arrange the fitting.';
      if (installers.length) $('installers-origin').textContent += ` ${LOCAL_TIMES}`;
      list.replaceChildren(...installers.map((i) => renderInstaller(i, (slot) => book(c.checkout_id, slot.slot_id))));
      setState('done');
    } catch (err) {
      if (seq !== T.currentView()) return;
      $('installers-origin').textContent = 'Your order is paid. We could not look up installers right now.';
      showError(sentence(err.message), err.problem && err.problem.errors, $('search-form'));
      setState('error');
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  async function book(checkoutId, slotId) {
    clearError();
    const seq = T.currentView();
    const buttons = document.querySelectorAll('#installers button.slot');
    for (const b of buttons) b.disabled = true;
    setState('loading');
    setStatus('Booking your installation…');
    try {
      const booked = await api('POST', `/api/v1/checkouts/${encodeURIComponent(checkoutId)}/installation`, { slot_id: slotId });
      setStatus('Installation booked.');
      if (seq === T.currentView()) await T.checkout.enterStep(booked, seq);
    } catch (err) {
      setStatus('');
      setState('error');
      if (err.status === 409) {
        showError(`${sentence(err.message)} Please choose another time.`);
        const c = T.checkout.get(checkoutId);
        if (c && seq === T.currentView()) await loadInstallers(c, seq);
      } else if (err.status === 401) {
        T.needLogin('Your session has ended. Log in again to book the installation.', { hash: location.hash });
      } else {
        showError(sentence(err.message));
        for (const b of buttons) b.disabled = false;
      }
    }
  }


  /** Lists into `list` the installers that fit checkout `checkoutId`'s device, each slot
   *  calling `onPick(slot, installer, button)`; answers how many installers there are. */
  async function pickInto(list, checkoutId, onPick, verb) {
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    try {
      const body = await getJson(`/api/v1/checkouts/${encodeURIComponent(checkoutId)}/installers`);
      const installers = body.installers || [];
      list.replaceChildren(...installers.map((i) => renderInstaller(i, onPick, verb)));
      return installers.length;
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  T.installers = { load: loadInstallers, pickInto, formatAddress };
})();
