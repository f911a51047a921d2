// One connector: its state, each task's state and trace, its config; pause, resume, stop, restart and delete.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { confirmButton, failure, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, { name }) {
  document.title = `${name} · Connectors · Tributary`;
  const path = `/connectors/${encodeURIComponent(name)}`;
  let detail;
  try {
    detail = await api(path);
  } catch (error) {
    replace(main, h('h1', null, name), failure(error));
    return;
  }
  const status = detail.status;
  const message = h('p', { 'aria-live': 'polite', class: 'muted' });
  const act = (action) => async () => {
    try {
      await api(`${path}/${action}`, { method: 'POST' });
      message.textContent = `${action} requested; refreshing…`;
      setTimeout(() => render(main, { name }), 1000);
    } catch (error) {
      message.textContent = error.message;
    }
  };
  replace(main,
    h('h1', null, `Connector ${name}`),
    h('p', null, `${status.type ?? ''} connector · `, state(status.connector.state), ` on ${status.connector.worker_id}`),
    status.connector.trace ? h('details', { open: true }, h('summary', null, 'Connector trace'), h('pre', { tabindex: '0' }, status.connector.trace)) : null,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', onclick: act('pause') }, 'Pause'),
      h('button', { type: 'button', onclick: act('resume') }, 'Resume'),
      confirmButton('Stop', 'Stop the connector and its tasks?', act('stop'), 'secondary'),
      confirmButton('Restart', 'Restart the connector and all its tasks?', act('restart'), 'secondary'),
      confirmButton('Delete', `Delete connector ${name}? Its configuration and tasks go; its topics stay.`, async () => {
        try {
          await api(path, { method: 'DELETE' });
          await navigate('/console/connectors');
        } catch (error) {
          message.textContent = error.message;
        }
      })),
    message,
    h('h2', null, 'Tasks'),
    table('Tasks', [
      { title: 'Task', numeric: true, cell: (t) => String(t.id) },
      { title: 'State', cell: (t) => state(t.state) },
      { title: 'Worker', cell: (t) => t.worker_id },
      { title: 'Trace', cell: (t) => (t.trace ? h('details', null, h('summary', null, t.trace.split('\n')[0].slice(0, 120)), h('pre', { tabindex: '0' }, t.trace)) : '') },
    ], status.tasks, 'No tasks.'),
    h('h2', null, 'Configuration'),
    table('Connector configuration', [
      { title: 'Key', cell: ([k]) => h('span', { class: 'mono' }, k) },
      { title: 'Value', cell: ([, v]) => h('span', { class: 'mono' }, v) },
    ], Object.entries(detail.config ?? {}).sort(([a], [b]) => a.localeCompare(b))));
}
