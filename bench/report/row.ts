/** One line of the bench table: a figure, what it is compared with, and the target. */
export interface Row {
  readonly metric: string;
  readonly measured: string;
  /** The floor or baseline measured in the same run ('' when the figure is a count). */
  readonly floor: string;
  readonly ratio: string;
  readonly target: string;
  /** undefined: no target for this row. */
  readonly met: boolean | undefined;
  readonly notes: string;
}
