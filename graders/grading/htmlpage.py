"""The frame of the grader's HTML files: one self-contained page, inline CSS, no scripts."""

from __future__ import annotations

from html import escape

from graders.i18n import LANGUAGES, language

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222;
       padding: 0 1em; line-height: 1.4; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; white-space: nowrap; }
.pass { color: #1a7f37; } .fail { color: #c62828; }
.error { background: #fff3f3; }
.bar { background: #ddd; width: 8em; height: 0.8em; display: inline-block; }
.bar span { background: #4c72b0; height: 100%; display: block; }
.summary { color: #555; }
figure { margin: 0.5em 0; } figure svg { max-width: 100%; height: auto; }
blockquote { border-left: 4px solid #c62828; margin: 0.5em 0; padding: 0.2em 0.8em; }
"""


def page(title: str, body: str) -> str:
    """A whole HTML document: title (plain text, escaped here) around body (HTML), in the
    current language (its lang attribute)."""
    lang = language() if language() in LANGUAGES else "en"
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may load: no scripts, styles, fonts or images from anywhere.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def table(head: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """An HTML table; head is plain text (escaped), each cell of rows is already HTML."""
    lines = ["<table>", "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for n, row in enumerate(rows):
        css = f' class="{classes[n]}"' if classes and classes[n] else ""
        lines.append(f"<tr{css}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)
