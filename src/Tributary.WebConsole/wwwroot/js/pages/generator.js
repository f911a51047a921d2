// The data generator (the Kinesis Data Generator's page): a record template with a preview of rendered records, a
// target (a topic, a Kinesis stream or a delivery stream), a rate and an optional count; Start runs it on the server
// and the runs table reads each run's rate, total and errors once a second; Stop ends a run. A template that does not
// compile shows the compiler's message, with its line and column, beside the template.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { field, showErrors, state, table } from '../ui.js';

const EXAMPLE = `{
  "sensorId": {{random.number(50)}},
  "currentTemperature": {{random.number({"min": 10, "max": 150})}},
  "status": "{{random.arrayElement(["OK", "FAIL", "WARN"])}}",
  "timestamp": "{{date.now("YYYY-MM-DDTHH:mm:ss")}}"
}`;

/** How often the runs' figures are read while the page shows them. */
const REFRESH_MS = 1000;

export async function render(main, _params, query, isCurrent) {
  document.title = 'Data generator · Tributary';
  const f = {
    template: h('textarea', { name: 'template', rows: 9, spellcheck: 'false', value: query.get('template') ?? EXAMPLE }),
    samples: h('input', { name: 'samples', type: 'number', min: '1', max: '100', value: '3' }),
    seed: h('input', { name: 'seed', type: 'number', placeholder: 'random' }),
    targetType: h('select', { name: 'targetType' }, h('option', { value: 'topic' }, 'Topic'), h('option', { value: 'kinesis' }, 'Kinesis stream'), h('option', { value: 'firehose' }, 'Delivery stream (Firehose)')),
    target: h('input', { name: 'target', autocomplete: 'off', value: query.get('target') ?? '' }),
    rate: h('input', { name: 'rate', type: 'number', min: '1', value: '100' }),
    count: h('input', { name: 'count', type: 'number', min: '1', placeholder: 'no limit' }),
  };
  const preview = h('div', { class: 'samples', id: 'preview', 'aria-live': 'polite' });
  const runs = h('div', { id: 'runs' }, h('p', { class: 'loading' }, 'Loading…'));
  const form = h('form', { 'aria-labelledby': 'generator-heading', novalidate: true },
    h('h1', { id: 'generator-heading' }, 'Data generator'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('fieldset', null, h('legend', null, 'Record template'),
      field('Template', f.template, 'template', 'Kinesis Data Generator syntax: {{random.number(100)}}, {{name.firstName}}, {{date.now("YYYY-MM-DD")}}, …'),
      h('div', { class: 'toolbar' },
        field('Records to preview', f.samples, 'count'),
        field('Seed', f.seed, 'seed', 'The same seed renders the same records.'),
        h('button', { type: 'button', class: 'secondary', onclick: () => showPreview() }, 'Preview')),
      preview),
    h('fieldset', null, h('legend', null, 'Send'),
      h('div', { class: 'grid2' },
        field('Target type', f.targetType, 'targetType'),
        field('Topic or stream name', f.target, 'target'),
        field('Records per second', f.rate, 'rate'),
        field('Stop after (records)', f.count, 'count', 'Empty: until stopped.'))),
    h('button', { type: 'submit' }, 'Start'));

  const body = () => ({
    template: f.template.value,
    seed: f.seed.value === '' ? null : Number(f.seed.value),
  });

  async function showPreview() {
    try {
      const answer = await api('/generator/preview', { method: 'POST', body: { ...body(), count: Number(f.samples.value) || 3 } });
      showErrors(form, null);
      replace(preview, h('h2', null, `Preview (${answer.samples.length})`), answer.samples.map((s) => h('pre', { tabindex: '0' }, pretty(s))));
    } catch (error) {
      replace(preview);
      showErrors(form, error);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/generator/runs', {
        method: 'POST',
        body: { ...body(), targetType: f.targetType.value, target: f.target.value, rate: Number(f.rate.value), count: f.count.value === '' ? null : Number(f.count.value) },
      });
      showErrors(form, null);
      await refresh();
    } catch (error) {
      showErrors(form, error);
    }
  });

  // The table is redrawn only when its runs or their states change; otherwise the figures are updated in place, so a
  // Stop button keeps its place (and the keyboard focus) while its run's figures move.
  let drawn = null;
  async function refresh() {
    let page;
    try {
      page = await api('/generator/runs');
    } catch {
      return; // The banner says the server is gone; the table keeps its last figures.
    }
    const figures = (r) => ({ rate: count(Math.round(r.recentRate)), sent: count(r.sent), errors: count(r.errors), seconds: r.elapsedSeconds.toFixed(0), 'last-error': r.errorMessages.at(-1) ?? '' });
    const key = JSON.stringify(page.items.map((r) => [r.id, r.state]));
    if (key === drawn) {
      for (const r of page.items) {
        for (const [name, text] of Object.entries(figures(r))) {
          const cell = runs.querySelector(`[data-${name}="${CSS.escape(r.id)}"]`);
          if (cell && cell.textContent !== text) cell.textContent = text;
        }
      }
      return;
    }
    drawn = key;
    const figure = (name) => (r) => h('span', { [`data-${name}`]: r.id }, figures(r)[name]);
    const stop = (run) => h('button', { type: 'button', class: 'secondary', onclick: async () => { await api(`/generator/runs/${run.id}/stop`, { method: 'POST' }); await refresh(); } }, 'Stop');
    replace(runs, table(`Runs (at most ${page.maxRunning} at once)`, [
      { title: 'Run', cell: (r) => r.id },
      { title: 'Target', cell: (r) => h('span', { class: 'mono' }, r.target) },
      { title: 'State', cell: (r) => state(r.state) },
      { title: 'Rate (records/s)', numeric: true, cell: figure('rate') },
      { title: 'Asked rate', numeric: true, cell: (r) => (r.rate ? count(r.rate) : 'max') },
      { title: 'Sent', numeric: true, cell: figure('sent') },
      { title: 'Errors', numeric: true, cell: figure('errors') },
      { title: 'Seconds', numeric: true, cell: figure('seconds') },
      { title: 'Last error', cell: figure('last-error') },
      { title: 'Action', cell: (r) => (r.state === 'RUNNING' ? stop(r) : '') },
    ], page.items, 'No runs yet.'));
  }

  replace(main, form, h('h2', null, 'Runs'), runs);
  await refresh();
  const timer = setInterval(() => { if (isCurrent()) refresh(); else clearInterval(timer); }, REFRESH_MS);
}

/** A record as pretty JSON when it is JSON, else as rendered. */
function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
