// The console's only way to the gateway: its public HTTP API, with the key the user entered.
// The key lives in sessionStorage (gone when the tab closes) and travels in the X-Api-Key header, never in a URL.

const keyName = 'invoicegateway.apiKey';

/** A refusal or failure of the API, with its problem+json body when it sent one (RFC 9457). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (!problem) {
    return `The gateway answered ${status}.`;
  }
  const parts = [problem.title, problem.detail].filter(Boolean);
  for (const [field, messages] of Object.entries(problem.errors ?? {})) {
    parts.push(`${field}: ${[].concat(messages).join(' ')}`);
  }
  return parts.join(' ') || `The gateway answered ${status}.`;
}

export function apiKey() {
  return sessionStorage.getItem(keyName);
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(keyName, key);
  } else {
    sessionStorage.removeItem(keyName);
  }
}

/** Sends one request; throws ApiError for any answer that is not 2xx or 304. */
export async function request(method, path, { query, headers, body, accept = 'application/json', signal } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of query ?? []) {
    url.searchParams.append(name, value);
  }
  const sent = new Headers(headers);
  sent.set('Accept', accept);
  const key = apiKey();
  if (key && !sent.has('X-Api-Key')) {
    sent.set('X-Api-Key', key);
  }
  let payload;
  if (body !== undefined) {
    sent.set('Content-Type', 'application/json');
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body: payload, cache: 'no-store', credentials: 'omit', signal });
  } catch (error) {
    if (signal?.aborted) {
      // Called off by the page (the user left it): not a failure of the gateway.
      throw error;
    }
    throw new ApiError(0, { title: 'The gateway cannot be reached.', detail: 'Check that it is running.' });
  }
  if (!response.ok && response.status !== 304) {
    let problem = null;
    const type = response.headers.get('Content-Type') ?? '';
    if (type.includes('json')) {
      problem = await response.json().catch(() => null);
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

async function json(method, path, options) {
  const response = await request(method, path, options);
  return { body: await response.json(), headers: response.headers };
}

/** GET /v1/invoices with the API's own query parameters (URLSearchParams). */
export function listInvoices(params) {
  return json('GET', '/v1/invoices', { query: params });
}

/** GET /v1/invoices/{id}, with the upstream payload when raw is asked for. */
export function getInvoice(id, { raw = false } = {}) {
  return json('GET', `/v1/invoices/${encodeURIComponent(id)}`, { query: raw ? [['include', 'raw']] : [] });
}

/** GET /v1/invoices/{id}/en16931: the EN 16931 verdict, {valid, rules: [{id, flag, message, field}]}. */
export function checkInvoice(id) {
  return json('GET', `/v1/invoices/${encodeURIComponent(id)}/en16931`);
}

/** GET /v1/invoices/{id} as UBL 2.1 (Peppol BIS Billing 3.0): the document and its X-EN16931 verdict. */
export async function getInvoiceUbl(id) {
  const response = await request('GET', `/v1/invoices/${encodeURIComponent(id)}`, { accept: 'application/vnd.oasis.ubl+xml' });
  return { blob: await response.blob(), verdict: response.headers.get('X-EN16931') };
}

export function listSources() {
  return json('GET', '/v1/sources');
}

export function refreshSource(name) {
  return json('POST', `/v1/sources/${encodeURIComponent(name)}/refresh`);
}

/** The event types of the feed and of webhooks (SPEC section 8), in the order the console offers them. */
export const eventTypes = [
  'invoice.created', 'invoice.updated', 'invoice.deleted', 'invoice.overdue',
  'connection.synced', 'connection.failed', 'connection.recovered',
];

/** GET /v1/events: {data, next} after a cursor; wait (seconds) holds an empty answer until an event arrives. */
export function listEvents(params, { signal } = {}) {
  return json('GET', '/v1/events', { query: params, signal });
}

/** GET /v1/webhooks: the tenant's webhooks, never their secrets. */
export function listWebhooks() {
  return json('GET', '/v1/webhooks');
}

/** POST /v1/webhooks {url, types, description}: the answer holds the signing secret, this once. */
export function createWebhook(webhook) {
  return json('POST', '/v1/webhooks', { body: webhook });
}

export function getWebhook(id) {
  return json('GET', `/v1/webhooks/${encodeURIComponent(id)}`);
}

/** PATCH /v1/webhooks/{id} with the fields to change (url, types, description, enabled). */
export function updateWebhook(id, changes) {
  return json('PATCH', `/v1/webhooks/${encodeURIComponent(id)}`, { body: changes });
}

/** DELETE /v1/webhooks/{id}: 204, no body. */
export async function deleteWebhook(id) {
  await request('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
}

/** POST /v1/webhooks/{id}/test: a signed webhook.test event, as a delivery of its own (202). */
export function pingWebhook(id) {
  return json('POST', `/v1/webhooks/${encodeURIComponent(id)}/test`);
}

/** GET /v1/webhooks/{id}/deliveries (status, limit): the delivery log, newest first, with every attempt. */
export function listDeliveries(id, params) {
  return json('GET', `/v1/webhooks/${encodeURIComponent(id)}/deliveries`, { query: params });
}

/** POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry: sends it again now (202). */
export function retryDelivery(id, deliveryId) {
  return json('POST', `/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`);
}

// The connect page's link token: read from the link once, then kept in sessionStorage and sent in a header,
// so it leaves the address bar (and the browser history) at once. It allows nothing but what the link allows.
const tokenName = 'invoicegateway.connectToken';
const tokenHeader = 'X-Connect-Token';

export function takeConnectToken() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    sessionStorage.setItem(tokenName, token);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search);
  }
  return sessionStorage.getItem(tokenName);
}

/** GET /v1/connect-links/current: what the link allows (tenant, return address, sources and the fields each needs). */
export function describeConnectLink(token) {
  return json('GET', '/v1/connect-links/current', { headers: { [tokenHeader]: token } });
}

/** POST /v1/connect-links/current/connections: creates the connection for the link's tenant; answers its first read. */
export function connectSource(token, connection) {
  return json('POST', '/v1/connect-links/current/connections', { headers: { [tokenHeader]: token }, body: connection });
}
