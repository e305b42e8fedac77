import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { EventQueue } from "../../src/lib/event-queue.ts";

/** The specification: a list kept sorted by (time, push order). */
type Op = { kind: "push"; at: number } | { kind: "pop" } | { kind: "replaceTop"; at: number };

describe("EventQueue", () => {
  it("pops by time, equal times in push order, and replaceTop acts as pop-then-push", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), at: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant("pop" as const) }),
      fc.record({ kind: fc.constant("replaceTop" as const), at: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops: Op[]) => {
        const queue = new EventQueue<number>();
        let model: { at: number; seq: number; item: number }[] = [];
        let seq = 0;
        let id = 0;
        const modelPush = (at: number): void => {
          model.push({ at, seq: seq++, item: id });
          model.sort((a, b) => a.at - b.at || a.seq - b.seq);
        };
        for (const o of ops) {
          if (o.kind === "push") {
            queue.push(o.at, id);
            modelPush(o.at);
          } else if (o.kind === "pop") {
            assert.equal(queue.pop()?.item, model.shift()?.item);
          } else {
            queue.replaceTop(o.at, id);
            model = model.slice(1);
            modelPush(o.at);
          }
          id++;
          assert.equal(queue.size, model.length);
          assert.equal(queue.peekTime(), model[0]?.at);
          assert.equal(queue.peek(), model[0]?.item);
        }
      }),
      { numRuns: 300 },
    );
  });
});
