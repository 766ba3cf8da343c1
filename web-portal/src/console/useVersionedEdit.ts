import { useCallback, useEffect, useState } from 'react';

import { humanError, type HumanProblem } from '../problems/problemMessages';
import type { Versioned } from './adminApi';
import { useConsole } from './ConsoleContext';
import { saveVersioned } from './editFlow';

export interface VersionedEdit<T> {
  /** The object as read (undefined while reading). */
  current: Versioned<T> | undefined;
  loadProblem: HumanProblem | null;
  /** The last save's refusal; `stale` when another admin changed the object meanwhile. */
  saveProblem: HumanProblem | null;
  stale: boolean;
  fieldErrors: Record<string, string>;
  saving: boolean;
  /** PATCH the change with If-Match of the version read; true when saved. */
  save(change: object): Promise<T | null>;
  /** Read the object again (after a stale refusal: its version now). */
  reload(): Promise<T | null>;
}

/** Editing one object made from the version read: GET (ETag) → PATCH with If-Match → 412 told and offered a reload. */
export function useVersionedEdit<T>(path: string | null, method: 'PATCH' | 'PUT' = 'PATCH'): VersionedEdit<T> {
  const { client } = useConsole();
  const [current, setCurrent] = useState<Versioned<T> | undefined>(undefined);
  const [loadProblem, setLoadProblem] = useState<HumanProblem | null>(null);
  const [saveProblem, setSaveProblem] = useState<HumanProblem | null>(null);
  const [stale, setStale] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const reload = useCallback(async () => {
    if (!path) {
      return null;
    }
    try {
      const v = await client.get<T>(path);
      setCurrent(v);
      setLoadProblem(null);
      setSaveProblem(null);
      setStale(false);
      setFieldErrors({});
      return v.value;
    } catch (e) {
      setLoadProblem(humanError(e, 'admin'));
      return null;
    }
  }, [client, path]);

  useEffect(() => {
    setCurrent(undefined);
    void reload();
  }, [reload]);

  const save = useCallback(
    async (change: object) => {
      if (!path || !current) {
        return null;
      }
      setSaving(true);
      try {
        const outcome = await saveVersioned<T>(client, method, path, current.etag, change);
        if (outcome.kind === 'saved') {
          setCurrent(outcome.saved);
          setSaveProblem(null);
          setStale(false);
          setFieldErrors({});
          return outcome.saved.value;
        }
        setSaveProblem(outcome.problem);
        setStale(outcome.kind === 'stale');
        setFieldErrors(outcome.kind === 'refused' ? outcome.fieldErrors : {});
        return null;
      } finally {
        setSaving(false);
      }
    },
    [client, method, path, current],
  );

  return { current, loadProblem, saveProblem, stale, fieldErrors, saving, save, reload };
}
