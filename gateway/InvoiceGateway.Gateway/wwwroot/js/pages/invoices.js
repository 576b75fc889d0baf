// The Invoices page: the merged list with every filter, sort and the cursor paging of GET /v1/invoices,
// the state of each source in the answer, and totals per currency and status of everything the query matches.
import { listInvoices, listSources } from '../api.js';
import { el, append, table, checkboxes, badge, amount, errorBox, words, missing, units, formatUnits, overdueBadge } from '../ui.js';

const lists = {
  status: ['draft', 'open', 'partiallyPaid', 'paid', 'cancelled', 'unknown'],
  kind: ['invoice', 'creditNote', 'reminder'],
  direction: ['payable', 'receivable'],
};
const sorts = [
  ['dueDate', 'Due date, earliest first'], ['-dueDate', 'Due date, latest first'],
  ['issueDate', 'Issue date, earliest first'], ['-issueDate', 'Issue date, latest first'],
  ['gross', 'Gross amount, smallest first'], ['-gross', 'Gross amount, largest first'],
];
const limits = ['10', '25', '50', '100', '200', '500'];
const defaults = { sort: 'dueDate', limit: '50' };
const texts = [
  ['q', 'Search', 'search', 'Number, issuer or recipient name, payment reference'],
  ['currency', 'Currencies', 'text', 'Comma-separated ISO codes, e.g. NOK,EUR'],
];
const ranges = [
  ['dueFrom', 'Due from', 'date'], ['dueTo', 'Due to', 'date'],
  ['issuedFrom', 'Issued from', 'date'], ['issuedTo', 'Issued to', 'date'],
  ['minGross', 'Gross at least', 'number'], ['maxGross', 'Gross at most', 'number'],
];
// Totals walk every page of the query at the API's largest page size; beyond this many they say they are partial.
const totalsPageLimit = 20;

// The cursors of the pages before the one shown, for "Previous page" (a cursor only leads forwards).
let trail = { query: null, cursors: [] };

export async function render(view, context) {
  const params = context.params;
  const query = withoutCursor(params);
  const cursor = params.get('cursor') ?? '';
  if (trail.query !== query.toString()) {
    trail = { query: query.toString(), cursors: [] };
  }
  const back = trail.cursors.indexOf(cursor);
  if (back >= 0) {
    trail.cursors = trail.cursors.slice(0, back);
  }

  append(view, el('h1', {}, 'Invoices'));
  const [sources, list] = await Promise.allSettled([listSources(), listInvoices(params)]);
  append(view, filterForm(params, sources.status === 'fulfilled' ? sources.value.body.map((s) => s.name) : [], context));
  if (list.status === 'rejected') {
    append(view, errorBox(list.reason));
    return;
  }

  const page = list.value.body;
  const number = trail.cursors.length + 1;
  const results = el('section', { 'aria-labelledby': 'results-heading' },
    el('h2', { id: 'results-heading', tabindex: '-1' }, 'Results'),
    el('p', { id: 'results-summary' }, `Page ${number}: ${page.data.length} invoice${page.data.length === 1 ? '' : 's'}.`),
    page.complete ? null : incomplete(page.sources),
    invoiceTable(page.data),
    pager(page, params, cursor, context));
  append(view, results, sourceStates(page.sources), totalsSection(query, context));
  context.announce(`Page ${number}: ${page.data.length} invoices${page.complete ? '' : ', incomplete answer'}.`);
}

function withoutCursor(params) {
  const query = new URLSearchParams(params);
  query.delete('cursor');
  return query;
}

function hrefFor(params) {
  const text = params.toString();
  return text ? `#/invoices?${text}` : '#/invoices';
}

function filterForm(params, sourceNames, context) {
  const chosen = (name) => new Set((params.get(name) ?? '').split(',').filter(Boolean));
  const group = (name, legend, values) =>
    checkboxes(name, legend, values, { chosen: [...chosen(name)], idPrefix: `filter-${name}`, text: words });
  const field = (name, label, type, hint) => el('div', { className: 'field' },
    el('label', { htmlFor: `filter-${name}` }, label),
    el('input', {
      id: `filter-${name}`, name, type, value: params.get(name) ?? '', step: type === 'number' ? 'any' : undefined,
      'aria-describedby': hint ? `filter-${name}-hint` : undefined,
    }),
    hint ? el('span', { id: `filter-${name}-hint`, className: 'hint' }, hint) : null);
  const select = (name, label, options, selected) => el('div', { className: 'field' },
    el('label', { htmlFor: `filter-${name}` }, label),
    el('select', { id: `filter-${name}`, name },
      options.map(([value, text]) => el('option', { value, selected: value === selected ? true : undefined }, text))));

  const form = el('form', { className: 'filters', 'aria-labelledby': 'filters-heading' },
    el('h2', { id: 'filters-heading' }, 'Filters'),
    el('div', { className: 'filter-grid' },
      texts.map(([name, label, type, hint]) => field(name, label, type, hint)),
      select('overdue', 'Overdue', [['', 'Any'], ['true', 'Overdue only'], ['false', 'Not overdue']], params.get('overdue') ?? ''),
      ranges.map(([name, label, type]) => field(name, label, type)),
      el('div', { className: 'field' },
        el('label', { htmlFor: 'filter-changedSince' }, 'Changed since'),
        el('input', {
          id: 'filter-changedSince', name: 'changedSince', type: 'datetime-local', step: '1',
          value: localDateTime(params.get('changedSince')), 'aria-describedby': 'filter-changedSince-hint',
        }),
        el('span', { id: 'filter-changedSince-hint', className: 'hint' }, 'Your local time; sent to the API in UTC')),
      select('sort', 'Sort by', sorts, params.get('sort') ?? defaults.sort),
      select('limit', 'Invoices per page', limits.map((l) => [l, l]), params.get('limit') ?? defaults.limit)),
    sourceNames.length > 0 ? group('source', 'Sources', sourceNames) : null,
    group('status', 'Status', lists.status),
    group('kind', 'Kind', lists.kind),
    group('direction', 'Direction', lists.direction),
    el('div', { className: 'actions' },
      el('button', { type: 'submit' }, 'Apply filters'),
      el('button', { type: 'button', onclick: () => context.navigate('#/invoices') }, 'Clear filters')));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    context.navigate(hrefFor(formQuery(form)));
  });
  return form;
}

function formQuery(form) {
  const data = new FormData(form);
  const query = new URLSearchParams();
  for (const name of ['q', 'currency', 'overdue', ...ranges.map((r) => r[0])]) {
    const value = String(data.get(name) ?? '').trim();
    if (value) {
      query.set(name, value);
    }
  }
  const changed = String(data.get('changedSince') ?? '');
  if (changed) {
    query.set('changedSince', new Date(changed).toISOString());
  }
  for (const name of ['source', 'status', 'kind', 'direction']) {
    const values = data.getAll(name);
    if (values.length > 0) {
      query.set(name, values.join(','));
    }
  }
  for (const [name, fallback] of Object.entries(defaults)) {
    const value = String(data.get(name) ?? '');
    if (value && value !== fallback) {
      query.set(name, value);
    }
  }
  return query;
}

/** An RFC 3339 instant as the value of a datetime-local input (the browser's time zone). */
function localDateTime(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) {
    return '';
  }
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function incomplete(sources) {
  const failed = sources.filter((s) => s.state === 'failed').map((s) => s.name);
  const stale = sources.filter((s) => s.state === 'stale').map((s) => s.name);
  const parts = [];
  if (failed.length > 0) {
    parts.push(`failed: ${failed.join(', ')}`);
  }
  if (stale.length > 0) {
    parts.push(`served from an older copy: ${stale.join(', ')}`);
  }
  return el('p', { className: 'notice', id: 'incomplete' },
    `Incomplete answer (${parts.join('; ')}). The other sources are listed; see "Sources in this answer".`);
}

function counterparty(invoice) {
  const party = invoice.direction === 'receivable' ? invoice.recipient : invoice.issuer;
  return party?.name ?? null;
}

function invoiceTable(invoices) {
  const columns = [
    'Invoice', 'Source', 'Kind', 'Status', 'Counterparty', 'Issued', 'Due',
    { label: 'Gross', numeric: true }, { label: 'Outstanding', numeric: true }, { label: 'Warnings', numeric: true },
  ];
  const rows = invoices.map((invoice) => ({
    props: { className: invoice.overdue ? 'overdue' : undefined, dataset: { id: invoice.id } },
    cells: [
      el('a', { href: `#/invoices/${encodeURIComponent(invoice.id)}` }, invoice.number ?? invoice.sourceId),
      invoice.source,
      words(invoice.kind),
      words(invoice.status),
      counterparty(invoice) ?? missing(),
      invoice.issueDate ?? missing(),
      [invoice.dueDate ?? missing(), invoice.overdue ? [' ', overdueBadge(invoice)] : null],
      amount(invoice.totals?.gross, invoice.currency),
      amount(invoice.totals?.due, invoice.currency),
      String(invoice.warnings?.length ?? 0),
    ],
  }));
  if (rows.length === 0) {
    return el('p', { id: 'no-invoices' }, 'No invoice matches these filters.');
  }
  return table('Invoices on this page', columns, rows, { id: 'invoice-list' });
}

function pager(page, params, cursor, context) {
  const query = withoutCursor(params);
  const go = (target) => {
    const next = new URLSearchParams(query);
    if (target) {
      next.set('cursor', target);
    }
    context.navigate(hrefFor(next));
  };
  return el('nav', { className: 'pager', 'aria-label': 'Pages' },
    el('button', { type: 'button', disabled: !cursor, onclick: () => go('') }, 'First page'),
    el('button', {
      type: 'button', disabled: trail.cursors.length === 0,
      onclick: () => go(trail.cursors[trail.cursors.length - 1]),
    }, 'Previous page'),
    el('button', {
      type: 'button', disabled: !page.next,
      onclick: () => {
        trail.cursors.push(cursor);
        go(page.next);
      },
    }, 'Next page'));
}

function sourceStates(sources) {
  const rows = sources.map((s) => ({
    props: { dataset: { source: s.name, state: s.state } },
    cells: [
      s.name,
      badge(s.state),
      String(s.count),
      String(s.durationMs),
      String(s.rejected ?? 0),
      s.error ? `${s.error.code}: ${s.error.message}` : missing(),
      (s.notices ?? []).length > 0 ? el('ul', {}, s.notices.map((n) => el('li', {}, `${n.code}: ${n.message}`))) : missing(),
    ],
  }));
  return el('section', { 'aria-labelledby': 'states-heading' },
    el('h2', { id: 'states-heading' }, 'Sources in this answer'),
    table('State of each source in this answer', [
      'Source', 'State', { label: 'Invoices', numeric: true }, { label: 'Time (ms)', numeric: true },
      { label: 'Rejected', numeric: true }, 'Error', 'Notices',
    ], rows, { id: 'source-states' }));
}

function totalsSection(query, context) {
  const status = el('p', { id: 'totals-status' }, 'Adding up every invoice that matches these filters…');
  const section = el('section', { 'aria-labelledby': 'totals-heading', 'aria-busy': 'true' },
    el('h2', { id: 'totals-heading' }, 'Totals'), status);
  addUpTotals(query, context).then(({ groups, count, partial }) => {
    section.removeAttribute('aria-busy');
    status.textContent = partial
      ? `Totals of the first ${count} matching invoices (the query matches more).`
      : `Totals of all ${count} matching invoices, across every page.`;
    const rows = [...groups.values()]
      .sort((a, b) => `${a.currency} ${a.status}`.localeCompare(`${b.currency} ${b.status}`))
      .map((g) => ({
        props: { dataset: { currency: g.currency, status: g.status } },
        cells: [g.currency, words(g.status), String(g.count), total(g.gross), total(g.due), String(g.overdue)],
      }));
    if (rows.length > 0) {
      section.append(table('Totals per currency and status', [
        'Currency', 'Status', { label: 'Invoices', numeric: true }, { label: 'Gross', numeric: true },
        { label: 'Outstanding', numeric: true }, { label: 'Overdue', numeric: true },
      ], rows, { id: 'totals' }));
    }
  }, (error) => {
    section.removeAttribute('aria-busy');
    status.replaceWith(errorBox(error));
  });
  return section;
}

// An amount the source did not give is not a zero: the total says how many it leaves out.
function add(total, value) {
  if (value === null || value === undefined) {
    total.missing += 1;
  } else {
    total.sum += units(value);
  }
}

function total({ sum, missing: notGiven }) {
  return notGiven === 0 ? formatUnits(sum) : `${formatUnits(sum)} (${notGiven} not given)`;
}

async function addUpTotals(query, context) {
  const groups = new Map();
  let count = 0;
  let cursor = null;
  let pages = 0;
  const walk = new URLSearchParams(query);
  walk.set('limit', '500');
  do {
    if (cursor) {
      walk.set('cursor', cursor);
    }
    const { body } = await listInvoices(walk);
    if (!context.current()) {
      break;
    }
    for (const invoice of body.data) {
      const key = `${invoice.currency ?? ''}|${invoice.status}`;
      const group = groups.get(key) ?? {
        currency: invoice.currency ?? '(none)', status: invoice.status, count: 0, overdue: 0,
        gross: { sum: 0n, missing: 0 }, due: { sum: 0n, missing: 0 },
      };
      group.count += 1;
      add(group.gross, invoice.totals?.gross);
      add(group.due, invoice.totals?.due);
      group.overdue += invoice.overdue ? 1 : 0;
      groups.set(key, group);
    }
    count += body.data.length;
    cursor = body.next;
    pages += 1;
  } while (cursor && pages < totalsPageLimit);
  return { groups, count, partial: Boolean(cursor) };
}
