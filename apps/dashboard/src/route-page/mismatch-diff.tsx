import type { MismatchDto } from '@offramp/contracts/admin-api';
import { useMemo } from 'react';
import { bodyPaths, jsonLines } from './json-lines';

/** One mismatch: the monolith's and the slice's answers side by side, the differing paths highlighted. */
export function MismatchDiff({ mismatch }: { mismatch: MismatchDto }) {
  const differing = useMemo(() => bodyPaths(mismatch.differences), [mismatch]);
  const sides = [
    { title: `Monolith: ${mismatch.legacy.status}`, lines: jsonLines(mismatch.legacy.body, differing) },
    { title: `Slice: ${mismatch.service.status}`, lines: jsonLines(mismatch.service.body, differing) },
  ];
  return (
    <div className="mismatch">
      <p>
        <code>
          {mismatch.method} {mismatch.url}
        </code>{' '}
        at {new Date(mismatch.at).toLocaleString()} (request {mismatch.requestId})
      </p>
      <h4>Differences</h4>
      <ul className="differences">
        {mismatch.differences.map((difference) => (
          <li key={difference.key}>
            <code>{difference.key}</code>: monolith <code>{JSON.stringify(difference.legacy)}</code>, slice <code>{JSON.stringify(difference.service)}</code>
          </li>
        ))}
      </ul>
      <div className="diff" role="group" aria-label="answers side by side">
        {sides.map((side) => (
          <div key={side.title} className="diff-side">
            <h4>{side.title}</h4>
            <pre tabIndex={0} aria-label={side.title}>
              {side.lines.map((line, index) => (
                <div key={index} className={line.differs ? 'differs' : undefined} data-path={line.path}>
                  {'  '.repeat(line.depth)}
                  {line.text}
                  {line.differs && <span className="sr-only"> (differs)</span>}
                </div>
              ))}
            </pre>
          </div>
        ))}
      </div>
    </div>
  );
}
