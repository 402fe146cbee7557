/** What the dwell tracker asks the capture to send, before the block's facts are added. */
export interface DwellSignal {
  type: "hover" | "scroll";
  blockId: string;
  durationMs?: number;
}

/**
 * Follows which content block is "in view" (the most visible one) and measures the dwell on
 * it: the time it stayed the block in view while the tab was visible. A change of block sends
 * the dwell on the old one (`hover`) and, unless it is the first block shown after the page
 * loaded, the arrival on the new one (`scroll`): re-reading is then a repeat of a block id.
 */
export class DwellTracker {
  private current: string | null = null;
  private since: number | null = null;
  private accumulatedMs = 0;
  private visible = true;
  private seenAny = false;

  constructor(
    private readonly now: () => number,
    /** Dwells shorter than this (scrolling past a block) are not reported. */
    private readonly minDwellMs = 250,
  ) {}

  get inView(): string | null {
    return this.current;
  }

  setInView(blockId: string | null): DwellSignal[] {
    if (blockId === this.current) return [];
    const out = this.endDwell();
    this.current = blockId;
    this.accumulatedMs = 0;
    this.since = this.visible && blockId !== null ? this.now() : null;
    if (blockId !== null) {
      if (this.seenAny) out.push({ type: "scroll", blockId });
      this.seenAny = true;
    }
    return out;
  }

  /** The tab is hidden or the page unloads: the dwell so far is sent and timing stops. */
  hide(): DwellSignal[] {
    if (!this.visible) return [];
    const out = this.endDwell();
    this.visible = false;
    this.since = null;
    this.accumulatedMs = 0;
    return out;
  }

  /** The tab is visible again: a new dwell on the same block starts. */
  show(): void {
    if (this.visible) return;
    this.visible = true;
    this.since = this.current !== null ? this.now() : null;
  }

  private endDwell(): DwellSignal[] {
    if (this.current === null) return [];
    const durationMs = this.accumulatedMs + (this.since !== null ? this.now() - this.since : 0);
    if (durationMs < this.minDwellMs) return [];
    return [{ type: "hover", blockId: this.current, durationMs: Math.round(durationMs) }];
  }
}

/**
 * The block in view: the one with the most visible area; ties go to the earlier block in the
 * page. `visible` maps block ids to visible area, in document order.
 */
export function mostVisible(visible: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let bestArea = 0;
  for (const [id, area] of visible) {
    if (area > bestArea) {
      best = id;
      bestArea = area;
    }
  }
  return best;
}
