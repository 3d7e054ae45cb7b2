from visual_erm.extract import extract


def test_last_python_block_wins():
    text = "First:\n```python\nprint(1)\n```\nBetter:\n```python\nimport matplotlib.pyplot as plt\nplt.plot([1])\n```\n"
    ex = extract("chart", text)
    assert ex.how == "fenced" and ex.code.startswith("import matplotlib")


def test_unlabelled_fence_and_whole_text():
    assert extract("chart", "```\nimport numpy as np\n```").code == "import numpy as np\n"
    ex = extract("chart", "import matplotlib.pyplot as plt\nplt.plot([1, 2])")
    assert ex.how == "whole_text"
    assert not extract("chart", "Sorry, I can't help with that.").found


def test_svg_fallbacks():
    ex = extract("svg", 'Here: <svg xmlns="http://www.w3.org/2000/svg"><rect/>')
    assert ex.how == "bare_svg" and ex.code.rstrip().endswith("</svg>")
    ex = extract("svg", "```xml\n<?xml version='1.0'?>\n<svg><circle/></svg>\n```")
    assert ex.code.startswith("<svg") and ex.language == "svg"


def test_table_languages():
    assert extract("table", "```html\n<table><tr><td>1</td></tr></table>\n```").language == "html"
    md = "Result:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThanks"
    ex = extract("table", md)
    assert ex.language == "markdown" and ex.how == "pipe_table" and ex.code.count("\n") == 3
    ex = extract("table", "```markdown\n<table><tr><td>x</td></tr></table>\n```")
    assert ex.language == "html"  # "markdown" answers that are HTML in practice
    tex = "\\begin{tabular}{ll}\na & b \\\\\n\\end{tabular}"
    assert extract("table", f"```latex\n{tex}\n```").language == "latex"
    assert extract("table", f"Table: {tex} end").how == "tabular"
    assert extract("table", "<table><tr><td>x</td></tr></table>", language="html").how == "bare_table"
