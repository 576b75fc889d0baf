// Events: the caller's change feed (GET /v1/events) in the order the feed gives it, oldest first; type and source
// filters live in the hash, "Load more" follows the cursor, and live mode long-polls (wait) while the page is shown.
import { listEvents, listSources, eventTypes } from '../api.js';
import { el, append, table, tableRow, checkboxes, errorBox, dateTime, missing, amount, words } from '../ui.js';

const pageSize = 100;
// How long one live poll is held open by the gateway (the API allows up to 30 s).
const liveWait = 25;
const columns = ['Time (UTC)', 'Type', 'Source', 'Invoice', 'What happened'];

export async function render(view, context) {
  const params = context.params;
  const filter = {
    types: (params.get('types') ?? '').split(',').filter(Boolean),
    source: params.get('source') ?? '',
  };
  append(view,
    el('h1', {}, 'Events'),
    el('p', { className: 'lead' },
      'What the background sync saw change, oldest first, as GET /v1/events gives it. "Load more" reads the events after ',
      'the last one shown; live updates add new ones as they happen, while this page is open.'));
  const sourceNames = await listSources().then((answer) => answer.body.map((s) => s.name), () => []);
  append(view, filterForm(filter, sourceNames, context));

  const feed = new Feed(view, filter, params.get('after'), context);
  await feed.start();
}

/** The events shown, the cursor after them, and the live mode's loop. */
class Feed {
  constructor(view, filter, after, context) {
    this.filter = filter;
    this.next = after;
    this.context = context;
    this.count = 0;
    this.live = null;
    this.notice = el('div', { id: 'events-notice' });
    this.status = el('p', { id: 'events-status', role: 'status' });
    this.empty = el('p', { id: 'no-events' }, 'No events match these filters yet.');
    this.region = table('Events, oldest first', columns, [], { id: 'events', hidden: true });
    this.rows = this.region.querySelector('tbody');
    this.more = el('button', { type: 'button', id: 'load-more', onclick: () => this.loadMore() }, 'Load more');
    this.toggle = el('button', { type: 'button', id: 'live', 'aria-pressed': 'false', onclick: () => this.setLive(!this.live) }, 'Live updates');
    append(view, el('section', { 'aria-labelledby': 'feed-heading' },
      el('h2', { id: 'feed-heading' }, 'Feed'),
      this.notice, this.empty, this.region,
      el('div', { className: 'pager' }, this.more, this.toggle),
      el('p', { className: 'hint' }, `Live updates ask the gateway to hold each request up to ${liveWait} s until an event arrives; they stop when you leave this page.`),
      this.status));
  }

  query(wait) {
    const query = new URLSearchParams();
    if (this.filter.types.length > 0) {
      query.set('types', this.filter.types.join(','));
    }
    if (this.filter.source) {
      query.set('source', this.filter.source);
    }
    query.set('limit', String(pageSize));
    if (this.next) {
      query.set('after', this.next);
    }
    if (wait) {
      query.set('wait', String(wait));
    }
    return query;
  }

  async start() {
    await this.guard(() => this.read(0), (count) => {
      this.status.textContent = count === pageSize ? `${count} events; there may be more: Load more.` : `${count} events.`;
    });
  }

  async loadMore() {
    this.more.disabled = true;
    await this.guard(() => this.read(0), (count) => {
      this.status.textContent = count === 0 ? 'No newer events yet.' : `${count} more event${count === 1 ? '' : 's'}.`;
      this.context.announce(this.status.textContent);
    });
    this.more.disabled = Boolean(this.live);
  }

  /** Reads one page after the cursor and shows it; the number of events read, or null when the page was left. */
  async read(wait, signal = this.context.signal) {
    let body;
    try {
      ({ body } = await listEvents(this.query(wait), { signal }));
    } catch (error) {
      if (signal.aborted || !this.context.current()) {
        return null;
      }
      if (error.status !== 410) {
        throw error;
      }
      return this.startAgain(signal);
    }
    if (!this.context.current()) {
      return null;
    }
    for (const event of body.data) {
      this.rows.append(tableRow(columns, row(event)));
    }
    this.count += body.data.length;
    this.empty.hidden = this.count > 0;
    this.region.hidden = this.count === 0;
    this.next = body.next;
    return body.data.length;
  }

  /** A 410: the cursor is older than the events kept, so events after it may be gone. Start from the oldest kept. */
  async startAgain(signal) {
    this.notice.replaceChildren(el('p', { className: 'notice', id: 'cursor-expired' },
      'The cursor expired: the gateway keeps events for a limited time (Gateway:Events:Retention) and some after it may be gone. ',
      'Started again from the oldest event kept.'));
    this.context.announce('The cursor expired; started again from the oldest event kept.');
    this.next = null;
    this.rows.replaceChildren();
    this.count = 0;
    // The expired cursor leaves the address too, so a reload does not hit it again (replaceState fires no hashchange).
    const url = new URL(window.location.href);
    const hash = new URLSearchParams(url.hash.split('?')[1] ?? '');
    hash.delete('after');
    history.replaceState(null, '', `#/events${hash.size > 0 ? `?${hash}` : ''}`);
    return this.read(0, signal);
  }

  /** Runs a read; shows its error in place (and stops live updates) rather than throwing. */
  async guard(read, done) {
    try {
      const count = await read();
      if (count !== null) {
        this.notice.querySelector('.error')?.remove();
        done(count);
      }
      return count;
    } catch (error) {
      this.notice.replaceChildren(errorBox(error));
      this.setLive(false);
      return null;
    }
  }

  setLive(on) {
    this.live?.abort();
    this.live = on ? new AbortController() : null;
    // A toggle keeps its name; aria-pressed (and its look) says whether it is on, and the status line says it in words.
    this.toggle.setAttribute('aria-pressed', String(on));
    this.more.disabled = on;
    if (on) {
      this.status.textContent = 'Live: waiting for new events…';
      this.follow(this.live);
    } else if (this.context.current()) {
      this.status.textContent = 'Live updates stopped.';
    }
  }

  /** Long-polls until live mode is turned off or the page is left (the router aborts its signal and current() turns false). */
  async follow(live) {
    const signal = AbortSignal.any([live.signal, this.context.signal]);
    while (!signal.aborted && this.context.current()) {
      const count = await this.guard(() => this.read(liveWait, signal), (n) => {
        if (n > 0) {
          this.status.textContent = `Live: ${n} new event${n === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}.`;
          this.context.announce(this.status.textContent);
        }
      });
      if (count === null) {
        return;
      }
    }
  }
}

function row(event) {
  const invoice = !event.invoiceId
    ? missing()
    : event.type === 'invoice.deleted'
      ? el('code', {}, event.invoiceId)
      : el('a', { href: `#/invoices/${encodeURIComponent(event.invoiceId)}` }, event.invoiceId);
  return {
    props: { dataset: { id: event.id, type: event.type, invoice: event.invoiceId ?? '' } },
    cells: [dateTime(event.occurredAt), event.type, event.source ?? missing(), invoice, whatHappened(event)],
  };
}

function whatHappened(event) {
  const data = event.data ?? {};
  switch (event.type) {
    case 'invoice.updated':
      return el('ul', { className: 'changes' }, (data.changes ?? []).map((change) => el('li', {},
        el('code', {}, change.field), ': ', value(change.from),
        el('span', { 'aria-hidden': 'true' }, ' → '), el('span', { className: 'sr-only' }, ' changed to '),
        value(change.to))));
    case 'invoice.created':
    case 'invoice.overdue':
      return [
        event.type === 'invoice.created' ? 'New: ' : 'Became overdue: ',
        `${data.number ?? data.sourceId ?? data.id}, ${words(data.status)}, `,
        amount(data.totals?.gross, data.currency),
        data.dueDate ? `, due ${data.dueDate}` : null,
      ];
    case 'invoice.deleted':
      return 'Gone from the source (absent from two complete reads).';
    case 'connection.synced':
      return `First read: ${data.count} invoices.`;
    case 'connection.recovered':
      return `Read again after failing: ${data.count} invoices.`;
    case 'connection.failed':
      return data.error ? `Read failed: ${data.error.code}: ${data.error.message}` : 'Read failed.';
    default:
      return clip(JSON.stringify(data));
  }
}

/** A changed field's value: text as it is, an object or array (e.g. lines) as JSON, shortened. */
function value(v) {
  if (v === null || v === undefined) {
    return missing();
  }
  return el('span', { className: 'value' }, typeof v === 'object' ? clip(JSON.stringify(v)) : String(v));
}

function clip(text) {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function filterForm(filter, sourceNames, context) {
  const form = el('form', { className: 'filters', 'aria-labelledby': 'filters-heading' },
    el('h2', { id: 'filters-heading' }, 'Filters'),
    checkboxes('types', 'Types (none checked: every type)', eventTypes, { chosen: filter.types, idPrefix: 'filter-type' }),
    el('div', { className: 'filter-grid' },
      el('div', { className: 'field' },
        el('label', { htmlFor: 'filter-source' }, 'Source'),
        el('select', { id: 'filter-source', name: 'source' },
          el('option', { value: '' }, 'Every source'),
          // A source in the hash that the list does not name (e.g. gone since) stays selectable, so the filter shows.
          [...new Set([...sourceNames, filter.source].filter(Boolean))].map((name) =>
            el('option', { value: name, selected: name === filter.source ? true : undefined }, name))))),
    el('div', { className: 'actions' },
      el('button', { type: 'submit' }, 'Apply filters'),
      el('button', { type: 'button', onclick: () => context.navigate('#/events') }, 'Clear filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams();
    const picked = data.getAll('types');
    if (picked.length > 0) {
      query.set('types', picked.join(','));
    }
    if (data.get('source')) {
      query.set('source', String(data.get('source')));
    }
    context.navigate(query.size > 0 ? `#/events?${query}` : '#/events');
  });
  return form;
}
