import { describe, expect, it } from 'vitest';
import { deviceId } from './device';

class MemoryStorage implements Storage {
  private readonly values = new Map<string, string>();
  get length() {
    return this.values.size;
  }
  clear() {
    this.values.clear();
  }
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  key(index: number) {
    return [...this.values.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
}

describe('deviceId', () => {
  it('is made once and kept: the same device across calls and sign-ins', () => {
    const storage = new MemoryStorage();
    const first = deviceId(storage);
    expect(first).toMatch(/^[A-Za-z0-9._:-]{8,64}$/);
    expect(deviceId(storage)).toBe(first);
  });

  it('replaces a kept value the broker would refuse', () => {
    const storage = new MemoryStorage();
    storage.setItem('deskport.deviceId', 'no spaces allowed');
    const id = deviceId(storage);
    expect(id).not.toBe('no spaces allowed');
    expect(storage.getItem('deskport.deviceId')).toBe(id);
  });

  it('lasts as long as the page when storage refuses to keep it', () => {
    const refusing = new MemoryStorage();
    refusing.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const id = deviceId(refusing);
    expect(id).toMatch(/^[A-Za-z0-9._:-]{8,64}$/);
    expect(deviceId(refusing)).toBe(id);
  });

  it('differs between devices', () => {
    expect(deviceId(new MemoryStorage())).not.toBe(deviceId(new MemoryStorage()));
  });
});
