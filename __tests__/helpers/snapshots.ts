/**
 * Snapshot guard for per-stage snapshots. Under `--ci` (CI=true) jest does not write
 * a missing snapshot and fails with "New snapshot was not written", which does not say
 * what to do; a new stage has no snapshot yet. This fails first, saying which command
 * writes it (README, "Adding a stage").
 */

/** The command that writes (and updates) the stage stack snapshots. */
export const WRITE_STAGE_SNAPSHOTS = "npm run test:update-snapshots -- __tests__/stacks/stage-stack.test.ts";

interface SnapshotStateView {
  readonly _updateSnapshot?: "all" | "new" | "none";
  readonly _snapshotData?: Record<string, unknown>;
}

/** Throws when the next `toMatchSnapshot()` of the current test has no stored snapshot and jest will not write one. */
export function requireStoredSnapshot(what: string, command: string = WRITE_STAGE_SNAPSHOTS): void {
  const state = expect.getState();
  const snapshots = state.snapshotState as unknown as SnapshotStateView;
  if (snapshots._updateSnapshot !== "none" || !snapshots._snapshotData) return; // jest will write it
  const key = `${state.currentTestName} 1`;
  if (!(key in snapshots._snapshotData)) {
    throw new Error(
      `No reviewed snapshot for ${what} (CI does not write new snapshots). ` +
        `Run \`${command}\`, read the new snapshot in __tests__/stacks/__snapshots__/, and commit it.`,
    );
  }
}
