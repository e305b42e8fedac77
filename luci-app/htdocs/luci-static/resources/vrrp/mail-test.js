'use strict';
'require baseclass';
'require form';
'require rpc';
'require uci';
'require ui';
'require vrrp.status-model as model';

/*
 * The "Send a test mail" button of the Instances page's Notifications tab; scripts/gen-luci.ts places it there and
 * hands it the names of that tab's options. `ubus call vrrp test_mail` makes the running daemon send one mail
 * with the settings it runs with: the applied ones, not what the form shows. So before calling, the button looks
 * for mail settings that are edited but not saved, or saved but not applied, and asks for Save & Apply instead of
 * testing settings the user is not looking at.
 */

var callTestMail = rpc.declare({
	object: 'vrrp',
	method: 'test_mail'
});

/* A field's value as one comparable string: unset means the default, lists compare item by item. */
function normalized(value, dflt) {
	var v = value == null || (Array.isArray(value) && !value.length) ? dflt : value;
	return [].concat(v == null ? [] : v).map(String).filter(function(x) { return x !== ''; }).join('\n');
}

/* Options of `names` whose field differs from what was loaded: edited, not saved. */
function editedOptions(map, sid, names) {
	return names.filter(function(name) {
		var found = map.lookupOption(name, sid), o = found ? found[0] : null;
		return o != null && normalized(o.formvalue(sid), o.default) !== normalized(o.cfgvalue(sid), o.default);
	});
}

/*
 * Options of `names` with changes saved to the router but not applied: `changes` is what uci.changes() answers,
 * { config: [ [ operation, section, option, value ], ... ] }. A change to the whole section counts for all.
 */
function stagedOptions(changes, sid, names) {
	var hit = {};
	((changes || {}).vrrp || []).forEach(function(c) {
		if (c[1] !== sid)
			return;
		if (c.length < 3 || c[0] === 'add' || c[0] === 'rename')
			names.forEach(function(n) { hit[n] = true; });
		else if (names.indexOf(c[2]) >= 0)
			hit[c[2]] = true;
	});
	return names.filter(function(n) { return hit[n]; });
}

function notify(ok, text) {
	ui.addNotification(null, E('p', {}, text), ok ? 'info' : 'danger');
}

/* The daemon says "test mail not sent: <the server's error>"; the notification already says the first part. */
function failureText(f) {
	return f.message ? f.message.replace(/^test mail not sent: /, '') : model.failureText(f);
}

/*
 * The daemon answers when the server did, which may take up to 3 x smtp_connect_timeout; the page gives up sooner
 * (rpc.js after L.env.rpctimeout, uhttpd with "timed out", ubus status 7). Then the outcome is in the log only.
 */
function timedOut(f) {
	return f.code === 7 || /timed out/i.test(String(f.message || ''));
}

function send(map, sid, names) {
	var edited = editedOptions(map, sid, names);
	if (edited.length) {
		notify(false, _('Save & Apply the mail settings first: the test mail goes out with the settings vrrpd runs with. Changed here:') + ' ' + edited.join(', '));
		return Promise.resolve(false);
	}
	return model.settle(uci.changes()).then(function(changes) {
		/* Without an answer (no access to uci changes) nothing is known to be pending: the test goes ahead. */
		var staged = changes instanceof Error ? [] : stagedOptions(changes, sid, names);
		if (staged.length) {
			notify(false, _('Apply the saved mail settings first (Unsaved Changes at the top): the test mail goes out with the settings vrrpd runs with. Saved, not applied:') + ' ' + staged.join(', '));
			return false;
		}
		return model.settle(callTestMail()).then(function(res) {
			var f = model.failure(res);
			if (f && timedOut(f))
				notify(false, _('No answer in time: vrrpd may still be waiting for the mail server. The outcome is in its log (logread -e vrrpd).'));
			else if (f)
				notify(false, _('Test mail not sent:') + ' ' + failureText(f));
			else
				notify(true, _('Test mail sent to') + ' ' + [].concat(res && res.recipients || []).join(', ') + '.');
			return !f;
		});
	});
}

return baseclass.extend({
	editedOptions: editedOptions,
	stagedOptions: stagedOptions,

	/* The button, in tab `tab` of section `s` (globals), for the options `names` test_mail uses. */
	addButton: function(map, s, tab, names) {
		var o = s.taboption(tab, form.Button, '_test_mail', _('Test mail'),
			_('Sends one mail now to the recipients above through the SMTP server, with the settings vrrpd runs with (Save & Apply first), and shows the server\'s answer.'));
		o.inputtitle = _('Send a test mail');
		o.inputstyle = 'action';
		/* Calling test_mail needs the app's write access, as the page's other actions do. */
		o.readonly = L.hasViewPermission ? L.hasViewPermission() === false : false;
		o.onclick = function(ev, section_id) {
			return send(map, section_id, names);
		};
		return o;
	}
});
