import base64
import io
from html.parser import HTMLParser

from pypdf import PdfReader

from expressive.activities.story.export import UNTITLED, picture_book_pdf, web_page
from expressive.activities.story.measure import autosave_cost, pdf_export_seconds, sample_picture
from expressive.activities.story.model import Page, Story
from expressive.lib.typography import REPLACEMENT_CHARACTER


def two_page_story(picture=None):
    story = Story("The Fox", pages=[Page(), Page()])
    story.set_text(0, "Once there was a fox who lived in a wood.", at=1)
    story.set_text(1, "She found a friend and was not lonely any more.", at=2)
    if picture is not None:
        story.set_picture(0, picture, "drawing", at=3)
    return story


def pdf_pages(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_picture_book_has_a_title_page_then_a_page_per_story_page_in_order():
    reader, texts = pdf_pages(picture_book_pdf(two_page_story(sample_picture(1, (400, 300)))))
    assert len(texts) == 3
    assert "The Fox" in texts[0]
    assert "Once there was a fox who lived in a wood." in texts[1]
    assert "She found a friend and was not lonely any more." in texts[2]
    assert texts[1].startswith("1") and texts[2].startswith("2"), "story pages are numbered from 1"
    assert [len(page.images) for page in reader.pages] == [0, 1, 0], "the picture is on the first story page"
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[1]["/Resources"]["/Font"].values()}
    assert any("Andika" in font for font in fonts)
    assert reader.metadata.title == "The Fox"


def test_long_text_flows_onto_more_pages_rather_than_being_cut():
    story = two_page_story(sample_picture(2, (400, 300)))
    long_text = " ".join(f"word{number}" for number in range(900)) + " THE-LAST-WORD"
    story.set_text(0, long_text, at=10)
    _, texts = pdf_pages(picture_book_pdf(story))
    assert len(texts) > 3
    book = " ".join(texts)
    assert book.index("word0 ") < book.index("word899") < book.index("THE-LAST-WORD") < book.index("She found a friend")
    assert "She found a friend" in texts[-1]


def test_a_story_without_pictures_or_title_still_makes_a_book():
    story = Story(pages=[Page("Just words."), Page(), Page("More words.")])
    _, texts = pdf_pages(picture_book_pdf(story))
    assert len(texts) == 4, "an empty page stays a page"
    assert UNTITLED in texts[0] and "Just words." in texts[1] and "More words." in texts[3]


def test_names_and_scripts_beyond_english_are_drawn_and_emoji_do_not_break_the_book():
    story = Story("Zoë's Ç story", pages=[Page("Zoë and François went to Αθήνα. ❤️🦊👍🏽 <b>&amp;</b>")])
    reader, texts = pdf_pages(picture_book_pdf(story))
    assert "Zoë's Ç story" in texts[0]
    assert "Zoë and François" in texts[1]
    assert "Αθήνα" in texts[1], "Greek comes from a fallback font"
    assert REPLACEMENT_CHARACTER in texts[1], "a letter no font has is marked, not dropped silently"
    assert "<b>&amp;</b>" in texts[1], "the text is text, not markup"


def collect_tags(page):
    tags = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collector().feed(page)
    return tags


def test_the_web_page_holds_the_text_escaped_and_the_pictures_inside_it():
    picture = sample_picture(3, (200, 150))
    story = two_page_story(picture)
    story.set_text(1, "<script>alert('boo')</script> & Zoë", at=5)
    page = web_page(story).decode("utf-8")
    assert "&lt;script&gt;alert(&#x27;boo&#x27;)&lt;/script&gt; &amp; Zoë" in page
    tags = collect_tags(page)
    assert "script" not in {tag for tag, _ in tags}
    images = [attrs for tag, attrs in tags if tag == "img"]
    assert images == [{"src": "data:image/png;base64," + base64.b64encode(picture).decode(), "alt": "A drawing for page 1"}]
    assert "Content-Security-Policy" in page
    assert "http://" not in page and "https://" not in page, "nothing is fetched from anywhere"
    assert page.index("Once there was a fox") < page.index("&lt;script&gt;")
    assert "<title>The Fox</title>" in page and "<h1>The Fox</h1>" in page


def test_markdown_reads_back_the_same_text_and_pictures():
    picture = sample_picture(4, (64, 48))
    tricky = "# not a heading\n## nor this\n\\ a backslash\n![not](a-picture.png)\n\nlast line\n"
    story = Story("My *own* story", pages=[Page(tricky, title="The beginning"), Page(), Page("Plain.")])
    story.set_picture(1, picture, "drawing", at=1)
    files = story.files()
    back = Story.from_markdown(files["story.md"].decode("utf-8"), files)
    assert back.title == "My *own* story"
    assert [page.text for page in back.pages] == [tricky, "", "Plain."]
    assert [page.title for page in back.pages] == ["The beginning", "", ""]
    assert back.pages[1].picture == picture and back.pages[1].picture_kind == "drawing"


def test_the_speed_figures_are_measured():
    figures = autosave_cost(keystrokes=40, pages=2)
    assert figures["snapshots"] >= 3 and figures["revisions"] >= 1
    assert 0 < figures["keystroke_p50"] <= figures["keystroke_p99"]
    assert 0 < figures["snapshot_p50"] <= figures["snapshot_p99"]
    assert pdf_export_seconds(pages=1) > 0


def test_a_word_too_long_for_any_line_is_broken_before_it_is_laid_out():
    from expressive.lib.typography import LONGEST_WORD, breakable

    assert breakable("a calm sentence, https://example.org/short") == "a calm sentence, https://example.org/short"
    broken = breakable("no " + "x" * (2 * LONGEST_WORD + 10) + " end")
    assert broken.split() == ["no", "x" * LONGEST_WORD, "x" * LONGEST_WORD, "x" * 10, "end"]
