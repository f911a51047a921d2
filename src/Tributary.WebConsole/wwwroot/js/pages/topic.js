// One topic: partitions and configs, the message browser (from the end, an offset or a time; values as JSON,
// text or hex), a test producer, and delete with confirmation.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count, decodeBase64, hexDump, time } from '../format.js';
import { confirmButton, failure, field, showErrors, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, { name }, query) {
  document.title = `${name} · Topics · Tributary`;
  const path = `/topics/${encodeURIComponent(name)}`;
  let topic;
  try {
    topic = await api(path);
  } catch (error) {
    replace(main, h('h1', null, name), failure(error));
    return;
  }
  const messages = h('div', { id: 'messages' });
  replace(main,
    h('h1', null, `Topic ${topic.name}`),
    h('div', { class: 'toolbar' }, confirmButton('Delete topic', `Delete ${topic.name} and all its records?`, async () => {
      try { await api(path, { method: 'DELETE' }); await navigate('/console/topics'); } catch (error) { main.prepend(failure(error)); }
    })),
    h('h2', null, 'Partitions'),
    table('Partitions and offsets', [
      { title: 'Partition', numeric: true, cell: (p) => String(p.partition) },
      { title: 'Log start', numeric: true, cell: (p) => count(p.logStartOffset) },
      { title: 'High watermark', numeric: true, cell: (p) => count(p.highWatermark) },
      { title: 'Messages', numeric: true, cell: (p) => count(p.highWatermark - p.logStartOffset) },
    ], topic.partitions),
    h('details', null, h('summary', null, 'Configuration'),
      table('Topic configuration', [
        { title: 'Name', cell: (c) => h('span', { class: 'mono' }, c.name) },
        { title: 'Value', cell: (c) => h('span', { class: 'mono' }, c.value ?? '') },
        { title: 'Source', cell: (c) => c.source },
      ], topic.configs)),
    browser(path, topic, messages, query),
    messages,
    producer(path, topic, () => messages.dispatchEvent(new Event('reload'))));
}

function browser(path, topic, output, query) {
  const partition = h('select', { name: 'partition' }, topic.partitions.map((p) => h('option', { value: String(p.partition) }, String(p.partition))));
  const from = h('select', { name: 'from' }, h('option', { value: 'latest' }, 'Newest'), h('option', { value: 'offset' }, 'Offset'), h('option', { value: 'time' }, 'Time'));
  const position = h('input', { name: 'position', placeholder: 'offset, or time as 2026-01-31T12:00:00Z' });
  const limit = h('select', { name: 'limit' }, ['20', '100', '500', '1000'].map((n) => h('option', { value: n }, n)));
  const format = h('select', { name: 'format' }, h('option', { value: 'json' }, 'JSON (text otherwise)'), h('option', { value: 'text' }, 'Text'), h('option', { value: 'hex' }, 'Hex'));
  limit.value = query.get('limit') ?? '100';
  const form = h('form', { 'aria-labelledby': 'browse-heading', class: 'browse' },
    h('h2', { id: 'browse-heading' }, 'Messages'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'toolbar' },
      field('Partition', partition, 'partition'),
      field('From', from, 'from'),
      field('Offset or time', position, 'position'),
      field('Count', limit, 'limit'),
      field('Show values as', format, 'format'),
      h('button', { type: 'submit' }, 'Read')));
  let last = null;
  async function load() {
    const parameters = new URLSearchParams({ partition: partition.value, limit: limit.value });
    if (from.value === 'offset') parameters.set('offset', position.value || '0');
    if (from.value === 'time') {
      const ms = Date.parse(position.value);
      if (Number.isNaN(ms)) { showErrors(form, { code: 'InvalidTime', message: 'Give a time such as 2026-01-31T12:00:00Z.', fields: [{ field: 'position', message: 'Not a time.' }] }); return; }
      parameters.set('timestamp', String(ms));
    }
    try {
      const started = performance.now();
      last = await api(`${path}/messages?${parameters}`);
      showErrors(form, null);
      draw(output, last, format.value);
      output.dataset.renderMs = String(Math.round(performance.now() - started));
    } catch (error) {
      showErrors(form, error);
    }
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  format.addEventListener('change', () => last && draw(output, last, format.value));
  output.addEventListener('reload', load);
  queueMicrotask(load);
  return form;
}

function shown(bytesView, format) {
  if (bytesView === null) return h('span', { class: 'muted' }, 'null');
  if (format === 'hex' || bytesView.text === null) return block(hexDump(decodeBase64(bytesView.base64)));
  if (format === 'json') {
    try { return block(JSON.stringify(JSON.parse(bytesView.text), null, 2)); } catch { /* not JSON: shown as text */ }
  }
  return block(bytesView.text);
}

// A value box; one tall enough to scroll (about 8 lines, see app.css) is focusable so the keyboard can scroll it.
const block = (text) => h('pre', { tabindex: text.length > 400 || text.split('\n', 9).length > 8 ? '0' : null }, text);

function draw(output, page, format) {
  replace(output,
    h('p', { class: 'muted', 'aria-live': 'polite' }, `${page.items.length} messages of partition ${page.partition} from offset ${count(page.from)} (log ${count(page.logStartOffset)}–${count(page.highWatermark)}).`),
    table(`Messages of ${page.topic}-${page.partition}`, [
      { title: 'Offset', numeric: true, cell: (m) => String(m.offset) },
      { title: 'Time', cell: (m) => time(m.timestamp) },
      { title: 'Key', cell: (m) => shown(m.key, format === 'hex' ? 'hex' : 'text') },
      { title: 'Headers', cell: (m) => (m.headers.length === 0 ? '' : h('pre', null, m.headers.map((x) => `${x.key}: ${x.value === null ? 'null' : x.value.text ?? `(${x.value.length} bytes)`}`).join('\n'))) },
      { title: 'Value', cell: (m) => shown(m.value, format) },
    ], page.items, 'No messages in this range.'));
}

function producer(path, topic, produced) {
  const partition = h('select', { name: 'partition' }, topic.partitions.map((p) => h('option', { value: String(p.partition) }, String(p.partition))));
  const key = h('input', { name: 'key', autocomplete: 'off' });
  const value = h('textarea', { name: 'value', rows: '4' });
  const headers = h('textarea', { name: 'headers', rows: '2', placeholder: 'name: value, one a line' });
  const result = h('p', { 'aria-live': 'polite', class: 'muted' });
  const form = h('form', { 'aria-labelledby': 'produce-heading' },
    h('h2', { id: 'produce-heading' }, 'Produce a test message'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'grid2' }, field('Partition', partition, 'partition'), field('Key', key, 'key', 'Empty: no key.')),
    field('Value', value, 'value'),
    field('Headers', headers, 'headers'),
    h('button', { type: 'submit' }, 'Produce'), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const list = headers.value.split('\n').filter((l) => l.trim()).map((l) => {
      const at = l.indexOf(':');
      return at < 0 ? { key: l.trim(), value: '' } : { key: l.slice(0, at).trim(), value: l.slice(at + 1).trim() };
    });
    try {
      const answer = await api(`${path}/messages`, { method: 'POST', body: { partition: Number(partition.value), key: key.value === '' ? null : key.value, value: value.value, headers: list } });
      showErrors(form, null);
      result.textContent = `Written at offset ${answer.offset} of partition ${answer.partition}.`;
      produced();
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}
