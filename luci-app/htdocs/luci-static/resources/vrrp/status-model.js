'use strict';
'require baseclass';

/*
 * `ubus call vrrp status` (docs/ubus-api.md) turned into what the Status page and the Overview widget show:
 * plain functions without DOM, run by test/luci/views.test.ts in node.
 */

var STATES = {
	master: { label: 'MASTER', color: '#2e7d32', text: _('Master: holds the virtual addresses') },
	backup: { label: 'BACKUP', color: '#1565c0', text: _('Backup: ready to take over') },
	fault: { label: 'FAULT', color: '#c62828', text: _('Fault: cannot take over') },
	initialize: { label: 'INIT', color: '#757575', text: _('Starting or stopped') },
	mixed: { label: 'MIXED', color: '#ef6c00', text: _('Members differ') }
};

/* ubus status codes a call may end with, and what they mean here. */
var UBUS_ERRORS = {
	2: _('invalid argument'),
	3: _('no such method'),
	4: _('not found (is vrrpd running?)'),
	5: _('no data'),
	6: _('permission denied'),
	7: _('timed out'),
	8: _('not possible in the current state'),
	9: _('failed'),
	12: _('invalid request')
};

function errorText(code) {
	return UBUS_ERRORS[code] || (_('error') + ' ' + code);
}

/* The daemon's error codes (docs/ubus-api.md, Errors) and the ubus status each goes with. */
var DAEMON_ERRORS = { invalid_argument: 2, method_not_found: 3, not_found: 4, invalid_state: 8, unknown_error: 9, parse_error: 12 };

/* uhttpd's JSON-RPC errors for a call it did not forward (uhttpd ubus.c), as the ubus status they amount to. */
var RPC_ERRORS = { '-32000': 4, '-32002': 6, '-32003': 7 };

/*
 * Why a call failed, as { code: ubus status or null, message: the daemon's explanation or null }, or null when it
 * did not fail. rpc.js hands a view one of: the daemon's explanation {error, message, field} (uhttpd passes it on
 * in place of the reply, dropping the status), a bare status number (LuCI's own ubus proxy passes only that), or,
 * through settle(), the Error it rejected with when uhttpd refused the call (access denied, no object vrrp).
 */
function failure(reply) {
	if (typeof reply === 'number')
		return reply !== 0 ? { code: reply, message: null } : null;
	if (reply instanceof Error || (reply != null && reply.name === 'RPCError')) {
		var m = /failed with error (-\d+)/.exec(String(reply.message)), code = m ? RPC_ERRORS[m[1]] : null;
		return code != null ? { code: code, message: null } : { code: null, message: String(reply.message) };
	}
	if (reply != null && typeof reply === 'object' && typeof reply.error === 'string' && typeof reply.message === 'string')
		return { code: DAEMON_ERRORS[reply.error] || 9, message: reply.message };
	return null;
}

/* A failure in words: the status's meaning, then the daemon's message; '' when there is neither. */
function failureText(f) {
	var text = f.code != null ? errorText(f.code) : '';
	return f.message ? (text ? text + ': ' + f.message : f.message) : text;
}

/* A call's promise that resolves even when rpc.js rejects it, to the Error: views then handle every failure alike. */
function settle(promise) {
	return Promise.resolve(promise).catch(function(e) { return e; });
}

/* The reply, or why there is none (code 4: no object `vrrp`, so the daemon is not running). */
function parse(reply) {
	var f = failure(reply);
	if (f || reply == null || typeof reply !== 'object' || !reply.instances)
		return { ok: false, code: f ? f.code : null, message: f ? f.message : null };
	var names = Object.keys(reply.instances).sort();
	return {
		ok: true,
		daemon: reply,
		instances: names.map(function(name) { return Object.assign({ name: name }, reply.instances[name]); }),
		syncGroups: Object.keys(reply.sync_groups || {}).sort().map(function(name) { return Object.assign({ name: name }, reply.sync_groups[name]); }),
		trackScripts: Object.keys(reply.track_scripts || {}).sort().map(function(name) { return Object.assign({ name: name }, reply.track_scripts[name]); })
	};
}

function badge(state) {
	return STATES[state] || { label: String(state || '?').toUpperCase(), color: '#757575', text: '' };
}

function duration(seconds) {
	var s = Math.max(0, Math.floor(+seconds || 0)), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
	if (d > 0)
		return d + 'd ' + h + 'h';
	if (h > 0)
		return h + 'h ' + m + 'm';
	if (m > 0)
		return m + 'm ' + (s % 60) + 's';
	return (s % 60) + 's';
}

function signed(n) {
	return n > 0 ? '+' + n : String(n);
}

/* What a tracked object does now, in words: "script chk_uplink down: -50", "script load value 6: -60" (a file's number). */
function trackedText(t) {
	var what = t.type + ' ' + t.name + ' ' + (t.value != null ? _('value') + ' ' + t.value : t.state);
	if (t.fault)
		return what + ': ' + _('fault');
	return t.delta !== 0 ? what + ': ' + signed(t.delta) : what;
}

/* Configured and effective priority, and why they differ (an override, tracked objects, a fault). */
function priority(inst) {
	var reasons = [];
	if (inst.priority_override != null)
		reasons.push(_('runtime override') + ' ' + inst.priority_override);
	(inst.tracked || []).forEach(function(t) {
		if (t.delta !== 0 || t.fault)
			reasons.push(trackedText(t));
	});
	if (inst.state === 'fault' && inst.fault_reason)
		reasons.push(inst.fault_reason);
	return {
		configured: inst.priority,
		effective: inst.effective_priority,
		text: inst.priority + ' / ' + inst.effective_priority,
		reasons: reasons
	};
}

function master(inst) {
	if (inst.state === 'master')
		return _('this router') + (inst.master_address ? ' (' + inst.master_address + ')' : '');
	if (!inst.master_address)
		return _('unknown');
	return inst.master_address + (inst.master_priority != null ? ', ' + _('priority') + ' ' + inst.master_priority : '');
}

function transition(t) {
	if (!t)
		return _('none since start');
	return badge(t.from).label + ' \u2192 ' + badge(t.to).label + ', ' + t.reason + ', ' + duration(t.age) + ' ' + _('ago');
}

var ERROR_COUNTERS = [ 'packet_len_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch',
	'auth_failure', 'chk_err', 'vers_err', 'advert_interval_err', 'unicast_src_err' ];

/* Counters in three groups; `errors` lists only the non-zero error counters by name. */
function counters(c) {
	c = c || {};
	var errors = ERROR_COUNTERS.filter(function(k) { return c[k] > 0; }).map(function(k) { return k + ' ' + c[k]; });
	return {
		adverts: (c.advert_sent || 0) + ' ' + _('sent') + ', ' + (c.advert_rcvd || 0) + ' ' + _('received'),
		mastership: (c.become_master || 0) + ' ' + _('became master') + ', ' + (c.release_master || 0) + ' ' + _('released'),
		errors: errors.length ? errors.join(', ') : _('none')
	};
}

function canSwitchover(inst) {
	return inst.state === 'master';
}

return baseclass.extend({
	STATES: STATES,
	errorText: errorText,
	failure: failure,
	failureText: failureText,
	settle: settle,
	parse: parse,
	badge: badge,
	duration: duration,
	priority: priority,
	trackedText: trackedText,
	master: master,
	transition: transition,
	counters: counters,
	canSwitchover: canSwitchover
});
