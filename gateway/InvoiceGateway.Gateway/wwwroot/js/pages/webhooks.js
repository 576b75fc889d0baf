// Webhooks: the tenant's webhook endpoints (GET /v1/webhooks) and the form that registers one (POST /v1/webhooks).
// The new webhook's signing secret is handed to its page, which shows it once; it is kept nowhere else.
import { listWebhooks, createWebhook, eventTypes } from '../api.js';
import { el, append, table, checkboxes, badge, errorBox, dateTime } from '../ui.js';
import { showSecretOnce, typesText } from './webhook.js';

export async function render(view, context) {
  append(view,
    el('h1', {}, 'Webhooks'),
    el('p', { className: 'lead' },
      'Endpoints that receive this tenant\'s events as they happen, signed as the Standard Webhooks specification says. ',
      'They need an app or admin key, or the tenant\'s own key.'));
  let webhooks;
  try {
    webhooks = (await listWebhooks()).body;
  } catch (error) {
    append(view, errorBox(error));
    return;
  }
  const rows = webhooks.map((w) => ({
    props: { dataset: { id: w.id } },
    cells: [
      el('a', { href: `#/webhooks/${encodeURIComponent(w.id)}` }, w.description ?? w.id),
      el('span', { className: 'url' }, w.url),
      typesText(w.types),
      w.enabled ? badge('enabled', 'ok') : [badge('disabled', 'failed'), w.disabledReason ? ` ${w.disabledReason}` : null],
      dateTime(w.createdAt),
    ],
  }));
  append(view,
    el('section', { 'aria-labelledby': 'list-heading' },
      el('h2', { id: 'list-heading' }, 'Registered'),
      rows.length === 0
        ? el('p', { id: 'no-webhooks' }, 'No webhook is registered for this tenant.')
        : table('Webhooks of this tenant', ['Webhook', 'URL', 'Events', 'State', 'Registered (UTC)'], rows, { id: 'webhooks' })),
    registerForm(context));
}

const fields = [
  ['url', 'URL', 'url', 'https and a public address (http and local addresses only where the gateway allows them for development)'],
  ['description', 'Description (optional)', 'text', 'e.g. the app or team it is for'],
];

function registerForm(context) {
  const errors = el('div', { id: 'register-errors', 'aria-live': 'polite' });
  const field = ([name, label, type, hint]) => el('div', { className: name === 'url' ? 'field field-wide' : 'field' },
    el('label', { htmlFor: `webhook-${name}` }, label),
    el('input', {
      id: `webhook-${name}`, name, type, required: name === 'url' ? true : undefined, autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': `webhook-${name}-hint webhook-${name}-error`,
    }),
    el('span', { id: `webhook-${name}-hint`, className: 'hint' }, hint),
    el('span', { id: `webhook-${name}-error`, className: 'field-error' }));
  const form = el('form', { className: 'filters spaced', id: 'register-form', 'aria-labelledby': 'register-heading' },
    el('h2', { id: 'register-heading' }, 'Register a webhook'),
    el('div', { className: 'filter-grid' }, fields.map(field)),
    checkboxes('types', 'Events to send (none checked: every type)', eventTypes, {
      idPrefix: 'webhook-type',
      props: { id: 'webhook-types', 'aria-describedby': 'webhook-types-error' },
      extra: el('span', { id: 'webhook-types-error', className: 'field-error' }),
    }),
    el('div', { className: 'actions' }, el('button', { type: 'submit' }, 'Register webhook')),
    errors);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    clearErrors(form, errors);
    const data = new FormData(form);
    const description = String(data.get('description') ?? '').trim();
    try {
      const { body } = await createWebhook({
        url: String(data.get('url') ?? '').trim(),
        types: data.getAll('types').map(String),
        description: description || null,
      });
      showSecretOnce(body.id, body.secret);
      context.navigate(`#/webhooks/${encodeURIComponent(body.id)}`);
    } catch (error) {
      showErrors(form, errors, error);
      button.disabled = false;
    }
  });
  return form;
}

function clearErrors(form, errors) {
  errors.replaceChildren();
  for (const node of form.querySelectorAll('.field-error')) {
    node.textContent = '';
  }
  for (const node of form.querySelectorAll('[aria-invalid]')) {
    node.removeAttribute('aria-invalid');
  }
}

/** A refusal next to the form: each field's messages under that field, the rest (409 limit, 401, …) above the button. */
function showErrors(form, errors, error) {
  const rest = {};
  for (const [name, messages] of Object.entries(error.problem?.errors ?? {})) {
    const target = form.querySelector(`#webhook-${name}-error`);
    if (target) {
      target.textContent = [].concat(messages).join(' ');
      const inputs = name === 'types' ? form.querySelectorAll('input[name=types]') : form.querySelectorAll(`#webhook-${name}`);
      inputs.forEach((input) => input.setAttribute('aria-invalid', 'true'));
    } else {
      rest[name] = messages;
    }
  }
  const problem = error.problem ? { ...error.problem, errors: rest } : null;
  const box = el('div', { className: 'error', id: 'register-error' },
    problem ? [problem.title, problem.detail].filter(Boolean).join(' ') : error.message,
    Object.keys(rest).length > 0
      ? el('ul', {}, Object.entries(rest).map(([name, messages]) => el('li', {}, `${name}: ${[].concat(messages).join(' ')}`)))
      : null,
    error.status === 401 || error.status === 403 ? ' Enter a key with access in the API key field at the top of the page.' : null);
  errors.replaceChildren(box);
  form.querySelector('[aria-invalid=true]')?.focus();
}
