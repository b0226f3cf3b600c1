"""Members' Markdown: sanitised HTML, one reused converter, cheap plain excerpts."""

from django.template import Context, Template

from hub.markdown import markdown_excerpt, render_markdown


def test_raw_html_and_javascript_links_are_removed():
    html = render_markdown("<script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    assert "<script>" not in html
    assert "javascript:" not in html
    assert "<strong>bold</strong>" in html


def test_headings_start_at_h3():
    assert render_markdown("# Title\n\n## Part") == "<h3>Title</h3>\n<h3>Part</h3>"


def test_the_reused_converter_forgets_the_previous_text():
    # Footnotes ("extra") belong to one text: the next one does not inherit them.
    first = render_markdown("Note[^1]\n\n[^1]: Baltimore")
    assert "Baltimore" in first
    second = render_markdown("Another note[^1]")
    assert "Baltimore" not in second
    assert "[^1]" in second


def test_an_excerpt_is_the_first_words_as_text():
    text = "Civic **data** for Baltimore.\n\n" + "\n\n".join(
        f"Paragraph {n} " + "word " * 30 for n in range(50)
    )
    excerpt = markdown_excerpt(text, 10)
    assert excerpt.startswith("Civic data for Baltimore. Paragraph 0 word")
    assert excerpt.endswith(" …")
    assert len(excerpt.split()) == 11  # ten words and the ellipsis
    assert "Paragraph 1 " not in excerpt


def test_a_short_text_is_not_cut():
    assert markdown_excerpt("Open *source* meetups.", 30) == "Open source meetups."


def test_an_excerpt_is_escaped_once_in_a_template():
    rendered = Template("{% load hub_tags %}{{ text|markdown_excerpt:5 }}").render(
        Context({"text": "Ann & Bob <script>x</script> write *code*"})
    )
    assert "Ann &amp; Bob" in rendered
    assert "&amp;amp;" not in rendered
    assert "<script>" not in rendered


def test_the_excerpt_says_what_the_old_filter_chain_said():
    text = "A *great* [project](https://example.org) with `code`.\n\nSecond part here."
    old = Template("{% load hub_tags %}{{ text|markdown|striptags|truncatewords:6 }}").render(
        Context({"text": text})
    )
    new = Template("{% load hub_tags %}{{ text|markdown_excerpt:6 }}").render(
        Context({"text": text})
    )
    assert new == old
