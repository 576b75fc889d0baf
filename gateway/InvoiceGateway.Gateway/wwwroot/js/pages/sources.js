// Sources: each source the key may read, its health, circuit, last success and last error; refresh for admin keys.
import { listSources, refreshSource } from '../api.js';
import { el, append, table, badge, errorBox, missing, dateTime, words } from '../ui.js';

export async function render(view, context) {
  append(view, el('h1', {}, 'Sources'));
  let sources;
  try {
    sources = (await listSources()).body;
  } catch (error) {
    append(view, errorBox(error));
    return;
  }

  // Admin endpoints exist only when keys are configured: without a key there is nothing to offer.
  const canRefresh = !context.isAnonymous();
  const outcome = el('p', { id: 'refresh-outcome', role: 'status' });
  const rows = sources.map((s) => ({
    props: { dataset: { source: s.name } },
    cells: [
      s.name, s.adapter, words(s.direction), badge(s.health), words(s.circuit),
      dateTime(s.lastSuccess) ?? missing(), s.lastError ?? missing(),
      `${s.cache?.ttl ?? '?'} (stale up to ${s.cache?.staleTtl ?? '?'})`,
      canRefresh
        ? el('button', { type: 'button', 'aria-label': `Refresh ${s.name}`, onclick: (event) => refresh(event.currentTarget, s.name, outcome, context) }, 'Refresh')
        : missing(),
    ],
  }));
  append(view, 
    el('p', {}, canRefresh
      ? 'Refresh drops a source\'s cached answers in every replica and reads it again (admin keys only).'
      : 'Refreshing a source needs an admin key: enter one at the top of the page.'),
    outcome,
    table('Sources', ['Source', 'Adapter', 'Direction', 'Health', 'Circuit', 'Last success', 'Last error', 'Cache', 'Action'], rows, { id: 'sources' }));
}

async function refresh(button, name, outcome, context) {
  button.disabled = true;
  outcome.textContent = `Refreshing ${name}…`;
  try {
    const { body } = await refreshSource(name);
    outcome.textContent = `${body.name}: ${body.state}, ${body.count} invoices in ${body.durationMs} ms${body.error ? ` (${body.error.message})` : ''}.`;
  } catch (error) {
    outcome.replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
  context.announce(outcome.textContent);
}
