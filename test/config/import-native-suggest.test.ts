// A vrrp_script that only fetches a URL is imported as written, with a hint to use track_script `type 'http'`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importKeepalived } from "../../src/config/import/index.ts";
import { nativeHttpSuggestion, nativePingSuggestion } from "../../src/config/import/native-suggest.ts";

describe("native check suggestions", () => {
  it("recognises a plain curl or wget of one URL, and nothing with shell logic", () => {
    assert.equal(nativeHttpSuggestion("curl -s -f -o /dev/null http://192.0.2.10/health"), "option type 'http', option url 'http://192.0.2.10/health' (status_code 200 by default)");
    assert.equal(nativeHttpSuggestion("/usr/bin/wget -q --no-check-certificate -T 2 https://192.0.2.10/"), "option type 'http', option url 'https://192.0.2.10/', option tls_verify '0' (status_code 200 by default)");
    assert.equal(nativeHttpSuggestion("curl -sf http://192.0.2.10/ | grep ok"), undefined);
    assert.equal(nativeHttpSuggestion("/usr/local/bin/check_web"), undefined);
  });

  it("recognises a plain ping of one address", () => {
    assert.equal(nativePingSuggestion("ping -c 1 -W 1 198.51.100.1"), "option type 'ping', list host '198.51.100.1'");
    assert.equal(nativePingSuggestion("/bin/ping6 -q 2001:db8::1"), "option type 'ping', list host '2001:db8::1'");
    assert.equal(nativePingSuggestion("ping -c1 gateway.example.com"), undefined);
    // A host name of hex letters only is still a name: suggesting `list host 'cafe'` would be refused by the schema.
    assert.equal(nativePingSuggestion("ping -c 1 cafe"), undefined);
    assert.equal(nativePingSuggestion("ping -c 1 198.51.100.1 && ping -c 1 198.51.100.2"), undefined);
  });

  it("the import keeps the script and says how to run it natively", () => {
    const text = ["vrrp_script chk_web {", "  script \"curl -sf http://192.0.2.10/health\"", "}", ""].join("\n");
    const { findings, uci } = importKeepalived({ path: "/etc/keepalived/keepalived.conf", text });
    assert.match(uci, /option script 'curl -sf http:\/\/192\.0\.2\.10\/health'/);
    assert.ok(findings.some((f) => f.line === 2 && f.severity === "warning" && /option type 'http', option url 'http:\/\/192\.0\.2\.10\/health'/.test(f.message)));
  });
});
