// Small DOM helpers shared by the pages. Every value from the API goes into the page as text, never as markup.

/** Creates an element: el('a', { href: '#/x', className: 'y' }, 'text', child). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'className' || name === 'textContent' || name === 'htmlFor' || name === 'value' || name === 'checked') {
      node[name] = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, ...children);
  return node;
}

/** Appends text and nodes, flattening nested arrays and skipping null, undefined and false. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : String(child));
  }
}

/** A table with a caption and column headers; rows are arrays of cells (text or nodes), or { cells, props }. */
export function table(caption, columns, rows, props = {}) {
  const head = el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col', className: c.numeric ? 'num' : undefined }, c.label ?? c))));
  const body = el('tbody', {}, rows.map((row) => tableRow(columns, row)));
  // A wide table scrolls inside its own region on a narrow screen; the region is focusable so a keyboard can scroll it.
  return el('div', { className: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0', ...props },
    el('table', {}, el('caption', {}, caption), head, body));
}

/** One row of a table made by table(), for a page that adds rows later (the columns must be the table's). */
export function tableRow(columns, row) {
  const cells = Array.isArray(row) ? row : row.cells;
  return el('tr', Array.isArray(row) ? {} : row.props ?? {},
    cells.map((cell, i) => el('td', { className: columns[i]?.numeric ? 'num' : undefined }, cell)));
}

/** A fieldset of checkboxes, one per value, named name (FormData.getAll(name) gives the checked ones). */
export function checkboxes(name, legend, values, { chosen = [], idPrefix = name, text = (v) => v, extra = null, props = {} } = {}) {
  const checked = new Set(chosen);
  return el('fieldset', { className: 'choices', ...props },
    el('legend', {}, legend),
    values.map((value) => {
      const id = `${idPrefix}-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
      return el('span', { className: 'choice' },
        el('input', { type: 'checkbox', id, name, value, checked: checked.has(value) }),
        el('label', { htmlFor: id }, text(value)));
    }),
    extra);
}

/** A definition list of label/value pairs; null values show as "—" with a screen-reader word. */
export function facts(pairs) {
  return el('dl', { className: 'facts' }, pairs.map(([label, value]) => [el('dt', {}, label), el('dd', {}, show(value))]));
}

/** Text for a missing value that reads as "not given" to a screen reader. */
export function missing() {
  return el('span', { className: 'missing' }, el('span', { 'aria-hidden': 'true' }, '—'), el('span', { className: 'sr-only' }, 'not given'));
}

export function show(value) {
  if (value === null || value === undefined || value === '') {
    return missing();
  }
  if (value instanceof Node) {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return String(value);
}

/** A state word as a badge: the word itself carries the meaning, the colour only repeats it. */
export function badge(text, kind = text) {
  return el('span', { className: `badge badge-${kind}` }, text);
}

/** The overdue badge: the API computes overdue and daysOverdue when it serves the invoice (SPEC section 3). */
export function overdueBadge(invoice) {
  const days = invoice.daysOverdue;
  const text = typeof days === 'number' ? `overdue ${days} ${days === 1 ? 'day' : 'days'}` : 'overdue';
  return badge(text, 'overdue');
}

/** An amount as the API gave it, with its currency, grouped for reading; null stays "not given". */
export function amount(value, currency) {
  if (value === null || value === undefined) {
    return missing();
  }
  const text = formatUnits(units(value));
  return currency ? `${text} ${currency}` : text;
}

// Amounts are added up in millionths as integers, so totals never pick up binary floating-point error.
const scale = 6;

/** A JSON number as a whole count of millionths (BigInt); null counts as 0. */
export function units(value) {
  if (value === null || value === undefined) {
    return 0n;
  }
  const text = String(value);
  if (/e/i.test(text)) {
    return BigInt(Math.round(Number(value) * 10 ** scale));
  }
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const magnitude = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return text.startsWith('-') ? -magnitude : magnitude;
}

/** Millionths as a grouped decimal with at least two decimals: 1234567500000n → "1,234,567.50". */
export function formatUnits(value) {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits.slice(-scale).replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A date-time in UTC as the API sends it (Z or +00:00), shortened for reading; another offset stays written out. */
export function dateTime(value) {
  return value ? value.replace('T', ' ').replace(/(\.\d+)?(Z|[+-]00:00)$/, ' UTC').replace(/\.\d+(?=[+-]\d\d:\d\d$)/, '') : null;
}

/** The error box of a page; role=alert so a screen reader hears it at once. */
export function errorBox(error) {
  const hint = error.status === 401 || error.status === 403
    ? ' Enter a key with access in the API key field at the top of the page.'
    : '';
  return el('div', { className: 'error', role: 'alert' }, (error.message ?? String(error)) + hint);
}

/** The camelCase API names as words: partiallyPaid → partially paid. */
export function words(name) {
  return name ? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : name;
}

/** A field name as a label: minimumDue → Minimum due. */
export function label(name) {
  const text = words(name) ?? '';
  return text.charAt(0).toUpperCase() + text.slice(1);
}
