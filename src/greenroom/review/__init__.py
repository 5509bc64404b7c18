"""Contract review: text extraction, clause segmentation and labelling (CUAD's 41 categories and the union's),
and the union playbook's flags with evidence and suggested language.

The web app and the command line call `review_document(path) -> ReviewReport`, `render_html(report)` and
`to_json(report)`. The clause model is trained on CUAD v1 by The Atticus Project (CC BY 4.0); see model/NOTICE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from greenroom.lazy import lazy_exports

if TYPE_CHECKING:
    from greenroom.review.report import ReviewReport, render_html, to_dict, to_json
    from greenroom.review.review import review_document, review_text
    from greenroom.review.text import ReviewInputError

__all__ = ["ReviewInputError", "ReviewReport", "render_html", "review_document", "review_text", "to_dict", "to_json"]

# Exported name -> the submodule defining it. `review` loads the clause model's code, so the submodules are
# imported on first use of a name rather than with the package (which `greenroom review --help` imports).
_EXPORTS = {
    **dict.fromkeys(["ReviewReport", "render_html", "to_dict", "to_json"], "greenroom.review.report"),
    **dict.fromkeys(["review_document", "review_text"], "greenroom.review.review"),
    "ReviewInputError": "greenroom.review.text",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
