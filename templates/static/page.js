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
