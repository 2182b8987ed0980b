/**
 * One named value under watch: its detector, the parameters it was built with (to answer
 * bro-spotd's Config and to rebuild it on Reset), and its alarm counts (bro-spotd's Status).
 */
import type { DetectorParams } from '../analyzer/stat-detector.js';
import { createStatDetector, type Judgement, type StatDetector } from '../analyzer/stat-detector.js';
import type { DriftSpot } from '../spot/index.js';

export class WatchedFeature {
  detector: StatDetector;
  alarmsUp = 0;
  alarmsDown = 0;
  /** Values judged since the last reset. */
  steps = 0;

  /** `restored`: a detector saved with the same parameters (analyzer.state_file) to go on from. */
  /** `episodeGap`: analyzer.episode_gap, for the rebase policy (spot.rebase_after). */
  constructor(readonly name: string, readonly params: DetectorParams, readonly episodeGap: number, restored?: DriftSpot) {
    this.detector = createStatDetector(params, episodeGap, restored);
  }

  judge(v: number): Judgement {
    const j = this.detector.judge(v);
    this.steps++;
    if (j.alarm === 1) this.alarmsUp++;
    if (j.alarm === -1) this.alarmsDown++;
    return j;
  }

  /** A fresh detector with the same parameters (bro-spotd's Reset). */
  reset(): void {
    this.detector = createStatDetector(this.params, this.episodeGap);
    this.alarmsUp = 0;
    this.alarmsDown = 0;
    this.steps = 0;
  }
}
