import { act, waitFor } from '@testing-library/react';

/** The browser's EventSource as the page uses it, driven by the test. */
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(ev: MessageEvent) => void>>();

  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }

  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }

  close() {
    this.closed = true;
  }

  push(type: string, data: unknown) {
    act(() => (this.listeners.get(type) ?? []).forEach((l) => l(new MessageEvent(type, { data: JSON.stringify(data) }))));
  }
}

/** The stream the page opened last, opened (its onopen called). */
export async function openStream(timeout = 10_000): Promise<FakeEventSource> {
  await waitFor(() => expect(FakeEventSource.all.length).toBeGreaterThan(0), { timeout });
  const s = FakeEventSource.all[FakeEventSource.all.length - 1];
  act(() => s.onopen?.(new Event('open')));
  return s;
}

