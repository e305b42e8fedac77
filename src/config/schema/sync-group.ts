// `config sync_group 'NAME'`: instances that change state together (keepalived's vrrp_sync_group), typically
// the LAN and WAN sides of one router so both gateways move at once.
import { notifyOptions } from "./instance-extra.ts";
import type { SectionSpec } from "./types.ts";

export const SYNC_GROUP: SectionSpec = {
  type: "sync_group",
  description: "Instances that move together: one in fault puts all in fault; master only when all can be.",
  keepalived: "vrrp_sync_group",
  tabs: [
    { name: "general", title: "General" },
    { name: "notify", title: "Notification" },
  ],
  options: [
    {
      name: "group",
      type: { kind: "section", sectionType: "instance" },
      list: true,
      required: true,
      description: "Member instance, by section name. An instance belongs to at most one group.",
      keepalived: "group",
      luci: { tab: "general", widget: "MultiValue" },
    },
    {
      name: "sync_group_tracking_weight",
      type: { kind: "bool" },
      default: "0",
      description: "Keep the members' non-zero tracking weights. Without it, as keepalived does, weighted interfaces become weight 0 (fault while down) and weighted scripts are ignored, because differing priorities would split the group.",
      keepalived: "sync_group_tracking_weight",
      luci: { tab: "general", widget: "Flag", modalOnly: true },
    },
    ...notifyOptions("sync group"),
  ],
};
