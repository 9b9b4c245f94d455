"""Figures placed from Markdown, drawn at build time.

    <figure data-viz="attention" data-layer="1" data-head="3" markdown>
    What the caption says, in *Markdown*.
    </figure>

becomes

    <figure data-viz="attention" data-layer="1" data-head="3" id="fig-attention" class="viz-figure">
      <div class="viz"><svg role="img" aria-labelledby=…><title>…</title>…</svg></div>
      <figcaption><span class="fig-num">Figure 3</span> <span class="fig-note">Layer 1, head 3.</span> <p>What the caption says…</p></figcaption>
    </figure>

The view name is looked up in `viz.REGISTRY`; an unknown name is a warning (strict: an error)
and leaves the caption standing alone. `data-viz` stays on the element so the browser bundle
can replace the drawing with a live view later.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from . import viz

WIDE = 672  # px: a drawing wider than the text column (42rem) takes the page column


class FigureProcessor(Treeprocessor):
    def __init__(self, md, ext: "FigureExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for fig in root.iter("figure"):
            name = fig.get("data-viz")
            if name is None:
                continue
            self._figure(fig, name)

    def _figure(self, fig: etree.Element, name: str) -> None:
        ext = self.ext
        data = ext.viz_data
        t = data.t if data is not None else {}
        n = len(ext.figures) + 1
        fid = fig.get("id") or f"fig-{name}"
        if any(f["id"] == fid for f in ext.figures):
            fid = f"{fid}-{n}"
        fig.set("id", fid)
        fig.set("class", (fig.get("class", "") + " viz-figure").strip())
        ext.figures.append({"id": fid, "viz": name})

        # The caption: everything the author wrote inside the figure.
        children = list(fig)
        text = fig.text
        fig.text = None
        for c in children:
            fig.remove(c)
        cap = etree.Element("figcaption")
        num = etree.SubElement(cap, "span", {"class": "fig-num"})
        num.text = f"{t.get('figure_label', 'Figure')} {n}"
        num.tail = " "

        params = {k[5:]: v for k, v in fig.attrib.items() if k.startswith("data-") and k != "data-viz"}
        draw = viz.REGISTRY.get(name)
        if draw is None:
            ext.warnings.append(
                f"{ext.where}: figure {fid!r} names an unknown view {name!r} (known: {', '.join(sorted(viz.REGISTRY))})"
            )
            fig.set("class", fig.get("class") + " viz-missing")
        elif data is None:
            pass  # no data: caption only (used when checking content without a model)
        else:
            try:
                drawing = draw(data, params)
            except Exception as e:  # a figure must never take the build down silently
                ext.warnings.append(f"{ext.where}: figure {fid!r} ({name}) could not be drawn: {e!r}")
                drawing = None
            if drawing is not None:
                box = etree.SubElement(fig, "div", {"class": "viz"})
                box.text = self.md.htmlStash.store(drawing.svg(fid))
                if drawing.note:
                    note = etree.SubElement(cap, "span", {"class": "fig-note"})
                    note.text = AtomicString(drawing.note)  # text from the run: no Markdown, no HTML
                    note.tail = " "
                for k, v in (drawing.attrs or {}).items():
                    if fig.get(k) is None:
                        fig.set(k, str(v))
                if drawing.wide or drawing.width > WIDE:
                    fig.set("class", fig.get("class") + " l-page")
        if text and text.strip():
            p = etree.SubElement(cap, "span")
            p.text = text
        for c in children:
            cap.append(c)
        fig.append(cap)


class FigureExtension(Extension):
    def __init__(self, viz_data, figures: list, warnings: list, **kwargs):
        self.viz_data = viz_data
        self.figures = figures
        self.warnings = warnings
        self.where = "?"
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # After md_in_html has turned <figure markdown> into elements (it runs as a block
        # processor) and before inline processing (20) so the caption's Markdown is still processed.
        md.treeprocessors.register(FigureProcessor(md, self), "txb_figures", 25)
