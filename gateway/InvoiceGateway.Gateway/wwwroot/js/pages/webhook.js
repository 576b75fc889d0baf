// One webhook (#/webhooks/{id}): its settings, enable/disable, test ping, delete, and its delivery log with every
// attempt and a "Retry now" per delivery. Another tenant's webhook is answered by the API exactly like a missing one.
// The log is paged as the API pages it: a full page's Link header (rel="next") names the next, older page by
// before=<its last delivery's id>, which goes into the hash, so a page is a link of its own and reading it again (while
// a delivery on it is pending) shows the same deliveries: new ones only ever arrive on the first page.
import { getWebhook, updateWebhook, deleteWebhook, pingWebhook, listDeliveries, retryDelivery } from '../api.js';
import { el, append, table, badge, facts, errorBox, dateTime, missing } from '../ui.js';

const statuses = ['pending', 'succeeded', 'failed'];
const statusBadge = { pending: 'stale', succeeded: 'ok', failed: 'failed' };
// While a delivery is pending the log is read again this often, so its attempts show without a reload.
const logRefreshMs = 2000;

// The secret of a webhook just registered: handed over by the Webhooks page, shown by the next render of that webhook
// and forgotten there, so neither a reload nor coming back shows it again.
let handedOver = null;

export function showSecretOnce(id, secret) {
  handedOver = { id, secret };
}

export function typesText(types) {
  return types.length === 0 ? 'every type' : types.join(', ');
}

export async function render(view, context) {
  const secret = handedOver?.id === context.id ? handedOver.secret : null;
  handedOver = null;
  const back = el('p', {}, el('a', { href: '#/webhooks' }, 'Back to the webhooks'));
  let webhook;
  try {
    webhook = (await getWebhook(context.id)).body;
  } catch (error) {
    append(view, el('h1', {}, 'Webhook'), back, errorBox(error));
    return;
  }

  const page = new WebhookPage(webhook, context);
  append(view,
    el('h1', {}, `Webhook ${webhook.description ?? webhook.id}`),
    back,
    secret ? secretSection(secret) : null,
    page.settings,
    page.actions(),
    await page.log());
}

function section(id, title, ...content) {
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), ...content);
}

function secretSection(secret) {
  const status = el('span', { id: 'copy-status', role: 'status' });
  const input = el('input', {
    id: 'webhook-secret', type: 'text', readonly: true, value: secret, spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'secret-hint', onfocus: (event) => event.currentTarget.select(),
  });
  const copy = el('button', { type: 'button', id: 'copy-secret' }, 'Copy secret');
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = ' Copied.';
    } catch {
      status.textContent = ' Copying is not allowed here: the secret is selected, press Ctrl+C (⌘C).';
    }
  });
  return section('secret-heading', 'Signing secret',
    el('div', { className: 'success', id: 'secret-hint' },
      'Copy this secret now and give it to your receiver: it verifies the webhook-signature header of each delivery. ',
      'The gateway shows it this once and never again, not even after a reload; if it is lost, delete the webhook and register a new one.'),
    el('div', { className: 'field' }, el('label', { htmlFor: 'webhook-secret' }, 'Signing secret'), input),
    el('p', {}, copy, status));
}

class WebhookPage {
  constructor(webhook, context) {
    this.webhook = webhook;
    this.context = context;
    this.settings = section('settings-heading', 'Settings', this.facts());
    this.outcome = el('div', { id: 'webhook-outcome', 'aria-live': 'polite' });
    this.timer = null;
    this.turns = 0;
  }

  facts() {
    const w = this.webhook;
    return facts([
      ['Id', el('code', {}, w.id)],
      ['URL', el('span', { className: 'url' }, w.url)],
      ['Events', typesText(w.types)],
      ['Description', w.description],
      ['State', el('span', { id: 'webhook-state' }, w.enabled ? badge('enabled', 'ok') : badge('disabled', 'failed'))],
      ['Disabled because', w.disabledReason],
      ['Failing since (UTC)', dateTime(w.failingSince)],
      ['Registered (UTC)', dateTime(w.createdAt)],
      ['Changed (UTC)', dateTime(w.updatedAt)],
    ]);
  }

  actions() {
    this.enable = el('button', { type: 'button', id: 'toggle-enabled', onclick: () => this.setEnabled(!this.webhook.enabled) },
      this.webhook.enabled ? 'Disable' : 'Enable');
    const ping = el('button', { type: 'button', id: 'send-test', onclick: () => this.ping() }, 'Send test ping');
    const confirm = el('div', { className: 'notice', id: 'confirm-delete', role: 'group', 'aria-labelledby': 'confirm-delete-text', hidden: true },
      el('p', { id: 'confirm-delete-text' },
        `Delete this webhook and its delivery log? Nothing more will be sent to ${this.webhook.url}, and this cannot be undone.`),
      el('div', { className: 'actions' },
        el('button', { type: 'button', id: 'delete-confirmed', onclick: () => this.delete() }, 'Delete for good'),
        el('button', { type: 'button', onclick: () => { confirm.hidden = true; remove.focus(); } }, 'Keep it')));
    const remove = el('button', {
      type: 'button', id: 'delete-webhook', 'aria-expanded': 'false', 'aria-controls': 'confirm-delete',
      onclick: () => {
        confirm.hidden = false;
        remove.setAttribute('aria-expanded', 'true');
        // Focus on the safe choice: Enter right after opening must not delete.
        confirm.querySelector('button:last-child').focus();
      },
    }, 'Delete webhook…');
    return section('actions-heading', 'Actions',
      el('div', { className: 'actions' }, this.enable, ping, remove),
      confirm,
      this.outcome);
  }

  /** Runs an action; its outcome, or the API's refusal (problem+json), is shown beside the buttons. */
  async act(run, done) {
    this.outcome.replaceChildren();
    try {
      const text = done(await run());
      if (text) {
        this.outcome.replaceChildren(el('p', { className: 'success' }, text));
      }
    } catch (error) {
      this.outcome.replaceChildren(errorBox(error));
      this.outcome.firstChild.removeAttribute('role');
    }
  }

  setEnabled(enabled) {
    return this.act(() => updateWebhook(this.webhook.id, { enabled }), ({ body }) => {
      this.webhook = body;
      this.settings.querySelector('.facts').replaceWith(this.facts());
      this.enable.textContent = body.enabled ? 'Disable' : 'Enable';
      return body.enabled ? 'Enabled: events are sent to it again.' : 'Disabled: nothing is sent to it until it is enabled.';
    });
  }

  ping() {
    return this.act(() => pingWebhook(this.webhook.id), ({ body }) => {
      this.refreshLog();
      return `Test ping queued as delivery ${body.id}; the log below shows its attempts.`;
    });
  }

  delete() {
    return this.act(() => deleteWebhook(this.webhook.id), () => {
      this.context.announce('Webhook deleted.');
      this.context.navigate('#/webhooks');
      return null;
    });
  }

  retry(deliveryId) {
    return this.act(() => retryDelivery(this.webhook.id, deliveryId), () => {
      this.refreshLog();
      return `Delivery ${deliveryId} is being sent again now.`;
    });
  }

  /** The delivery log section, with its status filter and page (both kept in the hash) and first answer. */
  async log() {
    const status = this.context.params.get('status') ?? '';
    const before = this.context.params.get('before') ?? '';
    const form = el('form', { className: 'actions', id: 'deliveries-filter' },
      el('div', { className: 'field' },
        el('label', { htmlFor: 'filter-status' }, 'Status'),
        el('select', { id: 'filter-status', name: 'status' },
          el('option', { value: '' }, 'Any status'),
          statuses.map((s) => el('option', { value: s, selected: s === status ? true : undefined }, s)))),
      el('button', { type: 'submit', className: 'align-end' }, 'Show'),
      el('button', { type: 'button', className: 'align-end', onclick: () => this.refreshLog() }, 'Refresh log'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = new FormData(form).get('status');
      // Another status starts again at the newest page.
      this.context.navigate(this.logHref(chosen, null));
    });
    this.deliveries = el('div', { id: 'delivery-log' });
    this.pager = el('nav', { className: 'pager', id: 'deliveries-pager', 'aria-label': 'Delivery log pages' });
    this.status = status;
    this.query = new URLSearchParams([...(status ? [['status', status]] : []), ...(before ? [['before', before]] : [])]);
    await this.refreshLog();
    return section('log-heading', 'Delivery log',
      el('p', { className: 'hint' },
        'Newest first, 50 to a page. A failed attempt is retried after 10 s, then four times longer each time, for 24 h. ',
        'The log reads itself again while a delivery is pending.'),
      form, this.deliveries, this.pager);
  }

  /** The hash of a page of this webhook's log: the status filter, and the delivery the page starts before (none: the newest). */
  logHref(status, before) {
    const query = new URLSearchParams([...(status ? [['status', status]] : []), ...(before ? [['before', before]] : [])]);
    const base = `#/webhooks/${encodeURIComponent(this.webhook.id)}`;
    return query.size === 0 ? base : `${base}?${query}`;
  }

  /** "Newest deliveries" on any page but the first; "Older deliveries" when the API's Link header names a next page. */
  renderPager(headers) {
    const older = nextBefore(headers);
    this.pager.replaceChildren(
      this.query.has('before') ? el('a', { href: this.logHref(this.status, null), id: 'newest-deliveries' }, 'Newest deliveries') : null,
      older ? el('a', { href: this.logHref(this.status, older), id: 'older-deliveries' }, 'Older deliveries') : null);
  }

  async refreshLog() {
    clearTimeout(this.timer);
    // Only the latest read is shown (and schedules the next), so a ping during a scheduled read starts no second loop.
    const turn = ++this.turns;
    let deliveries;
    let headers;
    try {
      ({ body: deliveries, headers } = await listDeliveries(this.webhook.id, this.query));
    } catch (error) {
      if (this.context.current() && turn === this.turns) {
        this.deliveries.replaceChildren(errorBox(error));
      }
      return;
    }
    if (!this.context.current() || turn !== this.turns) {
      return;
    }
    this.renderPager(headers);
    // A keyboard user on a row's button stays on that row's button when the log is read again.
    const focused = this.deliveries.contains(document.activeElement) ? document.activeElement.closest('tr')?.dataset.id : null;
    this.deliveries.replaceChildren(deliveries.length === 0
      ? el('p', { id: 'no-deliveries' }, this.query.has('before')
        ? 'No older delivery.'
        : 'No delivery yet: events matching this webhook after it was registered, and test pings, appear here.')
      : table('Deliveries, newest first', [
        'Created (UTC)', 'Event', 'Invoice', 'Status', 'Attempts', 'Next attempt (UTC)', 'Action',
      ], deliveries.map((d) => this.row(d)), { id: 'deliveries' }));
    if (focused) {
      this.deliveries.querySelector(`tr[data-id="${CSS.escape(focused)}"] button`)?.focus();
    }
    if (deliveries.some((d) => d.status === 'pending')) {
      // Only while this page is shown: the router's ticket says when the user has moved on.
      this.timer = setTimeout(() => {
        if (this.context.current()) {
          this.refreshLog();
        }
      }, logRefreshMs);
    }
  }

  row(d) {
    return {
      props: { dataset: { id: d.id, status: d.status } },
      cells: [
        dateTime(d.createdAt),
        [d.type, el('br'), el('code', { className: 'hint' }, d.eventId)],
        d.invoiceId ? el('a', { href: `#/invoices/${encodeURIComponent(d.invoiceId)}` }, d.invoiceId) : missing(),
        badge(d.status, statusBadge[d.status]),
        d.attempts.length === 0
          ? 'none yet'
          : el('ol', { className: 'attempts' }, d.attempts.map((a) => el('li', { dataset: { status: a.statusCode ?? '' } },
            `${dateTime(a.at)}: `,
            a.statusCode ? `HTTP ${a.statusCode}` : 'no answer',
            a.error ? ` (${a.error})` : null,
            `, ${a.durationMs} ms`,
            a.nextAttemptAt ? `; retry at ${dateTime(a.nextAttemptAt)}` : null))),
        dateTime(d.nextAttemptAt) ?? missing(),
        el('button', { type: 'button', 'aria-label': `Retry now: delivery ${d.id}`, onclick: () => this.retry(d.id) }, 'Retry now'),
      ],
    };
  }
}

/** The before= of the Link header's rel="next" (RFC 8288), or null when the API sent none: this was the last page. */
function nextBefore(headers) {
  const link = headers?.get('Link');
  const next = link?.split(',').map((part) => /^\s*<([^>]*)>\s*;\s*rel="?next"?\s*$/i.exec(part)).find(Boolean);
  return next ? new URL(next[1], window.location.origin).searchParams.get('before') : null;
}
