/* Helper widget loader. The only file a page names: <script src=".../sdk.js" async></script>.
 *
 * It defines window.HelperWidget synchronously, queues calls until the widget is mounted,
 * keeps the event listeners, and loads the wasm-bindgen glue and .wasm relative to its own URL
 * (so dist/ works from any origin and sub-path). Trunk's post-build hook (embed/gen-sdk.sh)
 * copies it into dist/ with the hashed file names filled in for __GLUE__ and __WASM__.
 * Plain ES5-style code on purpose: it must parse on every page that includes it. */
(function () {
  "use strict";
  var w = window;
  var d = document;
  // Loaded twice: the first copy stays in charge, so the page keeps exactly one widget.
  if (w.HelperWidget && w.HelperWidget.__helperRustWidget) return;

  var script = d.currentScript || findScript();
  if (!script) {
    console.error("[Helper widget] cannot find its own <script> tag; not starting");
    return;
  }
  var scriptUrl = new URL(script.src, d.baseURI).href;

  var mod = null; // the glue module, once loaded and instantiated
  var loading = null;
  var ready = false; // a widget is mounted
  var pending = []; // [method, args] called before `ready`
  var listeners = {};
  var generation = 0; // bumped by destroy(), so an init still loading when destroyed mounts nothing

  function findScript() {
    var all = d.getElementsByTagName("script");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/sdk\.js(\?|#|$)/.test(all[i].src)) return all[i];
    }
    return null;
  }

  function emit(name, detail) {
    var hs = (listeners[name] || []).slice();
    for (var i = 0; i < hs.length; i++) {
      try {
        hs[i](detail);
      } catch (e) {
        console.error("[Helper widget] '" + name + "' listener threw", e);
      }
    }
  }

  function load() {
    if (!loading) {
      // Start the .wasm download beside the glue's, rather than after it.
      var wasm = fetch(new URL("__WASM__", scriptUrl));
      loading = import(new URL("__GLUE__", scriptUrl).href)
        .then(function (m) {
          return m.default({ module_or_path: wasm }).then(function () {
            mod = m;
            return m;
          });
        })
        ["catch"](function (e) {
          loading = null; // a later init may try again
          console.error("[Helper widget] failed to load", e);
          emit("error", { message: "The support widget failed to load." });
          throw e;
        });
    }
    return loading;
  }

  function whenBody() {
    if (d.body) return Promise.resolve();
    return new Promise(function (resolve) {
      d.addEventListener("DOMContentLoaded", function () { resolve(); }, { once: true });
    });
  }

  function flush() {
    var calls = pending;
    pending = [];
    for (var i = 0; i < calls.length; i++) run(calls[i][0], calls[i][1]);
  }

  function run(method, args) {
    try {
      return mod[method].apply(null, args);
    } catch (e) {
      console.error("[Helper widget] " + method + " failed", e);
    }
  }

  // Methods that act on a mounted widget: queued until one is.
  function method(name) {
    return function () {
      var args = Array.prototype.slice.call(arguments);
      if (ready) run(name, args);
      else pending.push([name, args]);
    };
  }

  var api = {
    __helperRustWidget: true,
    init: function (config) {
      var mine = ++generation;
      return Promise.all([load(), whenBody()]).then(function () {
        if (mine !== generation) return api;
        // Auto-init reads the page's config as late as possible, so a config set after an
        // async tag still counts.
        mod.hwInit(config === undefined ? w.helperWidgetConfig || {} : config, emit, scriptUrl);
        ready = true;
        flush();
        return api;
      });
    },
    destroy: function () {
      generation++;
      pending = [];
      if (ready) run("hwDestroy", []);
      ready = false;
    },
    show: method("hwShow"),
    hide: method("hwHide"),
    toggle: method("hwToggle"),
    minimize: method("hwMinimize"),
    maximize: method("hwMaximize"),
    toggleMinimize: method("hwToggleMinimize"),
    sendPrompt: method("hwSendPrompt"),
    on: function (name, handler) {
      if (typeof handler !== "function") return function () {};
      (listeners[name] = listeners[name] || []).push(handler);
      return function () {
        var hs = listeners[name] || [];
        var i = hs.indexOf(handler);
        if (i >= 0) hs.splice(i, 1);
      };
    }
  };
  w.HelperWidget = api;

  if (!script.hasAttribute("data-delay-init")) {
    api.init()["catch"](function () {});
  }
})();
