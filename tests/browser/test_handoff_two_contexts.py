"""A customer and an agent, each in their own real Chromium context, through the whole
stack (issue 11): the web chat widget → Rasa (the trained model, the web chat channel) →
action server → backend, and the agent console (/agent) → backend → Rasa's API → the
customer's widget.

The customer asks for a person and sends a photo while waiting; the agent, signed in
with the demo shop's agent account, sees the request arrive in the live queue, claims
it, reads the bot phase and sees the photo inline, and replies; the customer sees the
reply under the agent's name; what the customer writes while the agent owns the
conversation reaches the console and the bot stays silent; the hand-back wakes the bot,
which speaks first and answers in the customer's language. Then the short path in French.

The stack is the browser tests' session stack (tests/browser/conftest.py: the team never
closes there, and the demo staff accounts have a known password). Needs the trained
model, like the other web chat tests.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import requests
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_STAFF_PASSWORD, Stack
from tests.browser.test_agent_console import open_conversation, queue_item
from tests.browser.test_web_chat import BOT, USER, bot_says, conversation_id, open_chat, say
from tests.live_stack import require_model

require_model()

AGENT_EMAIL = "agent@boomerang.local"  # backend/bootstrap.py: the demo shop's agent
AGENT_NAME = "Demo Agent"
WORDS = {"en": {"email": "Email", "password": "Password", "sign_in": "Sign in", "claim": "Claim",
                "claimed": "claimed", "hand_back": "Hand back to bot", "returned": "returned to the bot",
                "reply": "^Reply to the customer", "bot_phase": "With the bot"},
         "fr": {"email": "Adresse e-mail", "password": "Mot de passe", "sign_in": "Se connecter", "claim": "Prendre",
                "claimed": "prise en charge", "hand_back": "Rendre au bot", "returned": "rendue au bot",
                "reply": "^Répondre au client", "bot_phase": "Avec le bot"}}


def sign_in(page: Page, stack: Stack, lang: str) -> None:
    words = WORDS[lang]
    page.goto(f"{stack.backend_url}/agent/login?lang={lang}")
    page.get_by_label(words["email"]).fill(AGENT_EMAIL)
    page.get_by_label(words["password"]).fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name=words["sign_in"]).click()
    expect(page).to_have_url(re.compile(rf"/agent\?lang={lang}$"))
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator("#staff-name")).to_have_text(AGENT_NAME)


def handoff_id_of(agent: Page, conversation: str) -> int:
    """The open handoff of ``conversation``, read with the agent's own session."""
    r = agent.request.get(f"{agent.url.split('/agent')[0]}/api/v1/agent/handoffs")
    assert r.ok, r.text()
    found = [h["id"] for h in r.json()["handoffs"] if h["conversation_id"] == conversation]
    assert len(found) == 1, r.json()
    return found[0]


def tracker_events(stack: Stack, conversation: str) -> list[dict]:
    http = requests.Session()
    http.trust_env = False
    r = http.get(f"{stack.rasa_url}/conversations/{quote(conversation, safe=':')}/tracker",
                 params={"token": stack.rasa_token}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["events"]


def events_after_user_text(stack: Stack, conversation: str, text: str) -> list[dict]:
    """The tracker's events after the customer's last message with this text."""
    events = tracker_events(stack, conversation)
    index = max(i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text)
    return events[index + 1:]


def photo_file(path) -> str:
    image = Image.new("RGB", (320, 240), (210, 190, 160))
    for x in range(40, 280):
        image.putpixel((x, 120 + (x % 5) - 2), (30, 20, 10))  # the crack
    image.save(path, format="PNG")
    return str(path)


def test_a_customer_and_an_agent_in_english(open_browser, stack: Stack, tmp_path):
    _, agent = open_browser("en-GB")
    sign_in(agent, stack, "en")
    _, customer = open_browser("en-GB")
    open_chat(customer, stack, "en")
    conversation = conversation_id(customer)
    banner = customer.locator(".bmr-banner")

    say(customer, "hello")
    bot_says(customer, "returns assistant")
    say(customer, "I'd like to talk to a person please")
    bot_says(customer, "member of our team|Nobody from our team")
    expect(banner).to_be_visible()
    expect(customer.locator("[data-boomerang-chat]")).to_have_attribute("data-handoff", "waiting")

    # The request arrives in the agent's queue live (the page was loaded before it existed).
    handoff_id = handoff_id_of(agent, conversation)
    item = queue_item(agent, handoff_id)
    expect(item).to_contain_text("queued")
    expect(item).to_contain_text("socketio · EN")

    # While waiting, the customer sends a photo with a few words through the photo button.
    with customer.expect_file_chooser() as chooser:
        customer.get_by_role("button", name="Add photos").click()
    chooser.value.set_files(photo_file(tmp_path / "cracked-lamp.png"))
    expect(customer.locator(".bmr-tray img")).to_have_count(1)
    customer.get_by_label(re.compile("^Your message$")).fill("here is the crack")
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator(USER).last).to_contain_text("here is the crack")

    open_conversation(agent, handoff_id)
    log = agent.locator("#log")
    with_the_team = log.locator("li.divider:has-text('With the team') ~ li.turn")
    expect(log).to_contain_text("With the bot")
    expect(log).to_contain_text("I'd like to talk to a person please")  # the bot phase's transcript
    expect(with_the_team.filter(has_text="here is the crack")).to_have_count(1)
    agent.get_by_role("button", name="Claim", exact=True).click()
    expect(agent.locator("#conv-status")).to_have_text("claimed")
    photo = with_the_team.locator("img.photo")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    agent.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 240]

    # The claim tells the customer who joined; the agent's reply shows under their name.
    joined = customer.locator(".bmr-agent").filter(has_text="has joined the conversation")
    expect(joined.locator(".bmr-bubble")).to_have_text(f"{AGENT_NAME} from our team has joined the conversation.")
    reply = agent.get_by_label(re.compile(WORDS["en"]["reply"]))
    reply.fill("Hello, I can see the crack. Which lamp is it?")
    reply.press("Enter")
    expect(agent.locator(".turn.agent").last.locator(".delivery")).to_have_text("delivered")
    message = customer.locator(".bmr-agent").filter(has_text="Which lamp is it?")
    expect(message.locator(".bmr-author")).to_have_text(AGENT_NAME)
    expect(message.locator(".bmr-bubble")).to_have_text("Hello, I can see the crack. Which lamp is it?")
    expect(banner).to_be_visible()

    # The customer answers the agent: it reaches the console live, and the bot says nothing.
    bot_messages = customer.locator(BOT).count()
    say(customer, "the brass one on the left")
    expect(with_the_team.last).to_contain_text("the brass one on the left")
    # The relay posts a message once Rasa has handled it: by now any answer would be in the
    # tracker, and the widget would have received it before the console did.
    assert [e for e in events_after_user_text(stack, conversation, "the brass one on the left")
            if e["event"] == "bot"] == []
    expect(customer.locator(BOT)).to_have_count(bot_messages)

    # The agent hands back: the bot speaks first, then answers the next message in English.
    agent.get_by_role("button", name="Hand back to bot").click()
    expect(agent.locator("#conv-status")).to_have_text("returned to the bot")
    expect(customer.locator(BOT).last).to_have_text("I'm back! Is there anything else I can help with?")
    expect(banner).to_be_hidden()
    say(customer, "I want to return something")
    bot_says(customer, "order number")

    # The agent's transcript shows each message once: what was said with the team is not
    # also under "With the bot" (the bot phase ends where the handoff began).
    twice = "shown twice: under 'With the bot' as well as 'With the team'"
    for text in ("here is the crack", "the brass one on the left"):
        expect(log.locator(".turn.customer").filter(has_text=text), f"{text!r} {twice}").to_have_count(1)
    expect(log.locator(".turn").filter(has_text="Which lamp is it?"), f"the agent's reply {twice}").to_have_count(1)


def test_the_short_path_in_french(open_browser, stack: Stack):
    _, agent = open_browser("fr-FR")
    sign_in(agent, stack, "fr")
    _, customer = open_browser("fr-FR")
    open_chat(customer, stack, "fr")
    conversation = conversation_id(customer)

    say(customer, "bonjour, je veux parler à un conseiller")
    bot_says(customer, "membre de notre équipe|Aucun membre de notre équipe")
    banner = customer.locator(".bmr-banner")
    expect(banner).to_contain_text("En attente d'un conseiller")

    handoff_id = handoff_id_of(agent, conversation)
    item = queue_item(agent, handoff_id)
    expect(item).to_contain_text("en attente")
    expect(item).to_contain_text("socketio · FR")
    open_conversation(agent, handoff_id)
    expect(agent.locator("#log")).to_contain_text("je veux parler à un conseiller")
    agent.get_by_role("button", name="Prendre", exact=True).click()
    expect(agent.locator("#conv-status")).to_have_text("prise en charge")
    reply = agent.get_by_label(re.compile(WORDS["fr"]["reply"]))
    reply.fill("Bonjour, je regarde votre commande.")
    reply.press("Enter")
    expect(agent.locator(".turn.agent").last.locator(".delivery")).to_have_text("distribué")
    message = customer.locator(".bmr-agent").filter(has_text="je regarde votre commande")
    expect(message.locator(".bmr-author")).to_have_text(AGENT_NAME)

    agent.get_by_role("button", name="Rendre au bot").click()
    expect(agent.locator("#conv-status")).to_have_text("rendue au bot")
    expect(customer.locator(BOT).last).to_have_text("Me revoilà ! Puis-je vous aider pour autre chose ?")
    expect(banner).to_be_hidden()
    say(customer, "je veux retourner un article")
    bot_says(customer, "numéro de commande")
