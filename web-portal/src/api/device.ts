/** The header the broker reads a client's device id from at connect (PER_DEVICE licences). */
export const DEVICE_HEADER = 'Deskport-Device-Id';
const KEY = 'deskport.deviceId';
const VALID = /^[A-Za-z0-9._:-]{8,64}$/;

let fallback: string | undefined;

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * This browser's stable device id: made up once and kept in local storage, so that a per-device licence
 * seat stays with this device across sign-ins and users. It says nothing about the machine (it is random),
 * and clearing the browser's storage makes it a new device. Where storage is unavailable (a private window
 * that refuses it), the id lasts as long as the page.
 */
export function deviceId(storage: Storage | undefined = safeStorage()): string {
  try {
    const kept = storage?.getItem(KEY);
    if (kept && VALID.test(kept)) {
      return kept;
    }
    const made = randomId();
    storage?.setItem(KEY, made);
    if (storage?.getItem(KEY) === made) {
      return made;
    }
  } catch {
    // storage refused: fall through to the page's own id
  }
  fallback ??= randomId();
  return fallback;
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
