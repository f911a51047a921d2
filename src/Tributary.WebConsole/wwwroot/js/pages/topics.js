// Topics: one server page at a time (search by name), and a form to create a topic.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { bytes, count, retention } from '../format.js';
import { failure, field, link, pager, searchBox, showErrors, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Topics · Tributary';
  const search = query.get('search') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const list = h('div', { id: 'topic-list' }, h('p', { class: 'loading' }, 'Loading…'));
  const go = (s, o) => navigate(`/console/topics?${new URLSearchParams({ search: s, offset: String(o) })}`, true);
  replace(main,
    h('h1', null, 'Topics'),
    h('div', { class: 'toolbar' }, searchBox('Search topics', search, (text) => go(text, 0))),
    list,
    createForm());
  try {
    const page = await api(`/topics?${new URLSearchParams({ search, offset: String(offset), limit: '50' })}`);
    replace(list,
      table(`Topics ${page.offset + 1}–${Math.min(page.offset + page.limit, page.total)} of ${page.total}`, [
        { title: 'Name', cell: (t) => link(`/console/topics/${encodeURIComponent(t.name)}`, t.name) },
        { title: 'Partitions', numeric: true, cell: (t) => String(t.partitions) },
        { title: 'Messages', numeric: true, cell: (t) => count(t.messages) },
        { title: 'Size', numeric: true, cell: (t) => bytes(t.sizeBytes) },
        { title: 'Retention', cell: (t) => retention(t.retentionMs) },
      ], page.items, search ? `No topic matches “${search}”.` : 'No topics yet.'),
      pager(page, (o) => go(search, o)));
  } catch (error) {
    replace(list, failure(error));
  }
}

function createForm() {
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const partitions = h('input', { name: 'partitions', type: 'number', min: '1', value: '1' });
  const retentionMs = h('input', { name: 'retention', placeholder: 'broker default' });
  const form = h('form', { 'aria-labelledby': 'create-topic-heading', novalidate: true },
    h('h2', { id: 'create-topic-heading' }, 'Create a topic'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'grid2' },
      field('Name', name, 'name'),
      field('Partitions', partitions, 'partitions'),
      field('retention.ms', retentionMs, 'configs', 'Milliseconds; -1 keeps records forever.')),
    h('button', { type: 'submit' }, 'Create topic'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const configs = retentionMs.value ? { 'retention.ms': retentionMs.value } : {};
    try {
      await api('/topics', { method: 'POST', body: { name: name.value, partitions: Number(partitions.value), configs } });
      await navigate(`/console/topics/${encodeURIComponent(name.value)}`);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}
