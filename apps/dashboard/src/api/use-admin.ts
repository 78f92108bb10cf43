import { useCallback, useEffect, useRef, useState } from 'react';

/** The generated client's answer: data, or the problem+json the gateway sent. */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

export interface Loaded<T> {
  data?: T;
  problem?: string;
  loading: boolean;
  reload: () => void;
}

/** Loads with a generated-client call, again whenever one of `deps` changes (e.g. a live event count). */
export function useAdmin<T>(call: () => Promise<Answer<T>>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; problem?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  useEffect(() => {
    const ticket = ++latest.current;
    void call().then(
      (answer) => {
        if (ticket !== latest.current) return;
        setState((previous) =>
          answer.data !== undefined ? { data: answer.data, loading: false } : { data: previous.data, problem: problemText(answer), loading: false },
        );
      },
      (error: unknown) => ticket === latest.current && setState((previous) => ({ data: previous.data, problem: String(error), loading: false })),
    );
    // The caller names what the call depends on (deps); the call itself is a new closure every render.
  }, [...deps, round]);
  return { ...state, reload };
}

/** A problem+json answer as one line for people: its detail, and each invalid field. */
export function problemText(answer: Answer<unknown>): string {
  const problem = answer.error as { title?: string; detail?: string; 'invalid-params'?: { name: string; reason: string }[] } | undefined;
  const fields = problem?.['invalid-params']?.map((param) => `${param.name}: ${param.reason}`).join('; ');
  return [problem?.detail ?? problem?.title ?? `HTTP ${answer.response?.status ?? '?'}`, fields].filter(Boolean).join(' — ');
}
