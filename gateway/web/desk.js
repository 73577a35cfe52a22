// What the sales desk page (leads.js) and the staff page (staff.js) share: building DOM
// nodes from API text (always as text, never as HTML) and calling the REST API with the
// CSRF token. Loaded before either script; exposes `window.TandemDesk`.
'use strict';

window.TandemDesk = (function () {
  /** An element with attributes (`className`, `dataset`, `onclick`, others as is) and
   * children (nodes, or text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function readCookie(name) {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return '';
  }

  class ApiError extends Error {
    constructor(message, status, problem) {
      super(message);
      this.status = status;
      this.problem = problem;
    }
  }

  /** Calls the API with the CSRF token; answers JSON (null for 204) or throws ApiError. */
  async function api(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      if (!readCookie('tandem_csrf')) await fetch('/api/v1/products', { credentials: 'same-origin' }).catch(() => null);
      headers['X-CSRF-Token'] = readCookie('tandem_csrf');
    }
    const init = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (_) {
      throw new ApiError('Cannot reach the server. Check your connection and try again.', 0, null);
    }
    const type = response.headers.get('Content-Type') || '';
    const answer = type.includes('json') ? await response.json().catch(() => null) : null;
    if (response.ok) return response.status === 204 ? null : answer;
    throw new ApiError((answer && answer.detail) || `The server answered ${response.status}.`, response.status, answer);
  }

  return { $: (id) => document.getElementById(id), el, api, ApiError };
})();
