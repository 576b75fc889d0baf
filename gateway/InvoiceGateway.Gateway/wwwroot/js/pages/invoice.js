// One invoice: every canonical field, its lines, warnings and the upstream payload as the source sent it.
import { getInvoice, checkInvoice, getInvoiceUbl } from '../api.js';
import { el, append, table, facts, amount, errorBox, words, label, missing, show, badge, dateTime, overdueBadge } from '../ui.js';

const summary = [
  ['id', 'Id'], ['source', 'Source'], ['sourceId', 'Id at the source'], ['number', 'Number'], ['kind', 'Kind'],
  ['direction', 'Direction'], ['status', 'Status'], ['sourceStatus', 'Status at the source'], ['currency', 'Currency'],
  ['paymentTerms', 'Payment terms'], ['issueDate', 'Issue date'], ['dueDate', 'Due date'], ['deliveryDate', 'Delivery date'],
  ['orderDate', 'Order date'], ['reminderDate', 'Reminder sent'],
  ['paidOn', 'Paid on'], ['paidAt', 'Paid at'], ['createdAt', 'Created at'], ['updatedAt', 'Updated at'],
  ['changedAt', 'Changed at (first seen by the gateway)'], ['notes', 'Notes'],
];
const groups = [
  ['issuer', 'Issuer (seller)'], ['recipient', 'Recipient (buyer)'], ['deliveryAddress', 'Delivery address'],
  ['payment', 'Payment'], ['references', 'References'], ['period', 'Invoicing period'],
  ['earlyPaymentDiscount', 'Early payment discount'],
];
// [field, heading, 'amount' | 'number' | text]: amounts are grouped like money, other numbers shown as given.
const lineColumns = [
  ['position', 'Position'], ['code', 'Code'], ['description', 'Description'], ['quantity', 'Quantity', 'number'],
  ['unit', 'Unit'], ['unitPrice', 'Unit price', 'amount'], ['discountPercent', 'Discount %', 'number'],
  ['taxRate', 'Tax rate %', 'number'], ['net', 'Net', 'amount'], ['tax', 'Tax', 'amount'], ['gross', 'Gross', 'amount'],
];
const allocationColumns = [
  ['amount', 'Amount', 'amount'], ['taxRate', 'Tax rate %', 'number'], ['costCenter', 'Cost centre'],
  ['ledgerAccount', 'Ledger account'], ['description', 'Description'],
];
const shown = new Set([
  ...summary.map((f) => f[0]), ...groups.map((g) => g[0]),
  'overdue', 'daysOverdue', 'totals', 'lines', 'allocations', 'warnings', 'raw',
]);
const totalLabels = {
  net: 'Net [BT-109]', tax: 'Tax [BT-110]', gross: 'Gross [BT-112]', paid: 'Paid [BT-113]', due: 'Due [BT-115]',
};
const times = new Set(['paidAt', 'createdAt', 'updatedAt', 'changedAt']);

export async function render(view, context) {
  const back = el('p', {}, el('a', { href: '#/invoices' }, 'Back to the invoices'));
  let answer;
  try {
    answer = await getInvoice(context.id, { raw: true });
  } catch (error) {
    append(view, el('h1', {}, 'Invoice'), back, errorBox(error));
    return;
  }

  const invoice = answer.body;
  const cache = answer.headers.get('X-Cache');
  append(view,
    el('h1', {}, `Invoice ${invoice.number ?? invoice.sourceId}`),
    back,
    el('p', { className: 'lead' },
      `${words(invoice.kind)} from ${invoice.source}, ${words(invoice.status)}`,
      invoice.overdue ? [' ', overdueBadge(invoice)] : null,
      cache ? ` · cache: ${cache}` : null),
    section('Summary', facts([
      ...summary.map(([name, label]) => [label, times.has(name) ? dateTime(invoice[name]) : wordsFor(name, invoice[name])]),
      ['Overdue', invoice.overdue ? overdueBadge(invoice) : 'no'],
    ])),
    section('E-invoice (EN 16931)', invoice.kind === 'reminder'
      // Not asked at all: the API answers 422 for a reminder, and a refused request is an error in the browser's console.
      ? el('p', { id: 'en16931-verdict' }, 'A reminder is a notice about another invoice: it has no UBL form and no EN 16931 check.')
      : einvoice(invoice, await checkInvoice(invoice.id).then((result) => result.body, (error) => error))),
    section('Totals', facts(Object.entries(invoice.totals ?? {}).map(([name, value]) => [totalLabels[name] ?? label(name), amount(value, invoice.currency)]))),
    groups.map(([name, title]) => section(title, invoice[name] ? nested(invoice[name]) : el('p', {}, 'Not given by the source.'))),
    section('Lines', rowsOf(invoice.lines, lineColumns, 'Lines of this invoice', 'No lines: the source gives none for this invoice.', 'lines')),
    section('Allocations', rowsOf(invoice.allocations, allocationColumns, 'Accounting allocations', 'No allocations.', 'allocations')),
    section('Warnings', (invoice.warnings ?? []).length === 0
      ? el('p', {}, 'None: normalizing found nothing inconsistent.')
      : el('ul', { id: 'warnings' }, invoice.warnings.map((w) => el('li', {}, el('code', {}, w.code), ` ${w.message}`)))),
    others(invoice),
    section('Raw payload', el('details', {},
      el('summary', {}, 'The payload as the source sent it'),
      el('pre', { className: 'raw', tabindex: '0', 'aria-label': 'Raw payload' },
        invoice.raw === null || invoice.raw === undefined ? 'The source sent no payload for this invoice.' : JSON.stringify(invoice.raw, null, 2)))));
}

/** The EN 16931 verdict with the rules the invoice breaks, and the UBL (Peppol BIS Billing 3.0) download. */
function einvoice(invoice, check) {
  if (check instanceof Error) {
    return el('p', { id: 'en16931-verdict' }, check.message);
  }
  const status = el('span', { id: 'ubl-status', role: 'status' });
  const download = el('button', { type: 'button', id: 'download-ubl' }, 'Download UBL (Peppol BIS 3.0)');
  download.addEventListener('click', async () => {
    status.textContent = '';
    try {
      const ubl = await getInvoiceUbl(invoice.id);
      const link = el('a', { href: URL.createObjectURL(ubl.blob), download: `${invoice.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.xml` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      status.textContent = ` Downloaded; X-EN16931: ${ubl.verdict}`;
    } catch (error) {
      status.textContent = ` ${error.message}`;
    }
  });
  const rules = check.rules.length === 0
    ? el('p', {}, 'No rule is broken.')
    : table('Rules the invoice breaks', [{ label: 'Rule' }, { label: 'Flag' }, { label: 'Field' }, { label: 'Message' }],
      check.rules.map((rule) => [el('code', {}, rule.id), rule.flag, show(rule.field), rule.message]), { id: 'en16931-rules' });
  return [
    el('p', { id: 'en16931-verdict' }, check.valid ? badge('valid') : badge('invalid'),
      check.valid ? ' as a Peppol BIS Billing 3.0 invoice.' : ` ${check.rules.filter((r) => r.flag === 'fatal').length} fatal rule results.`),
    rules,
    el('p', {}, download, status),
  ];
}

function section(title, content) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), content);
}

function wordsFor(name, value) {
  return ['kind', 'direction', 'status'].includes(name) ? words(value) : value;
}

/** Any object of the canonical model as nested definition lists, so no field is left out. */
function nested(value) {
  if (Array.isArray(value)) {
    return value.length === 0 ? missing() : el('ul', {}, value.map((item) => el('li', {}, nested(item))));
  }
  if (value !== null && typeof value === 'object') {
    return facts(Object.entries(value).map(([name, inner]) => [label(name), inner !== null && typeof inner === 'object' ? nested(inner) : inner]));
  }
  return show(value);
}

function rowsOf(items, columns, caption, empty, id) {
  if (!items || items.length === 0) {
    return el('p', {}, empty);
  }
  return table(caption, columns.map(([, label, kind]) => ({ label, numeric: Boolean(kind) })),
    items.map((item) => columns.map(([name, , kind]) => (kind === 'amount' ? amount(item[name], null) : show(item[name])))),
    { id });
}

/** Fields the model gained after this page was written: shown too, rather than hidden. */
function others(invoice) {
  const rest = Object.entries(invoice).filter(([name]) => !shown.has(name));
  return rest.length === 0 ? null : section('Other fields', nested(Object.fromEntries(rest)));
}
