/*
 * The part of LuCI's browser API the vrrp views use, for rendering them in a headless browser without a
 * router: module loading as luci.js does it ('require' strings, factory function, instantiation), E(), a view
 * base class with LuCI's footer, form (Map, JSONMap, NamedSection, a plain GridSection; Value, ListValue, Flag,
 * DynamicList, MultiValue, Button; depends()) with field validation shown at the field, rpc (rpc.js's requests and replies, from
 * luci-rpc.js, POSTed to uhttpd's /ubus endpoint of the test server with L.env.sessionid), an in-memory uci,
 * ui (modal, notifications, changes.apply) and poll. Markup and class names are LuCI's, so the views' own
 * classes and inline styles apply; harness.css gives it a bootstrap-like look.
 */
(function(window, document) {
	'use strict';

	/* ---- classes (luci.js Class) ---- */

	var Class = function() {};
	Class.extend = function(props) {
		var Parent = this;
		var C = function() {
			if (typeof this.__init__ === 'function')
				this.__init__.apply(this, arguments);
		};
		C.prototype = Object.create(Parent.prototype);
		Object.keys(props).forEach(function(k) { C.prototype[k] = props[k]; });
		C.prototype.constructor = C;
		C.extend = Class.extend;
		C.superclass = Parent.prototype;
		return C;
	};

	/* ---- DOM helpers ---- */

	function append(node, children) {
		if (children == null)
			return node;
		if (Array.isArray(children)) {
			children.forEach(function(c) { append(node, c); });
			return node;
		}
		if (typeof children === 'function')
			return append(node, children(node));
		if (children instanceof Node)
			node.appendChild(children);
		else
			node.appendChild(document.createTextNode(String(children)));
		return node;
	}

	function E(html, attr, data) {
		if (!(attr instanceof Object) || Array.isArray(attr) || attr instanceof Node) {
			data = attr;
			attr = null;
		}
		var elem;
		if (Array.isArray(html)) {
			elem = document.createDocumentFragment();
			html.forEach(function(h) { append(elem, h); });
		}
		else if (html instanceof Node) {
			elem = html;
		}
		else {
			elem = document.createElement(html);
		}
		Object.keys(attr || {}).forEach(function(k) {
			var v = attr[k];
			if (v == null)
				return;
			if (typeof v === 'function')
				elem.addEventListener(k, v);
			else if (typeof v === 'object')
				elem.setAttribute(k, JSON.stringify(v));
			else
				elem.setAttribute(k, v);
		});
		return append(elem, data);
	}

	var dom = {
		content: function(node, children) {
			while (node.firstChild)
				node.removeChild(node.firstChild);
			return append(node, children);
		},
		append: append,
		create: E,
		elem: function(e) { return e instanceof Node; }
	};

	/* ---- rpc, uci, poll: backed by the test server ---- */

	function post(url, body) {
		return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
			.then(function(r) { return r.json(); });
	}

	/* The page template's L.env (LuCI renders it into the page): the session id and uhttpd's ubus path. */
	var env = Object.assign({ pollinterval: 5, sessionid: '00000000000000000000000000000000', ubuspath: '/ubus/' }, window.__luciEnv || {});

	var rpc = window.createLuciRpc(function(msg) {
		return fetch(env.ubuspath, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(msg) }).then(function(r) {
			return r.text().then(function(text) {
				return { ok: r.ok, status: r.status, statusText: r.statusText, json: function() { return JSON.parse(text); } };
			});
		});
	}, env.sessionid);

	var uciData = {};
	var uci = {
		load: function(confs) {
			return Promise.all([].concat(confs).map(function(conf) {
				if (uciData[conf])
					return conf;
				return fetch('/uci/' + conf).then(function(r) { return r.json(); }).then(function(sections) {
					uciData[conf] = {};
					sections.forEach(function(s) { uciData[conf][s['.name']] = s; });
					return conf;
				});
			}));
		},
		sections: function(conf, type) {
			return Object.keys(uciData[conf] || {}).map(function(k) { return uciData[conf][k]; })
				.filter(function(s) { return type == null || s['.type'] === type; })
				.sort(function(a, b) { return a['.index'] - b['.index']; });
		},
		get: function(conf, sid, opt) {
			var s = (uciData[conf] || {})[sid];
			return opt == null ? s : (s ? s[opt] : null);
		},
		set: function(conf, sid, opt, val) {
			uciData[conf][sid][opt] = val;
		},
		unset: function(conf, sid, opt) {
			if (uciData[conf] && uciData[conf][sid])
				delete uciData[conf][sid][opt];
		},
		remove: function(conf, sid) {
			if (uciData[conf])
				delete uciData[conf][sid];
		},
		add: function(conf, type, name) {
			var all = uciData[conf] = uciData[conf] || {}, sid = name || ('cfg' + Object.keys(all).length);
			all[sid] = { '.name': sid, '.type': type, '.anonymous': !name, '.index': Object.keys(all).length };
			return sid;
		},
		save: function() {
			return post('/uci-save', uciData);
		},
		/* uci.js changes(): what is saved but not applied; the test server stages nothing, so it answers {}. */
		changes: function() {
			return post('/uci-changes', {});
		}
	};

	var poll = {
		add: function(fn, interval) {
			window.setInterval(fn, (interval || 5) * 1000);
			return true;
		}
	};

	/* ---- ui ---- */

	var ui = {
		showModal: function(title, children) {
			var overlay = document.getElementById('modal_overlay') || document.body.appendChild(E('div', { 'id': 'modal_overlay' }));
			dom.content(overlay, E('div', { 'class': 'modal', 'role': 'dialog' }, [ E('h4', {}, title), children ]));
			document.body.classList.add('modal-overlay-active');
			return overlay.firstChild;
		},
		hideModal: function() {
			document.body.classList.remove('modal-overlay-active');
		},
		addNotification: function(title, children, cls) {
			var mc = document.getElementById('maincontent');
			var n = E('div', { 'class': 'alert-message fade-in ' + (cls || '') }, [ title ? E('h4', {}, title) : '', children ]);
			mc.insertBefore(n, mc.firstChild);
			return n;
		},
		createHandlerFn: function(ctx, fn) {
			var args = Array.prototype.slice.call(arguments, 2);
			return function(ev) {
				var f = typeof fn === 'string' ? ctx[fn] : fn;
				return f.apply(ctx, args.concat([ ev ]));
			};
		},
		changes: {
			apply: function(checked) {
				return post('/apply', { checked: checked });
			}
		}
	};

	/* ---- form ---- */

	var AbstractValue = Class.extend({
		__init__: function(map, section, name, title, description) {
			this.map = map;
			this.section = section;
			this.option = name;
			this.title = title || '';
			this.description = description || '';
			this.keylist = [];
			this.vallist = [];
			this.rmempty = true;
			this.elems = {};
		},
		value: function(key, label) {
			this.keylist.push(String(key));
			this.vallist.push(label != null ? label : key);
		},
		cfgvalue: function(sid) {
			var v = this.map.get(sid, this.option);
			return v != null ? v : (this.default != null ? this.default : null);
		},
		formvalue: function(sid) {
			var el = this.elems[sid];
			return el ? el.getValue() : this.cfgvalue(sid);
		},
		getUIElement: function(sid) {
			return this.elems[sid] || null;
		},
		/* form.js depends(field, value): the field shows (and counts) only while `field` has `value`. */
		depends: function(field, value) {
			(this.deps = this.deps || []).push([ field, value ]);
		},
		isActive: function(sid) {
			var self = this;
			return !this.deps || this.deps.some(function(d) { return String(self.section.formvalue(sid, d[0])) === String(d[1]); });
		},
		/* Runs the validator and shows its message at the field, as LuCI marks an invalid field. */
		triggerValidation: function(sid) {
			var el = this.elems[sid];
			if (!el)
				return true;
			if (!this.isActive(sid)) {
				el.input.classList.remove('cbi-input-invalid');
				dom.content(el.error, '');
				return true;
			}
			var result = typeof this.validate === 'function' ? this.validate(sid, el.getValue()) : true;
			var ok = result === true || result == null;
			el.input.classList.toggle('cbi-input-invalid', !ok);
			dom.content(el.error, ok ? '' : String(result));
			el.valid = ok;
			return ok;
		},
		isValid: function(sid) {
			return this.triggerValidation(sid);
		},
		widget: function(sid, value) {
			var input = E('input', { 'type': 'text', 'class': 'cbi-input-text', 'value': value == null ? '' : value, 'placeholder': this.placeholder || null });
			return { input: input, node: input, getValue: function() { return input.value; }, setValue: function(v) { input.value = v; } };
		},
		renderWidget: function(sid) {
			var id = 'widget.cbid.' + this.map.config + '.' + sid + '.' + this.option;
			var el = this.widget(sid, this.cfgvalue(sid));
			el.input.id = id;
			el.error = E('div', { 'class': 'cbi-value-error' });
			this.elems[sid] = el;
			var self = this, changed = function(ev) {
				self.triggerValidation(sid);
				el.input.dispatchEvent(new CustomEvent('widget-change', { bubbles: true }));
				if (ev.type === 'change' && typeof self.onchange === 'function')
					self.onchange(ev, sid, el.getValue());
			};
			el.input.addEventListener('input', changed);
			el.input.addEventListener('change', changed);
			return el.row = E('div', { 'class': 'cbi-value', 'data-name': this.option, 'id': 'cbi-' + this.map.config + '-' + sid + '-' + this.option }, [
				E('label', { 'class': 'cbi-value-title', 'for': id }, this.title),
				E('div', { 'class': 'cbi-value-field' }, [
					el.node,
					el.error,
					this.description ? E('div', { 'class': 'cbi-value-description' }, htmlFragment(this.description)) : ''
				])
			]);
		}
	});

	function htmlFragment(html) {
		var div = document.createElement('div');
		div.innerHTML = html;
		return Array.prototype.slice.call(div.childNodes);
	}

	var Value = AbstractValue.extend({});

	var ListValue = AbstractValue.extend({
		widget: function(sid, value) {
			var self = this, select = E('select', { 'class': 'cbi-input-select' }, this.keylist.map(function(k, i) {
				return E('option', { 'value': k }, self.vallist[i]);
			}));
			select.value = value == null ? (this.keylist[0] || '') : value;
			return { input: select, node: select, getValue: function() { return select.value; }, setValue: function(v) { select.value = v; } };
		}
	});

	var Flag = AbstractValue.extend({
		widget: function(sid, value) {
			var box = E('input', { 'type': 'checkbox', 'class': 'cbi-input-checkbox' });
			box.checked = String(value) === '1';
			return { input: box, node: box, getValue: function() { return box.checked ? '1' : '0'; }, setValue: function(v) { box.checked = String(v) === '1'; } };
		}
	});

	var DynamicList = AbstractValue.extend({
		widget: function(sid, value) {
			var input = E('input', { 'type': 'text', 'class': 'cbi-input-text', 'value': [].concat(value || []).join(' ') });
			return { input: input, node: input, getValue: function() { return input.value.split(/\s+/).filter(Boolean); }, setValue: function(v) { input.value = [].concat(v).join(' '); } };
		}
	});

	/* form.js ButtonValue: a button that calls onclick(ev, section_id); it has no value of its own. */
	var Button = AbstractValue.extend({
		widget: function(sid) {
			var self = this, button = E('button', {
				'class': 'cbi-button cbi-button-' + (this.inputstyle || 'button'),
				'disabled': this.readonly ? '' : null,
				'click': ui.createHandlerFn(this, function(ev) { return self.onclick ? self.onclick(ev, sid) : null; })
			}, this.inputtitle || this.title);
			return { input: button, node: button, getValue: function() { return null; }, setValue: function() {} };
		}
	});

	var AbstractSection = Class.extend({
		__init__: function(map, args) {
			this.map = map;
			this.sectiontype = args[0];
			this.children = [];
			this.tabs = [];
		},
		tab: function(name, title) {
			this.tabs.push([ name, title ]);
		},
		option: function(cls, name, title, description) {
			var o = new cls(this.map, this, name, title, description);
			this.children.push(o);
			return o;
		},
		taboption: function(tab, cls, name, title, description) {
			var o = this.option(cls, name, title, description);
			o.tab = tab;
			return o;
		},
		formvalue: function(sid, name) {
			var o = this.children.filter(function(c) { return c.option === name; })[0];
			return o ? o.formvalue(sid) : null;
		},
		renderFields: function(sid) {
			return this.children.map(function(o) { return o.renderWidget(sid); });
		}
	});

	var NamedSection = AbstractSection.extend({
		__init__: function(map, args) {
			AbstractSection.prototype.__init__.call(this, map, args);
			this.sid = args[0];
			this.title = args[2];
			this.description = args[3];
		},
		sectionIds: function() {
			return [ this.sid ];
		},
		render: function() {
			return E('div', { 'class': 'cbi-section', 'id': 'cbi-' + this.map.config + '-' + this.sid }, [
				this.title ? E('h3', {}, this.title) : '',
				this.description ? E('div', { 'class': 'cbi-section-descr' }, htmlFragment(this.description)) : '',
				E('div', { 'class': 'cbi-section-node' }, this.renderFields(this.sid))
			]);
		}
	});

	var TypedSection = AbstractSection.extend({
		__init__: function(map, args) {
			AbstractSection.prototype.__init__.call(this, map, args);
			this.title = args[1];
			this.description = args[2];
		},
		sectionIds: function() {
			return uci.sections(this.map.config, this.sectiontype).map(function(s) { return s['.name']; });
		},
		render: function() {
			var self = this;
			return E('div', { 'class': 'cbi-section' }, [
				this.title ? E('h3', {}, this.title) : '',
				this.sectionIds().map(function(sid) {
					return E('div', { 'class': 'cbi-section-node' }, [ E('h4', {}, sid), self.renderFields(sid) ]);
				})
			]);
		}
	});

	var Map = Class.extend({
		__init__: function(config, title, description) {
			this.config = config;
			this.title = title;
			this.description = description;
			this.children = [];
		},
		get: function(sid, opt) {
			return uci.get(this.config, sid, opt);
		},
		section: function(cls) {
			var s = new cls(this, Array.prototype.slice.call(arguments, 1));
			this.children.push(s);
			return s;
		},
		lookupOption: function(name, sid) {
			for (var i = 0; i < this.children.length; i++) {
				var s = this.children[i];
				if (s.sectionIds().indexOf(sid) < 0)
					continue;
				for (var j = 0; j < s.children.length; j++)
					if (s.children[j].option === name)
						return [ s.children[j], sid ];
			}
			return null;
		},
		load: function() {
			return uci.load(this.config);
		},
		render: function() {
			var self = this;
			return Promise.resolve(this.load()).then(function() {
				var node = E('div', { 'class': 'cbi-map', 'id': 'cbi-' + self.config }, [
					self.title ? E('h2', {}, self.title) : '',
					self.description ? E('div', { 'class': 'cbi-map-descr' }, htmlFragment(self.description)) : '',
					self.children.map(function(s) { return s.render(); })
				]);
				[ 'change', 'input' ].forEach(function(type) { node.addEventListener(type, function() { self.checkDepends(); }); });
				self.checkDepends();
				return node;
			});
		},
		/* Shows the fields whose dependencies hold, hides the others (form.js Map.checkDepends). */
		checkDepends: function() {
			this.children.forEach(function(s) {
				s.sectionIds().forEach(function(sid) {
					s.children.forEach(function(o) {
						var el = o.elems[sid];
						if (el && el.row)
							el.row.style.display = o.isActive(sid) ? '' : 'none';
					});
				});
			});
		},
		/* Like form.Map#save: every field valid, then the callback; a refusal shows LuCI's "Save error". */
		save: function(cb, silent) {
			var invalid = [];
			this.children.forEach(function(s) {
				s.sectionIds().forEach(function(sid) {
					s.children.forEach(function(o) {
						if (!o.triggerValidation(sid))
							invalid.push(o.title);
					});
				});
			});
			var p = invalid.length
				? Promise.reject(new Error('Option "' + invalid[0] + '" contains an invalid input value.'))
				: Promise.resolve().then(cb);
			return p.catch(function(e) {
				if (!silent)
					ui.showModal('Save error', [ E('p', {}, 'An error occurred while saving the form:'), E('p', {}, E('em', {}, e.message)) ]);
				return Promise.reject(e);
			});
		}
	});

	var JSONMap = Map.extend({
		__init__: function(data, title, description) {
			Map.prototype.__init__.call(this, 'json', title, description);
			this.jsondata = data;
		},
		get: function(sid, opt) {
			var s = this.jsondata[sid] || {};
			return opt == null ? s : s[opt];
		},
		load: function() {
			return Promise.resolve();
		}
	});

	var form = {
		Map: Map,
		JSONMap: JSONMap,
		NamedSection: NamedSection,
		TypedSection: TypedSection,
		GridSection: TypedSection,
		Value: Value,
		ListValue: ListValue,
		Flag: Flag,
		DynamicList: DynamicList,
		MultiValue: DynamicList,
		TextValue: Value,
		DummyValue: Value,
		Button: Button
	};

	var widgets = { NetworkSelect: ListValue, DeviceSelect: Value };

	/* ---- view (luci.js LuCI.view) ---- */

	var view = Class.extend({
		__init__: function() {
			var vp = document.getElementById('view'), self = this;
			dom.content(vp, E('div', { 'class': 'spinning' }, 'Loading view…'));
			window.__harnessView = this;
			window.__harnessDone = Promise.resolve(this.load())
				.then(function(data) { return self.render(data); })
				.then(function(nodes) {
					dom.content(vp, nodes);
					append(vp, self.addFooter());
					return true;
				})
				.catch(function(e) {
					dom.content(vp, E('pre', { 'class': 'alert-message error' }, String(e && e.stack || e)));
					throw e;
				});
		},
		load: function() {},
		render: function() {},
		handleSave: function() {},
		handleSaveApply: function() {},
		handleReset: function() {},
		addFooter: function() {
			if (!document.querySelector('#maincontent .cbi-map') || (!this.handleSaveApply && !this.handleSave))
				return E([]);
			var self = this, button = function(fn, cls, label) {
				return fn ? E('button', { 'class': 'cbi-button ' + cls, 'click': ui.createHandlerFn(self, fn) }, label) : '';
			};
			return E('div', { 'class': 'cbi-page-actions' }, [
				button(this.handleSaveApply, 'cbi-button-apply', 'Save & Apply'), ' ',
				button(this.handleSave, 'cbi-button-save', 'Save'), ' ',
				button(this.handleReset, 'cbi-button-reset', 'Reset')
			]);
		}
	});

	/* ---- L and the module loader (luci.js L.require) ---- */

	var builtins = {
		'baseclass': Class, 'view': view, 'form': form, 'rpc': rpc, 'uci': uci, 'ui': ui, 'dom': dom, 'poll': poll,
		'tools.widgets': widgets
	};
	var classes = {};

	function requiresOf(source) {
		var requirematch = /^require[ \t]+(\S+)(?:[ \t]+as[ \t]+([a-zA-Z_]\S*))?$/, deps = [];
		for (var i = 0, off = -1, quote = -1, esc = false; i < source.length; i++) {
			var chr = source.charCodeAt(i);
			if (esc) { esc = false; }
			else if (chr == 92) { esc = true; }
			else if (chr == quote) {
				var s = source.substring(off, i), m = requirematch.exec(s);
				if (m)
					deps.push({ name: m[1], as: m[2] || m[1].replace(/[^a-zA-Z0-9_]/g, '_') });
				else if (!/^use[ \t]+strict$/.test(s))
					break;
				off = -1;
				quote = -1;
			}
			else if (quote == -1 && (chr == 34 || chr == 39)) {
				off = i + 1;
				quote = chr;
			}
		}
		return deps;
	}

	var L = {
		env: env,
		Class: Class,
		dom: dom,
		ui: ui,
		bind: function(fn, self) {
			return Function.prototype.bind.apply(fn, [ self ].concat(Array.prototype.slice.call(arguments, 2)));
		},
		hasViewPermission: function() { return true; },
		resource: function() { return '/luci-static/resources/' + Array.prototype.join.call(arguments, '/'); },
		url: function() { return '/cgi-bin/luci/' + Array.prototype.join.call(arguments, '/'); },
		require: function(name) {
			if (builtins[name])
				return Promise.resolve(builtins[name]);
			if (classes[name])
				return classes[name];
			var url = '/luci-static/resources/' + name.replace(/\./g, '/') + '.js';
			classes[name] = fetch(url).then(function(r) {
				if (!r.ok)
					throw new Error('HTTP ' + r.status + ' while loading class file "' + url + '"');
				return r.text();
			}).then(function(source) {
				var deps = requiresOf(source);
				return Promise.all(deps.map(function(d) { return L.require(d.name); })).then(function(instances) {
					var args = deps.map(function(d) { return ', ' + d.as; }).join('');
					var factory = (0, eval)('(function(window, document, L' + args + ') { ' + source + ' })\n\n//# sourceURL=' + url + '\n');
					var cls = factory.apply(factory, [ window, document, L ].concat(instances));
					return new cls();
				});
			});
			return classes[name];
		}
	};

	window.E = E;
	window._ = function(s) { return s; };
	window.N_ = function(n, a, b) { return n == 1 ? a : b; };
	window.L = L;
})(window, document);
