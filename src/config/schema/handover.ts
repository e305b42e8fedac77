// `handover`, in globals (the default) and per instance: what a master that steps down does with its virtual
// addresses. Defined once here because both sections offer the same choice.
import type { Handover } from "../../vrrp/model.ts";

/** In the order LuCI lists them; the first is vrrpd's default. */
export const HANDOVER_MODES: readonly Handover[] = ["make-before-break", "strict"];

export const HANDOVER_DESCRIPTION =
  "What a master that steps down (preempted, switchover, stop) does with its virtual addresses and routes. " +
  "`make-before-break` keeps them until the new master's next advert, at most one advert interval after its first, " +
  "so packets in flight are not lost (notify_backup and notify_stop run while they are still held). " +
  "`strict` releases them at once, as RFC 5798 §6.4.2 asks of a Backup and keepalived does. " +
  "Entering Fault releases them at once either way. `vrrpd import` writes `strict` for keepalived's `vrrp_strict` and `strict_mode`.";
