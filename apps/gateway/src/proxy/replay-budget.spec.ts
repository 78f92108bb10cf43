import { ReplayBudget } from './replay-budget.js';

describe('ReplayBudget', () => {
  it('reserves up to the cap, refuses beyond it, and remembers the peak', () => {
    const budget = new ReplayBudget(10);
    expect(budget.tryReserve(6)).toBe(true);
    expect(budget.tryReserve(5)).toBe(false);
    expect(budget.tryReserve(4)).toBe(true);
    expect(budget.held).toBe(10);
    budget.release(6);
    expect(budget.held).toBe(4);
    expect(budget.peak).toBe(10);
    expect(budget.tryReserve(Number.NaN)).toBe(false);
  });
});
