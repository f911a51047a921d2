// One connector: its state, each task's state and trace, its config; pause, resume, stop, restart and delete. The
// state and the tasks are read again every few seconds while the page shows (a new connector turns from UNASSIGNED to
// RUNNING, a task fails); a part is redrawn only when what it shows changed, so an opened trace stays open.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { confirmButton, failure, state, table } from '../ui.js';
import { navigate } from '../app.js';

/** How often the state and the tasks are read again. */
const REFRESH_MS = 2000;

export async function render(main, { name }, _query, isCurrent = () => true) {
  document.title = `${name} · Connectors · Tributary`;
  const path = `/connectors/${encodeURIComponent(name)}`;
  let detail;
  try {
    detail = await api(path);
  } catch (error) {
    replace(main, h('h1', null, name), failure(error));
    return;
  }
  const message = h('p', { 'aria-live': 'polite', class: 'muted' });
  const act = (action) => async () => {
    try {
      await api(`${path}/${action}`, { method: 'POST' });
      message.textContent = `${action} requested; refreshing…`;
      setTimeout(refresh, 1000);
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const summary = h('div');
  const tasks = h('div');
  const shown = { summary: null, tasks: null };
  function update(status) {
    const summaryKey = JSON.stringify([status.type, status.connector]);
    if (summaryKey !== shown.summary) {
      shown.summary = summaryKey;
      replace(summary,
        h('p', null, `${status.type ?? ''} connector · `, state(status.connector.state), ` on ${status.connector.worker_id}`),
        status.connector.trace ? h('details', { open: true }, h('summary', null, 'Connector trace'), h('pre', { tabindex: '0' }, status.connector.trace)) : null);
    }
    const tasksKey = JSON.stringify(status.tasks);
    if (tasksKey !== shown.tasks) {
      shown.tasks = tasksKey;
      replace(tasks, table('Tasks', [
        { title: 'Task', numeric: true, cell: (t) => String(t.id) },
        { title: 'State', cell: (t) => state(t.state) },
        { title: 'Worker', cell: (t) => t.worker_id },
        { title: 'Trace', cell: (t) => (t.trace ? h('details', null, h('summary', null, t.trace.split('\n')[0].slice(0, 120)), h('pre', { tabindex: '0' }, t.trace)) : '') },
      ], status.tasks, 'No tasks.'));
    }
  }
  async function refresh() {
    try {
      update((await api(path)).status);
    } catch {
      // Deleted meanwhile, or the server is gone (the banner says so): the page keeps what it showed.
    }
  }
  update(detail.status);
  replace(main,
    h('h1', null, `Connector ${name}`),
    summary,
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
    tasks,
    h('h2', null, 'Configuration'),
    table('Connector configuration', [
      { title: 'Key', cell: ([k]) => h('span', { class: 'mono' }, k) },
      { title: 'Value', cell: ([, v]) => h('span', { class: 'mono' }, v) },
    ], Object.entries(detail.config ?? {}).sort(([a], [b]) => a.localeCompare(b))));
  const timer = setInterval(() => (isCurrent() ? refresh() : clearInterval(timer)), REFRESH_MS);
}
