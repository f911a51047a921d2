// Calls to the console's JSON API (/api/console/…) and the connection watch behind the banner.
// A request that cannot reach the server shows the banner at once; a heartbeat on /health every few seconds
// notices a lost server while the page sits idle and hides the banner when it answers again.
const banner = () => document.getElementById('banner');
const HEARTBEAT_MS = 3000;
let lost = false;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? null;
    this.fields = body?.fields ?? [];
  }
}

function setLost(value, detail) {
  lost = value;
  const element = banner();
  if (!element) return;
  element.hidden = !value;
  element.textContent = value ? `Connection to Tributary lost (${detail}). Retrying every ${HEARTBEAT_MS / 1000} s; the page shows the last data it received.` : '';
  document.body.classList.toggle('offline', value);
}

export async function api(path, options = {}) {
  const init = { method: options.method ?? 'GET', headers: { accept: 'application/json' } };
  // Changes always go as JSON, with or without a body: the server refuses other types (see ConsoleEndpoints).
  if (init.method !== 'GET') init.headers['content-type'] = 'application/json';
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  let response;
  try {
    response = await fetch(`/api/console${path}`, init);
  } catch (error) {
    setLost(true, 'the server does not answer');
    throw new ApiError(0, { error: 'ConnectionLost', message: 'The server does not answer.' });
  }
  if (lost) setLost(false);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export function watchConnection() {
  setInterval(async () => {
    try {
      const response = await fetch('/health', { cache: 'no-store' });
      if (!response.ok) setLost(true, `health answered ${response.status}`);
      else if (lost) setLost(false);
    } catch {
      setLost(true, 'the server does not answer');
    }
  }, HEARTBEAT_MS);
}
