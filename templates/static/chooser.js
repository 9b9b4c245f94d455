/* Pick a language from the browser's preferences; without JavaScript the links do it.
   A file, not inline, so the Content-Security-Policy allows scripts from the site only;
   the languages come from the script element's data attributes. */
(function () {
  if (/[?&]choose\b/.test(location.search)) return;
  var me = document.currentScript;
  var langs = JSON.parse(me.getAttribute("data-langs"));
  var pick = me.getAttribute("data-fallback");
  var prefs = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < prefs.length; i++) {
    var p = String(prefs[i]).toLowerCase().split("-")[0];
    if (langs.indexOf(p) >= 0) { pick = p; break; }
  }
  location.replace(pick + "/index.html" + location.hash);
})();
