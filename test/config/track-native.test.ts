// track_script `type 'http'` in /etc/config/vrrp: the URL replaces the command, status_code / digest / tls_verify
// have keepalived's HTTP_GET meaning, and a missing url is an error like a missing script.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, configOf, errors, instance, uci } from "./helpers.ts";

describe("native track_script types", () => {
  it("builds an http check", () => {
    const config = configOf(
      uci(
        ...instance("lan", "\tlist track_script 'web weight -50'"),
        "config track_script 'web'",
        "\toption type 'http'",
        "\toption url 'https://192.0.2.10/health'",
        "\toption status_code '204'",
        "\toption digest 'D41D8CD98F00B204E9800998ECF8427E'",
        "\toption tls_verify '0'",
      ),
    );
    const web = config.trackScripts["web"];
    assert.deepEqual(web?.http, { url: "https://192.0.2.10/health", statusCode: 204, digest: "d41d8cd98f00b204e9800998ecf8427e", tlsVerify: false });
    assert.equal(web?.script, "");
  });

  it("needs url with type http and script without a type", () => {
    const r = check(uci(...instance("lan", "\tlist track_script 'web'", "\tlist track_script 'cmd'"), "config track_script 'web'", "\toption type 'http'", "config track_script 'cmd'", "\toption interval '2'"));
    const e = errors(r);
    assert.ok(e.some((m) => /web\.url: required option 'url' is missing \(type 'http'\)/.test(m)), e.join("\n"));
    assert.ok(e.some((m) => /cmd\.script: required option 'script' is missing$/.test(m)), e.join("\n"));
  });

  it("builds a ping check, and refuses a reliability no set of answers can reach", () => {
    const config = configOf(
      uci(...instance("lan", "\tlist track_script 'gw'"), "config track_script 'gw'", "\toption type 'ping'", "\tlist host '198.51.100.1'", "\tlist host '2001:db8::1'", "\toption reliability '2'"),
    );
    assert.deepEqual(config.trackScripts["gw"]?.ping, { hosts: ["198.51.100.1", "2001:db8::1"], reliability: 2 });
    const e = errors(check(uci(...instance("lan", "\tlist track_script 'gw'"), "config track_script 'gw'", "\toption type 'ping'", "\tlist host '198.51.100.1'", "\toption reliability '2'")));
    assert.ok(e.some((m) => /gw\.reliability: reliability 2 is more than the 1 host/.test(m)), e.join("\n"));
    const missing = errors(check(uci("config track_script 'gw'", "\toption type 'ping'")));
    assert.ok(missing.some((m) => /gw\.host: required option 'host' is missing \(type 'ping'\)/.test(m)), missing.join("\n"));
  });

  it("builds a tcp check; port is required", () => {
    const config = configOf(uci(...instance("lan", "\tlist track_script 'db'"), "config track_script 'db'", "\toption type 'tcp'", "\tlist host '198.51.100.5'", "\toption port '5432'"));
    assert.deepEqual(config.trackScripts["db"]?.tcp, { hosts: ["198.51.100.5"], port: 5432, reliability: 1 });
    const e = errors(check(uci(...instance("lan", "\tlist track_script 'db'"), "config track_script 'db'", "\toption type 'tcp'", "\tlist host '198.51.100.5'")));
    assert.ok(e.some((m) => /db\.port: required option 'port' is missing \(type 'tcp'\)/.test(m)), e.join("\n"));
  });

  it("builds a process check (keepalived's vrrp_track_process)", () => {
    const config = configOf(
      uci(...instance("lan", "\tlist track_script 'dns'"), "config track_script 'dns'", "\toption type 'process'", "\toption process_name 'dnsmasq'", "\toption param_match '-C /var/etc'", "\toption quorum '2'"),
    );
    assert.deepEqual(config.trackScripts["dns"]?.process, { name: "dnsmasq", paramMatch: "-C /var/etc", quorum: 2 });
    const e = errors(check(uci("config track_script 'dns'", "\toption type 'process'")));
    assert.ok(e.some((m) => /dns\.process_name: required option 'process_name' is missing \(type 'process'\)/.test(m)), e.join("\n"));
  });

  it("builds a process check with keepalived's quorum_max, and refuses one under the quorum", () => {
    const script = (...lines: string[]) => uci(...instance("lan", "\tlist track_script 'dns'"), "config track_script 'dns'", "\toption type 'process'", "\toption process_name 'dnsmasq'", ...lines);
    assert.deepEqual(configOf(script("\toption quorum_max '3'")).trackScripts["dns"]?.process, { name: "dnsmasq", quorum: 1, quorumMax: 3 });
    // keepalived (vrrp_parser.c, quorum_max 0): the quorum becomes 0, so the check passes while none runs.
    assert.deepEqual(configOf(script("\toption quorum_max '0'")).trackScripts["dns"]?.process, { name: "dnsmasq", quorum: 0, quorumMax: 0 });
    const e = errors(check(script("\toption quorum '3'", "\toption quorum_max '2'")));
    assert.ok(e.some((m) => /dns\.quorum_max: quorum_max 2 is less than quorum 3/.test(m)), e.join("\n"));
  });

  it("builds a file check (keepalived's track_file), whose weight defaults to 1", () => {
    const config = configOf(
      uci(...instance("lan", "\tlist track_script 'load'"), "config track_script 'load'", "\toption type 'file'", "\toption file '/run/vrrp/load'", "\toption init_file '-2'", "\toption init_file_overwrite '1'"),
    );
    const load = config.trackScripts["load"];
    assert.deepEqual([load?.file, load?.weight, load?.script], [{ path: "/run/vrrp/load", initValue: -2, initOverwrite: true }, 1, ""]);
    assert.deepEqual(config.core.instances[0]?.tracks, [{ id: "script:load", weight: 1, reverse: false }]);
    const e = errors(check(uci("config track_script 'load'", "\toption type 'file'")));
    assert.ok(e.some((m) => /load\.file: required option 'file' is missing \(type 'file'\)/.test(m)), e.join("\n"));
    const relative = errors(check(uci("config track_script 'load'", "\toption type 'file'", "\toption file 'load.txt'")));
    assert.ok(relative.some((m) => /load\.file/.test(m)), relative.join("\n"));
  });

  it("refuses a URL that is not http or https", () => {
    const e = errors(check(uci("config track_script 'web'", "\toption type 'http'", "\toption url 'ftp://192.0.2.10/'")));
    assert.ok(e.some((m) => /web\.url/.test(m)), e.join("\n"));
  });
});
