// The console's shell: the key form, the hash router and the hand-over between pages.
// Routes live in the fragment (#/invoices?status=open), so the server serves one file and no secret is ever in a URL.
import { apiKey, setApiKey } from './api.js';
import * as invoices from './pages/invoices.js';
import * as invoice from './pages/invoice.js';
import * as sources from './pages/sources.js';
import * as events from './pages/events.js';
import * as webhooks from './pages/webhooks.js';
import * as webhook from './pages/webhook.js';

const routes = [
  { pattern: /^#\/invoices\/(.+)$/, page: invoice, nav: 'invoices' },
  { pattern: /^#\/sources\/?$/, page: sources, nav: 'sources' },
  { pattern: /^#\/invoices\/?(\?.*)?$/, page: invoices, nav: 'invoices' },
  { pattern: /^#\/events\/?(\?.*)?$/, page: events, nav: 'events' },
  { pattern: /^#\/webhooks\/([^?]+)(\?.*)?$/, page: webhook, nav: 'webhooks' },
  { pattern: /^#\/webhooks\/?(\?.*)?$/, page: webhooks, nav: 'webhooks' },
];

const main = document.getElementById('main');
let rendering = 0;
let leaving = null;

function resolve(hash) {
  for (const route of routes) {
    const match = route.pattern.exec(hash);
    if (match) {
      return { route, match };
    }
  }
  return null;
}

function paramsOf(hash) {
  const question = hash.indexOf('?');
  return new URLSearchParams(question < 0 ? '' : hash.slice(question + 1));
}

async function render(moveFocus) {
  const hash = window.location.hash || '#/invoices';
  const found = resolve(hash);
  if (!found) {
    window.location.replace('#/invoices');
    return;
  }
  const { route, match } = found;
  const ticket = ++rendering;
  // Whatever the page before is still waiting for (a long poll, a timer) is called off: it has been left.
  leaving?.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === route.nav) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const view = document.createElement('div');
  const context = {
    params: paramsOf(hash),
    id: match[1] ? decodeURIComponent(match[1].split('?')[0]) : null,
    // A page that finished after the user moved on must not overwrite the newer page.
    current: () => ticket === rendering,
    signal,
    announce,
    navigate: (to) => { window.location.hash = to; },
    isAnonymous: () => !apiKey(),
  };
  await route.page.render(view, context);
  if (!context.current()) {
    return;
  }
  main.replaceChildren(view);
  document.title = `${view.querySelector('h1')?.textContent ?? 'Console'} · InvoiceGateway`;
  if (moveFocus) {
    // After a navigation a screen reader starts at the new page's heading, as after a page load.
    const heading = view.querySelector('h1');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }
}

function announce(text) {
  const announcer = document.getElementById('announcer');
  announcer.textContent = '';
  // A fresh text node in the next frame, so the same message twice is announced twice.
  requestAnimationFrame(() => { announcer.textContent = text; });
}

function showKeyState() {
  document.getElementById('key-state').textContent = apiKey()
    ? 'A key is in use for this browser tab.'
    : 'No key in use: needed only when the gateway has API keys configured.';
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  setApiKey(input.value.trim());
  input.value = '';
  showKeyState();
  announce('Key saved for this tab.');
  render(false);
});

document.getElementById('forget-key').addEventListener('click', () => {
  setApiKey(null);
  showKeyState();
  announce('Key forgotten.');
  render(false);
});

document.querySelector('.skip-link').addEventListener('click', (event) => {
  // The fragment holds the route, so the skip link moves focus itself instead of changing it.
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => render(true));
showKeyState();
render(false);
