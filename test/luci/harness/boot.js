// Loads the view named in the query string the way LuCI's dispatcher does: L.require('view.<path>') fetches,
// compiles and instantiates it, and instantiating a view loads and renders it into #view.
(function() {
	'use strict';
	var q = new URLSearchParams(location.search);
	if (q.get('view')) {
		L.require('view.' + q.get('view').replace(/\//g, '.')).catch(function(e) {
			window.__harnessDone = Promise.reject(e);
		});
	}
	else if (q.get('include')) {
		window.__harnessDone = L.require('view.status.include.' + q.get('include')).then(function(widget) {
			return Promise.resolve(widget.load()).then(function(data) {
				var vp = document.getElementById('view');
				vp.appendChild(E('div', { 'class': 'cbi-section' }, [ E('h3', {}, widget.title), widget.render(data) ]));
				return true;
			});
		});
	}
})();
