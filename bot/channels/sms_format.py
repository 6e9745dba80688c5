"""Turning the assistant's replies for one customer message into SMS/MMS.

A phone shows no buttons and no markdown, and every SMS costs money, so a turn's bot
messages (often two or three short ones) are joined into as few SMS as possible:

* markdown is removed and ``[label](url)`` links become ``label: url`` in plain text;
* buttons become numbered choices (``1) Refund  2) Exchange``); the choices are returned
  so the channel can map a later reply "2" back to that button's payload;
* the texts are joined with a blank line and split again only above Twilio's limit of
  1,600 characters per message, at a paragraph, line or word boundary;
* images travel as MMS ``media_url`` (at most 10 per message, Twilio's limit);
* a message a person wrote (a handoff: its metadata says ``{"boomerang": {"from":
  "agent", "agent_name": "Alice"}}``) starts with their name, "Alice: …", so the
  customer knows who is answering.

Everything here is pure: no I/O, so it is tested without Twilio.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

MAX_BODY = 1600  # Twilio refuses longer bodies (it splits them into segments itself up to this)
MAX_MEDIA = 10  # Twilio's limit of media URLs per MMS
INLINE_CHOICES_WIDTH = 60  # choices fit on one line up to this width, else one per line


@dataclass(frozen=True)
class Choice:
    """A numbered stand-in for a button: the customer answers with its number."""

    number: int
    title: str
    payload: str


@dataclass
class OutgoingSms:
    body: str
    media_urls: list[str] = field(default_factory=list)


@dataclass
class FormattedTurn:
    messages: list[OutgoingSms]
    choices: list[Choice]  # the last buttons of the turn; empty when it asked none


_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1", re.S)
_ITALIC = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", re.S)
_CODE = re.compile(r"`([^`]*)`")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_BULLET = re.compile(r"^(\s*)[*+]\s+", re.M)
_SPACES = re.compile(r"[ \t]+\n")
_BLANKS = re.compile(r"\n{3,}")


def strip_markdown(text: str) -> str:
    """Plain text a phone shows as written: no emphasis marks, links spelled out."""

    def link(match: re.Match) -> str:
        label, url = match.group(1).strip(), match.group(2)
        return url if label == url else f"{label}: {url}"

    text = _LINK.sub(link, text)
    text = _CODE.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\2", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub(r"\1- ", text)
    text = _SPACES.sub("\n", text)
    return _BLANKS.sub("\n\n", text).strip()


def choices_from_buttons(buttons: Iterable[Mapping[str, Any]]) -> list[Choice]:
    """Buttons (or quick replies) with a payload, numbered from 1 in their order."""
    choices: list[Choice] = []
    for button in buttons:
        title = strip_markdown(str(button.get("title") or "")).strip()
        payload = str(button.get("payload") or "").strip()
        if title and payload:
            choices.append(Choice(len(choices) + 1, title, payload))
    return choices


def render_choices(choices: Sequence[Choice]) -> str:
    """``1) Refund  2) Exchange`` when short enough for one line, else one per line."""
    items = [f"{c.number}) {c.title}" for c in choices]
    inline = "  ".join(items)
    return inline if len(inline) <= INLINE_CHOICES_WIDTH else "\n".join(items)


def split_body(text: str, limit: int = MAX_BODY) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, a line or a word."""
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:  # one unbroken word longer than the limit (a very long URL)
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def author_of(message: Mapping[str, Any]) -> str | None:
    """The agent's name when a person wrote this message (see the module's docstring)."""
    shown = message.get("boomerang")
    if isinstance(shown, Mapping) and shown.get("from") == "agent":
        name = " ".join(str(shown.get("agent_name") or "").split())[:40]
        return name or None
    return None


def message_text(message: Mapping[str, Any]) -> tuple[str, list[Choice]]:
    """One bot message as plain text, with its numbered choices (if any) appended."""
    parts: list[str] = []
    if message.get("text"):
        parts.append(strip_markdown(str(message["text"])))
    author = author_of(message)
    if author:
        parts[:1] = [f"{author}: {parts[0]}" if parts else f"{author}:"]
    for element in message.get("elements") or []:
        if isinstance(element, Mapping):
            line = " : ".join(str(element[k]) for k in ("title", "subtitle") if element.get(k))
            if line:
                parts.append(strip_markdown(line))
    if message.get("attachment"):
        parts.append(str(message["attachment"]))
    choices = choices_from_buttons(message.get("buttons") or message.get("quick_replies") or [])
    if choices:
        parts.append(render_choices(choices))
    return "\n".join(p for p in parts if p), choices


def format_turn(bot_messages: Sequence[Mapping[str, Any]], limit: int = MAX_BODY) -> FormattedTurn:
    """Every bot message of one turn as the fewest SMS/MMS that hold them.

    Texts are joined with a blank line and split only above ``limit``; images go with
    the last piece of text (an image without any text is sent as media only). The
    choices returned are those of the last message that had buttons, because that is
    the question the customer is answering.
    """
    texts: list[str] = []
    media: list[str] = []
    choices: list[Choice] = []
    for message in bot_messages:
        text, message_choices = message_text(message)
        if text:
            texts.append(text)
        if message_choices:
            choices = message_choices
        image = message.get("image")
        if isinstance(image, str) and image.strip():
            media.append(image.strip())
    bodies = split_body("\n\n".join(texts), limit) if texts else []
    messages = [OutgoingSms(body) for body in bodies]
    for start in range(0, len(media), MAX_MEDIA):
        batch = media[start:start + MAX_MEDIA]
        if messages and not messages[-1].media_urls:
            messages[-1].media_urls = batch
        else:
            messages.append(OutgoingSms("", batch))
    return FormattedTurn(messages, choices)


_CHOICE_REPLY = re.compile(r"^\s*(\d{1,2})\s*[).]?\s*$")


def resolve_choice(text: str, choices: Sequence[Choice]) -> str | None:
    """The payload of the choice a reply such as ``2`` or ``2)`` picks, else ``None``."""
    match = _CHOICE_REPLY.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    for choice in choices:
        if choice.number == number:
            return choice.payload
    return None
