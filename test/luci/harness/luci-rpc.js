/*
 * What LuCI's rpc.js (modules/luci-base/htdocs/luci-static/resources/rpc.js) does with a declared call, for the
 * in-browser harness (luci-mini.js) and the node tests (luci-vm.ts) alike: the views' rpc.declare() functions
 * build the same JSON-RPC request and read the reply the same way, so a view sees exactly what it would see in
 * LuCI. Written from reading rpc.js:
 * - a call is POSTed as {"jsonrpc": "2.0", "id": n, "method": "call", "params": [session id, object, method,
 *   {declared params}]}; every declared param is set from the positional arguments (undefined ones vanish in
 *   JSON), the arguments beyond them go to `filter` only;
 * - an HTTP error, a reply that is not {"jsonrpc": "2.0"} and a JSON-RPC error object ({"code", "message"}: e.g.
 *   uhttpd's -32002 "Access denied") reject the promise with an RPCError naming object, method and code;
 * - of a "result": [status, data] the call resolves to data if there is any, else to the status number (so a
 *   failed call with an explanation resolves to the explanation, and the status is lost); `reject: true` turns a
 *   non-zero status into a rejection;
 * - `expect: {key: default}` picks reply[key] (the whole reply for ''), and replaces it by the default when it is
 *   missing or of another type than the default: with {'': {}}, a bare status number becomes {};
 * - `filter(reply, params, extra...)` then transforms it.
 * Left out: request batching (luci.js queues calls made in the same frame into one POST; uhttpd answers an array,
 * see uhttpd-ubus.ts) and reply interceptors.
 *
 * createLuciRpc(post, sessionId): `post(body)` sends the request object and resolves to a response with `ok`,
 * `status`, `statusText` and a synchronous `json()`, as LuCI's Request does.
 */
(function(window) {
	'use strict';

	function statusText(code) {
		return [ 'Command OK', 'Invalid command', 'Invalid argument', 'Method not found', 'Resource not found', 'No data received',
			'Permission denied', 'Request timeout', 'Not supported', 'Unspecified error', 'Connection lost' ][code] || 'Unknown error code';
	}

	function rpcError(msg) {
		var e = new Error(msg);
		e.name = 'RPCError';
		return e;
	}

	window.createLuciRpc = function(post, sessionId) {
		var requestId = 1;

		function reply(req, res) {
			var msg, ret = null;
			if (!res.ok)
				throw rpcError('RPC call to ' + req.object + '/' + req.method + ' failed with HTTP error ' + res.status + ': ' + (res.statusText || '?'));
			msg = res.json();
			if (msg == null || typeof msg !== 'object' || msg.jsonrpc != '2.0')
				throw rpcError('RPC call to ' + req.object + '/' + req.method + ' returned invalid message frame');
			if (msg.error != null && typeof msg.error === 'object' && msg.error.code && msg.error.message)
				throw rpcError('RPC call to ' + req.object + '/' + req.method + ' failed with error ' + msg.error.code + ': ' + msg.error.message);
			if (!req.object && !req.method) {
				ret = msg.result;
			}
			else if (Array.isArray(msg.result)) {
				if (req.raise && msg.result[0] !== 0)
					throw rpcError('RPC call to ' + req.object + '/' + req.method + ' failed with ubus code ' + msg.result[0] + ': ' + statusText(msg.result[0]));
				ret = msg.result.length > 1 ? msg.result[1] : msg.result[0];
			}
			if (req.expect) {
				for (var key in req.expect) {
					if (ret != null && key != '')
						ret = ret[key];
					if (ret == null || Object.prototype.toString.call(ret) != Object.prototype.toString.call(req.expect[key]))
						ret = req.expect[key];
					break;
				}
			}
			if (typeof req.filter === 'function') {
				req.priv[0] = ret;
				req.priv[1] = req.params;
				ret = req.filter.apply(null, req.priv);
			}
			return ret;
		}

		function send(msg, req) {
			return Promise.resolve(post(msg)).then(function(res) { return reply(req, res); });
		}

		return {
			declare: function(options) {
				return function() {
					var args = Array.prototype.slice.call(arguments), params = {}, priv = [ undefined, undefined ], i = 0;
					if (Array.isArray(options.params))
						for (; i < options.params.length; i++)
							params[options.params[i]] = args[i];
					for (; i < args.length; i++)
						priv.push(args[i]);
					var req = { expect: options.expect, filter: options.filter, params: params, priv: priv, object: options.object, method: options.method, raise: options.reject };
					return send({ jsonrpc: '2.0', id: requestId++, method: 'call', params: [ sessionId, options.object, options.method, params ] }, req);
				};
			},
			list: function() {
				var names = Array.prototype.slice.call(arguments);
				return send({ jsonrpc: '2.0', id: requestId++, method: 'list', params: names.length ? names : undefined }, {});
			},
			getSessionID: function() {
				return sessionId;
			},
			setSessionID: function(sid) {
				sessionId = sid;
			},
			getStatusText: statusText
		};
	};
})(window);
