"""A seeded generator of applicant records with known truth, for tests and benchmarks.

People of Ukrainian, Russian-speaking, Belarusian, Georgian and Western origin apply one to
five times. Each application is written the way it would arrive: names in Cyrillic or
Georgian or in one of several Latin spelling systems (written here independently of the
engine's own transliteration, including a French-style one it does not model), Ukrainian or
Russian name forms and nicknames, typos, given/family swapped, dates in assorted formats
with day/month swapped or parts missing, phones in national or international format,
e-mail case, dots and +tags, passports with spaces, lower case or look-alike characters,
city spellings, and missing values. Relatives share a surname, an address and sometimes a
phone: the hard non-matches.

``generate_applicants(n, seed)`` returns columns (``person_id`` is the truth); the same
seed always gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from enlist.matching.records import Record

# (Ukrainian form, Russian form, nicknames in Latin) in Cyrillic.
_SLAVIC_MALE = (
    ("Олександр", "Александр", ("Sasha", "Alex")), ("Сергій", "Сергей", ("Serge",)),
    ("Андрій", "Андрей", ("Andy",)), ("Дмитро", "Дмитрий", ("Dima",)),
    ("Володимир", "Владимир", ("Vova",)), ("Микола", "Николай", ("Kolya",)),
    ("Юрій", "Юрий", ("Yura",)), ("Михайло", "Михаил", ("Misha",)), ("Олег", "Олег", ()),
    ("Ігор", "Игорь", ()), ("Павло", "Павел", ("Pasha",)), ("Петро", "Пётр", ()),
    ("Василь", "Василий", ("Vasya",)), ("Віктор", "Виктор", ()), ("Євген", "Евгений", ("Zhenya",)),
    ("Богдан", "Богдан", ()), ("Максим", "Максим", ("Max",)), ("Артем", "Артём", ()),
    ("Денис", "Денис", ()), ("Роман", "Роман", ()), ("Руслан", "Руслан", ()),
    ("Тарас", "Тарас", ()), ("Віталій", "Виталий", ()), ("Ярослав", "Ярослав", ()),
    ("Костянтин", "Константин", ("Kostya",)), ("Олексій", "Алексей", ("Lyosha",)),
    ("Тимофій", "Тимофей", ()), ("Федір", "Фёдор", ()), ("Григорій", "Григорий", ("Grisha",)),
    ("Ілля", "Илья", ()), ("Кирило", "Кирилл", ()), ("Данило", "Даниил", ()),
    ("Вадим", "Вадим", ()), ("Валентин", "Валентин", ()), ("Владислав", "Владислав", ("Vlad",)),
    ("Станіслав", "Станислав", ("Stas",)), ("Анатолій", "Анатолий", ()), ("Іван", "Иван", ()),
    ("Назар", "Назар", ()), ("Степан", "Степан", ()), ("Борис", "Борис", ()),
    ("Леонід", "Леонид", ()), ("Яків", "Яков", ()), ("Геннадій", "Геннадий", ()),
)  # fmt: skip
_SLAVIC_FEMALE = (
    ("Олена", "Елена", ("Lena",)), ("Наталія", "Наталья", ("Natasha",)), ("Ірина", "Ирина", ()),
    ("Тетяна", "Татьяна", ("Tanya",)), ("Юлія", "Юлия", ()), ("Ганна", "Анна", ("Anya",)),
    ("Марія", "Мария", ("Masha",)), ("Катерина", "Екатерина", ("Katya",)),
    ("Світлана", "Светлана", ("Sveta",)), ("Людмила", "Людмила", ()), ("Галина", "Галина", ()),
    ("Надія", "Надежда", ("Nadya",)), ("Вікторія", "Виктория", ("Vika",)),
    ("Дарія", "Дарья", ("Dasha",)), ("Софія", "София", ()), ("Ольга", "Ольга", ()),
    ("Оксана", "Оксана", ()), ("Валентина", "Валентина", ()), ("Лариса", "Лариса", ()),
    ("Христина", "Кристина", ()), ("Інна", "Инна", ()), ("Аліна", "Алина", ()),
    ("Анастасія", "Анастасия", ("Nastya",)), ("Євгенія", "Евгения", ()),
)  # fmt: skip
_SURNAME_ROOTS = (
    "Коваль", "Бондар", "Ткач", "Кравч", "Мельнич", "Шевч", "Поліщ", "Бойч", "Савч", "Руд",
    "Мороз", "Лисен", "Марч", "Петр", "Павл", "Кузьм", "Олійн", "Гончар", "Сидор", "Клименк",
    "Панас", "Гриць", "Левч", "Кушнір", "Тимош", "Остап", "Яковл", "Романч", "Захарч", "Дячен",
    "Литвин", "Мирошн", "Приход", "Ковальч", "Кириленк", "Семен", "Мартин", "Кравц", "Гаврил",
    "Юрч", "Симон", "Зінч", "Степан", "Карпен", "Тарасен", "Фед", "Гуменюк", "Білик", "Вовк",
    "Ярем", "Герасим", "Нестер", "Дмитр", "Пилип", "Костюк", "Слюсар", "Соловй", "Жук", "Щерб",
    "Чорн", "Біл", "Сокол", "Орл", "Ворон", "Голуб", "Журавл", "Лебед", "Медвед", "Зайч",
)  # fmt: skip
_SURNAME_SUFFIXES = ("енко", "ук", "чук", "ишин", "ів", "ський", "ович", "як", "ець", "ан", "ко")
_SYLLABLES = ("ба", "ву", "го", "де", "жи", "за", "ки", "ло", "ма", "но", "пе", "ри", "со",
              "ту", "фі", "ха", "це", "ча", "ши", "юр", "ян", "ле", "ра", "ми", "ко")  # fmt: skip

_GEORGIAN_GIVEN = (
    ("გიორგი", ("Giorgi", "Georgi", "George")), ("დავით", ("Davit", "David", "Dato")),
    ("ნიკოლოზ", ("Nikoloz", "Nika")), ("ლევან", ("Levan",)), ("ირაკლი", ("Irakli",)),
    ("ზურაბ", ("Zurab",)), ("ლაშა", ("Lasha",)), ("ნინო", ("Nino",)),
    ("თამარ", ("Tamar", "Tamara")), ("ქეთევან", ("Ketevan", "Keti")), ("მარიამ", ("Mariam",)),
    ("ანა", ("Ana", "Anna")), ("ელენე", ("Elene",)), ("სოფიო", ("Sopio", "Sofia")),
    ("ლუკა", ("Luka",)), ("ალექსანდრე", ("Aleksandre",)), ("ბექა", ("Beka",)),
    ("გურამ", ("Guram",)), ("შოთა", ("Shota",)), ("თინათინ", ("Tinatin", "Tina")),
)  # fmt: skip
_GEORGIAN_ROOTS = ("ბერი", "კაპანა", "მამალა", "ლომი", "გელა", "ხუცი", "ჯაფარი", "ნოზა",
                   "ბაქრა", "ჩხეი", "წერეთ", "ქავთარა", "გოგი", "ტყეში", "მელა", "ჩიქოვა",
                   "ზურაბი", "სხირტლა", "კვარაცხე", "ღონღა")  # fmt: skip
_GEORGIAN_SUFFIXES = ("ძე", "შვილი", "ია", "ავა", "ური")

_WESTERN_GIVEN = (
    ("William", ("Bill", "Will")), ("Robert", ("Bob", "Rob")), ("James", ("Jim",)),
    ("John", ("Jack",)), ("Michael", ("Mike",)), ("Thomas", ("Tom",)), ("Christopher", ("Chris",)),
    ("Daniel", ("Dan",)), ("Matthew", ("Matt",)), ("Anthony", ("Tony",)), ("David", ("Dave",)),
    ("Richard", ("Rick",)), ("Joseph", ("Joe",)), ("Andrew", ("Andy",)), ("Steven", ("Steve",)),
    ("Elizabeth", ("Liz",)), ("Jennifer", ("Jen",)), ("Katherine", ("Kate",)),
    ("Margaret", ("Maggie",)), ("Patricia", ("Pat",)), ("Sarah", ()), ("Emma", ()),
    ("Olivia", ()), ("Lukasz", ()), ("Piotr", ()), ("Tomasz", ()), ("Marek", ()),
    ("Jonas", ()), ("Mantas", ()), ("Lars", ()), ("Erik", ()), ("Pierre", ()), ("Jean", ()),
    ("François", ()), ("Jürgen", ()), ("Søren", ()), ("José", ()), ("Ñaki", ()), ("Łucja", ()),
    ("Benjamin", ("Ben",)), ("Samuel", ("Sam",)), ("Henry", ("Harry",)), ("Nathan", ()),
    ("Kevin", ()), ("Brian", ()), ("Jason", ()), ("Ryan", ()), ("Eric", ()), ("Adam", ()),
)  # fmt: skip
_WESTERN_FAMILY_ROOTS = ("Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore",
                         "Anderson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
                         "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
                         "Nowak", "Kowalski", "Wiśniewski", "Kazlauskas", "Jankauskas", "Müller",
                         "Schmidt", "Dubois", "Lefèvre", "Hansen", "Nielsen", "O'Brien",
                         "García", "Novák", "Svoboda", "Larsen", "Berg", "Fischer")  # fmt: skip
_WESTERN_SUFFIXES = ("", "", "", "son", "er", "ley", "ford", "man", "ton", "wood")

_UA_CITIES = (("Київ", ("Kyiv", "Kiev")), ("Львів", ("Lviv", "Lvov")),
              ("Харків", ("Kharkiv", "Kharkov")), ("Одеса", ("Odesa", "Odessa")),
              ("Дніпро", ("Dnipro",)), ("Запоріжжя", ("Zaporizhzhia", "Zaporozhye")),
              ("Вінниця", ("Vinnytsia", "Vinnitsa")), ("Полтава", ("Poltava",)),
              ("Чернігів", ("Chernihiv", "Chernigov")), ("Мінськ", ("Minsk",)))  # fmt: skip
_GE_CITIES = (("თბილისი", ("Tbilisi",)), ("ბათუმი", ("Batumi",)), ("ქუთაისი", ("Kutaisi",)))
_WESTERN_CITIES = ("Toronto", "Vilnius", "Oslo", "Warsaw", "Kraków", "London", "Chicago",
                   "Berlin", "München", "Paris", "Copenhagen", "Riga", "Tallinn", "Dublin",
                   "New York", "Montréal", "Vancouver", "Prague", "Stockholm",
                   "Helsinki")  # fmt: skip
_WESTERN_COUNTRIES = (("US", "USA", "United States", "1"), ("CA", "CAN", "Canada", "1"),
                      ("GB", "GBR", "United Kingdom", "44"), ("PL", "POL", "Poland", "48"),
                      ("LT", "LTU", "Lithuania", "370"), ("DE", "DEU", "Germany", "49"),
                      ("FR", "FRA", "France", "33"), ("NO", "NOR", "Norway", "47"),
                      ("DK", "DNK", "Denmark", "45"))  # fmt: skip
_UA = ("UA", "UKR", "Ukraine", "380")
_BY = ("BY", "BLR", "Belarus", "375")
_GE = ("GE", "GEO", "Georgia", "995")

# Latin spelling systems for Cyrillic, written independently of the engine's tables.
_BASE = {"а": "a", "б": "b", "в": "v", "д": "d", "е": "e", "ж": "zh", "з": "z", "к": "k",
         "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
         "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
         "ъ": "", "'": "", "ё": "e", "ы": "y", "э": "e"}  # fmt: skip
_SYSTEMS = {
    "uk": {**_BASE, "г": "h", "ґ": "g", "є": "ie", "и": "y", "і": "i", "ї": "i", "й": "i",
           "ю": "iu", "я": "ia"},
    "uk_popular": {**_BASE, "г": "h", "ґ": "g", "є": "ye", "и": "y", "і": "i", "ї": "yi",
                   "й": "y", "ю": "yu", "я": "ya"},
    "ru": {**_BASE, "г": "g", "и": "i", "й": "y", "ю": "yu", "я": "ya", "і": "i", "ї": "i",
           "є": "e", "ґ": "g"},
    "german": {**_BASE, "г": "g", "и": "i", "й": "j", "ю": "ju", "я": "ja", "в": "w",
               "ж": "sch", "х": "ch", "ш": "sch", "ч": "tsch", "ц": "z", "і": "i", "ї": "ji",
               "є": "je", "ґ": "g", "щ": "schtsch"},
    "french": {**_BASE, "г": "g", "и": "i", "й": "i", "ю": "iou", "я": "ia", "у": "ou",
               "ж": "j", "х": "kh", "ш": "ch", "ч": "tch", "і": "i", "ї": "ii", "є": "ie",
               "ґ": "g", "щ": "chtch"},
}  # fmt: skip
_SYSTEM_WEIGHTS = (("uk", 0.45), ("uk_popular", 0.2), ("ru", 0.25), ("german", 0.05),
                   ("french", 0.05))  # fmt: skip
_GEORGIAN = {"ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
             "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh",
             "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q",
             "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh",
             "ჯ": "j", "ჰ": "h"}  # fmt: skip
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LOOK_ALIKE = {"0": "O", "1": "I", "5": "S", "8": "B", "O": "0", "I": "1", "S": "5", "B": "8"}
_MAIL = ("gmail.com", "ukr.net", "outlook.com", "yahoo.com", "proton.me", "i.ua", "mail.com")


def _romanise(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        mapped = table.get(low, low)
        out.append(mapped.capitalize() if ch.isupper() else mapped)
    return "".join(out)


@dataclass
class _Person:
    culture: str  # "ua", "ru", "by", "ge", "west"
    given_native: str  # Cyrillic (uk form) / Georgian / Latin
    given_alt: str  # Russian form (Cyrillic), or ""
    given_latin: tuple[str, ...]  # Latin forms for Georgian / Western
    nicknames: tuple[str, ...]
    family_native: str
    year: int
    month: int
    day: int
    country: tuple[str, str, str, str]
    passport: str
    email: str
    phone_national: str
    city: tuple[str, tuple[str, ...]]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 -- seeded test data, not secrets  # nosec B311  # seeded test data, not a secret
        self.slavic_surnames = self._slavic_surnames()
        self.georgian_surnames = [r + s for r in _GEORGIAN_ROOTS for s in _GEORGIAN_SUFFIXES]
        self.western_surnames = [r + s for r in _WESTERN_FAMILY_ROOTS for s in _WESTERN_SUFFIXES]
        self.person_count = 0

    def _slavic_surnames(self) -> list[str]:
        rng = random.Random(7)  # noqa: S311  # nosec B311  # seeded test data, not a secret
        names = {r + s for r in _SURNAME_ROOTS for s in _SURNAME_SUFFIXES}
        while len(names) < 12_000:
            root = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
            names.add(root.capitalize() + rng.choice(_SURNAME_SUFFIXES))
        return sorted(names)

    def person(self, relative_of: _Person | None = None) -> _Person:
        rng = self.rng
        self.person_count += 1
        culture = (
            relative_of.culture
            if relative_of
            else rng.choices(("ua", "ru", "by", "ge", "west"), (0.5, 0.1, 0.05, 0.1, 0.25))[0]
        )
        female = rng.random() < 0.15
        alt = ""
        latin: tuple[str, ...] = ()
        nick: tuple[str, ...] = ()
        if culture in ("ua", "ru", "by"):
            uk, ru, nick = rng.choice(_SLAVIC_FEMALE if female else _SLAVIC_MALE)
            given = uk if culture == "ua" else ru
            alt = ru if culture == "ua" else uk
            family = self._surname_slavic(female)
            country = {"ua": _UA, "ru": _UA, "by": _BY}[culture]
            city: tuple[str, tuple[str, ...]] = rng.choice(_UA_CITIES)
        elif culture == "ge":
            given, latin = rng.choice(_GEORGIAN_GIVEN)
            family = rng.choice(self.georgian_surnames)
            country, city = _GE, rng.choice(_GE_CITIES)
        else:
            given, nick = rng.choice(_WESTERN_GIVEN)
            family = rng.choice(self.western_surnames)
            country = rng.choice(_WESTERN_COUNTRIES)
            city = (rng.choice(_WESTERN_CITIES), ())
        if relative_of is not None:
            family, country, city = relative_of.family_native, relative_of.country, relative_of.city
        year = rng.randint(1960, 2006)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        pid = self.person_count
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        passport = rng.choice(letters) + rng.choice(letters) + f"{rng.randint(0, 999_999):06d}"
        latin_given = latin[0] if latin else _romanise(given, _SYSTEMS["uk"])
        latin_family = (
            _romanise(family, _SYSTEMS["uk"]) if culture != "ge" else _romanise(family, _GEORGIAN)
        )
        local = (
            rng.choice(
                (
                    f"{latin_given}.{latin_family}",
                    f"{latin_given[0]}{latin_family}",
                    f"{latin_family}{year % 100:02d}",
                    f"{latin_given}{pid % 1000}",
                )
            )
            .lower()
            .replace("'", "")
        )
        email = f"{local}{pid}@{rng.choice(_MAIL)}"
        phone = (
            f"{rng.choice(('67', '50', '63', '93', '97'))}{rng.randint(0, 9_999_999):07d}"
            if country[3] in ("380", "375", "995")
            else f"{rng.randint(200, 989)}{rng.randint(0, 9_999_999):07d}"
        )
        if relative_of is not None and rng.random() < 0.5:
            phone = relative_of.phone_national
        return _Person(culture, given, alt, latin, nick, family, year, month, day, country,
                       passport, email, phone, city)  # fmt: skip

    def _surname_slavic(self, female: bool) -> str:
        name = self.rng.choice(self.slavic_surnames)
        if female and name.endswith("ський"):
            name = name[:-5] + "ська"
        return name

    # -- rendering one application ---------------------------------------------------------

    def render(self, p: _Person, duplicate: bool) -> dict[str, str]:
        rng = self.rng
        noisy = duplicate  # the first application is clean-ish, later ones drift
        given, family = self._names(p, noisy)
        if noisy and rng.random() < 0.08:
            given = self._typo(given)
        if noisy and rng.random() < 0.08:
            family = self._typo(family)
        if noisy and rng.random() < 0.05:
            given, family = family, given
        return {
            "given_name": given,
            "family_name": family,
            "date_of_birth": self._date(p, noisy),
            "nationality": self._nationality(p),
            "passport_number": self._passport(p, noisy),
            "email": self._email(p, noisy),
            "phone": self._phone(p, noisy),
            "city": self._city(p, noisy),
        }

    def _names(self, p: _Person, noisy: bool) -> tuple[str, str]:
        rng = self.rng
        if p.culture == "ge":
            if rng.random() < 0.35:
                return p.given_native, p.family_native
            given = rng.choice(p.given_latin) if noisy else p.given_latin[0]
            return given, _romanise(p.family_native, _GEORGIAN).capitalize()
        if p.culture == "west":
            given = p.given_native
            if noisy and p.nicknames and rng.random() < 0.15:
                given = rng.choice(p.nicknames)
            return given, p.family_native
        given_cyr = p.given_native
        if noisy and p.given_alt and rng.random() < 0.3:
            given_cyr = p.given_alt
        if rng.random() < 0.3:
            return given_cyr, p.family_native
        system = rng.choices([s for s, _ in _SYSTEM_WEIGHTS], [w for _, w in _SYSTEM_WEIGHTS])[0]
        given = _romanise(given_cyr, _SYSTEMS[system])
        if noisy and p.nicknames and rng.random() < 0.08:
            given = rng.choice(p.nicknames)
        family = _romanise(p.family_native, _SYSTEMS[system])
        if rng.random() < 0.1:
            given, family = given.upper(), family.upper()
        return given, family

    def _typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        if kind < 0.3:
            return text[:i] + text[i + 1 :]
        if kind < 0.6:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if kind < 0.8:
            return text[:i] + text[i] + text[i:]
        return text[:i] + rng.choice("aeiountrsl") + text[i + 1 :]

    def _date(self, p: _Person, noisy: bool) -> str:
        rng = self.rng
        y, m, d = p.year, p.month, p.day
        if noisy:
            roll = rng.random()
            if roll < 0.04:
                return ""
            if roll < 0.09 and d <= 12:
                m, d = d, m
            elif roll < 0.12:
                d = (d % 28) + 1 if d < 10 else d - 10  # one digit off
                d = max(d, 1)
            elif roll < 0.15:
                return str(y) if rng.random() < 0.5 else f"{y}-{m:02d}"
        style = rng.random()
        if style < 0.4:
            return f"{y}-{m:02d}-{d:02d}"
        if style < 0.7:
            return f"{d:02d}.{m:02d}.{y}"
        if style < 0.8:
            return f"{d}/{m}/{y}"
        if style < 0.9:
            return f"{d} {_MONTH_NAMES[m - 1]} {y}"
        return f"{d:02d}.{m:02d}.{y % 100:02d}"

    def _nationality(self, p: _Person) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:
            return ""
        return p.country[0] if roll < 0.7 else p.country[1] if roll < 0.85 else p.country[2]

    def _passport(self, p: _Person, noisy: bool) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return ""
        number = p.passport
        if noisy and rng.random() < 0.15:
            i = rng.randrange(len(number))
            if number[i] in _LOOK_ALIKE:
                number = number[:i] + _LOOK_ALIKE[number[i]] + number[i + 1 :]
        if noisy and rng.random() < 0.03:
            i = rng.randrange(2, len(number))
            number = number[:i] + str(rng.randint(0, 9)) + number[i + 1 :]
        roll = rng.random()
        if roll < 0.15:
            number = number.lower()
        elif roll < 0.3:
            number = number[:2] + " " + number[2:]
        return number

    def _email(self, p: _Person, noisy: bool) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return ""
        local, domain = p.email.split("@")
        if noisy and roll < 0.27:
            return f"{local}.{rng.randint(1, 99)}@{rng.choice(_MAIL)}"  # another address
        if noisy and domain == "gmail.com":
            if rng.random() < 0.3:
                local = local.replace(".", "") if "." in local else local[:3] + "." + local[3:]
            if rng.random() < 0.2:
                local += "+legion"
            if rng.random() < 0.2:
                domain = "googlemail.com"
        if rng.random() < 0.15:
            local = local.capitalize()
        return f"{local}@{domain}"

    def _phone(self, p: _Person, noisy: bool) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return ""
        if noisy and roll < 0.25:
            return f"+{p.country[3]} {rng.randint(10**8, 10**9 - 1)}"  # a new number
        number, code = p.phone_national, p.country[3]
        style = rng.random()
        if code == "1":
            if style < 0.4:
                return f"({number[:3]}) {number[3:6]}-{number[6:]}"
            if style < 0.7:
                return f"+1 {number[:3]} {number[3:6]} {number[6:]}"
            return f"{number[:3]}-{number[3:6]}-{number[6:]}"
        if style < 0.35:
            return f"+{code} {number[:2]} {number[2:5]} {number[5:]}"
        if style < 0.6:
            return f"0{number}" if code not in ("48", "45", "47") else number
        if style < 0.8:
            return f"00{code}{number}"
        return f"+{code}-{number[:3]}-{number[3:6]}-{number[6:]}"

    def _city(self, p: _Person, noisy: bool) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return ""
        native, latin = p.city
        if noisy and roll < 0.27:
            return rng.choice(_WESTERN_CITIES)  # moved
        if latin and rng.random() < 0.7:
            return rng.choice(latin)
        return native


def generate_applicants(n: int, seed: int = 0) -> dict[str, list[str]]:
    """``n`` application rows as columns (input CSV columns plus ``person_id``)."""
    gen = _Generator(seed)
    rng = gen.rng
    columns: dict[str, list[str]] = {
        name: []
        for name in ("id", "person_id", "given_name", "family_name", "date_of_birth",
                     "nationality", "passport_number", "email", "phone", "city")
    }  # fmt: skip
    rows: list[tuple[int, dict[str, str]]] = []
    previous: _Person | None = None
    while len(rows) < n:
        relative = previous if previous is not None and rng.random() < 0.05 else None
        person = gen.person(relative)
        previous = person
        copies = rng.choices((1, 2, 3, 4, 5), (0.55, 0.25, 0.12, 0.05, 0.03))[0]
        for copy in range(copies):
            rows.append((gen.person_count, gen.render(person, duplicate=copy > 0)))
    rows = rows[:n]
    rng.shuffle(rows)
    for k, (person_id, values) in enumerate(rows):
        columns["id"].append(f"a{k:07d}")
        columns["person_id"].append(str(person_id))
        for name, value in values.items():
            columns[name].append(value)
    return columns


def generated_records(n: int, seed: int = 0) -> tuple[list[Record], list[int]]:
    """``n`` records and the true person of each."""
    columns = generate_applicants(n, seed)
    fields = [name for name in columns if name not in ("person_id",)]
    records = [
        Record(**{name: columns[name][k] for name in fields}) for k in range(len(columns["id"]))
    ]
    return records, [int(v) for v in columns["person_id"]]
