// The version reported by `vrrpd version`, ubus status and the packages; kept in step with package.json by a test.
export const VERSION = "0.1.0";
