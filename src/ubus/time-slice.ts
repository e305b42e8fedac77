// Cooperative time slicing for long synchronous work (encoding or building a 255-instance status): the work
// asks due() between small steps, and once its slice is used up awaits pause(), which resumes it on a later
// turn of the event loop, so timers due meanwhile (the protocol's) run first. setImmediate, not a microtask:
// microtasks run before timers get their turn, so they would not help.
export class TimeSlicer {
  #deadlineMs: number;

  constructor(readonly sliceMs: number) {
    this.#deadlineMs = performance.now() + sliceMs;
  }

  /** True once the current slice has used its time. */
  due(): boolean {
    return performance.now() > this.#deadlineMs;
  }

  /** Resolves on a later turn of the event loop, with a new slice started. */
  pause(): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.#deadlineMs = performance.now() + this.sliceMs;
        resolve();
      }),
    );
  }
}
