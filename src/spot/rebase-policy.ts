/**
 * A lasting change must not alarm forever. Alarmed values never enter the drift window nor
 * the tail models (NetSpot's and libspot's rule), so after a lasting jump in level a detector
 * alarms at every value until restarted: a series at 10 ± 1 that moves to 30 ± 1 for good
 * gives an alarm per value.
 *
 * The policy: once one episode (alarms with fewer than `gap` quiet values between them)
 * reaches `after` alarms, the detector takes the episode's level as its new normal
 * (`DriftSpot.rebase`: the drift window is refilled with the episode's latest values; the
 * tails, fitted on deviations from the level, are kept). The old and new levels are left in
 * `oldLevel` / `newLevel` for the record that ends the episode. `after` = 0 turns it off; so
 * does a detector without drift window (depth = 0: it has no level to move).
 *
 * `observe` runs after every step and allocates nothing except when it rebases.
 */
import type { DriftSpot } from './drift-spot.js';
import { isAlert, type Status } from './status.js';

/** Alarms of one episode before its level becomes the new normal: 5 minutes of 1 s periods. */
export const DEFAULT_REBASE_AFTER = 300;
/** Quiet values that end an episode (analyzer.episode_gap's default). */
export const DEFAULT_REBASE_GAP = 3;

export class RebasePolicy {
  /** Level before and after the last rebase. */
  oldLevel = NaN;
  newLevel = NaN;
  /** Rebases so far. */
  rebases = 0;
  private readonly recent: Float64Array;
  private held = 0;
  private cursor = 0;
  private alarms = 0;
  private quiet = 0;

  /** `after`: alarms of one episode before rebasing (0 = never); `gap`: quiet values that end an episode; `depth`: the detector's drift window. */
  constructor(readonly after: number, readonly gap: number, depth: number) {
    if (!Number.isInteger(after) || after < 0) throw new RangeError(`rebase_after must be a non-negative integer, got ${after}`);
    if (!Number.isInteger(gap) || gap < 1) throw new RangeError(`episode gap must be a positive integer, got ${gap}`);
    this.recent = new Float64Array(Math.max(1, depth));
  }

  /** After `d.step(x)` returned `status`: true when `d` was rebased on this value. */
  observe(d: DriftSpot, x: number, status: Status): boolean {
    if (this.after === 0 || x - x !== 0) return false;
    if (isAlert(status)) {
      if (this.alarms === 0) this.held = this.cursor = 0;
      this.alarms++;
      this.quiet = 0;
    } else if (this.alarms > 0 && ++this.quiet >= this.gap) {
      this.alarms = 0;
    }
    if (this.alarms === 0) return false;
    // The episode's values, alarms and the quiet ones between them: the candidate new level.
    const r = this.recent;
    r[this.cursor] = x;
    this.cursor = (this.cursor + 1) % r.length;
    if (this.held < r.length) this.held++;
    if (this.alarms < this.after) return false;
    this.alarms = 0;
    const values = new Float64Array(this.held);
    for (let i = 0; i < this.held; i++) values[i] = r[(this.cursor - this.held + i + r.length) % r.length];
    const old = d.level;
    if (!d.rebase(values)) return false;
    this.oldLevel = old;
    this.newLevel = d.level;
    this.rebases++;
    return true;
  }
}
