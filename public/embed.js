/*
 * The preference center, embedded. Drop on a page:
 *   <script src="https://PREFS_HOST/embed.js" data-token="TOKEN" async></script>
 * or mount it yourself:
 *   PreferenceCenter.mount(document.getElementById("prefs"), { token: "TOKEN" });
 * A sign-up form, the same way, by its id (it needs no token):
 *   <script src="https://PREFS_HOST/embed.js" data-form="FORM_ID" async></script>
 *   PreferenceCenter.mount(element, { form: "FORM_ID" });
 * The iframe resizes to its content and the container receives DOM events:
 *   "preferences:saved" and "preferences:unsubscribed" (they bubble), "preferences:resize" ({ height });
 *   a sign-up form's container "signup:submitted" (it bubbles) once the person has sent it.
 * Messages are sent to, and accepted from, the preference center's exact origin only.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var serviceOrigin = new URL(script ? script.src : "/embed.js", window.location.href).origin;

  function mount(container, options) {
    var isForm = !!options && typeof options.form === "string";
    if (isForm ? !/^[0-9a-f-]{36}$/i.test(options.form) : !options || typeof options.token !== "string" || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(options.token)) {
      throw new Error("PreferenceCenter.mount(element, { token } or { form }) needs an element and a preferences link token or a sign-up form id");
    }
    if (!container) throw new Error("PreferenceCenter.mount needs an element");
    var url = new URL(isForm ? "/embed/f/" + options.form : "/embed/p/" + options.token, serviceOrigin);
    url.searchParams.set("parent", window.location.origin);
    if (options.lang) url.searchParams.set("lang", options.lang);

    var frame = document.createElement("iframe");
    frame.src = url.toString();
    frame.title = options.title || (isForm ? "Sign up" : "Message preferences");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = (options.initialHeight || 600) + "px";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin");
    // allow-same-origin keeps the page's own origin, so its forms carry a real Origin header.
    frame.setAttribute("sandbox", "allow-forms allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    container.appendChild(frame);

    function onMessage(event) {
      if (event.origin !== serviceOrigin || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.source !== "preference-center") return;
      if (data.type === "resize" && typeof data.height === "number" && data.height > 0 && data.height < 20000) {
        frame.style.height = Math.ceil(data.height) + "px";
        container.dispatchEvent(new CustomEvent("preferences:resize", { detail: { height: data.height } }));
      } else if (isForm && data.type === "submitted") {
        container.dispatchEvent(new CustomEvent("signup:submitted", { bubbles: true }));
      } else if (!isForm && (data.type === "saved" || data.type === "unsubscribed")) {
        container.dispatchEvent(new CustomEvent("preferences:" + data.type, { bubbles: true }));
      }
    }
    window.addEventListener("message", onMessage);
    frame.addEventListener("load", function () {
      frame.contentWindow.postMessage({ type: "ping" }, serviceOrigin);
    });
    return {
      frame: frame,
      unmount: function () {
        window.removeEventListener("message", onMessage);
        frame.remove();
      },
    };
  }

  window.PreferenceCenter = { mount: mount };

  if (script && (script.dataset.token || script.dataset.form)) {
    var container = document.createElement("div");
    container.className = script.dataset.form ? "signup-form" : "preference-center";
    script.parentNode.insertBefore(container, script);
    mount(
      container,
      script.dataset.form ? { form: script.dataset.form, lang: script.dataset.lang } : { token: script.dataset.token, lang: script.dataset.lang },
    );
  }
})();
