// The connect page (/connect?token=…): an app sends its end user here to connect their own account of a source.
// It lists the sources the link allows with the fields each definition needs (from the API, not from this file),
// creates the connection for the link's tenant, shows the first read's result and returns to the app.
import { takeConnectToken, describeConnectLink, connectSource } from '../api.js';
import { el, append, errorBox, dateTime } from '../ui.js';

const main = document.getElementById('main');

async function start() {
  const token = takeConnectToken();
  const loading = document.getElementById('connect-loading');
  if (!token) {
    loading.replaceWith(errorBox(new Error('This page needs the link your application gave you; open that link again.')));
    return;
  }
  let link;
  try {
    link = (await describeConnectLink(token)).body;
  } catch (error) {
    loading.replaceWith(el('div', { className: 'error', role: 'alert', id: 'link-refused' },
      error.status === 401 ? `${error.problem?.detail ?? 'This link is not valid.'} Ask your application for a new link.` : error.message));
    return;
  }
  loading.replaceWith(el('p', { id: 'link-summary' },
    `Connect the accounts your application asked for. This link expires at ${dateTime(link.expiresAt)}.`));
  for (const source of link.sources) {
    append(main, sourceForm(source, token, link.returnUrl));
  }
  if (safeUrl(link.returnUrl)) {
    append(main, el('p', {}, el('a', { href: link.returnUrl, id: 'return-link' }, 'Return to your application without connecting')));
  }
}

function sourceForm(source, token, returnUrl) {
  const id = (name) => `${source.name}-${name}`;
  // Credential values are secrets whatever their name: none is shown as typed.
  const field = (name, prefix, type, text = name, value = undefined) => el('div', { className: 'field' },
    el('label', { htmlFor: id(`${prefix}-${name}`) }, text),
    el('input', {
      id: id(`${prefix}-${name}`), name: `${prefix}.${name}`, type, required: true, value,
      autocomplete: 'off', spellcheck: 'false',
    }));
  const result = el('div', { id: id('result'), role: 'status' });
  const form = el('form', { className: 'filters', 'aria-labelledby': id('heading'), dataset: { source: source.name } },
    el('h2', { id: id('heading') }, source.name),
    el('div', { className: 'filter-grid' },
      field('name', 'connection', 'text', 'Connection name', source.name),
      source.options.map((name) => field(name, 'options', 'text')),
      source.credentials.map((name) => field(name, 'credentials', 'password'))),
    el('div', { className: 'actions' }, el('button', { type: 'submit' }, `Connect ${source.name}`)),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    result.replaceChildren(el('p', {}, `Connecting ${source.name} and reading it once…`));
    const data = new FormData(form);
    const pick = (prefix) => Object.fromEntries([...data.entries()]
      .filter(([name]) => name.startsWith(`${prefix}.`))
      .map(([name, value]) => [name.slice(prefix.length + 1), String(value)]));
    try {
      const { body } = await connectSource(token, {
        name: String(data.get('connection.name') ?? '').trim(), source: source.name,
        options: pick('options'), credentials: pick('credentials'),
      });
      showResult(result, body, returnUrl);
    } catch (error) {
      result.replaceChildren(errorBox(error));
      button.disabled = false;
    }
  });
  return form;
}

/** The first read's outcome, and the way back to the app with the connection's id and state. */
function showResult(result, connection, returnUrl) {
  const back = safeUrl(returnUrl);
  back?.searchParams.set('connection', connection.id);
  back?.searchParams.set('state', connection.state);
  const ok = connection.state === 'active';
  const link = back ? el('a', { href: back.toString(), id: 'continue-link' }, 'Continue to your application') : null;
  result.replaceChildren(
    el('div', { className: ok ? 'success' : 'error', id: 'first-read', dataset: { state: connection.state } },
      ok
        ? `Connected ${connection.name}: the first read succeeded.`
        : `Connected ${connection.name}, but the first read failed: ${connection.error ?? 'no reason given'}. Check the details you entered.`),
    link ? el('p', {}, link) : null);
  link?.focus();
  document.getElementById('announcer').textContent = result.textContent;
}

/** The app's return address, only if it is an http(s) URL (the gateway checks it too: never a script URL). */
function safeUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

start();
