// One consumer group: members, lag per partition, and resetting a topic's offsets (with confirmation).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { confirmButton, failure, field, showErrors, state, table } from '../ui.js';

export async function render(main, { id }) {
  document.title = `${id} · Consumer groups · Tributary`;
  let group;
  try {
    group = await api(`/groups/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(main, h('h1', null, id), failure(error));
    return;
  }
  const topics = [...new Set(group.lag.map((l) => l.topic))];
  replace(main,
    h('h1', null, `Consumer group ${group.groupId}`),
    h('p', null, 'State ', state(group.state), ` · ${group.type} protocol`),
    h('h2', null, 'Members'),
    table('Members', [
      { title: 'Member', cell: (m) => h('span', { class: 'mono' }, m.memberId) },
      { title: 'Client', cell: (m) => m.clientId },
      { title: 'Host', cell: (m) => m.clientHost },
    ], group.members, 'No members (the group is empty).'),
    h('h2', null, 'Lag per partition'),
    table('Committed offsets and lag', [
      { title: 'Topic', cell: (l) => l.topic },
      { title: 'Partition', numeric: true, cell: (l) => String(l.partition) },
      { title: 'Committed', numeric: true, cell: (l) => count(l.committedOffset) },
      { title: 'Log end', numeric: true, cell: (l) => count(l.logEndOffset) },
      { title: 'Lag', numeric: true, cell: (l) => count(l.lag) },
    ], group.lag, 'No committed offsets.'),
    resetForm(id, topics, () => render(main, { id })));
}

function resetForm(id, topics, done) {
  const topic = h('input', { name: 'topic', value: topics[0] ?? '', list: 'group-topics' });
  const to = h('select', { name: 'to' }, h('option', { value: 'earliest' }, 'Earliest'), h('option', { value: 'latest' }, 'Latest'), h('option', { value: 'timestamp' }, 'A time'));
  const when = h('input', { name: 'timestamp', placeholder: '2026-01-31T12:00:00Z' });
  const form = h('form', { 'aria-labelledby': 'reset-heading', onsubmit: (e) => e.preventDefault() },
    h('h2', { id: 'reset-heading' }, 'Reset offsets'),
    h('p', { class: 'muted' }, 'Only while the group has no members: stop its consumers first.'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('datalist', { id: 'group-topics' }, topics.map((t) => h('option', { value: t }))),
    h('div', { class: 'toolbar' }, field('Topic', topic, 'topic'), field('Reset to', to, 'to'), field('Time', when, 'timestamp')),
    confirmButton('Reset offsets', 'Move the committed offsets of every partition of this topic?', async () => {
      const body = { topic: topic.value, to: to.value };
      if (to.value === 'timestamp') body.timestamp = Date.parse(when.value);
      try { await api(`/groups/${encodeURIComponent(id)}/reset`, { method: 'POST', body }); await done(); } catch (error) { showErrors(form, error); }
    }));
  return form;
}
