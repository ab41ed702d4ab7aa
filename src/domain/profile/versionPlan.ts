// Which changes of one unit of work become profile versions, and which versions carry a full snapshot. Pure.

/** One change a unit of work made to a profile (one applied event, a replay or a consolidation). */
export interface PlanStep {
  /** The domain asked for a version (a trigger type, drift over the threshold), or the change is a replay. */
  versioned: boolean;
  /** A late event or a rebuild: the state was replayed from the log, so its version always carries a snapshot. */
  replayed?: boolean;
  /** A consolidation: never a snapshot (replaying the log does not reproduce its pruning). */
  consolidated?: boolean;
}

/** A step whose state is stored: as a new version, as the current profile (the last step), or both. */
export interface PlannedStep {
  /** Index of the step in the unit of work. */
  step: number;
  /** The profile's version once this step is applied. */
  version: number;
  /** Writes a ProfileVersion (and is published). */
  versioned: boolean;
  /** The version row carries the full encoded state, where replays of late events can start. */
  snapshot: boolean;
}

export interface VersionPlan {
  /** In step order: every versioned step, then the last step if it is not versioned (it is the current profile). */
  stored: PlannedStep[];
  /** For each step, the index in `stored` of what shows it: the newest version at or before it, else the last. */
  shownBy: number[];
}

/**
 * Numbers the versions of a unit of work that starts from `currentVersion` (null: the profile is new, so its first
 * state is always a version). Snapshots every `snapshotEvery` versions bound both storage and the cost of replaying
 * a late event; replayed states always snapshot; consolidated ones never.
 */
export function planVersions(
  steps: readonly PlanStep[],
  currentVersion: number | null,
  snapshotEvery: number,
): VersionPlan {
  let version = currentVersion ?? 0;
  const stored: PlannedStep[] = [];
  const shownBy: number[] = [];
  steps.forEach((step, i) => {
    const versioned = step.versioned || (currentVersion === null && i === 0);
    if (versioned) version++;
    const periodic = version % snapshotEvery === 1 || snapshotEvery === 1;
    const snapshot = versioned && !step.consolidated && (periodic || step.replayed === true);
    if (versioned || i === steps.length - 1) stored.push({ step: i, version, versioned, snapshot });
    shownBy.push(stored.length - 1);
  });
  // Steps before the first version are shown as the final state.
  return { stored, shownBy: shownBy.map((k) => (k >= 0 ? k : stored.length - 1)) };
}
