export type SliceRefusal =
  'bad-name' | 'bad-port' | 'bad-route' | 'bad-subject' | 'nothing-to-do' | 'name-taken' | 'port-taken' | 'route-taken' | 'unknown-subject' | 'missing-anchor';

/** The generator will not make this slice; the message names the problem and the file that has it. */
export class SliceRefusedError extends Error {
  constructor(
    readonly code: SliceRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SliceRefusedError';
  }
}
