// The versioning policy of a unit of work: which steps become versions, which versions snapshot, what shows each step.
import { describe, expect, it } from 'vitest';
import { planVersions, type PlanStep } from '../../../src/domain/profile/index.js';

const applied = (versioned: boolean): PlanStep => ({ versioned });

describe('planVersions', () => {
  it('always versions the first state of a new profile, and snapshots version 1', () => {
    expect(planVersions([applied(false)], null, 10)).toEqual({
      stored: [{ step: 0, version: 1, versioned: true, snapshot: true }],
      shownBy: [0],
    });
  });

  it('stores an unversioned last step as the current profile under the same version', () => {
    expect(planVersions([applied(false)], 4, 10)).toEqual({
      stored: [{ step: 0, version: 4, versioned: false, snapshot: false }],
      shownBy: [0],
    });
  });

  it('snapshots every snapshotEvery versions (version % N === 1)', () => {
    const plan = planVersions(
      Array.from({ length: 7 }, () => applied(true)),
      0,
      3,
    );
    expect(plan.stored.map((s) => [s.version, s.snapshot])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, true],
      [5, false],
      [6, false],
      [7, true],
    ]);
  });

  it('snapshots every version when snapshotEvery is 1', () => {
    expect(planVersions([applied(true), applied(true)], 5, 1).stored.every((s) => s.snapshot)).toBe(true);
  });

  it('snapshots replayed states (late events, rebuilds) whatever their number', () => {
    expect(planVersions([{ versioned: true, replayed: true }], 4, 10).stored).toEqual([
      { step: 0, version: 5, versioned: true, snapshot: true },
    ]);
  });

  it('never snapshots consolidated states, even on a snapshot version', () => {
    expect(planVersions([{ versioned: true, consolidated: true }], 10, 10).stored).toEqual([
      { step: 0, version: 11, versioned: true, snapshot: false },
    ]);
  });

  it('keeps intermediate states only when versioned, and shows each step as the newest version at or before it', () => {
    const plan = planVersions([applied(false), applied(true), applied(false), applied(true), applied(false)], 2, 10);
    expect(plan.stored).toEqual([
      { step: 1, version: 3, versioned: true, snapshot: false },
      { step: 3, version: 4, versioned: true, snapshot: false },
      { step: 4, version: 4, versioned: false, snapshot: false },
    ]);
    // The step before any version is shown as the final state.
    expect(plan.shownBy).toEqual([2, 0, 0, 1, 2]);
  });

  it('versions the first step of a new profile in a batch, then follows the domain', () => {
    const plan = planVersions([applied(false), applied(false), applied(true)], null, 2);
    expect(plan.stored.map((s) => [s.step, s.version, s.versioned, s.snapshot])).toEqual([
      [0, 1, true, true],
      [2, 2, true, false],
    ]);
    expect(plan.shownBy).toEqual([0, 0, 1]);
  });
});
