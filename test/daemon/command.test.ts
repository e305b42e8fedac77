import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCommand, splitWords } from "../../src/daemon/command.ts";

test("plain commands run as argv, with quotes honoured", () => {
  assert.deepEqual(parseCommand("/usr/bin/check -t 3 'a b'"), { file: "/usr/bin/check", args: ["-t", "3", "a b"], shell: false });
  assert.deepEqual(splitWords(`a "b \\" c" d\\ e ''`), ["a", 'b " c', "d e", ""]);
});

test("shell syntax runs through /bin/sh -c as written", () => {
  assert.deepEqual(parseCommand("pidof dnsmasq >/dev/null && echo ok"), { file: "/bin/sh", args: ["-c", "pidof dnsmasq >/dev/null && echo ok"], shell: true });
  assert.equal(parseCommand("</dev/tcp/127.0.0.1/80").shell, true);
  assert.equal(parseCommand("check '$HOME'").shell, false, "quoted metacharacters are literal");
});
