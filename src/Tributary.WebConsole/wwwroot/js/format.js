// Number, size, time and byte formatting for the pages (locale-independent where figures are compared in tests).
export const count = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'));

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(n), unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export const time = (ms) => (ms === null || ms === undefined || ms < 0 ? '—' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC'));

export function retention(ms) {
  if (ms === null || ms === undefined) return 'default';
  const n = Number(ms);
  if (n < 0) return 'forever';
  if (n % 86400000 === 0) return `${n / 86400000} d`;
  if (n % 3600000 === 0) return `${n / 3600000} h`;
  return `${n} ms`;
}

/** base64 → Uint8Array. */
export function decodeBase64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** A hex dump: 16 bytes a line, offset, hex, printable ASCII. */
export function hexDump(data) {
  const lines = [];
  for (let at = 0; at < data.length; at += 16) {
    const slice = data.subarray(at, at + 16);
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(slice, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
