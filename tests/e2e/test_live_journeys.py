"""Shoppers off the script, live over REST (issue 12): the backend's side of each journey.

Family 1: a return created without its photo waits in review; the photo sent later, in
the chat, lands on that return, which the policy then approves with its label. Family 8:
the backend goes down at the confirmation and comes back; the customer's "try again"
creates the return they confirmed, once. One stack for the module (the backend is
stopped and started again in place, on the same port and database).
"""
from __future__ import annotations

import io
import sqlite3
import uuid
from typing import Iterator

import pytest
import requests
from PIL import Image

from tests.e2e.test_live_assistant import Assistant, button, texts
from tests.live_stack import REST_CHANNEL, LiveStack, live_stack, require_model

TOKEN = "e2e-journeys-service-token"

require_model()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[LiveStack]:
    with live_stack(tmp_path_factory.mktemp("e2e-journeys"), credentials=REST_CHANNEL,
                    service_token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def assistant(stack: LiveStack) -> Assistant:
    return Assistant(stack.rasa_url, stack.backend_url)


def chat_photo(stack: LiveStack, sender: str) -> str:
    """What the widget does: an upload token for the conversation (rest:<sender>), the upload."""
    service = {"Authorization": f"Bearer {TOKEN}"}
    token = requests.post(f"{stack.backend_url}/api/v1/chat/upload-token", headers=service,
                          json={"conversation_id": f"rest:{sender}"}, timeout=10).json()["upload_token"]
    image = io.BytesIO()
    Image.new("RGB", (80, 60), (170, 60, 30)).save(image, "JPEG")
    up = requests.post(f"{stack.backend_url}/api/v1/chat/photos", headers={"Authorization": f"Bearer {token}"},
                       files={"file": ("lamp.jpg", image.getvalue(), "image/jpeg")}, timeout=10)
    assert up.status_code == 201, up.text
    return up.json()["photo_id"]


def query(stack: LiveStack, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(stack.database) as db:
        return db.execute(sql, params).fetchall()


def rma_in(reply: str) -> str:
    return next(word.strip(".,:") for word in reply.split() if word.startswith("R-"))


def to_confirmation(assistant: Assistant, me: str, start: str, order: str, contact: str, item: str,
                    reason: str, resolution: str | None) -> list[dict]:
    """Through the return form by its buttons (each test uses its own order: one stack)."""
    assistant.say(me, start)
    assistant.say(me, order)
    answers = assistant.say(me, contact)
    answers = assistant.say(me, button(answers, item))
    answers = assistant.say(me, button(answers, reason))
    return answers if resolution is None else assistant.say(me, button(answers, resolution))


# --- family 1 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_photo_sent_later_releases_the_return_waiting_for_it(assistant, stack, language):
    me = f"photo-{language}-{uuid.uuid4().hex[:8]}"
    fr = language == "fr"
    if fr:  # Ben's earbuds, arrived damaged
        answers = to_confirmation(assistant, me, "je voudrais retourner un article", "BM-100002",
                                  "+44 7700 900123", "écouteurs", "endommagé", None)
    else:  # Alice's lamp
        answers = to_confirmation(assistant, me, "I want to return an item", "BM-100001",
                                  "alice.martin@example.com", "lamp", "damaged", None)
    assert ("attente de vérification" if fr else "stay in review") in texts(answers)
    answers = assistant.say(me, "/skip_photo")
    # What "no photo" promises is what happens: the return waits in review.
    assert ("restera en attente de vérification" if fr else "will stay in review") in texts(answers)
    answers = assistant.say(me, button(answers, "rembours" if fr else "refund"))
    reply = texts(assistant.say(me, "oui" if fr else "yes"))
    rma = rma_in(reply)
    assert ("photo" in reply) and ("/labels/" not in reply), reply
    assert query(stack, "select status from return_requests where rma = ?", rma) == [("needs_review",)]

    photo_id = chat_photo(stack, me)
    # The widget sends a photo alone as /send_photo, with a caption as the caption's text
    # (which the NLU reads as whatever it reads: "here's the photo" is no known request).
    caption = "/send_photo" if fr else "here's the photo"
    reply = texts(assistant.say(me, caption, metadata={"photo_ids": [photo_id]}))
    assert rma in reply and "/labels/" in reply, reply
    assert ("maintenant accepté" if fr else "now approved") in reply
    assert query(stack, "select status from return_requests where rma = ?", rma) == [("label_issued",)]
    attached = query(stack, "select r.rma from photos p join return_lines l on p.return_line_id = l.id "
                            "join return_requests r on l.return_id = r.id where p.public_id = ?", photo_id)
    assert attached == [(rma,)]

    reply = texts(assistant.say(me, "donc mon retour est accepté maintenant ?" if fr
                                else "so is my return approved now?"))
    assert rma in reply and ("étiquette" if fr else "label") in reply.lower(), reply


# --- family 8 ---------------------------------------------------------------------------------

def test_after_an_outage_a_retry_creates_the_confirmed_return_once(assistant, stack):
    en, fr = f"outage-en-{uuid.uuid4().hex[:8]}", f"outage-fr-{uuid.uuid4().hex[:8]}"
    answers = to_confirmation(assistant, en, "I want to return something", "BM-100001",
                              "alice.martin@example.com", "shirt", "changed my mind", "refund")
    assert "Shall I go ahead" in texts(answers)
    answers = to_confirmation(assistant, fr, "je voudrais retourner un article", "BM-100005",
                              "+1 555 555 0123", "baskets", "changé d'avis", "rembours")
    assert "Je valide" in texts(answers)
    before = query(stack, "select count(*) from return_requests")[0][0]

    stack.stop_backend()
    try:
        down_en = texts(assistant.say(en, "yes"))
        down_fr = texts(assistant.say(fr, "oui"))
    finally:
        stack.start_backend()
    assert "can't reach our returns system" in down_en and "kept all your answers" in down_en, down_en
    assert "n'arrive pas à joindre" in down_fr and "gardé toutes vos réponses" in down_fr, down_fr
    assert query(stack, "select count(*) from return_requests")[0][0] == before

    reply_en = texts(assistant.say(en, "please go ahead with my return"))
    assert "R-" in reply_en and "/labels/" in reply_en, reply_en
    reply_fr = texts(assistant.say(fr, "réessayer"))
    assert "R-" in reply_fr and "/labels/" in reply_fr, reply_fr
    assert query(stack, "select count(*) from return_requests")[0][0] == before + 2
    # Nothing more to retry: a second "try again" creates nothing.
    assistant.say(fr, "réessayer")
    assert query(stack, "select count(*) from return_requests")[0][0] == before + 2


def test_a_later_conversation_sends_the_photo_then_verifies_with_the_rma(assistant, stack):
    # Yesterday: Ben's mugs arrived broken, the return was made without a photo.
    service = {"Authorization": f"Bearer {TOKEN}"}
    token = requests.post(f"{stack.backend_url}/api/v1/verify", headers={**service, "X-Client-Key": "e2e"},
                          json={"reference": "BM-100002", "contact": "ben.carter@example.com"},
                          timeout=10).json()["customer_token"]
    ben = {**service, "X-Customer-Token": token}
    lines = requests.get(f"{stack.backend_url}/api/v1/orders/BM-100002/returnable-lines", headers=ben,
                         timeout=10).json()["lines"]
    mugs = next(line for line in lines if line["sku"].startswith("MUGS"))
    made = requests.post(f"{stack.backend_url}/api/v1/returns", headers={**ben, "Idempotency-Key": uuid.uuid4().hex},
                         json={"order_number": "BM-100002", "lines": [{"order_line_id": mugs["order_line_id"],
                                                                        "reason_code": "damaged"}]}, timeout=10).json()
    rma = made["rma"]
    assert made["status"] == "needs_review"

    # Today, a new conversation: the photo first, then the RMA and the phone number.
    me = f"later-{uuid.uuid4().hex[:8]}"
    photo_id = chat_photo(stack, me)
    assert "kept it" in texts(assistant.say(me, "/send_photo", metadata={"photo_ids": [photo_id]}))
    assistant.say(me, f"where is my return {rma}?")
    reply = texts(assistant.say(me, "+44 7700 900123"))
    assert rma in reply and "now approved" in reply, reply
    status = query(stack, "select status from return_requests where rma = ?", rma)[0][0]
    assert status in ("approved", "refunded"), status  # returnless: refunded, nothing to send
    attached = query(stack, "select r.rma from photos p join return_lines l on p.return_line_id = l.id "
                            "join return_requests r on l.return_id = r.id where p.public_id = ?", photo_id)
    assert attached == [(rma,)]


# --- family 2: one typo loses nothing ---------------------------------------------------------

def test_a_mistyped_email_is_corrected_without_giving_the_order_again(assistant):
    me = f"typo-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "I want to return an item")
    assistant.say(me, "BM-100007")
    failed = texts(assistant.say(me, "frank.hughes@exampel.com"))
    assert "couldn't verify" in failed and "BM-100007" in failed, failed
    # The correction alone: the order number given before still holds.
    reply = texts(assistant.say(me, "frank.hughes@example.com"))
    assert "Thanks Frank" in reply and "BM-100007" in reply, reply


def test_the_first_message_keeps_its_order_number_and_a_mistyped_phone_is_corrected(assistant):
    me = f"faute-{uuid.uuid4().hex[:8]}"
    # The order number and the problem in one message, typed in a hurry: the number is kept.
    asked = texts(assistant.say(me, "bm 100004 le maillot me va pa"))
    assert "numéro de commande" not in asked, asked
    failed = texts(assistant.say(me, "06 39 98 56 87"))
    assert "Je n'ai pas pu vérifier" in failed and "BM-100004" in failed, failed
    reply = texts(assistant.say(me, "pardon c'est le 06 39 98 56 78"))
    assert "Merci Chloé" in reply and "BM-100004" in reply, reply


# --- family 3: the reply language does not flip on a code ---------------------------------------

def test_an_rma_typed_alone_keeps_the_conversation_in_its_language(assistant):
    from bot.nlu.language_id import detect_language

    me = f"lang-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "hello, where is my refund?")
    # R-N3Y0-MYGP used to read as French ("n", "y" counted as French words).
    reply = texts(assistant.say(me, "R-N3Y0-MYGP"))
    assert reply and detect_language(reply) == "en", reply


def test_a_french_conversation_stays_french_through_codes_and_a_message_not_understood(assistant):
    from bot.nlu.language_id import detect_language

    me = f"langue-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "bonjour, où en est mon remboursement ?")
    for message in ("R-N3Y0-MYGP", "zzkv prt", "ok"):
        reply = texts(assistant.say(me, message))
        assert reply and detect_language(reply) == "fr", (message, reply)


# --- family 4: the status question asked gets its answer ------------------------------------------

STATUS_QUESTIONS = {
    "en": ("where is my return {rma}?", "I posted it yesterday, why does it still say label issued?",
           "When exactly will I get the money?", ("label issued", "scans it", "received and checked your parcel")),
    "fr": ("où en est mon retour {rma} ?", "je l'ai déposé hier, pourquoi c'est toujours marqué étiquette émise ?",
           "quand exactement je vais recevoir l'argent ?",
           ("étiquette de retour émise", "une fois scanné", "reçu et contrôlé votre colis")),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_status_questions_are_answered_not_recited(assistant, stack, language):
    where, posted, when, (status, scan_words, money_words) = STATUS_QUESTIONS[language]
    # A recent apparel order of the demo shop's other customers, returned through the API.
    number, email, line_id, *_ = fresh_line(stack, newest=False)
    service = {"Authorization": f"Bearer {TOKEN}"}
    token = requests.post(f"{stack.backend_url}/api/v1/verify", headers={**service, "X-Client-Key": "e2e-status"},
                          json={"reference": number, "contact": email}, timeout=10).json()["customer_token"]
    made = requests.post(f"{stack.backend_url}/api/v1/returns",
                         headers={**service, "X-Customer-Token": token, "Idempotency-Key": uuid.uuid4().hex},
                         json={"order_number": number, "lines": [{"order_line_id": line_id,
                                                                  "reason_code": "changed_mind"}]}, timeout=10).json()
    assert made.get("status") == "label_issued", made
    rma = made["rma"]

    me = f"status-{language}-{uuid.uuid4().hex[:8]}"
    assistant.say(me, where.format(rma=rma))
    first = texts(assistant.say(me, email))
    assert rma in first and status in first.lower(), first
    scan = texts(assistant.say(me, posted))
    assert scan_words in scan and f"{rma} (" not in scan, scan  # the answer, not the timeline again
    money = texts(assistant.say(me, when))
    assert money_words in money and f"{rma} (" not in money, money


# --- family 5: short questions, relative sizes, two-part questions --------------------------------

@pytest.mark.parametrize("language", ["en", "fr"])
def test_why_after_the_offer_of_a_person_is_answered_not_taken_as_yes(assistant, stack, language):
    fr = language == "fr"
    me = f"why-{language}-{uuid.uuid4().hex[:8]}"
    offer = texts(assistant.say(me, "vous êtes un robot ?" if fr else "are you a bot?"))
    assert ("membre de notre équipe" if fr else "member of our team") in offer, offer
    reply = texts(assistant.say(me, "pourquoi ?" if fr else "why?"))
    assert ("peut regarder votre cas" if fr else "can look at your case") in reply, reply
    assert query(stack, "select count(*) from handoff_requests where conversation_id = ?", f"rest:{me}") == [(0,)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_two_part_policy_question_gets_both_answers(assistant, language):
    fr = language == "fr"
    me = f"policy-{language}-{uuid.uuid4().hex[:8]}"
    reply = texts(assistant.say(me, "combien de jours pour retourner des chaussures, et les frais de retour "
                                    "sont-ils remboursés ?" if fr else
                                "how long do I have to return shoes, and do you refund the return shipping?"))
    assert ("chaussures" if fr else "shoes") in reply.lower(), reply
    assert ("4,95 €" if fr else "€4.95") in reply, reply  # what sending it back costs


@pytest.mark.parametrize("language", ["en", "fr"])
def test_one_size_up_exchanges_for_the_next_size_in_the_same_colour(assistant, stack, language):
    fr = language == "fr"
    number, email, line_id, name, name_fr, bought, wanted = size_up_line(stack, language)
    me = f"size-{language}-{uuid.uuid4().hex[:8]}"
    assistant.say(me, "c'est trop petit, je voudrais la taille au-dessus" if fr
                  else "it's too small, I'd like one size up")
    assistant.say(me, number)
    answers = assistant.say(me, email)
    answers = assistant.say(me, button(answers, name_fr if fr else name))
    assert ("Je valide" if fr else "Shall I go ahead") in texts(answers), texts(answers)
    reply = texts(assistant.say(me, "oui" if fr else "yes"))
    rma = rma_in(reply)
    sizes = query(stack, "select v.size from return_lines l join return_requests r on r.id = l.return_id "
                         "join variants v on v.id = l.exchange_variant_id where r.rma = ? and l.order_line_id = ?",
                  rma, line_id)
    assert sizes == [(wanted,)], (bought, sizes)


def size_up_line(stack: LiveStack, language: str) -> tuple:
    """A recent apparel line, in no return, of a product with a next size up in the same
    colour; one unit of that size is put in stock (the demo shop's random stock may have
    none left, and other tests of this stack take lines too)."""
    from actions.vocabulary import size_after

    rows = query(stack, """
        select o.number, c.email, l.id, p.name, p.name_fr, v.size, v.colour, p.id from orders o
        join customers c on c.id = o.customer_id join order_lines l on l.order_id = o.id
        join variants v on v.id = l.variant_id join products p on p.id = v.product_id
        where p.category = 'apparel' and p.final_sale = 0 and p.hygiene = 0 and l.quantity = 1
          and o.delivered_on >= date('now', '-25 day') and o.number not like 'BM-1000%'
          and l.id not in (select order_line_id from return_lines)
          and (select count(*) from order_lines l3 join variants v3 on v3.id = l3.variant_id
               where l3.order_id = o.id and v3.product_id = p.id) = 1
        order by o.number""")
    found = []
    for number, email, line_id, name, name_fr, size, colour, product_id in rows:
        sizes = dict(query(stack, "select size, id from variants where product_id = ? and colour = ?",
                           product_id, colour))
        wanted = size_after(size, 1, list(sizes))
        if wanted:
            found.append((number, email, line_id, name, name_fr or name, size, wanted, sizes[wanted]))
    assert found, "no recent demo order with a larger size in the same colour"
    *line, wanted_id = found[0] if language == "en" else found[-1]
    with sqlite3.connect(stack.database) as db:
        db.execute("update inventory_items set on_hand = on_hand + 1 where id = "
                   "(select min(id) from inventory_items where variant_id = ?)", (wanted_id,))
    return tuple(line)


def fresh_line(stack: LiveStack, newest: bool) -> tuple:
    """A line of a recent order of the demo shop's other customers, returnable and in no
    return yet, of a product with a colour named differently in French (one stack: each
    test takes its own; ``newest`` picks from the other end)."""
    return query(stack, f"""
        select o.number, c.email, l.id, p.name_fr, v.colour, v.colour_fr from orders o
        join customers c on c.id = o.customer_id join order_lines l on l.order_id = o.id
        join variants v on v.id = l.variant_id join products p on p.id = v.product_id
        where p.category = 'apparel' and p.final_sale = 0 and p.hygiene = 0
          and o.delivered_on >= date('now', '-12 day') and o.number not like 'BM-1000%'
          and v.colour_fr is not null and v.colour_fr <> v.colour
          and l.id not in (select order_line_id from return_lines)
          and o.id not in (select l2.order_id from order_lines l2 join return_lines r on r.order_line_id = l2.id)
        order by o.number {'desc' if newest else 'asc'} limit 1""")[0]
