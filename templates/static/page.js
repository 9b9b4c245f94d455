/* A classic script (not a module): it runs from file:// too, where module scripts are blocked.
   A file, not inline, so the Content-Security-Policy allows scripts from the site only. */
(function () {
  /* The app bundle (a module script) failed to load: say so where the explainer would be.
     A failed load does not bubble; it is seen on window in the capture phase. */
  window.addEventListener("error", function (e) {
    var el = e.target;
    if (!el || el.tagName !== "SCRIPT" || el.type !== "module" || location.protocol === "file:") return;
    var m = document.querySelectorAll(".app-missing");
    for (var i = 0; i < m.length; i++) m[i].hidden = false;
  }, true);
  if (location.protocol === "file:") {
    var w = document.querySelectorAll(".file-warning");
    for (var i = 0; i < w.length; i++) w[i].hidden = false;
  }
  /* The article's chapters are laid out only near the viewport (site.css, where scripts run),
     each taken at an estimated height until then. A jump to an anchor (the contents, a figure
     or a note link, Back and Forward, a link from outside) first lays out every chapter up to
     its target, so it lands on the target and not where the estimates put it. */
  function layOutTo(hash) {
    var id = "";
    try { id = decodeURIComponent(hash.slice(1)); } catch (err) { return null; }
    var target = id && document.getElementById(id);
    if (!target) return null;
    var chapters = document.querySelectorAll("#article .chapter");
    for (var i = 0; i < chapters.length; i++) {
      if (chapters[i].compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) break;
      chapters[i].classList.add("txb-laid");
    }
    return target;
  }
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (a) layOutTo(a.getAttribute("href"));  /* the browser's own jump follows */
  }, true);
  window.addEventListener("hashchange", function () {
    var t = layOutTo(location.hash);
    if (t) t.scrollIntoView();
  });
  /* a link from outside: the browser may have jumped before this script ran */
  var first = location.hash ? layOutTo(location.hash) : null;
  if (first) first.scrollIntoView();

  /* The language switch goes to the same place in the other language (the anchors match). */
  function here() {
    var marks = document.querySelectorAll("#article section[id], #article h3[id], #article figure[id], #explainer");
    var id = "", line = Math.min(window.innerHeight * 0.3, 200);  /* the reading position */
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].getBoundingClientRect().top <= line) id = marks[i].id; else break;
    }
    return id;
  }
  var links = document.querySelectorAll("a[data-switch-lang]");
  for (var j = 0; j < links.length; j++) {
    links[j].addEventListener("click", function () {
      var id = here();
      this.hash = id ? "#" + id : "";
    });
  }
})();
