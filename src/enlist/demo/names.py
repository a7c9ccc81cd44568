"""Realistic person names for demo data, per nationality.

Why this module exists
----------------------
Demo and screenshot data should look like the people the legion actually
dealt with in 2022: volunteers from dozens of countries, most of them men,
many of them with names that are written in a non-Latin script at home. A
demo full of "John Doe" hides exactly the problems the real case files have
(Cyrillic and Latin spellings of the same person, Georgian, Hebrew or Arabic
passports, Lao or Thai names romanised three different ways). So every pool
here carries, for countries whose language has its own script, the native
spelling next to the usual passport romanisation; for Latin-script languages
the native spelling is ``None`` and the Latin form keeps its diacritics
(Šimkus, Wójcik, Dvořák, João).

Conventions
-----------
* Keys are ISO 3166-1 alpha-2 country codes.
* ``script`` is the ISO 15924 code of the native script (``None`` = Latin).
* ``languages`` are ISO 639-1 codes, most common first.
* Romanisation follows what passports of that country usually print:
  Ukrainian national system (Oleksandr, Andrii, Kovalenko), Russian ICAO
  Doc 9303 (Dmitrii, Sergei, Vasilev), Belarusian from the Belarusian
  form (Aliaksandr, Siarhei), Georgian national system, ELOT 743 for Greek,
  Hepburn without macrons for Japanese, Pinyin for mainland China and
  Wade-Giles for Taiwan, French-based spelling for Morocco, and so on.
* Given names are mostly male with a few female ones, because the volunteers
  were mostly men. Family names are given in their masculine form where the
  language inflects them (Slavic, Baltic, Greek, Icelandic patronymics).
* Given and family names are stored apart; display order (family-first for
  Chinese, Korean, Japanese, Hungarian) is left to the caller.
* ``RU`` mixes ethnic Russian names with Chechen ones, for the Chechen
  battalions and the Freedom of Russia Legion.

Pure Python on purpose: no Django and no third-party import, so it can be used
by the demo seeding command, by tests and by scripts alike.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FALLBACK", "NAMES", "NamePool", "pool_for"]

Name = tuple[str, str | None]


@dataclass(frozen=True)
class NamePool:
    """Names for one nationality."""

    script: str | None  # ISO 15924 of the native script when it is not Latin, else None
    languages: tuple[str, ...]  # ISO 639-1 codes, most common first
    given: tuple[Name, ...]  # (latin, native-or-None)
    family: tuple[Name, ...]  # (latin, native-or-None)


def _latin(names: str) -> tuple[Name, ...]:
    """Parse comma separated Latin-script names (native spelling is None)."""
    return tuple((n.strip(), None) for n in names.replace("\n", ",").split(",") if n.strip())


def _native(pairs: str) -> tuple[Name, ...]:
    """Parse ``Latin = native`` lines; blank lines and ``#`` comments are skipped."""
    out: list[Name] = []
    for raw in pairs.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        latin, sep, native = line.partition("=")
        if not sep or not latin.strip() or not native.strip():
            raise ValueError(f"bad name line: {raw!r}")
        out.append((latin.strip(), native.strip()))
    return tuple(out)


NAMES: dict[str, NamePool] = {
    "AL": NamePool(
        script=None,
        languages=("sq", "en", "it"),
        given=_latin(
            """Arben, Besnik, Ardit, Erion, Gentian, Klodian, Ilir, Fatmir, Dritan, Ervin,
            Artan, Altin, Endrit, Elvis, Anila, Elona"""
        ),
        family=_latin(
            """Hoxha, Shehu, Leka, Gjoka, Krasniqi, Berisha, Dervishi, Çela, Kola, Marku,
            Prifti, Hysa, Basha, Gashi, Duka, Lika"""
        ),
    ),
    "AM": NamePool(
        script="Armn",
        languages=("hy", "ru", "en"),
        given=_native(
            """
            Hayk = Հայկ
            Aram = Արամ
            Armen = Արմեն
            Arman = Արման
            Davit = Դավիթ
            Gevorg = Գևորգ
            Hovhannes = Հովհաննես
            Tigran = Տիգրան
            Narek = Նարեկ
            Vardan = Վարդան
            Karen = Կարեն
            Artur = Արթուր
            Levon = Լևոն
            Sargis = Սարգիս
            Anahit = Անահիտ
            Mariam = Մարիամ
            """
        ),
        family=_native(
            """
            Grigoryan = Գրիգորյան
            Sargsyan = Սարգսյան
            Harutyunyan = Հարությունյան
            Hovhannisyan = Հովհաննիսյան
            Khachatryan = Խաչատրյան
            Petrosyan = Պետրոսյան
            Vardanyan = Վարդանյան
            Gevorgyan = Գևորգյան
            Karapetyan = Կարապետյան
            Hakobyan = Հակոբյան
            Avetisyan = Ավետիսյան
            Mkrtchyan = Մկրտչյան
            Ghazaryan = Ղազարյան
            Poghosyan = Պողոսյան
            Manukyan = Մանուկյան
            Stepanyan = Ստեփանյան
            """
        ),
    ),
    "AR": NamePool(
        script=None,
        languages=("es", "en"),
        given=_latin(
            """Juan, Martín, Lucas, Matías, Santiago, Nicolás, Facundo, Gonzalo, Diego, Pablo,
            Federico, Agustín, Sebastián, Leandro, Florencia, Camila"""
        ),
        family=_latin(
            """González, Rodríguez, Gómez, Fernández, López, Díaz, Martínez, Pérez, Romero,
            Sosa, Álvarez, Torres, Ruiz, Ramírez, Flores, Benítez"""
        ),
    ),
    "AT": NamePool(
        script=None,
        languages=("de", "en"),
        given=_latin(
            """Thomas, Lukas, Stefan, Michael, Andreas, Florian, Markus, Christoph, Martin,
            Daniel, Manuel, Dominik, Wolfgang, Jürgen, Katharina, Lisa"""
        ),
        family=_latin(
            """Gruber, Huber, Bauer, Wagner, Müller, Pichler, Steiner, Moser, Mayer, Hofer,
            Leitner, Berger, Fuchs, Eder, Fischer, Schmid"""
        ),
    ),
    "AU": NamePool(
        script=None,
        languages=("en",),
        given=_latin(
            """Matthew, Daniel, Benjamin, Luke, Joshua, Nathan, Jack, Liam, Mitchell, Brendan,
            Cameron, Lachlan, Travis, Shane, Jessica, Sophie"""
        ),
        family=_latin(
            """Smith, Jones, Williams, Brown, Wilson, Taylor, Nguyen, Johnson, Martin, White,
            Anderson, Walker, Thompson, Ryan, Kelly, O'Brien"""
        ),
    ),
    "AZ": NamePool(
        script=None,
        languages=("az", "ru", "en"),
        given=_latin(
            """Elvin, Rəşad, Orxan, Elçin, Tural, Anar, Kamran, Vüqar, Rauf, Fərid, Emil,
            Murad, Nicat, Samir, Aysel, Günel"""
        ),
        family=_latin(
            """Məmmədov, Əliyev, Həsənov, Hüseynov, Quliyev, İsmayılov, Abbasov, Babayev,
            Rzayev, Cəfərov, Nəsirov, Kərimov, Mustafayev, Orucov, Süleymanov, Əhmədov"""
        ),
    ),
    "BE": NamePool(
        script=None,
        languages=("nl", "fr", "en"),
        given=_latin(
            """Pieter, Jan, Koen, Bart, Tom, Wouter, Stijn, Jens, Kevin, Nicolas, Julien,
            Maxime, Thomas, Olivier, Laura, Julie"""
        ),
        family=_latin(
            """Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Wouters,
            De Smet, Dubois, Lambert, Dupont, Martin, Leclercq, Vermeulen"""
        ),
    ),
    "BG": NamePool(
        script="Cyrl",
        languages=("bg", "en", "ru"),
        given=_native(
            """
            Georgi = Георги
            Ivan = Иван
            Dimitar = Димитър
            Nikolay = Николай
            Petar = Петър
            Hristo = Христо
            Stoyan = Стоян
            Todor = Тодор
            Vasil = Васил
            Aleksandar = Александър
            Stefan = Стефан
            Atanas = Атанас
            Kristiyan = Кристиян
            Martin = Мартин
            Mariya = Мария
            Elena = Елена
            """
        ),
        family=_native(
            """
            Ivanov = Иванов
            Georgiev = Георгиев
            Dimitrov = Димитров
            Petrov = Петров
            Nikolov = Николов
            Hristov = Христов
            Stoyanov = Стоянов
            Todorov = Тодоров
            Iliev = Илиев
            Angelov = Ангелов
            Atanasov = Атанасов
            Vasilev = Василев
            Kostov = Костов
            Marinov = Маринов
            Popov = Попов
            Kolev = Колев
            """
        ),
    ),
    "BR": NamePool(
        script=None,
        languages=("pt", "es", "en"),
        given=_latin(
            """João, José, Lucas, Gabriel, Pedro, Rafael, Mateus, Gustavo, Felipe, Bruno,
            Rodrigo, Thiago, Leandro, Diego, Ana, Juliana"""
        ),
        family=_latin(
            """Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes,
            Costa, Ribeiro, Martins, Carvalho, Almeida, Araújo"""
        ),
    ),
    # Belarus: romanised from the Belarusian form, as Belarusian passports do.
    "BY": NamePool(
        script="Cyrl",
        languages=("ru", "be"),
        given=_native(
            """
            Aliaksandr = Аляксандр
            Siarhei = Сяргей
            Andrei = Андрэй
            Dzmitry = Дзмітрый
            Pavel = Павел
            Vital = Віталь
            Uladzimir = Уладзімір
            Mikalai = Мікалай
            Ihar = Ігар
            Vadzim = Вадзім
            Yauhen = Яўген
            Maksim = Максім
            Dzianis = Дзяніс
            Kiryl = Кірыл
            Alena = Алена
            Volha = Вольга
            """
        ),
        family=_native(
            """
            Novik = Новік
            Kavalenka = Каваленка
            Shauchenka = Шаўчэнка
            Melnik = Мельнік
            Zhuk = Жук
            Lukashevich = Лукашэвіч
            Bondar = Бондар
            Marozau = Марозаў
            Kuzmich = Кузьміч
            Tkachenka = Ткачэнка
            Paliakou = Палякоў
            Vasileuski = Васілеўскі
            Savitski = Савіцкі
            Karol = Кароль
            Karpovich = Карповіч
            Sakalou = Сакалоў
            """
        ),
    ),
    "CA": NamePool(
        script=None,
        languages=("en", "fr"),
        given=_latin(
            """Ryan, Matthew, Michael, Justin, Kevin, Jason, Daniel, Tyler, Alexandre,
            Jean-François, Mathieu, Marc-André, Patrick, Eric, Jessica, Emily"""
        ),
        family=_latin(
            """Smith, Brown, Tremblay, Martin, Roy, Gagnon, Lee, Wilson, Johnson, MacDonald,
            Taylor, Côté, Bouchard, Gauthier, Campbell, Anderson"""
        ),
    ),
    "CH": NamePool(
        script=None,
        languages=("de", "fr", "it", "en"),
        given=_latin(
            """Daniel, Thomas, Marco, Simon, Patrick, Beat, Reto, Lukas, Urs, Luca, Nicolas,
            Stefan, Martin, Fabian, Sarah, Laura"""
        ),
        family=_latin(
            """Müller, Meier, Schmid, Keller, Weber, Huber, Schneider, Meyer, Steiner, Fischer,
            Gerber, Brunner, Baumann, Frei, Favre, Bernasconi"""
        ),
    ),
    "CL": NamePool(
        script=None,
        languages=("es",),
        given=_latin(
            """Sebastián, Matías, Felipe, Cristóbal, Benjamín, Nicolás, Diego, Javier,
            Francisco, Rodrigo, Gonzalo, Claudio, Patricio, Ignacio, Constanza, Francisca"""
        ),
        family=_latin(
            """González, Muñoz, Rojas, Díaz, Pérez, Soto, Contreras, Silva, Martínez,
            Sepúlveda, Morales, Rodríguez, López, Fuentes, Hernández, Torres"""
        ),
    ),
    # Mainland China: Pinyin without tone marks, as in PRC passports.
    "CN": NamePool(
        script="Hans",
        languages=("zh", "en"),
        given=_native(
            """
            Zhiwei = 志伟
            Jianguo = 建国
            Hao = 浩
            Lei = 磊
            Jun = 军
            Yong = 勇
            Tao = 涛
            Peng = 鹏
            Bin = 斌
            Jie = 杰
            Qiang = 强
            Chao = 超
            Haoran = 浩然
            Yuxuan = 宇轩
            Fang = 芳
            Jing = 静
            """
        ),
        family=_native(
            """
            Wang = 王
            Li = 李
            Zhang = 张
            Liu = 刘
            Chen = 陈
            Yang = 杨
            Huang = 黄
            Zhao = 赵
            Wu = 吴
            Zhou = 周
            Xu = 徐
            Sun = 孙
            Ma = 马
            Zhu = 朱
            Hu = 胡
            Guo = 郭
            """
        ),
    ),
    "CO": NamePool(
        script=None,
        languages=("es",),
        given=_latin(
            """Andrés, Carlos, Jhon, Luis, Jorge, Diego, Camilo, Julián, Sebastián, Alejandro,
            Felipe, Óscar, Wilmer, Yeison, Daniela, Paola"""
        ),
        family=_latin(
            """Rodríguez, Gómez, González, Martínez, García, López, Hernández, Sánchez,
            Ramírez, Pérez, Díaz, Muñoz, Rojas, Moreno, Jiménez, Vargas"""
        ),
    ),
    "CZ": NamePool(
        script=None,
        languages=("cs", "en"),
        given=_latin(
            """Jan, Petr, Jiří, Pavel, Martin, Tomáš, Jakub, Lukáš, Josef, Ondřej, Michal,
            Vojtěch, David, Marek, Tereza, Lucie"""
        ),
        family=_latin(
            """Novák, Svoboda, Novotný, Dvořák, Černý, Procházka, Kučera, Veselý, Horák,
            Němec, Pokorný, Marek, Pospíšil, Hájek, Král, Jelínek"""
        ),
    ),
    "DE": NamePool(
        script=None,
        languages=("de", "en"),
        given=_latin(
            """Thomas, Michael, Andreas, Stefan, Christian, Daniel, Alexander, Jan, Tobias,
            Markus, Sebastian, Florian, Lukas, Jörg, Anna, Julia"""
        ),
        family=_latin(
            """Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz,
            Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf"""
        ),
    ),
    "DK": NamePool(
        script=None,
        languages=("da", "en"),
        given=_latin(
            """Mads, Rasmus, Mikkel, Søren, Jesper, Anders, Henrik, Lars, Jens, Frederik,
            Christian, Kasper, Thomas, Niels, Mette, Louise"""
        ),
        family=_latin(
            """Nielsen, Jensen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen,
            Rasmussen, Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Poulsen"""
        ),
    ),
    "EC": NamePool(
        script=None,
        languages=("es",),
        given=_latin(
            """Luis, José, Juan, Carlos, Jorge, Andrés, Diego, Fernando, Darwin, Byron,
            Santiago, Xavier, Patricio, Jefferson, Gabriela, Andrea"""
        ),
        family=_latin(
            """Vera, Zambrano, Rodríguez, Mendoza, Sánchez, López, Castro, Andrade, Jaramillo,
            Cevallos, Vélez, Torres, Moreira, Guerrero, Morales, Macías"""
        ),
    ),
    "EE": NamePool(
        script=None,
        languages=("et", "en", "ru"),
        given=_latin(
            """Andres, Jaan, Tõnu, Rein, Margus, Priit, Martin, Kristjan, Rasmus, Marko, Siim,
            Indrek, Tarmo, Karl, Kadri, Liis"""
        ),
        family=_latin(
            """Tamm, Saar, Sepp, Mägi, Kask, Kukk, Rebane, Ilves, Pärn, Koppel, Lepik, Oja,
            Kuusk, Karu, Põder, Kallas"""
        ),
    ),
    # Egypt: the usual Egyptian passport spelling (Mohamed, Mostafa, Hossam).
    "EG": NamePool(
        script="Arab",
        languages=("ar", "en"),
        given=_native(
            """
            Mohamed = محمد
            Ahmed = أحمد
            Mahmoud = محمود
            Mostafa = مصطفى
            Amr = عمرو
            Karim = كريم
            Tarek = طارق
            Hany = هاني
            Sherif = شريف
            Khaled = خالد
            Hossam = حسام
            Islam = إسلام
            Ayman = أيمن
            Ibrahim = إبراهيم
            Mona = منى
            Nour = نور
            """
        ),
        family=_native(
            """
            Hassan = حسن
            Ibrahim = إبراهيم
            Mahmoud = محمود
            Abdel Rahman = عبد الرحمن
            El Sayed = السيد
            Mostafa = مصطفى
            Soliman = سليمان
            Abdelaziz = عبد العزيز
            Fawzy = فوزي
            Shehata = شحاتة
            Farouk = فاروق
            Salem = سالم
            Gaber = جابر
            Ragab = رجب
            Hegazy = حجازي
            Mansour = منصور
            """
        ),
    ),
    "ES": NamePool(
        script=None,
        languages=("es", "ca", "en"),
        given=_latin(
            """Antonio, José, Manuel, Francisco, David, Javier, Daniel, Carlos, Jesús,
            Alejandro, Miguel, Pablo, Sergio, Álvaro, Jordi, Iker, María, Laura"""
        ),
        family=_latin(
            """García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez,
            Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Álvarez"""
        ),
    ),
    "FI": NamePool(
        script=None,
        languages=("fi", "sv", "en"),
        given=_latin(
            """Juha, Mikko, Jari, Timo, Antti, Janne, Matti, Petri, Sami, Ville, Tuomas, Jukka,
            Aleksi, Eetu, Laura, Anna"""
        ),
        family=_latin(
            """Korhonen, Virtanen, Mäkinen, Nieminen, Mäkelä, Hämäläinen, Laine, Heikkinen,
            Koskinen, Järvinen, Lehtonen, Lehtinen, Saarinen, Salminen, Heinonen, Niemi"""
        ),
    ),
    "FR": NamePool(
        script=None,
        languages=("fr", "en"),
        given=_latin(
            """Nicolas, Julien, Thomas, Alexandre, Maxime, Guillaume, Romain, Antoine, Pierre,
            Sébastien, Jérôme, Mathieu, Kévin, Benoît, Camille, Julie"""
        ),
        family=_latin(
            """Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau,
            Simon, Laurent, Lefèvre, Michel, Garcia, Fournier"""
        ),
    ),
    "GB": NamePool(
        script=None,
        languages=("en",),
        given=_latin(
            """James, David, Daniel, Thomas, Matthew, Christopher, Andrew, Mark, Paul, Stephen,
            Michael, Jamie, Craig, Scott, Gareth, Sarah, Emma"""
        ),
        family=_latin(
            """Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson,
            Roberts, Robinson, Wright, Walker, Hughes, Campbell, MacDonald"""
        ),
    ),
    # Georgia: Georgian national romanisation (2002), as in Georgian passports.
    "GE": NamePool(
        script="Geor",
        languages=("ka", "ru", "en"),
        given=_native(
            """
            Giorgi = გიორგი
            Davit = დავით
            Levan = ლევან
            Irakli = ირაკლი
            Nikoloz = ნიკოლოზ
            Zurab = ზურაბ
            Lasha = ლაშა
            Giga = გიგა
            Mamuka = მამუკა
            Tornike = თორნიკე
            Otar = ოთარ
            Beka = ბექა
            Gela = გელა
            Shota = შოთა
            Nino = ნინო
            Tamar = თამარ
            """
        ),
        family=_native(
            """
            Beridze = ბერიძე
            Kapanadze = კაპანაძე
            Gelashvili = გელაშვილი
            Maisuradze = მაისურაძე
            Giorgadze = გიორგაძე
            Lomidze = ლომიძე
            Tsiklauri = წიკლაური
            Bolkvadze = ბოლქვაძე
            Kvaratskhelia = კვარაცხელია
            Nozadze = ნოზაძე
            Khutsishvili = ხუციშვილი
            Japaridze = ჯაფარიძე
            Meladze = მელაძე
            Tabatadze = ტაბატაძე
            Abashidze = აბაშიძე
            Gogoladze = გოგოლაძე
            """
        ),
    ),
    # Greece: ELOT 743, the system used in Greek passports.
    "GR": NamePool(
        script="Grek",
        languages=("el", "en"),
        given=_native(
            """
            Georgios = Γεώργιος
            Ioannis = Ιωάννης
            Konstantinos = Κωνσταντίνος
            Dimitrios = Δημήτριος
            Nikolaos = Νικόλαος
            Panagiotis = Παναγιώτης
            Christos = Χρήστος
            Athanasios = Αθανάσιος
            Michail = Μιχαήλ
            Evangelos = Ευάγγελος
            Spyridon = Σπυρίδων
            Alexandros = Αλέξανδρος
            Stylianos = Στυλιανός
            Theodoros = Θεόδωρος
            Maria = Μαρία
            Eleni = Ελένη
            """
        ),
        family=_native(
            """
            Papadopoulos = Παπαδόπουλος
            Papadimitriou = Παπαδημητρίου
            Georgiou = Γεωργίου
            Oikonomou = Οικονόμου
            Nikolaou = Νικολάου
            Papageorgiou = Παπαγεωργίου
            Vlachos = Βλάχος
            Antoniou = Αντωνίου
            Ioannou = Ιωάννου
            Makris = Μακρής
            Karagiannis = Καραγιάννης
            Athanasiou = Αθανασίου
            Dimitriou = Δημητρίου
            Petropoulos = Πετρόπουλος
            Konstantinidis = Κωνσταντινίδης
            Papanikolaou = Παπανικολάου
            """
        ),
    ),
    "HR": NamePool(
        script=None,
        languages=("hr", "en"),
        given=_latin(
            """Ivan, Marko, Josip, Luka, Ante, Tomislav, Stjepan, Mario, Damir, Krešimir,
            Domagoj, Matej, Dario, Hrvoje, Ana, Ivana"""
        ),
        family=_latin(
            """Horvat, Kovačević, Babić, Marić, Jurić, Novak, Kovačić, Knežević, Vuković,
            Marković, Petrović, Matić, Tomić, Pavlović, Božić, Blažević"""
        ),
    ),
    "HU": NamePool(
        script=None,
        languages=("hu", "en"),
        given=_latin(
            """László, István, József, János, Zoltán, Sándor, Gábor, Ferenc, Attila, Péter,
            Tamás, Balázs, Dávid, Ádám, Eszter, Katalin"""
        ),
        family=_latin(
            """Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh, Farkas, Balogh,
            Papp, Takács, Juhász, Lakatos, Mészáros"""
        ),
    ),
    "ID": NamePool(
        script=None,
        languages=("id", "en"),
        given=_latin(
            """Agus, Budi, Dedi, Eko, Hendra, Rizky, Fajar, Andi, Yusuf, Muhammad, Bayu, Arif,
            Dimas, Adi, Dewi, Siti"""
        ),
        family=_latin(
            """Santoso, Wijaya, Saputra, Hidayat, Setiawan, Pratama, Kurniawan, Nugroho,
            Susanto, Gunawan, Wibowo, Siregar, Nasution, Lubis, Hutapea, Sihombing"""
        ),
    ),
    "IE": NamePool(
        script=None,
        languages=("en", "ga"),
        given=_latin(
            """Seán, Conor, Ciarán, Patrick, Declan, Niall, Eoin, Cian, Darragh, Oisín,
            Pádraig, Liam, Michael, Aoife, Siobhán, Niamh"""
        ),
        family=_latin(
            """Murphy, Kelly, O'Sullivan, Walsh, Smith, O'Brien, Byrne, Ryan, O'Connor,
            O'Neill, Doyle, McCarthy, Gallagher, Kennedy, Lynch, Fitzgerald"""
        ),
    ),
    "IL": NamePool(
        script="Hebr",
        languages=("he", "en", "ru"),
        given=_native(
            """
            David = דוד
            Yosef = יוסף
            Daniel = דניאל
            Moshe = משה
            Avraham = אברהם
            Itay = איתי
            Yonatan = יונתן
            Noam = נועם
            Omer = עומר
            Eitan = איתן
            Ariel = אריאל
            Amit = עמית
            Uri = אורי
            Yaakov = יעקב
            Noa = נועה
            Maya = מאיה
            """
        ),
        family=_native(
            """
            Cohen = כהן
            Levi = לוי
            Mizrahi = מזרחי
            Peretz = פרץ
            Biton = ביטון
            Dahan = דהן
            Friedman = פרידמן
            Azoulay = אזולאי
            Katz = כץ
            Ohayon = אוחיון
            Shapira = שפירא
            Goldberg = גולדברג
            Malka = מלכה
            Hadad = חדד
            Ashkenazi = אשכנזי
            Avraham = אברהם
            """
        ),
    ),
    # India: Hindi names in Devanagari.
    "IN": NamePool(
        script="Deva",
        languages=("hi", "en"),
        given=_native(
            """
            Rahul = राहुल
            Amit = अमित
            Rohit = रोहित
            Vikram = विक्रम
            Arjun = अर्जुन
            Sandeep = संदीप
            Rajesh = राजेश
            Suresh = सुरेश
            Anil = अनिल
            Manoj = मनोज
            Sunil = सुनील
            Vijay = विजय
            Deepak = दीपक
            Ajay = अजय
            Priya = प्रिया
            Pooja = पूजा
            """
        ),
        family=_native(
            """
            Sharma = शर्मा
            Verma = वर्मा
            Singh = सिंह
            Kumar = कुमार
            Gupta = गुप्ता
            Yadav = यादव
            Mishra = मिश्रा
            Patel = पटेल
            Chauhan = चौहान
            Pandey = पांडे
            Tiwari = तिवारी
            Rathore = राठौर
            Joshi = जोशी
            Chaudhary = चौधरी
            Thakur = ठाकुर
            Saxena = सक्सेना
            """
        ),
    ),
    # Iceland: patronymics stand in for family names.
    "IS": NamePool(
        script=None,
        languages=("is", "en"),
        given=_latin(
            """Jón, Sigurður, Guðmundur, Gunnar, Ólafur, Einar, Kristján, Magnús, Stefán,
            Jóhann, Björn, Arnar, Helgi, Davíð, Anna, Guðrún"""
        ),
        family=_latin(
            """Jónsson, Sigurðsson, Guðmundsson, Gunnarsson, Ólafsson, Einarsson,
            Kristjánsson, Magnússon, Stefánsson, Jóhannsson, Björnsson, Helgason, Pétursson,
            Þórsson"""
        ),
    ),
    "IT": NamePool(
        script=None,
        languages=("it", "en"),
        given=_latin(
            """Marco, Andrea, Luca, Francesco, Alessandro, Matteo, Giuseppe, Giovanni, Davide,
            Simone, Federico, Lorenzo, Stefano, Nicola, Giulia, Chiara"""
        ),
        family=_latin(
            """Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco,
            Bruno, Gallo, Conti, De Luca, Costa, Giordano"""
        ),
    ),
    # Japan: passport Hepburn, long vowels without macrons (Sato, Ito, Kato).
    "JP": NamePool(
        script="Jpan",
        languages=("ja", "en"),
        given=_native(
            """
            Hiroshi = 浩
            Takashi = 隆
            Kenji = 健二
            Daisuke = 大輔
            Shota = 翔太
            Yuta = 勇太
            Takuya = 拓也
            Kazuki = 和樹
            Ryota = 亮太
            Naoki = 直樹
            Kenta = 健太
            Yusuke = 雄介
            Tsubasa = 翼
            Shun = 駿
            Yuki = 由紀
            Misaki = 美咲
            """
        ),
        family=_native(
            """
            Sato = 佐藤
            Suzuki = 鈴木
            Takahashi = 高橋
            Tanaka = 田中
            Watanabe = 渡辺
            Ito = 伊藤
            Yamamoto = 山本
            Nakamura = 中村
            Kobayashi = 小林
            Kato = 加藤
            Yoshida = 吉田
            Yamada = 山田
            Sasaki = 佐々木
            Yamaguchi = 山口
            Matsumoto = 松本
            Inoue = 井上
            """
        ),
    ),
    "KE": NamePool(
        script=None,
        languages=("en", "sw"),
        given=_latin(
            """Brian, Kevin, Dennis, Collins, Emmanuel, Peter, Joseph, Samuel, Daniel, Stephen,
            Victor, Felix, Geoffrey, Evans, Faith, Mercy"""
        ),
        family=_latin(
            """Otieno, Ochieng, Odhiambo, Omondi, Onyango, Kamau, Mwangi, Njoroge, Kariuki,
            Kimani, Kiprotich, Kipchumba, Cheruiyot, Mutua, Musyoka, Wafula"""
        ),
    ),
    # South Korea: the usual passport spellings (Kim, Lee, Park; hyphenated given names).
    "KR": NamePool(
        script="Hang",
        languages=("ko", "en"),
        given=_native(
            """
            Min-jun = 민준
            Ji-hoon = 지훈
            Hyun-woo = 현우
            Seung-hyun = 승현
            Jae-won = 재원
            Dong-hyun = 동현
            Sung-min = 성민
            Jun-ho = 준호
            Young-ho = 영호
            Sang-woo = 상우
            Jin-woo = 진우
            Tae-yang = 태양
            Woo-jin = 우진
            Kyung-soo = 경수
            Ji-yeon = 지연
            Seo-yeon = 서연
            """
        ),
        family=_native(
            """
            Kim = 김
            Lee = 이
            Park = 박
            Choi = 최
            Jung = 정
            Kang = 강
            Cho = 조
            Yoon = 윤
            Jang = 장
            Lim = 임
            Han = 한
            Oh = 오
            Seo = 서
            Shin = 신
            Kwon = 권
            Hwang = 황
            """
        ),
    ),
    # Kazakhstan: Kazakh and Russian names in their Russian Cyrillic form, as on
    # Soviet-era and many current documents; Kazakh passport romanisation.
    "KZ": NamePool(
        script="Cyrl",
        languages=("kk", "ru"),
        given=_native(
            """
            Nurlan = Нурлан
            Yerlan = Ерлан
            Serik = Серик
            Dauren = Даурен
            Askhat = Асхат
            Yerzhan = Ержан
            Arman = Арман
            Aidos = Айдос
            Zhandos = Жандос
            Talgat = Талгат
            Marat = Марат
            Kuanysh = Куаныш
            Azamat = Азамат
            Dmitriy = Дмитрий
            Sergey = Сергей
            Aigerim = Айгерим
            Dinara = Динара
            """
        ),
        family=_native(
            """
            Akhmetov = Ахметов
            Omarov = Омаров
            Abdrakhmanov = Абдрахманов
            Zhumabayev = Жумабаев
            Suleimenov = Сулейменов
            Ismailov = Исмаилов
            Nurgaliyev = Нургалиев
            Ibrayev = Ибраев
            Tulegenov = Тулегенов
            Saparov = Сапаров
            Baizhanov = Байжанов
            Mussin = Мусин
            Karimov = Каримов
            Kim = Ким
            Ivanov = Иванов
            """
        ),
    ),
    "LA": NamePool(
        script="Laoo",
        languages=("lo", "en", "fr"),
        given=_native(
            """
            Somphone = ສົມພອນ
            Souksavanh = ສຸກສະຫວັນ
            Khamphone = ຄຳພອນ
            Bounmy = ບຸນມີ
            Phonesavanh = ໂພນສະຫວັນ
            Vilay = ວິໄລ
            Somsak = ສົມສັກ
            Sombath = ສົມບັດ
            Khamsing = ຄຳສິງ
            Vanxay = ວັນໄຊ
            Bouaphanh = ບົວພັນ
            Thongchanh = ທອງຈັນ
            Sisouk = ສີສຸກ
            Anousone = ອານຸສອນ
            Manivanh = ມະນີວັນ
            Sengdao = ແສງດາວ
            """
        ),
        family=_native(
            """
            Sisoulith = ສີສຸລິດ
            Phommachanh = ພົມມະຈັນ
            Vongsa = ວົງສາ
            Keomany = ແກ້ວມະນີ
            Phommasone = ພົມມະສອນ
            Souvannavong = ສຸວັນນະວົງ
            Sayavong = ໄຊຍະວົງ
            Chanthavong = ຈັນທະວົງ
            Inthavong = ອິນທະວົງ
            Phanthavong = ພັນທະວົງ
            Siharath = ສີຫາລາດ
            Douangmany = ດວງມະນີ
            Thammavong = ທຳມະວົງ
            Rattanavong = ລັດຕະນະວົງ
            """
        ),
    ),
    "LT": NamePool(
        script=None,
        languages=("lt", "en", "ru"),
        given=_latin(
            """Tomas, Mantas, Andrius, Darius, Marius, Paulius, Vytautas, Mindaugas, Lukas,
            Jonas, Tadas, Giedrius, Rokas, Žygimantas, Rūta, Eglė"""
        ),
        family=_latin(
            """Kazlauskas, Jankauskas, Petrauskas, Stankevičius, Vasiliauskas, Žukauskas,
            Butkus, Paulauskas, Urbonas, Kavaliauskas, Šimkus, Navickas, Ramanauskas,
            Savickas, Adomaitis, Baranauskas"""
        ),
    ),
    "LV": NamePool(
        script=None,
        languages=("lv", "en", "ru"),
        given=_latin(
            """Jānis, Andris, Mārtiņš, Edgars, Kārlis, Artūrs, Roberts, Māris, Aigars,
            Raimonds, Guntis, Uldis, Juris, Ivars, Ilze, Līga"""
        ),
        family=_latin(
            """Bērziņš, Kalniņš, Ozoliņš, Jansons, Liepiņš, Krūmiņš, Balodis, Zariņš,
            Pētersons, Vītols, Kļaviņš, Lapiņš, Ozols, Vilks, Siliņš, Zvirbulis"""
        ),
    ),
    # Morocco: French-based romanisation, as in Moroccan passports.
    "MA": NamePool(
        script="Arab",
        languages=("ar", "fr", "en"),
        given=_native(
            """
            Mohamed = محمد
            Youssef = يوسف
            Hamza = حمزة
            Mehdi = مهدي
            Rachid = رشيد
            Karim = كريم
            Hicham = هشام
            Abdelkader = عبد القادر
            Said = سعيد
            Anas = أنس
            Ayoub = أيوب
            Othmane = عثمان
            Khalid = خالد
            Amine = أمين
            Fatima = فاطمة
            Khadija = خديجة
            """
        ),
        family=_native(
            """
            El Idrissi = الإدريسي
            Alaoui = العلوي
            Benali = بن علي
            Bennani = بناني
            Tazi = التازي
            El Amrani = العمراني
            Berrada = برادة
            Chraibi = الشرايبي
            Benjelloun = بنجلون
            El Fassi = الفاسي
            Ouazzani = الوزاني
            Lahlou = لحلو
            Benkirane = بنكيران
            Ziani = الزياني
            Naciri = الناصري
            Bouazza = بوعزة
            """
        ),
    ),
    "MD": NamePool(
        script=None,
        languages=("ro", "ru"),
        given=_latin(
            """Ion, Vasile, Sergiu, Andrei, Alexandru, Mihai, Victor, Dumitru, Nicolae,
            Vladimir, Igor, Dorin, Veaceslav, Iurie, Natalia, Elena"""
        ),
        family=_latin(
            """Rusu, Ceban, Ciobanu, Cebotari, Lungu, Munteanu, Sârbu, Cojocaru, Țurcanu, Popa,
            Bivol, Rotari, Moraru, Guțu, Botnaru, Railean"""
        ),
    ),
    "MX": NamePool(
        script=None,
        languages=("es", "en"),
        given=_latin(
            """José, Juan, Luis, Carlos, Jorge, Miguel, Alejandro, Francisco, Jesús, Fernando,
            Ricardo, Eduardo, Sergio, Javier, María, Daniela"""
        ),
        family=_latin(
            """Hernández, García, Martínez, López, González, Pérez, Rodríguez, Sánchez,
            Ramírez, Cruz, Flores, Gómez, Morales, Vázquez, Reyes, Jiménez"""
        ),
    ),
    "NG": NamePool(
        script=None,
        languages=("en", "yo", "ig", "ha"),
        given=_latin(
            """Chinedu, Emeka, Oluwaseun, Tunde, Ibrahim, Musa, Abubakar, Chukwuemeka,
            Ifeanyi, Olumide, Babatunde, Segun, Uche, Samuel, Ngozi, Funmilayo"""
        ),
        family=_latin(
            """Okafor, Okonkwo, Adeyemi, Olawale, Bello, Abubakar, Eze, Nwosu, Adebayo,
            Ogunleye, Ibrahim, Mohammed, Okeke, Balogun, Obi, Usman"""
        ),
    ),
    "NL": NamePool(
        script=None,
        languages=("nl", "en"),
        given=_latin(
            """Jan, Pieter, Daan, Thomas, Bram, Sander, Jeroen, Bas, Niels, Ruben, Stijn,
            Joost, Wouter, Maarten, Sanne, Lotte"""
        ),
        family=_latin(
            """de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser,
            Smit, Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters"""
        ),
    ),
    "NO": NamePool(
        script=None,
        languages=("no", "en"),
        given=_latin(
            """Ole, Lars, Jan, Per, Bjørn, Kjetil, Magnus, Håkon, Eirik, Sindre, Thomas,
            Kristian, Andreas, Jørgen, Ingrid, Kari"""
        ),
        family=_latin(
            """Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen,
            Jensen, Karlsen, Johnsen, Haugen, Berg, Dahl, Halvorsen, Solberg"""
        ),
    ),
    "NZ": NamePool(
        script=None,
        languages=("en", "mi"),
        given=_latin(
            """Matthew, James, Daniel, Benjamin, Samuel, Hamish, Callum, Joshua, Ryan, Wiremu,
            Rawiri, Tama, Hemi, Nikau, Sophie, Hannah"""
        ),
        family=_latin(
            """Smith, Wilson, Williams, Brown, Taylor, Jones, Thompson, Anderson, Walker,
            Campbell, Stewart, Robertson, Ngata, Tipene, Parata, Henare"""
        ),
    ),
    "PE": NamePool(
        script=None,
        languages=("es", "qu"),
        given=_latin(
            """José, Luis, Juan, Carlos, Jorge, César, Miguel, Víctor, Manuel, Renzo,
            Christian, Giancarlo, Percy, Edwin, Rosa, Milagros"""
        ),
        family=_latin(
            """Quispe, Flores, Sánchez, Rodríguez, García, Rojas, Huamán, Mamani, Vásquez,
            Chávez, Ramos, Torres, Díaz, Mendoza, Castillo, Gutiérrez"""
        ),
    ),
    "PH": NamePool(
        script=None,
        languages=("tl", "en"),
        given=_latin(
            """Jose, Juan, Mark, John Paul, Jerome, Christian, Michael, Ramon, Rodel, Arnel,
            Jericho, Carlo, Rey, Jomar, Maria, Kristine"""
        ),
        family=_latin(
            """Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Castillo,
            Flores, Villanueva, Ramos, Dela Cruz, Aquino, Gonzales, Navarro"""
        ),
    ),
    "PL": NamePool(
        script=None,
        languages=("pl", "en"),
        given=_latin(
            """Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Marcin, Łukasz, Jakub,
            Grzegorz, Mateusz, Kamil, Wojciech, Rafał, Anna, Katarzyna"""
        ),
        family=_latin(
            """Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski,
            Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur,
            Kwiatkowski, Krawczyk"""
        ),
    ),
    "PT": NamePool(
        script=None,
        languages=("pt", "en"),
        given=_latin(
            """João, José, António, Francisco, Manuel, Pedro, Rui, Nuno, Tiago, Miguel, Diogo,
            Duarte, Gonçalo, Luís, Inês, Beatriz"""
        ),
        family=_latin(
            """Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus,
            Sousa, Fernandes, Gonçalves, Gomes, Lopes, Marques, Ribeiro"""
        ),
    ),
    "RO": NamePool(
        script=None,
        languages=("ro", "en"),
        given=_latin(
            """Andrei, Alexandru, Ionuț, Mihai, Ion, Gheorghe, Cristian, Florin, Adrian, Bogdan,
            Ștefan, Vlad, Marius, Răzvan, Elena, Ioana"""
        ),
        family=_latin(
            """Popescu, Popa, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu,
            Ionescu, Rusu, Constantin, Munteanu, Dumitrescu, Lungu"""
        ),
    ),
    # Russia: Russian passport romanisation (ICAO Doc 9303, since 2014), with
    # Chechen names for the Chechen battalions and the Freedom of Russia Legion.
    "RU": NamePool(
        script="Cyrl",
        languages=("ru", "ce"),
        given=_native(
            """
            Aleksandr = Александр
            Dmitrii = Дмитрий
            Sergei = Сергей
            Andrei = Андрей
            Aleksei = Алексей
            Maksim = Максим
            Ivan = Иван
            Mikhail = Михаил
            Evgenii = Евгений
            Vladimir = Владимир
            Artem = Артём
            Kirill = Кирилл
            Igor = Игорь
            Anna = Анна
            Ekaterina = Екатерина
            # Chechen
            Ruslan = Руслан
            Akhmed = Ахмед
            Magomed = Магомед
            Islam = Ислам
            Shamil = Шамиль
            Khamzat = Хамзат
            Ibragim = Ибрагим
            """
        ),
        family=_native(
            """
            Ivanov = Иванов
            Smirnov = Смирнов
            Kuznetsov = Кузнецов
            Popov = Попов
            Vasilev = Васильев
            Petrov = Петров
            Sokolov = Соколов
            Mikhailov = Михайлов
            Novikov = Новиков
            Fedorov = Фёдоров
            Morozov = Морозов
            Volkov = Волков
            Lebedev = Лебедев
            # Chechen
            Umarov = Умаров
            Isaev = Исаев
            Khasanov = Хасанов
            Musaev = Мусаев
            Akhmadov = Ахмадов
            Magomadov = Магомадов
            Bisultanov = Бисултанов
            Elmurzaev = Эльмурзаев
            """
        ),
    ),
    "SE": NamePool(
        script=None,
        languages=("sv", "en"),
        given=_latin(
            """Erik, Lars, Anders, Johan, Karl, Per, Mikael, Fredrik, Henrik, Oskar, Magnus,
            Jonas, Gustav, Björn, Anna, Sofia"""
        ),
        family=_latin(
            """Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson,
            Svensson, Gustafsson, Pettersson, Jonsson, Lindberg, Lindström, Bergström,
            Sjöberg"""
        ),
    ),
    "SI": NamePool(
        script=None,
        languages=("sl", "en"),
        given=_latin(
            """Franc, Janez, Marko, Anže, Jure, Matej, Luka, Andrej, Boštjan, Rok, Tomaž,
            Gregor, Miha, Žiga, Maja, Nina"""
        ),
        family=_latin(
            """Novak, Horvat, Kovačič, Krajnc, Zupančič, Potočnik, Kovač, Mlakar, Kos, Vidmar,
            Golob, Turk, Kralj, Zupan, Bizjak, Hribar"""
        ),
    ),
    "SK": NamePool(
        script=None,
        languages=("sk", "cs", "en"),
        given=_latin(
            """Peter, Martin, Michal, Ján, Tomáš, Jozef, Marek, Lukáš, Juraj, Matej, Róbert,
            Miroslav, Ľubomír, Štefan, Zuzana, Katarína"""
        ),
        family=_latin(
            """Horváth, Kováč, Varga, Tóth, Nagy, Baláž, Szabó, Molnár, Balog, Lukáč, Novák,
            Kollár, Polák, Kráľ, Oravec, Hudák"""
        ),
    ),
    # Syria: common English-style passport spelling (Mohammad, Khaled, Al-Ahmad).
    "SY": NamePool(
        script="Arab",
        languages=("ar", "en"),
        given=_native(
            """
            Mohammad = محمد
            Ahmad = أحمد
            Mahmoud = محمود
            Khaled = خالد
            Omar = عمر
            Ali = علي
            Hassan = حسن
            Hussein = حسين
            Abdullah = عبد الله
            Youssef = يوسف
            Ibrahim = إبراهيم
            Samer = سامر
            Rami = رامي
            Fadi = فادي
            Walid = وليد
            Lina = لينا
            Rana = رنا
            """
        ),
        family=_native(
            """
            Al-Ahmad = الأحمد
            Haddad = حداد
            Khoury = خوري
            Al-Ali = العلي
            Darwish = درويش
            Al-Kurdi = الكردي
            Al-Masri = المصري
            Al-Shami = الشامي
            Nasser = ناصر
            Al-Sabbagh = الصباغ
            Al-Attar = العطار
            Al-Halabi = الحلبي
            Jaber = جابر
            Al-Hamwi = الحموي
            Kabbani = قباني
            Hamdan = حمدان
            """
        ),
    ),
    # Thailand: the spellings Thais commonly choose for their passports.
    "TH": NamePool(
        script="Thai",
        languages=("th", "en"),
        given=_native(
            """
            Somchai = สมชาย
            Somsak = สมศักดิ์
            Prasert = ประเสริฐ
            Anan = อนันต์
            Wichai = วิชัย
            Surachai = สุรชัย
            Chaiwat = ชัยวัฒน์
            Narong = ณรงค์
            Nattapong = ณัฐพงษ์
            Thanawat = ธนวัฒน์
            Kittisak = กิตติศักดิ์
            Sompong = สมพงษ์
            Apichart = อภิชาติ
            Pongsakorn = พงศกร
            Siriporn = ศิริพร
            Malee = มาลี
            """
        ),
        family=_native(
            """
            Saetang = แซ่ตั้ง
            Saelim = แซ่ลิ้ม
            Srisuk = ศรีสุข
            Thongdee = ทองดี
            Wongsawat = วงศ์สวัสดิ์
            Sukprasert = สุขประเสริฐ
            Boonmee = บุญมี
            Kaewkham = แก้วคำ
            Phromma = พรหมมา
            Suwannarat = สุวรรณรัตน์
            Chanthawong = จันทวงศ์
            Sriwichai = ศรีวิชัย
            Jaidee = ใจดี
            Ruangsri = เรืองศรี
            Somboon = สมบูรณ์
            Thongsuk = ทองสุข
            """
        ),
    ),
    "TR": NamePool(
        script=None,
        languages=("tr", "en"),
        given=_latin(
            """Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Murat, Emre, Burak, Serkan,
            Oğuz, Can, Kerem, Ayşe, Elif"""
        ),
        family=_latin(
            """Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir,
            Arslan, Doğan, Kılıç, Aslan, Çetin, Kara"""
        ),
    ),
    # Taiwan: traditional characters, Wade-Giles style as in Taiwanese passports.
    "TW": NamePool(
        script="Hant",
        languages=("zh", "en"),
        given=_native(
            """
            Chih-Wei = 志偉
            Chia-Hao = 家豪
            Chien-Hung = 建宏
            Tsung-Han = 宗翰
            Chun-Hung = 俊宏
            Wen-Hsiung = 文雄
            Kuan-Yu = 冠宇
            Po-Han = 柏翰
            Cheng-En = 承恩
            Shih-Chieh = 世傑
            Chin-Lung = 金龍
            Tzu-Hao = 子豪
            Yen-Ting = 彥廷
            Sheng-Kuang = 聖光
            Yi-Ting = 怡婷
            Hsin-Yi = 欣怡
            """
        ),
        family=_native(
            """
            Chen = 陳
            Lin = 林
            Huang = 黃
            Chang = 張
            Lee = 李
            Wang = 王
            Wu = 吳
            Liu = 劉
            Tsai = 蔡
            Yang = 楊
            Hsu = 許
            Cheng = 鄭
            Hsieh = 謝
            Kuo = 郭
            Hung = 洪
            Tseng = 曾
            """
        ),
    ),
    # Ukraine: official Ukrainian national romanisation (Cabinet resolution 55, 2010).
    "UA": NamePool(
        script="Cyrl",
        languages=("uk", "ru"),
        given=_native(
            """
            Oleksandr = Олександр
            Andrii = Андрій
            Serhii = Сергій
            Dmytro = Дмитро
            Volodymyr = Володимир
            Mykola = Микола
            Vitalii = Віталій
            Yurii = Юрій
            Bohdan = Богдан
            Taras = Тарас
            Ivan = Іван
            Maksym = Максим
            Yevhen = Євген
            Oleh = Олег
            Olena = Олена
            Yuliia = Юлія
            """
        ),
        family=_native(
            """
            Melnyk = Мельник
            Shevchenko = Шевченко
            Kovalenko = Коваленко
            Bondarenko = Бондаренко
            Tkachenko = Ткаченко
            Kravchenko = Кравченко
            Boiko = Бойко
            Koval = Коваль
            Oliinyk = Олійник
            Shevchuk = Шевчук
            Polishchuk = Поліщук
            Lysenko = Лисенко
            Rudenko = Руденко
            Savchenko = Савченко
            Marchenko = Марченко
            Petrenko = Петренко
            """
        ),
    ),
    "US": NamePool(
        script=None,
        languages=("en", "es"),
        given=_latin(
            """James, John, Michael, David, Robert, William, Christopher, Matthew, Joshua,
            Daniel, Andrew, Tyler, Brandon, Ryan, Justin, Kevin, Sarah, Jessica"""
        ),
        family=_latin(
            """Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Garcia, Rodriguez, Wilson,
            Anderson, Taylor, Thomas, Moore, Jackson, Martin, Thompson, White"""
        ),
    ),
    "VN": NamePool(
        script=None,
        languages=("vi", "en"),
        given=_latin(
            """Minh, Hùng, Dũng, Tuấn, Nam, Hải, Long, Quang, Đức, Thắng, Phong, Huy, Khoa,
            Trung, Lan, Hương"""
        ),
        family=_latin(
            """Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô,
            Dương, Lý"""
        ),
    ),
    "ZA": NamePool(
        script=None,
        languages=("en", "af", "zu"),
        given=_latin(
            """Johan, Pieter, Willem, Jacques, Francois, Gert, Sipho, Thabo, Themba, Bongani,
            Mandla, Sibusiso, Michael, Ryan, Zanele, Nomsa"""
        ),
        family=_latin(
            """van der Merwe, Botha, Pretorius, Nel, du Plessis, Smith, Naidoo, Dlamini, Nkosi,
            Ndlovu, Khumalo, Mokoena, Mahlangu, Coetzee, Venter, Jacobs"""
        ),
    ),
}

# Generic international Latin pool for countries not listed above.
FALLBACK = NamePool(
    script=None,
    languages=("en",),
    given=_latin(
        """Alex, Daniel, David, Michael, Martin, Adam, Thomas, Samuel, Simon, Robert, Victor,
        Marco, Leo, Anna, Maria, Eva"""
    ),
    family=_latin(
        """Smith, Müller, Novak, Martin, García, Rossi, Kovač, Nielsen, Silva, Horvat, Jansen,
        Peters, Berg, Kim, Lee, Hansen"""
    ),
)


def pool_for(country_code: str) -> NamePool:
    """Name pool for an ISO 3166-1 alpha-2 code (any case); FALLBACK when unknown."""
    return NAMES.get((country_code or "").strip().upper(), FALLBACK)
