"""The demo shop's customers: the six fixed demo people, and ~44 random ones around them.

Why fixed people: the README and the conversation tests verify as Alice, Ben, Chloé,
Dan, Emma and Frank with the contact details below, so those never change whatever the
random seed. The random ones (half French, half English speakers; French, UK and US
addresses) make the shop look lived in.

Contact data is fake and cannot reach a real person: emails at example.com / .net / .org
(reserved for documentation), random phones only in ranges reserved for fiction (UK
Ofcom 07700 900xxx, US 555-01xx, French ARCEP 06 39 98 xx xx). The fixture phones below
are the documented demo values. A phone number identifies one customer only.
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from typing import Optional

from sqlalchemy.orm import Session

from backend.db.models import Customer
from backend.demo.built import Built

# Size of the random part; with the fixtures this gives ~50 customers.
RANDOM_CUSTOMERS_PER_LANGUAGE = 22


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postcode: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    email: str
    phone: Optional[str]
    language: str
    address: Address



ALICE = DemoCustomer("Alice Martin", "alice.martin@example.com", "+33639981234", "fr",
                     Address("14 rue des Lilas", "Lyon", "69003", "FR"))
BEN = DemoCustomer("Ben Carter", "ben.carter@example.com", "+447700900123", "en",
                   Address("27 Church Road", "London", "N1 7GU", "GB"))
CHLOE = DemoCustomer("Chloé Dubois", "chloe.dubois@example.net", "+33639985678", "fr",
                     Address("8 rue Sainte-Catherine", "Bordeaux", "33000", "FR"))
DAN = DemoCustomer("Dan Wright", "dan.wright@example.org", "+15555550123", "en",
                   Address("1450 Oak Street", "Portland", "97205", "US"))
EMMA = DemoCustomer("Emma Leroy", "emma.leroy@example.net", None, "fr",
                    Address("3 quai de la Fosse", "Nantes", "44000", "FR"))
FRANK = DemoCustomer("Frank Hughes", "frank.hughes@example.com", "+447700900456", "en",
                     Address("9 Victoria Road", "Manchester", "M14 5RQ", "GB"))

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (ALICE, BEN, CHLOE, DAN, EMMA, FRANK)
DEMO_SIGNED_UP_DAYS_AGO = 900

# --------------------------------------------------------------------------- random people

_FR_FIRST = (
    "Camille", "Léa", "Manon", "Inès", "Sarah", "Juliette", "Louise", "Zoé", "Clara", "Anaïs",
    "Hugo", "Lucas", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Maxime",
    "Antoine", "Julien", "Mathilde", "Élodie", "Pauline", "Nicolas", "Romain", "Océane",
)
_FR_LAST = (
    "Bernard", "Petit", "Durand", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Faure",
    "Rousseau", "Lambert", "Bonnet", "Fontaine",
)
_EN_FIRST = (
    "Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Emily",
    "Olivia", "Amelia", "Isla", "Sophie", "Grace", "Jessica", "Hannah", "Michael", "Daniel",
    "Matthew", "Ryan", "Megan", "Lauren", "Rachel", "Samuel", "Katie", "Ethan", "Chloe",
)
_EN_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Evans", "Thompson", "Walker", "White", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Clarke", "Patel", "Jackson", "Turner", "Miller", "Anderson",
    "Murphy", "Cooper", "Bennett", "Price",
)
_FR_CITIES = (
    ("Paris", "75011"), ("Paris", "75003"), ("Paris", "75015"), ("Lyon", "69002"),
    ("Marseille", "13006"), ("Bordeaux", "33000"), ("Nantes", "44000"), ("Lille", "59000"),
    ("Toulouse", "31000"), ("Strasbourg", "67000"), ("Montpellier", "34000"),
    ("Rennes", "35000"), ("Nice", "06000"), ("Grenoble", "38000"),
)
_FR_STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
    "rue des Lilas", "rue du Faubourg Saint-Antoine", "rue Nationale", "rue de la Paix",
    "avenue de la Libération", "rue Pasteur", "place du Marché", "rue des Écoles",
)
_GB_CITIES = (
    ("London", "N1 9GU"), ("London", "SE1 9RT"), ("London", "E8 3PB"),
    ("Manchester", "M1 1AE"), ("Bristol", "BS1 4DJ"), ("Edinburgh", "EH1 1YZ"),
    ("Leeds", "LS1 4DY"), ("Brighton", "BN1 1EE"), ("Oxford", "OX1 2JD"),
)
_GB_STREETS = (
    "High Street", "Church Road", "Victoria Road", "Station Road", "Mill Lane",
    "Queen's Road", "Park Avenue", "Green Lane", "Manor Road",
)
_US_CITIES = (
    ("Portland", "97205"), ("Austin", "78701"), ("Boston", "02118"), ("Chicago", "60614"),
    ("Seattle", "98103"), ("Denver", "80202"), ("Brooklyn", "11215"),
)
_US_STREETS = (
    "Maple Avenue", "Oak Street", "Elm Street", "Pine Street", "Cedar Lane",
    "Washington Street", "Lake Drive",
)
_US_AREA_CODES = ("212", "312", "415", "503", "512", "617", "206", "303", "718")


def add_demo_customers(session: Session, today: dt.date, built: Built) -> dict[str, Customer]:
    """The fixed demo customers, signed up :data:`DEMO_SIGNED_UP_DAYS_AGO` days ago (before
    their oldest demo order: the consumer-law fixtures go back 26 months); the rows by email."""
    by_email: dict[str, Customer] = {}
    for who in DEMO_CUSTOMERS:
        customer = Customer(email=who.email, phone=who.phone, name=who.name,
                            preferred_language=who.language, sms_opt_out=False,
                            created_at=dt.datetime.combine(
                                today - dt.timedelta(days=DEMO_SIGNED_UP_DAYS_AGO), dt.time(9, 15)))
        session.add(customer)
        built.customers.append(customer)
        by_email[who.email] = customer
    return by_email


def add_random_customers(session: Session, rng: random.Random, today: dt.date,
                         built: Built) -> list[tuple[Customer, Address]]:
    """The random customers, none sharing a name, email or phone with a demo one."""
    taken_emails = {c.email for c in DEMO_CUSTOMERS}
    taken_phones = {c.phone for c in DEMO_CUSTOMERS if c.phone}
    people = _random_customers(rng, today, taken_emails, taken_phones)
    customers: list[tuple[Customer, Address]] = []
    for person, signed_up in people:
        customer = Customer(email=person.email, phone=person.phone, name=person.name,
                            preferred_language=person.language, sms_opt_out=False,
                            created_at=signed_up)
        session.add(customer)
        built.customers.append(customer)
        customers.append((customer, person.address))
    return customers


def _ascii_slug(text: str) -> str:
    """Turn "Lefèvre" into "lefevre": email local parts stay plain ASCII, lower-case."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _random_customers(rng: random.Random, today: dt.date, taken_emails: set[str],
                      taken_phones: set[str]) -> list[tuple[DemoCustomer, dt.datetime]]:
    """Half French, half English speakers, with fake contact data and a sign-up time.

    Phones come only from ranges reserved for fiction, so a demo that sends SMS (Twilio
    is wired in) cannot text a stranger.
    """
    people: list[tuple[DemoCustomer, dt.datetime]] = []
    taken_names = {c.name for c in DEMO_CUSTOMERS}
    count = 2 * RANDOM_CUSTOMERS_PER_LANGUAGE
    fr_phones = [f"+3363998{n:04d}" for n in rng.sample(range(10000), count)]
    gb_phones = [f"+447700900{n:03d}" for n in rng.sample(range(1000), count)]
    us_phones = [f"+1{rng.choice(_US_AREA_CODES)}55501{n:02d}"
                 for n in rng.sample(range(100), count)]
    no_phone = set(rng.sample(range(count), 3))
    for index in range(count):
        language = "fr" if index % 2 == 0 else "en"
        firsts, lasts = (_FR_FIRST, _FR_LAST) if language == "fr" else (_EN_FIRST, _EN_LAST)
        first, last = rng.choice(firsts), rng.choice(lasts)
        while f"{first} {last}" in taken_names:
            first, last = rng.choice(firsts), rng.choice(lasts)
        name = f"{first} {last}"
        taken_names.add(name)
        if language == "fr":
            domain = rng.choice(("example.net", "example.net", "example.com"))
            city, postcode = rng.choice(_FR_CITIES)
            address = Address(f"{rng.randint(1, 140)} {rng.choice(_FR_STREETS)}", city,
                              postcode, "FR")
            pool = fr_phones
        else:
            domain = rng.choice(("example.com", "example.org"))
            if rng.random() < 0.6:
                city, postcode = rng.choice(_GB_CITIES)
                address = Address(f"{rng.randint(1, 120)} {rng.choice(_GB_STREETS)}", city,
                                  postcode, "GB")
                pool = gb_phones
            else:
                city, postcode = rng.choice(_US_CITIES)
                address = Address(f"{rng.randint(100, 2999)} {rng.choice(_US_STREETS)}",
                                  city, postcode, "US")
                pool = us_phones
        # One phone per customer: a phone number must identify a single customer.
        drawn = pool.pop()
        while drawn in taken_phones:
            drawn = pool.pop()
        phone: Optional[str] = None
        if index not in no_phone:
            phone = drawn
            taken_phones.add(drawn)
        local = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
        email, suffix = f"{local}@{domain}", 2
        while email in taken_emails:
            email, suffix = f"{local}{suffix}@{domain}", suffix + 1
        taken_emails.add(email)
        # Signed up before the oldest seeded order (at most ~126 days old).
        signed_up = dt.datetime.combine(
            today - dt.timedelta(days=rng.randint(130, 900)),
            dt.time(rng.randint(7, 22), rng.randint(0, 59)),
        )
        people.append((DemoCustomer(name, email, phone, language, address), signed_up))
    return people

