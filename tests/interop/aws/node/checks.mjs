// What the REST-JSON interop scripts (msk_js.mjs, mskconnect_js.mjs) share: a time limit, numbered checks that stop the
// script at the first failure, and the error a failing call throws.
let count = 0;

/** Exits 1 ("FAILED: timed out") after TRIBUTARY_INTEROP_TIMEOUT seconds (120 by default). */
export function limitTime() {
  setTimeout(() => { console.log("FAILED: timed out"); process.exit(1); }, 1000 * Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)).unref();
}

/** Prints "ok: MESSAGE", or "FAILED: MESSAGE" and exits 1. */
export function check(condition, message) {
  if (!condition) { console.log("FAILED: " + message); process.exit(1); }
  count++;
  console.log("ok: " + message);
}

/** The error the promise rejects with, or null when it resolves. */
export async function fails(promise) {
  try { await promise; return null; } catch (e) { return e; }
}

/** Prints "OK N checks", the line the tests look for. */
export function done() {
  console.log(`OK ${count} checks`);
}
