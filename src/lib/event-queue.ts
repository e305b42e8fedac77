// A binary min-heap ordered by (time, insertion sequence): equal times pop in the order they were pushed,
// which keeps simulations deterministic and lets the engine find its earliest deadline in O(log n).
// It runs for received adverts on a router's interpreter-only node (no optimizing JIT), so sifting moves a hole
// instead of swapping, and compares inline rather than through helper calls. There, every read of a fractional `at`
// from an entry allocates a fresh number, so the sifts read each entry's time once and keep it in a local.
export interface Scheduled<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.siftUp(this.heap.length - 1);
  }

  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  pop(): Scheduled<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top !== undefined && last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /**
   * pop() then push(at, item) in one sift: what re-queueing the earliest entry at a later time needs. The entry
   * takes a new sequence number, exactly as a push would give it. Pushes when the queue is empty.
   */
  replaceTop(at: number, item: T): void {
    const top = this.heap[0];
    if (top === undefined) return this.push(at, item);
    top.at = at;
    top.seq = this.seq++;
    top.item = item;
    this.siftDown(0);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    const moving = heap[start];
    if (moving === undefined) return;
    const at = moving.at;
    let i = start;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Entry<T>;
      const parentAt = parent.at;
      if (parentAt < at || (parentAt === at && parent.seq < moving.seq)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = moving;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const length = heap.length;
    const moving = heap[start];
    if (moving === undefined) return;
    const at = moving.at;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= length) break;
      let smallest = heap[child] as Entry<T>;
      let smallestAt = smallest.at;
      const right = heap[child + 1];
      if (right !== undefined) {
        const rightAt = right.at;
        if (rightAt < smallestAt || (rightAt === smallestAt && right.seq < smallest.seq)) {
          child++;
          smallest = right;
          smallestAt = rightAt;
        }
      }
      if (at < smallestAt || (at === smallestAt && moving.seq < smallest.seq)) break;
      heap[i] = smallest;
      i = child;
    }
    heap[i] = moving;
  }
}
