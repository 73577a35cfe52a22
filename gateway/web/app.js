// Tandem web UI: the whole bundle journey on one page, plain DOM code, no framework, no
// build step. Everything shown from the API is inserted as text, never as HTML.
//
// Views (the hash names the view; the query string keeps the rating conditions):
//   /?conditions              plan search with associated devices (searches on load)
//   /?conditions#/plan/ID     one plan with all its devices, each "Buy with this plan"
//   /?conditions#/checkout/ID the checkout: bundle price with the discount line → card
//                             payment → installer and slot → confirmation
//   #/buy?plan=ID&device=ID   confirm what the plan is rated on (confirm.js), then the
//                             checkout; a plan alone or a device alone leaves one out
//   #/account                 what the customer bought, appointments, buy-backs, e-mails;
//                             cancelling (account.js); #/account/policy/ID a schedule
//   #/login, #/register       log in / create an account
//   #/buyback…                selling a used device back (buyback.js)
//   /devices/ID               a device's details
//
// The scripts, loaded in this order: common.js (helpers every page shares, window.Tandem),
// plans.js (plans found, plan, device), search.js (the search form), checkout.js and
// installers.js (buying a bundle),
// buyback.js, and this one (views, session and login, routing; starts the page).
'use strict';

(function () {
  const T = window.Tandem;
  const {
    $, sentence, fieldMessage, missingFields, retryText, setState, setStatus, showError, clearError, api,
  } = T;
  const VIEWS = [
    'search-view', 'results', 'device-view', 'auth-view', 'plan-view', 'checkout-view', 'buyback-view',
    'confirm-view', 'account-view', 'policy-view',
  ];

  /** Counts the views shown: an answer for a view no longer shown is dropped. */
  let viewSeq = 0;
  /** The last route shown, so popstate and hashchange do not show it twice. */
  let routed = null;

  /** The logged-in customer, or null; `sessionReady` settles once it is known. */
  let customer = null;
  let sessionReady = Promise.resolve();
  /** What to do after logging in: buy a bundle, or go back to a view. */
  let afterLogin = null;

  /** Shows one view of the page (`…-view`), hiding the others. */
  function showView(id) {
    for (const view of VIEWS) $(view).hidden = true;
    $(id).hidden = false;
    if (id === 'search-view') $('results').hidden = false;
    document.body.dataset.view = id.replace(/-view$/, '');
  }

  // ---- session -----------------------------------------------------------------------

  function setCustomer(next) {
    customer = next || null;
    const account = $('account');
    account.dataset.state = customer ? 'in' : 'out';
    $('account-in').hidden = !customer;
    $('account-out').hidden = Boolean(customer);
    $('customer-name').textContent = customer ? customer.name : '';
    if (customer && !$('card-name').value) $('card-name').value = customer.name;
  }

  function loadSession() {
    sessionReady = api('GET', '/api/v1/session')
      .then((body) => setCustomer(body && (body.customer || body)))
      .catch(() => setCustomer(null));
    return sessionReady;
  }

  /** Shows the login form with `reason`, and comes back to `then` after logging in. */
  function needLogin(reason, then) {
    setCustomer(null);
    afterLogin = then || { hash: location.hash };
    navigate('#/login');
    $('auth-reason').textContent = reason;
    $('auth-reason').hidden = false;
  }

  async function continueAfterLogin() {
    const next = afterLogin;
    afterLogin = null;
    $('auth-reason').hidden = true;
    if (next && next.buy) {
      navigate(next.buy.back || '#/', true);
      await T.checkout.buy(next.buy.planId, next.buy.productId);
    } else if (next && next.hash && next.hash.startsWith('#/') && !/^#\/(login|register)$/.test(next.hash)) {
      navigate(next.hash, true);
    } else {
      navigate('#/', true);
    }
  }

  function showAuth(mode) {
    ++viewSeq;
    showView('auth-view');
    clearError();
    setState('done');
    setStatus('');
    const login = mode === 'login';
    $('auth-view').dataset.mode = mode;
    $('login-form').hidden = !login;
    $('register-form').hidden = login;
    document.title = login ? 'Log in — Tandem' : 'Create your account — Tandem';
    if (!afterLogin) $('auth-reason').hidden = true;
    const first = login ? $('login') : $('reg-name');
    if (!first.value) first.focus();
  }

  /** Shows why logging in or registering failed. */
  function authError(err, form) {
    if (err.status === 429) {
      const text = sentence(err.message);
      showError(/try again/i.test(text) ? text : `${text} ${retryText(err.retryAfter)}`, null, form);
    } else if (err.status === 401) {
      showError(sentence(err.message || 'Wrong e-mail or password'), null, form);
    } else if (err.status === 409 && form.id === 'register-form') {
      showError(`${sentence(err.message)} Log in instead, or use another e-mail address.`,
        (err.problem && err.problem.errors && err.problem.errors.length) ? err.problem.errors : [{ field: 'email' }], form);
    } else {
      showError(fieldMessage(err, form), err.problem && err.problem.errors, form);
    }
  }

  function initAuth() {
    const loginForm = $('login-form');
    loginForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      const missing = missingFields(loginForm);
      if (missing.length) {
        showError(`Please fill in: ${missing.join(', ')}.`, null, loginForm);
        return;
      }
      $('login-button').disabled = true;
      setStatus('Logging in…');
      try {
        const body = await api('POST', '/api/v1/session', {
          login: loginForm.elements.login.value.trim(),
          password: loginForm.elements.password.value,
        });
        loginForm.elements.password.value = '';
        setCustomer(body.customer || body);
        setStatus(`Welcome back, ${customer.name}.`);
        await continueAfterLogin();
      } catch (err) {
        setStatus('');
        authError(err, loginForm);
      } finally {
        $('login-button').disabled = false;
      }
    });

    const registerForm = $('register-form');
    registerForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      // No check here: the API checks every field at once and says what is wrong with
      // each, in plain words, shown under the field.
      const v = (name) => registerForm.elements[name].value.trim();
      const body = {
        name: v('name'),
        email: v('email'),
        phone: v('phone'),
        address: {
          line1: v('address.line1'),
          line2: v('address.line2'),
          city: v('address.city'),
          region: v('address.region').toUpperCase(),
          postal_code: v('address.postal_code'),
          country: v('address.country'),
        },
        date_of_birth: v('date_of_birth'),
        password: registerForm.elements.password.value,
      };
      $('register-button').disabled = true;
      setStatus('Creating your account…');
      try {
        const answer = await api('POST', '/api/v1/customers', body);
        registerForm.elements.password.value = '';
        setCustomer(answer.customer || answer);
        setStatus(`Welcome to Tandem, ${customer.name}.`);
        await continueAfterLogin();
      } catch (err) {
        setStatus('');
        authError(err, registerForm);
      } finally {
        $('register-button').disabled = false;
      }
    });

    $('logout').addEventListener('click', async () => {
      clearError();
      $('logout').disabled = true;
      try {
        await api('DELETE', '/api/v1/session');
      } catch (err) {
        if (err.status !== 401) {
          showError(sentence(err.message));
          return;
        }
      } finally {
        $('logout').disabled = false;
      }
      setCustomer(null);
      T.checkout.forget();
      T.plans.forget();
      if (document.body.dataset.view !== 'search') navigate('#/');
      setStatus('You have logged out.');
    });
  }

  // ---- routing -----------------------------------------------------------------------

  /** Goes to a view of this page (`#/…`), keeping the conditions in the query string. */
  function navigate(hash, replace) {
    const url = `${location.pathname}${location.search}${hash === '#/' ? '' : hash}`;
    history[replace ? 'replaceState' : 'pushState'](null, '', url);
    route();
  }

  function decode(part) {
    try { return decodeURIComponent(part); } catch (_) { return part; }
  }

  /** Shows the view the URL names (once per URL unless `force`). */
  function route(force) {
    const key = location.pathname + location.search + location.hash;
    if (!force && key === routed) return;
    const hash = location.hash;
    if (hash && !hash.startsWith('#/')) return; // an in-page anchor such as #main
    routed = key;
    let m;
    if ((m = hash.match(/^#\/plan\/([^/?#]+)$/))) T.plans.showPlan(decode(m[1]));
    else if ((m = hash.match(/^#\/checkout\/([^/?#]+)$/))) T.checkout.show(decode(m[1]));
    else if (hash.startsWith('#/buy?') && T.confirm) T.confirm.show(new URLSearchParams(hash.slice('#/buy?'.length)));
    else if ((m = hash.match(/^#\/account\/policy\/([^/?#]+)$/)) && T.account) T.account.showPolicy(decode(m[1]));
    else if (hash === '#/account' && T.account) T.account.show();
    else if (hash === '#/login' || hash === '#/register') showAuth(hash.slice(2));
    else if (hash.startsWith('#/buyback') && T.buyback) {
      ++viewSeq;
      showView('buyback-view');
      clearError();
      setStatus('');
      T.buyback.show(hash);
    }
    else T.plans.showSearch();
  }

  /** This page's plumbing, for plans.js, checkout.js, installers.js and buyback.js. */
  Object.assign(T, {
    showView,
    /** Starts a new view; answers its number. */
    nextView: () => ++viewSeq,
    /** The number of the view shown now. */
    currentView: () => viewSeq,
    needLogin,
    navigate,
    route,
    /** The logged-in customer (null when logged out), once the session is known. */
    session: () => sessionReady.then(() => customer),
    /** The logged-in customer as known now. */
    currentCustomer: () => customer,
  });

  function init() {
    loadSession();
    initAuth();
    const match = location.pathname.match(/^\/devices\/([^/]+)\/?$/);
    if (match) {
      // The header's links lead to the views of the main page.
      window.addEventListener('hashchange', () => {
        if (location.hash.startsWith('#/')) location.assign(`/${location.hash}`);
      });
      T.plans.showDevice(decode(match[1]));
      return;
    }
    T.plans.initSearch();
    T.checkout.init();
    window.addEventListener('popstate', () => route());
    window.addEventListener('hashchange', () => route());
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
