/** Thrown inside a transaction to roll it back. */
export class RolledBackOnPurpose extends Error {}

/** A promise and the function that settles it, to hold a transaction open at a known point. */
export function latch(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
