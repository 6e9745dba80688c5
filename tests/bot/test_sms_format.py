"""SMS formatting: buttons as numbered choices, markdown out, links as text, size limits."""
from __future__ import annotations

from bot.channels.sms_format import (MAX_BODY, Choice, format_turn, resolve_choice, split_body,
                                     strip_markdown)

REASONS = [{"title": "Arrived damaged", "payload": '/choose{"return_reason": "damaged"}'},
           {"title": "Faulty", "payload": '/choose{"return_reason": "defective"}'}]


def test_markdown_is_removed_and_links_are_spelled_out():
    text = "**Your label** is ready: [download it](https://shop.example/labels/R-1.pdf).\n# Next\n* pack it"
    assert strip_markdown(text) == ("Your label is ready: download it: https://shop.example/labels/R-1.pdf.\n"
                                    "Next\n- pack it")


def test_underscores_and_asterisks_inside_words_are_kept():
    assert strip_markdown("order_reference is BM-100001, 2*3=6") == "order_reference is BM-100001, 2*3=6"
    assert strip_markdown("_vraiment_ `R-MA12`") == "vraiment R-MA12"


def test_a_turn_is_joined_into_one_sms_with_numbered_choices():
    turn = format_turn([{"text": "Got your photo, thank you."},
                        {"text": "What happened?", "buttons": REASONS}])
    assert [m.body for m in turn.messages] == [
        "Got your photo, thank you.\n\nWhat happened?\n1) Arrived damaged  2) Faulty"]
    assert turn.choices == [Choice(1, "Arrived damaged", REASONS[0]["payload"]),
                            Choice(2, "Faulty", REASONS[1]["payload"])]


def test_long_choices_go_one_per_line():
    buttons = [{"title": f"Linen shirt, size {s}, blue — exchange possible", "payload": f"/x{s}"}
               for s in ("S", "M")]
    body = format_turn([{"text": "Which item?", "buttons": buttons}]).messages[0].body
    assert body.splitlines()[1:] == [f"1) {buttons[0]['title']}", f"2) {buttons[1]['title']}"]


def test_the_choices_are_those_of_the_last_question():
    turn = format_turn([{"text": "a", "buttons": REASONS}, {"text": "b", "buttons": [REASONS[1]]}])
    assert [c.payload for c in turn.choices] == [REASONS[1]["payload"]]
    assert format_turn([{"text": "How many?"}]).choices == []


def test_a_reply_number_picks_its_choice_only():
    choices = [Choice(1, "Refund", "/refund"), Choice(2, "Exchange", "/exchange")]
    assert resolve_choice("2", choices) == "/exchange"
    assert resolve_choice(" 1) ", choices) == "/refund"
    assert resolve_choice("3", choices) is None
    assert resolve_choice("2 please", choices) is None
    assert resolve_choice("2", []) is None


def test_long_text_is_split_at_paragraphs_within_the_limit():
    paragraph = ("word " * 300).strip()  # 1,499 characters
    pieces = split_body(f"{paragraph}\n\n{paragraph}")
    assert pieces == [paragraph, paragraph]
    unbroken = "x" * (MAX_BODY + 10)
    assert [len(p) for p in split_body(unbroken)] == [MAX_BODY, 10]
    assert all(len(p) <= MAX_BODY for p in split_body(("abc " * 1000) + "\n" + ("d" * 50)))


def test_images_travel_as_media_with_the_last_text():
    turn = format_turn([{"text": "Your label:"}, {"image": "https://shop.example/l.png"}])
    assert [(m.body, m.media_urls) for m in turn.messages] == [("Your label:", ["https://shop.example/l.png"])]
    only = format_turn([{"image": "https://shop.example/l.png"}])
    assert [(m.body, m.media_urls) for m in only.messages] == [("", ["https://shop.example/l.png"])]


def test_nothing_to_say_sends_nothing():
    assert format_turn([]).messages == []
    assert format_turn([{"text": "   "}]).messages == []
