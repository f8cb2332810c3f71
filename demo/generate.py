#!/usr/bin/env python3
"""Generate realistic demo data for bdp: units of every type in all 16
voivodeships and N good practices written in Polish, in the input format of
scripts/load-demo (python3 standard library only, deterministic per seed).

TERYT codes follow the structure in docs/DESIGN.md (voivodeship code, powiat
01-60 or 61-99 for a city with powiat rights, gmina 7 digits ending in its
kind); names are real places, but the codes are demo data, not the GUS
register.

Output (stdout): {"units": [...], "practices": [...]}. A unit names its parent
by "parent_teryt"; a practice names its unit by "unit_teryt" (or "unit_name"
for an association of JSTs, which has no TERYT), its participants by
"participant_unit_teryts" and its categories by "category_paths"
(["area"] or ["area", "sub-area"]). Everything else is the POST /v1/practices
body as it is.

    demo/generate.py [-n 200] [--seed 2008] [--format json|ndjson]
"""

import argparse
import datetime
import json
import random
import sys
import unicodedata

# ---------------------------------------------------------------------------
# Places. Per voivodeship: TERYT code, name, phone area codes, postal prefix,
# cities with powiat rights (name, locative, code, population) and powiaty
# ziemskie (code, name, seat, seat locative, population, gminas). A gmina is
# (name, locative, kind) with kind 1 miejska, 2 wiejska, 3 miejsko-wiejska;
# its code is the powiat code, its position (01, 02, ...) and its kind.
# A powiat whose code is in SKIP_TERYT is in demo/units.json already: its
# gminas are generated, the powiat itself is not.
# ---------------------------------------------------------------------------

SKIP_TERYT = {"2212", "2479011"}

VOIVODESHIPS = [
    ("02", "dolnośląskie", ["71", "74", "75", "76"], "5", [
        ("Wrocław", "Wrocławiu", "0264", 672929),
        ("Wałbrzych", "Wałbrzychu", "0265", 110603),
        ("Legnica", "Legnicy", "0262", 99350),
        ("Jelenia Góra", "Jeleniej Górze", "0261", 78480),
    ], [
        ("0201", "bolesławiecki", "Bolesławiec", "Bolesławcu", 89500, [
            ("Bolesławiec", "Bolesławcu", 1), ("Nowogrodziec", "Nowogrodźcu", 3),
            ("Gromadka", "Gromadce", 2)]),
        ("0208", "kłodzki", "Kłodzko", "Kłodzku", 159000, [
            ("Kłodzko", "Kłodzku", 1), ("Polanica-Zdrój", "Polanicy-Zdroju", 1),
            ("Lądek-Zdrój", "Lądku-Zdroju", 3)]),
        ("0214", "oleśnicki", "Oleśnica", "Oleśnicy", 106000, [
            ("Oleśnica", "Oleśnicy", 1), ("Syców", "Sycowie", 3),
            ("Dobroszyce", "Dobroszycach", 2)]),
    ]),
    ("04", "kujawsko-pomorskie", ["52", "54", "56"], "8", [
        ("Bydgoszcz", "Bydgoszczy", "0461", 339053),
        ("Toruń", "Toruniu", "0463", 196935),
        ("Włocławek", "Włocławku", "0464", 104964),
        ("Grudziądz", "Grudziądzu", "0462", 92552),
    ], [
        ("0401", "aleksandrowski", "Aleksandrów Kujawski", "Aleksandrowie Kujawskim", 54900, [
            ("Aleksandrów Kujawski", "Aleksandrowie Kujawskim", 1),
            ("Ciechocinek", "Ciechocinku", 1), ("Raciążek", "Raciążku", 2)]),
        ("0403", "brodnicki", "Brodnica", "Brodnicy", 78100, [
            ("Brodnica", "Brodnicy", 1), ("Jabłonowo Pomorskie", "Jabłonowie Pomorskim", 3),
            ("Bobrowo", "Bobrowie", 2)]),
        ("0407", "inowrocławski", "Inowrocław", "Inowrocławiu", 160000, [
            ("Inowrocław", "Inowrocławiu", 1), ("Kruszwica", "Kruszwicy", 3),
            ("Janikowo", "Janikowie", 3)]),
    ]),
    ("06", "lubelskie", ["81", "82", "83", "84"], "2", [
        ("Lublin", "Lublinie", "0663", 339784),
        ("Zamość", "Zamościu", "0664", 62021),
        ("Chełm", "Chełmie", "0662", 60231),
        ("Biała Podlaska", "Białej Podlaskiej", "0661", 56498),
    ], [
        ("0602", "biłgorajski", "Biłgoraj", "Biłgoraju", 100700, [
            ("Biłgoraj", "Biłgoraju", 1), ("Frampol", "Frampolu", 3),
            ("Księżpol", "Księżpolu", 2)]),
        ("0614", "puławski", "Puławy", "Puławach", 112000, [
            ("Puławy", "Puławach", 1), ("Kazimierz Dolny", "Kazimierzu Dolnym", 3),
            ("Końskowola", "Końskowoli", 2)]),
        ("0607", "kraśnicki", "Kraśnik", "Kraśniku", 95500, [
            ("Kraśnik", "Kraśniku", 1), ("Annopol", "Annopolu", 3),
            ("Urzędów", "Urzędowie", 3)]),
    ]),
    ("08", "lubuskie", ["68", "95"], "6", [
        ("Zielona Góra", "Zielonej Górze", "0862", 139330),
        ("Gorzów Wielkopolski", "Gorzowie Wielkopolskim", "0861", 119829),
    ], [
        ("0801", "gorzowski", "Gorzów Wielkopolski", "Gorzowie Wielkopolskim", 70500, [
            ("Kostrzyn nad Odrą", "Kostrzynie nad Odrą", 1), ("Witnica", "Witnicy", 3),
            ("Deszczno", "Deszcznie", 2)]),
        ("0810", "żagański", "Żagań", "Żaganiu", 79700, [
            ("Żagań", "Żaganiu", 1), ("Szprotawa", "Szprotawie", 3),
            ("Iłowa", "Iłowej", 3)]),
        ("0809", "świebodziński", "Świebodzin", "Świebodzinie", 56000, [
            ("Świebodzin", "Świebodzinie", 3), ("Zbąszynek", "Zbąszynku", 3),
            ("Lubrza", "Lubrzy", 2)]),
    ]),
    ("10", "łódzkie", ["42", "43", "44", "46"], "9", [
        ("Łódź", "Łodzi", "1061", 658444),
        ("Piotrków Trybunalski", "Piotrkowie Trybunalskim", "1062", 71252),
        ("Skierniewice", "Skierniewicach", "1063", 47031),
    ], [
        ("1001", "bełchatowski", "Bełchatów", "Bełchatowie", 111600, [
            ("Bełchatów", "Bełchatowie", 1), ("Zelów", "Zelowie", 3),
            ("Kleszczów", "Kleszczowie", 2)]),
        ("1002", "kutnowski", "Kutno", "Kutnie", 97700, [
            ("Kutno", "Kutnie", 1), ("Żychlin", "Żychlinie", 3),
            ("Krośniewice", "Krośniewicach", 3)]),
        ("1020", "zgierski", "Zgierz", "Zgierzu", 163800, [
            ("Zgierz", "Zgierzu", 1), ("Aleksandrów Łódzki", "Aleksandrowie Łódzkim", 3),
            ("Ozorków", "Ozorkowie", 1)]),
    ]),
    ("12", "małopolskie", ["12", "14", "18"], "3", [
        ("Kraków", "Krakowie", "1261", 800653),
        ("Tarnów", "Tarnowie", "1263", 105922),
        ("Nowy Sącz", "Nowym Sączu", "1262", 83116),
    ], [
        ("1203", "chrzanowski", "Chrzanów", "Chrzanowie", 123000, [
            ("Chrzanów", "Chrzanowie", 3), ("Trzebinia", "Trzebini", 3),
            ("Babice", "Babicach", 2)]),
        ("1217", "tatrzański", "Zakopane", "Zakopanem", 67000, [
            ("Zakopane", "Zakopanem", 1), ("Poronin", "Poroninie", 2),
            ("Bukowina Tatrzańska", "Bukowinie Tatrzańskiej", 2)]),
        ("1206", "krakowski", "Kraków", "Krakowie", 282000, [
            ("Skawina", "Skawinie", 3), ("Zabierzów", "Zabierzowie", 2),
            ("Liszki", "Liszkach", 2)]),
    ]),
    ("14", "mazowieckie", ["22", "23", "24", "25", "29", "48"], "0", [
        ("Warszawa", "Warszawie", "1465", 1861975),
        ("Radom", "Radomiu", "1463", 204744),
        ("Płock", "Płocku", "1462", 116962),
        ("Siedlce", "Siedlcach", "1464", 76393),
        ("Ostrołęka", "Ostrołęce", "1461", 51012),
    ], [
        ("1418", "piaseczyński", "Piaseczno", "Piasecznie", 200000, [
            ("Piaseczno", "Piasecznie", 3), ("Konstancin-Jeziorna", "Konstancinie-Jeziornie", 3),
            ("Lesznowola", "Lesznowoli", 2)]),
        ("1402", "ciechanowski", "Ciechanów", "Ciechanowie", 88000, [
            ("Ciechanów", "Ciechanowie", 1), ("Glinojeck", "Glinojecku", 3),
            ("Opinogóra Górna", "Opinogórze Górnej", 2)]),
        ("1403", "garwoliński", "Garwolin", "Garwolinie", 108000, [
            ("Garwolin", "Garwolinie", 1), ("Łaskarzew", "Łaskarzewie", 1),
            ("Pilawa", "Pilawie", 3)]),
    ]),
    ("16", "opolskie", ["77"], "4", [
        ("Opole", "Opolu", "1661", 127387),
    ], [
        ("1603", "kędzierzyńsko-kozielski", "Kędzierzyn-Koźle", "Kędzierzynie-Koźlu", 92500, [
            ("Kędzierzyn-Koźle", "Kędzierzynie-Koźlu", 1), ("Bierawa", "Bierawie", 2),
            ("Pawłowiczki", "Pawłowiczkach", 2)]),
        ("1607", "nyski", "Nysa", "Nysie", 136000, [
            ("Nysa", "Nysie", 3), ("Głuchołazy", "Głuchołazach", 3),
            ("Otmuchów", "Otmuchowie", 3)]),
        ("1609", "opolski", "Opole", "Opolu", 133000, [
            ("Ozimek", "Ozimku", 3), ("Dobrzeń Wielki", "Dobrzeniu Wielkim", 2),
            ("Chrząstowice", "Chrząstowicach", 2)]),
    ]),
    ("18", "podkarpackie", ["13", "15", "16", "17"], "3", [
        ("Rzeszów", "Rzeszowie", "1863", 196821),
        ("Przemyśl", "Przemyślu", "1862", 58721),
        ("Krosno", "Krośnie", "1861", 45940),
        ("Tarnobrzeg", "Tarnobrzegu", "1864", 45780),
    ], [
        ("1801", "bieszczadzki", "Ustrzyki Dolne", "Ustrzykach Dolnych", 21500, [
            ("Ustrzyki Dolne", "Ustrzykach Dolnych", 3), ("Lutowiska", "Lutowiskach", 2),
            ("Czarna", "Czarnej", 2)]),
        ("1816", "rzeszowski", "Rzeszów", "Rzeszowie", 170000, [
            ("Boguchwała", "Boguchwale", 3), ("Tyczyn", "Tyczynie", 3),
            ("Trzebownisko", "Trzebownisku", 2)]),
        ("1811", "mielecki", "Mielec", "Mielcu", 136000, [
            ("Mielec", "Mielcu", 1), ("Radomyśl Wielki", "Radomyślu Wielkim", 3),
            ("Przecław", "Przecławiu", 3)]),
    ]),
    ("20", "podlaskie", ["85", "86", "87"], "1", [
        ("Białystok", "Białymstoku", "2061", 294242),
        ("Suwałki", "Suwałkach", "2063", 69206),
        ("Łomża", "Łomży", "2062", 62711),
    ], [
        ("2002", "białostocki", "Białystok", "Białymstoku", 150000, [
            ("Wasilków", "Wasilkowie", 3), ("Supraśl", "Supraślu", 3),
            ("Juchnowiec Kościelny", "Juchnowcu Kościelnym", 2)]),
        ("2005", "hajnowski", "Hajnówka", "Hajnówce", 43000, [
            ("Hajnówka", "Hajnówce", 1), ("Białowieża", "Białowieży", 2),
            ("Kleszczele", "Kleszczelach", 3)]),
        ("2001", "augustowski", "Augustów", "Augustowie", 57500, [
            ("Augustów", "Augustowie", 1), ("Lipsk", "Lipsku", 3),
            ("Płaska", "Płaskiej", 2)]),
    ]),
    ("22", "pomorskie", ["58", "59"], "8", [
        ("Gdańsk", "Gdańsku", "2261", 470907),
        ("Gdynia", "Gdyni", "2262", 245222),
        ("Słupsk", "Słupsku", "2263", 89998),
        ("Sopot", "Sopocie", "2264", 35049),
    ], [
        ("2201", "bytowski", "Bytów", "Bytowie", 79000, [
            ("Bytów", "Bytowie", 3), ("Miastko", "Miastku", 3),
            ("Tuchomie", "Tuchomiu", 2)]),
        ("2205", "kartuski", "Kartuzy", "Kartuzach", 135000, [
            ("Kartuzy", "Kartuzach", 3), ("Żukowo", "Żukowie", 3),
            ("Chmielno", "Chmielnie", 2)]),
        ("2214", "tczewski", "Tczew", "Tczewie", 116000, [
            ("Tczew", "Tczewie", 1), ("Pelplin", "Pelplinie", 3),
            ("Gniew", "Gniewie", 3)]),
        ("2212", "słupski", "Słupsk", "Słupsku", 92045, [
            ("Ustka", "Ustce", 1), ("Kobylnica", "Kobylnicy", 2),
            ("Kępice", "Kępicach", 3)]),
    ]),
    ("24", "śląskie", ["32", "33", "34"], "4", [
        ("Katowice", "Katowicach", "2469", 290553),
        ("Częstochowa", "Częstochowie", "2464", 214342),
        ("Gliwice", "Gliwicach", "2466", 175102),
        ("Bielsko-Biała", "Bielsku-Białej", "2461", 168319),
        ("Rybnik", "Rybniku", "2473", 136000),
    ], [
        ("2402", "bielski", "Bielsko-Biała", "Bielsku-Białej", 165000, [
            ("Szczyrk", "Szczyrku", 1), ("Czechowice-Dziedzice", "Czechowicach-Dziedzicach", 3),
            ("Porąbka", "Porąbce", 2)]),
        ("2403", "cieszyński", "Cieszyn", "Cieszynie", 178000, [
            ("Cieszyn", "Cieszynie", 1), ("Ustroń", "Ustroniu", 1),
            ("Wisła", "Wiśle", 1), ("Istebna", "Istebnej", 2)]),
        ("2410", "pszczyński", "Pszczyna", "Pszczynie", 110000, [
            ("Pszczyna", "Pszczynie", 3), ("Pawłowice", "Pawłowicach", 2),
            ("Goczałkowice-Zdrój", "Goczałkowicach-Zdroju", 2)]),
    ]),
    ("26", "świętokrzyskie", ["41", "15"], "2", [
        ("Kielce", "Kielcach", "2661", 192468),
    ], [
        ("2604", "kielecki", "Kielce", "Kielcach", 210000, [
            ("Chęciny", "Chęcinach", 3), ("Morawica", "Morawicy", 3),
            ("Masłów", "Masłowie", 2)]),
        ("2609", "sandomierski", "Sandomierz", "Sandomierzu", 76000, [
            ("Sandomierz", "Sandomierzu", 1), ("Koprzywnica", "Koprzywnicy", 3),
            ("Dwikozy", "Dwikozach", 2)]),
        ("2605", "konecki", "Końskie", "Końskich", 80000, [
            ("Końskie", "Końskich", 3), ("Stąporków", "Stąporkowie", 3),
            ("Gowarczów", "Gowarczowie", 2)]),
    ]),
    ("28", "warmińsko-mazurskie", ["89", "55", "87"], "1", [
        ("Olsztyn", "Olsztynie", "2862", 171249),
        ("Elbląg", "Elblągu", "2861", 119317),
    ], [
        ("2814", "olsztyński", "Olsztyn", "Olsztynie", 125000, [
            ("Dobre Miasto", "Dobrym Mieście", 3), ("Barczewo", "Barczewie", 3),
            ("Stawiguda", "Stawigudzie", 2)]),
        ("2806", "giżycki", "Giżycko", "Giżycku", 57000, [
            ("Giżycko", "Giżycku", 1), ("Ryn", "Rynie", 3),
            ("Wydminy", "Wydminach", 2)]),
        ("2807", "iławski", "Iława", "Iławie", 92000, [
            ("Iława", "Iławie", 1), ("Lubawa", "Lubawie", 1),
            ("Kisielice", "Kisielicach", 3)]),
    ]),
    ("30", "wielkopolskie", ["61", "62", "63", "65", "67"], "6", [
        ("Poznań", "Poznaniu", "3064", 534813),
        ("Kalisz", "Kaliszu", "3061", 99106),
        ("Konin", "Koninie", "3062", 72319),
        ("Leszno", "Lesznie", "3063", 62200),
    ], [
        ("3021", "poznański", "Poznań", "Poznaniu", 400000, [
            ("Swarzędz", "Swarzędzu", 3), ("Luboń", "Luboniu", 1),
            ("Tarnowo Podgórne", "Tarnowie Podgórnym", 2)]),
        ("3003", "gnieźnieński", "Gniezno", "Gnieźnie", 145000, [
            ("Gniezno", "Gnieźnie", 1), ("Czerniejewo", "Czerniejewie", 3),
            ("Łubowo", "Łubowie", 2)]),
        ("3024", "szamotulski", "Szamotuły", "Szamotułach", 92000, [
            ("Szamotuły", "Szamotułach", 3), ("Pniewy", "Pniewach", 3),
            ("Kaźmierz", "Kaźmierzu", 2)]),
    ]),
    ("32", "zachodniopomorskie", ["91", "94"], "7", [
        ("Szczecin", "Szczecinie", "3262", 396168),
        ("Koszalin", "Koszalinie", "3261", 106235),
        ("Świnoujście", "Świnoujściu", "3263", 40453),
    ], [
        ("3201", "białogardzki", "Białogard", "Białogardzie", 47500, [
            ("Białogard", "Białogardzie", 1), ("Karlino", "Karlinie", 3),
            ("Tychowo", "Tychowie", 3)]),
        ("3208", "kołobrzeski", "Kołobrzeg", "Kołobrzegu", 78500, [
            ("Kołobrzeg", "Kołobrzegu", 1), ("Ustronie Morskie", "Ustroniu Morskim", 2),
            ("Gościno", "Gościnie", 3)]),
        ("3211", "policki", "Police", "Policach", 84000, [
            ("Police", "Policach", 3), ("Nowe Warpno", "Nowym Warpnie", 3),
            ("Dobra (Szczecińska)", "Dobrej", 2)]),
    ]),
]

# Associations of JSTs: no TERYT. (name, voivodeship, seat, seat locative)
ASSOCIATIONS = [
    ("Związek Gmin Pomorskich", "pomorskie", "Gdańsk", "Gdańsku"),
    ("Związek Miast i Gmin Dorzecza Parsęty", "zachodniopomorskie", "Karlino", "Karlinie"),
    ("Związek Gmin Dorzecza Wisłoki", "podkarpackie", "Rzeszów", "Rzeszowie"),
    ("Związek Gmin Śląska Opolskiego", "opolskie", "Opole", "Opolu"),
    ("Związek Gmin Jurajskich", "śląskie", "Częstochowa", "Częstochowie"),
    ("Związek Gmin Regionu Płockiego", "mazowieckie", "Płock", "Płocku"),
    ("Związek Gmin Kraina Bugu", "lubelskie", "Biała Podlaska", "Białej Podlaskiej"),
    ("Związek Gmin Warmińsko-Mazurskich", "warmińsko-mazurskie", "Olsztyn", "Olsztynie"),
]

VOIV_POPULATION = {
    "02": 2891321, "04": 2027261, "06": 2038299, "08": 982626, "10": 2416902,
    "12": 3432295, "14": 5514699, "16": 954133, "18": 2093360, "20": 1154283,
    "22": 2357320, "24": 4346702, "26": 1196557, "28": 1388753, "30": 3496450,
    "32": 1647975,
}

GMINA_TYPES = {1: "gmina_miejska", 2: "gmina_wiejska", 3: "gmina_miejsko_wiejska"}

# ---------------------------------------------------------------------------
# Categories: the tree that migrations/0002_seed_categories.sql seeds, with
# the vocabulary the practices of each are written in. In titles and texts,
# {w} is "w <place, locative>" and {inst} an institution of the category.
# ---------------------------------------------------------------------------

CATEGORIES = {
    ("Usługi społeczne", "Kultura"): {
        "titles": [
            "Ożywienie lokalnego domu kultury przez program zajęć dla wszystkich pokoleń",
            "Biblioteka jako centrum aktywności lokalnej",
            "Cyfrowe archiwum dziedzictwa kulturowego gminy",
            "Festiwal tradycji regionalnych jako marka miejscowości",
            "Świetlice wiejskie miejscem spotkań i edukacji kulturalnej",
            "Teatr amatorski w szkole i na rynku",
            "Rewitalizacja zabytkowego spichlerza na potrzeby kultury",
            "Szlak dziedzictwa kulturowego z przewodnikiem mobilnym",
            "Karta Kultury dla mieszkańców",
            "Budżet obywatelski na wydarzenia kulturalne",
        ],
        "problems": [
            "Oferta kulturalna ograniczała się do kilku imprez w roku, a z zajęć korzystała głównie młodzież szkolna.",
            "Budynek ośrodka kultury był niedoinwestowany, a mieszkańcy wsi nie mieli gdzie się spotykać.",
            "Lokalne tradycje i pamiątki przeszłości ginęły wraz z odchodzeniem najstarszego pokolenia.",
        ],
        "goals": [
            "Celem było poszerzenie dostępu do kultury dla mieszkańców wszystkich miejscowości.",
            "Chodziło o zachowanie dziedzictwa kulturowego i uczynienie go częścią codziennego życia.",
            "Założono, że instytucja kultury stanie się miejscem spotkań i współpracy mieszkańców.",
        ],
        "actions": [
            "Przygotowano całoroczny program warsztatów, koncertów i spotkań autorskich.",
            "Wyremontowano salę widowiskową i wyposażono ją w sprzęt nagłośnieniowy.",
            "Zdigitalizowano zbiory fotografii i dokumentów przekazanych przez mieszkańców.",
            "Do współpracy zaproszono koła gospodyń wiejskich, szkoły i parafie.",
            "Uruchomiono stronę internetową z kalendarzem wydarzeń i zapisami na zajęcia.",
        ],
        "results": [
            "Liczba uczestników zajęć wzrosła do {n} osób rocznie.",
            "W wydarzeniach wzięło udział ponad {n} mieszkańców i turystów.",
            "Do cyfrowego archiwum trafiło {n} fotografii i dokumentów.",
        ],
        "keywords": ["kultura", "dom kultury", "biblioteka", "dziedzictwo", "tradycja", "świetlica"],
        "institutions": ["{adj_m} Ośrodek Kultury {w}", "{adj_f} Biblioteka Publiczna {w}",
                         "Centrum Kultury {w}"],
    },
    ("Usługi społeczne", "Pomoc społeczna"): {
        "titles": [
            "Asystent rodziny w środowisku zagrożonym wykluczeniem",
            "Dzienny dom pomocy dla osób starszych",
            "Mieszkania chronione dla usamodzielniających się wychowanków",
            "Rodzinne domy dziecka zamiast placówki instytucjonalnej",
            "Klub integracji społecznej dla osób długotrwale bezrobotnych",
            "Teleopieka dla seniorów mieszkających samotnie",
            "Zespół interdyscyplinarny przeciw przemocy w rodzinie",
            "Centrum wolontariatu przy ośrodku pomocy społecznej",
            "Pogotowie rodzinne dla dzieci w sytuacjach kryzysowych",
            "Usługi opiekuńcze świadczone w miejscu zamieszkania",
        ],
        "problems": [
            "Rosła liczba rodzin korzystających z pomocy społecznej, a wsparcie ograniczało się do świadczeń pieniężnych.",
            "Osoby starsze i niepełnosprawne mieszkające samotnie nie miały zapewnionej opieki w ciągu dnia.",
            "Dzieci z rodzin dysfunkcyjnych trafiały do placówek daleko od miejsca zamieszkania.",
        ],
        "goals": [
            "Celem było zastąpienie pomocy doraźnej pracą z całą rodziną.",
            "Chodziło o to, by osoby starsze mogły jak najdłużej pozostać w swoim środowisku.",
            "Założono przeciwdziałanie marginalizacji społecznej i wyprowadzenie rodzin z grup ryzyka.",
        ],
        "actions": [
            "Zatrudniono asystentów rodziny i przeszkolono pracowników socjalnych.",
            "Zaadaptowano budynek na potrzeby dziennego pobytu podopiecznych.",
            "Powołano zespół interdyscyplinarny z udziałem policji, szkół i służby zdrowia.",
            "Nawiązano współpracę z organizacjami pozarządowymi prowadzącymi wolontariat.",
            "Wprowadzono monitoring rodzin zagrożonych wykluczeniem.",
        ],
        "results": [
            "Wsparciem objęto {n} rodzin.",
            "Z usług skorzystało {n} osób starszych i niepełnosprawnych.",
            "Do rodzin biologicznych powróciło {n} dzieci.",
        ],
        "keywords": ["pomoc społeczna", "rodzina", "seniorzy", "wykluczenie społeczne", "piecza zastępcza"],
        "institutions": ["{adj_m} Ośrodek Pomocy Społecznej {w}", "Centrum Usług Społecznych {w}"],
    },
    ("Usługi społeczne", "Oświata"): {
        "titles": [
            "Reorganizacja sieci szkół z zachowaniem jakości nauczania",
            "Dowóz uczniów i świetlice w szkołach wiejskich",
            "Elektroniczny dziennik i platforma dla rodziców",
            "Przedszkola w małych miejscowościach",
            "Program wyrównywania szans edukacyjnych uczniów",
            "Szkoła otwarta po lekcjach",
            "Stypendia dla zdolnych uczniów z gminy",
            "Współpraca szkół zawodowych z lokalnymi pracodawcami",
            "Zarządzanie oświatą oparte na wskaźnikach",
        ],
        "problems": [
            "Wyniki egzaminów uczniów odbiegały od średniej dla województwa.",
            "Malejąca liczba dzieci powodowała, że utrzymanie małych szkół pochłaniało coraz większą część budżetu.",
            "Dzieci z terenów wiejskich miały ograniczony dostęp do wychowania przedszkolnego.",
        ],
        "goals": [
            "Celem była poprawa jakości kształcenia przy racjonalnych kosztach prowadzenia szkół.",
            "Chodziło o wyrównanie szans edukacyjnych dzieci z miasta i wsi.",
            "Założono zwiększenie odsetka dzieci objętych wychowaniem przedszkolnym.",
        ],
        "actions": [
            "Opracowano strategię rozwoju oświaty po konsultacjach z rodzicami i nauczycielami.",
            "Zorganizowano dowóz uczniów i zajęcia pozalekcyjne.",
            "Utworzono punkty przedszkolne w budynkach szkół.",
            "Wprowadzono system monitorowania wyników nauczania.",
            "Doposażono pracownie przedmiotowe w pomoce dydaktyczne.",
        ],
        "results": [
            "Z zajęć dodatkowych skorzystało {n} uczniów.",
            "Wychowaniem przedszkolnym objęto dodatkowo {n} dzieci.",
            "Średni wynik egzaminu wzrósł o {p} punktów procentowych.",
        ],
        "keywords": ["oświata", "szkoła", "przedszkole", "edukacja", "uczniowie"],
        "institutions": ["Zespół Szkół nr 1 {w}", "Szkoła Podstawowa nr 2 {w}",
                         "{adj_m} Zespół Obsługi Oświaty {w}"],
    },
    ("Usługi społeczne", "Ochrona zdrowia"): {
        "titles": [
            "Program profilaktyki raka szyjki macicy",
            "Szczepienia ochronne dla seniorów finansowane przez samorząd",
            "Restrukturyzacja szpitala powiatowego",
            "Profilaktyka wad postawy u dzieci",
            "Gminny program przeciwdziałania uzależnieniom",
            "Rehabilitacja domowa dla osób po udarze",
            "Punkt konsultacyjny dla osób z zaburzeniami psychicznymi",
            "Mobilny gabinet badań przesiewowych",
        ],
        "problems": [
            "Zgłaszalność na badania profilaktyczne była niska, a choroby wykrywano zbyt późno.",
            "Szpital generował zadłużenie, które zagrażało jego dalszemu funkcjonowaniu.",
            "Mieszkańcy małych miejscowości mieli utrudniony dostęp do specjalistów.",
        ],
        "goals": [
            "Celem było wczesne wykrywanie chorób i zmniejszenie umieralności.",
            "Chodziło o zapewnienie mieszkańcom dostępu do świadczeń blisko domu.",
            "Założono oddłużenie i trwałą poprawę sytuacji finansowej placówki.",
        ],
        "actions": [
            "Przeprowadzono kampanię informacyjną w parafiach, szkołach i zakładach pracy.",
            "Sfinansowano badania i szczepienia z budżetu samorządu.",
            "Przekształcono szpital w spółkę i wdrożono plan naprawczy.",
            "Zorganizowano dowóz pacjentów na badania.",
            "Przeszkolono pielęgniarki środowiskowe i lekarzy rodzinnych.",
        ],
        "results": [
            "Badaniami objęto {n} osób.",
            "Zaszczepiono {n} mieszkańców powyżej 65. roku życia.",
            "Zgłaszalność na badania wzrosła o {p} punktów procentowych.",
        ],
        "keywords": ["zdrowie", "profilaktyka", "szpital", "szczepienia", "uzależnienia"],
        "institutions": ["Samodzielny Publiczny Zakład Opieki Zdrowotnej {w}",
                         "{adj_m} Ośrodek Zdrowia {w}"],
    },
    ("Usługi społeczne", "Sport i rekreacja"): {
        "titles": [
            "Orliki jako miejsca zajęć dla dzieci i dorosłych",
            "Sieć ścieżek rowerowych łącząca sołectwa",
            "Animatorzy sportu na osiedlach",
            "Pływalnia dostępna dla szkół i seniorów",
            "Gminna liga sportowa dla amatorów",
            "Siłownie plenerowe w każdej miejscowości",
            "Szlaki nordic walking wokół jeziora",
        ],
        "problems": [
            "Obiekty sportowe stały puste poza godzinami lekcji.",
            "Mieszkańcy nie mieli bezpiecznych miejsc do rekreacji na świeżym powietrzu.",
            "Coraz więcej dzieci miało nadwagę i wady postawy.",
        ],
        "goals": [
            "Celem było upowszechnienie aktywności fizycznej wśród mieszkańców w każdym wieku.",
            "Chodziło o pełne wykorzystanie istniejącej infrastruktury sportowej.",
            "Założono stworzenie sieci bezpiecznych tras rekreacyjnych.",
        ],
        "actions": [
            "Zatrudniono animatorów prowadzących zajęcia popołudniami i w weekendy.",
            "Wybudowano i oznakowano trasy rowerowe oraz miejsca odpoczynku.",
            "Ustalono harmonogram udostępniania obiektów klubom i szkołom.",
            "Zorganizowano cykl zawodów dla amatorów.",
            "Wyposażono boiska w oświetlenie i szatnie.",
        ],
        "results": [
            "Z obiektów korzysta regularnie {n} osób tygodniowo.",
            "Oddano do użytku {c} km tras rowerowych.",
            "W rozgrywkach wzięło udział {n} zawodników.",
        ],
        "keywords": ["sport", "rekreacja", "rower", "boisko", "aktywność fizyczna"],
        "institutions": ["Ośrodek Sportu i Rekreacji {w}", "{adj_m} Centrum Sportu {w}"],
    },
    ("Usługi techniczne",): {
        "titles": [
            "Selektywna zbiórka odpadów u źródła",
            "Budowa kanalizacji sanitarnej w formule partnerstwa publiczno-prywatnego",
            "Zarządzanie drogami gminnymi z użyciem systemu informacji przestrzennej",
            "Modernizacja oczyszczalni ścieków",
            "Punkt selektywnego zbierania odpadów komunalnych",
            "Inteligentny system sterowania ruchem",
            "Przydomowe oczyszczalnie ścieków na terenach o rozproszonej zabudowie",
            "Transport publiczny na żądanie w gminie wiejskiej",
            "Elektroniczna ewidencja sieci wodociągowej",
        ],
        "problems": [
            "Dzikie wysypiska i niska jakość wody w rzekach były problemem od lat.",
            "Sieć wodociągowa była przestarzała, a straty wody przekraczały jedną czwartą produkcji.",
            "Rozproszona zabudowa sprawiała, że budowa sieci kanalizacyjnej była nieopłacalna.",
        ],
        "goals": [
            "Celem było uporządkowanie gospodarki odpadami i ochrona środowiska.",
            "Chodziło o obniżenie kosztów utrzymania infrastruktury technicznej.",
            "Założono zapewnienie wszystkim mieszkańcom dostępu do wody dobrej jakości.",
        ],
        "actions": [
            "Przeprowadzono inwentaryzację sieci i wprowadzono ją do systemu informacji przestrzennej.",
            "Wyposażono gospodarstwa domowe w pojemniki do segregacji.",
            "Wybudowano przydomowe oczyszczalnie ścieków.",
            "Ogłoszono przetarg na operatora i podpisano umowę wieloletnią.",
            "Uruchomiono system zgłaszania awarii przez internet i telefon.",
        ],
        "results": [
            "Ilość odpadów zbieranych selektywnie wzrosła o {p} procent.",
            "Do sieci podłączono {n} gospodarstw domowych.",
            "Straty wody spadły o {p} punktów procentowych.",
        ],
        "keywords": ["odpady", "kanalizacja", "wodociągi", "drogi", "infrastruktura", "transport publiczny"],
        "institutions": ["Przedsiębiorstwo Gospodarki Komunalnej {w}",
                         "Zakład Wodociągów i Kanalizacji {w}", "Zarząd Dróg {w}"],
    },
    ("Rozwój instytucjonalny",): {
        "titles": [
            "Wdrożenie systemu zarządzania jakością ISO 9001 w urzędzie",
            "Elektroniczny obieg dokumentów w urzędzie",
            "Wieloletni plan inwestycyjny jako narzędzie zarządzania",
            "Budżet zadaniowy w samorządzie",
            "Punkt obsługi klienta w jednym okienku",
            "Strategia rozwoju przygotowana z mieszkańcami",
            "Ocena pracowników oparta na celach",
            "Kontrola zarządcza i zarządzanie ryzykiem",
            "Otwarte dane urzędu",
        ],
        "problems": [
            "Mieszkańcy skarżyli się na długi czas załatwiania spraw i odsyłanie między wydziałami.",
            "Planowanie budżetu odbywało się z roku na rok, bez powiązania z celami rozwoju.",
            "Dokumenty krążyły między wydziałami w formie papierowej.",
        ],
        "goals": [
            "Celem było skrócenie czasu obsługi i poprawa jakości usług urzędu.",
            "Chodziło o powiązanie wydatków z mierzalnymi celami.",
            "Założono zwiększenie przejrzystości działania administracji.",
        ],
        "actions": [
            "Opisano procesy i procedury obsługi spraw.",
            "Przeszkolono pracowników i wyznaczono pełnomocnika do spraw jakości.",
            "Wdrożono system elektronicznego zarządzania dokumentacją.",
            "Przygotowano wieloletni plan inwestycyjny z kryteriami wyboru zadań.",
            "Przeprowadzono badanie satysfakcji klientów urzędu.",
        ],
        "results": [
            "Średni czas załatwienia sprawy skrócił się o {p} procent.",
            "W badaniu satysfakcji {p} procent klientów oceniło obsługę dobrze lub bardzo dobrze.",
            "Elektronicznie obsłużono {n} spraw.",
        ],
        "keywords": ["zarządzanie", "urząd", "jakość", "budżet", "e-administracja", "strategia"],
        "institutions": [],
    },
    ("Efektywność energetyczna",): {
        "titles": [
            "Termomodernizacja budynków użyteczności publicznej",
            "Energooszczędne oświetlenie ulic",
            "Kolektory słoneczne na domach mieszkańców",
            "Plan gospodarki niskoemisyjnej",
            "Wymiana pieców węglowych na ekologiczne źródła ciepła",
            "Zarządzanie energią w budynkach gminnych",
            "Biomasa w kotłowni szkolnej",
            "Grupowy zakup energii elektrycznej przez gminy",
        ],
        "problems": [
            "Koszty ogrzewania szkół i urzędów rosły z roku na rok.",
            "Niska emisja z domowych pieców powodowała smog w sezonie grzewczym.",
            "Oświetlenie uliczne pochłaniało dużą część wydatków bieżących.",
        ],
        "goals": [
            "Celem było obniżenie zużycia energii i kosztów utrzymania budynków.",
            "Chodziło o poprawę jakości powietrza.",
            "Założono zwiększenie udziału odnawialnych źródeł energii.",
        ],
        "actions": [
            "Przeprowadzono audyty energetyczne budynków.",
            "Ocieplono ściany i stropy oraz wymieniono stolarkę okienną.",
            "Wymieniono oprawy oświetleniowe na energooszczędne.",
            "Zamontowano instalacje solarne na budynkach prywatnych.",
            "Wprowadzono miesięczny monitoring zużycia mediów.",
        ],
        "results": [
            "Zużycie energii spadło o {p} procent.",
            "Roczne oszczędności wynoszą około {k} tys. zł.",
            "Wymieniono {n} źródeł ciepła.",
        ],
        "keywords": ["energia", "termomodernizacja", "OZE", "oświetlenie", "niska emisja"],
        "institutions": [],
    },
    ("Współpraca JST-NGO",): {
        "titles": [
            "Wieloletni program współpracy z organizacjami pozarządowymi",
            "Inkubator organizacji pozarządowych",
            "Regranting dla inicjatyw lokalnych",
            "Zlecanie usług społecznych organizacjom pozarządowym",
            "Centrum organizacji pozarządowych",
            "Fundusz wkładów własnych dla organizacji",
            "Rada Działalności Pożytku Publicznego",
        ],
        "problems": [
            "Organizacje pozarządowe były słabe i zależne od pojedynczych dotacji.",
            "Współpraca samorządu z organizacjami ograniczała się do corocznego konkursu.",
            "Organizacjom brakowało lokalu i wsparcia w pozyskiwaniu środków.",
        ],
        "goals": [
            "Celem było wzmocnienie organizacji pozarządowych jako partnerów samorządu.",
            "Chodziło o przekazanie części zadań publicznych organizacjom.",
            "Założono zwiększenie udziału mieszkańców w życiu publicznym.",
        ],
        "actions": [
            "Przyjęto wieloletni program współpracy po konsultacjach z organizacjami.",
            "Udostępniono organizacjom lokal i sprzęt biurowy.",
            "Uruchomiono fundusz pożyczkowy na wkład własny do projektów.",
            "Powołano radę działalności pożytku publicznego.",
            "Zorganizowano szkolenia z pisania wniosków i rozliczania dotacji.",
        ],
        "results": [
            "Organizacje zrealizowały {n} zadań publicznych.",
            "Liczba aktywnych organizacji wzrosła do {k}.",
            "Organizacje pozyskały z zewnątrz ponad {k} tys. zł.",
        ],
        "keywords": ["organizacje pozarządowe", "NGO", "współpraca", "dotacje", "wolontariat"],
        "institutions": ["Centrum Organizacji Pozarządowych {w}"],
    },
    ("Współpraca między JST",): {
        "titles": [
            "Wspólna obsługa księgowa szkół kilku gmin",
            "Porozumienie gmin na rzecz transportu zbiorowego",
            "Związek międzygminny do gospodarki odpadami",
            "Wspólna promocja turystyczna gmin regionu",
            "Partnerstwo samorządów w pozyskiwaniu funduszy unijnych",
            "Wspólne zamówienia publiczne gmin powiatu",
        ],
        "problems": [
            "Pojedyncze gminy były zbyt małe, by samodzielnie prowadzić kosztowne zadania.",
            "Każda gmina osobno zamawiała usługi, płacąc wyższe ceny.",
            "Atrakcje turystyczne regionu były promowane w rozproszeniu.",
        ],
        "goals": [
            "Celem było obniżenie kosztów dzięki wspólnej realizacji zadań.",
            "Chodziło o lepszą jakość usług publicznych dla mieszkańców kilku gmin.",
            "Założono wspólne pozyskiwanie środków zewnętrznych.",
        ],
        "actions": [
            "Podpisano porozumienie międzygminne i powołano wspólny zespół.",
            "Przygotowano wspólną specyfikację i przeprowadzono jeden przetarg.",
            "Utworzono związek międzygminny ze wspólnym biurem.",
            "Wydano wspólny przewodnik i uruchomiono portal turystyczny.",
            "Ujednolicono rozkłady jazdy i bilety.",
        ],
        "results": [
            "Gminy zaoszczędziły łącznie {k} tys. zł w skali roku.",
            "Z usługi korzysta {n} mieszkańców {c} gmin.",
            "Pozyskano wspólnie {k} tys. zł dofinansowania.",
        ],
        "keywords": ["współpraca międzygminna", "porozumienie", "związek gmin", "partnerstwo"],
        "institutions": [],
    },
    ("Dialog społeczny",): {
        "titles": [
            "Konsultacje społeczne planu zagospodarowania przestrzennego",
            "Młodzieżowa rada gminy",
            "Budżet obywatelski",
            "Rada seniorów przy burmistrzu",
            "Panel obywatelski w sprawie rewitalizacji",
            "Spotkania sołeckie z udziałem wójta",
            "Internetowa platforma konsultacji",
        ],
        "problems": [
            "Mieszkańcy nie brali udziału w konsultacjach, a decyzje budziły później protesty.",
            "Młodzież i seniorzy nie mieli wpływu na sprawy, które ich dotyczyły.",
            "Informacja o planach samorządu docierała do mieszkańców z opóźnieniem.",
        ],
        "goals": [
            "Celem było włączenie mieszkańców w podejmowanie decyzji.",
            "Chodziło o budowę zaufania między mieszkańcami a samorządem.",
            "Założono, że część budżetu zostanie rozdysponowana przez samych mieszkańców.",
        ],
        "actions": [
            "Przyjęto uchwałę określającą zasady konsultacji.",
            "Zorganizowano spotkania w każdym sołectwie i na osiedlach.",
            "Uruchomiono internetową platformę zgłaszania i głosowania projektów.",
            "Powołano radę z udziałem przedstawicieli mieszkańców.",
            "Wyniki konsultacji opublikowano wraz z odpowiedziami na uwagi.",
        ],
        "results": [
            "W głosowaniu wzięło udział {n} mieszkańców.",
            "Zgłoszono {k} projektów, a najlepiej ocenione zrealizowano w ciągu roku.",
            "W konsultacjach złożono {k} uwag.",
        ],
        "keywords": ["konsultacje społeczne", "partycypacja", "budżet obywatelski", "rada seniorów", "młodzież"],
        "institutions": [],
    },
}

SECTION_HEADINGS = ["Opis sytuacji przed wdrożeniem", "Cele", "Działania",
                    "Rezultaty", "Koszty i źródła finansowania", "Wnioski"]

FUNDS = ["Norweskiego Mechanizmu Finansowego", "Europejskiego Funduszu Społecznego",
         "Regionalnego Programu Operacyjnego", "Europejskiego Funduszu Rozwoju Regionalnego",
         "Narodowego Funduszu Ochrony Środowiska i Gospodarki Wodnej",
         "Programu Rozwoju Obszarów Wiejskich", "budżetu państwa"]

LESSONS = [
    "Kluczowe okazało się zaangażowanie kierownictwa i współpraca między wydziałami.",
    "Rozwiązanie można przenieść do innych samorządów niezależnie od ich wielkości.",
    "Warto od początku zaplanować sposób mierzenia efektów.",
    "Bez udziału mieszkańców na etapie planowania projekt nie odniósłby sukcesu.",
    "Trwałość zapewniło włączenie działań do stałych zadań jednostki.",
]

PARTNERS = [
    "Stowarzyszenie „Razem dla Rozwoju”", "Fundacja Rozwoju Demokracji Lokalnej",
    "Caritas diecezjalna", "Lokalna Grupa Działania", "Ochotnicza Straż Pożarna",
    "Uniwersytet Trzeciego Wieku", "Polski Czerwony Krzyż", "Powiatowy Urząd Pracy",
    "Koło Gospodyń Wiejskich", "Stowarzyszenie Gmin Polska Sieć „Energie Cités”",
    "Polski Komitet Pomocy Społecznej", "Fundacja „Dzieci Niczyje”",
]

FIRST_F = ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Elżbieta",
           "Joanna", "Magdalena", "Monika", "Beata", "Dorota", "Jolanta", "Iwona", "Grażyna"]
FIRST_M = ["Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin",
           "Grzegorz", "Józef", "Marek", "Jerzy", "Zbigniew", "Wojciech", "Łukasz"]
# Surnames as (masculine, feminine).
SURNAMES = [("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
            ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
            ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
            ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
            ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"),
            ("Kwiatkowski", "Kwiatkowska"), ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"),
            ("Grabowski", "Grabowska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"),
            ("Szewczyk", "Szewczyk"), ("Zając", "Zając"), ("Król", "Król"), ("Wieczorek", "Wieczorek")]
ROLES = ["Kierownik ośrodka", "Sekretarz", "Skarbnik", "Inspektor ds. funduszy zewnętrznych",
         "Naczelnik Wydziału Rozwoju", "Dyrektor", "Zastępca dyrektora",
         "Pełnomocnik ds. współpracy z organizacjami pozarządowymi",
         "Koordynator projektu", "Główny specjalista ds. promocji",
         "Wydział Strategii i Rozwoju", "Referat Inwestycji"]
STREETS = ["ul. Mickiewicza", "ul. Kościuszki", "ul. Słowackiego", "ul. Sienkiewicza",
           "ul. 3 Maja", "ul. Piłsudskiego", "ul. Kolejowa", "ul. Szkolna", "ul. Kościelna",
           "ul. Wolności", "Plac Wolności", "Rynek", "ul. Jana Pawła II", "ul. Dworcowa"]

# ---------------------------------------------------------------------------


def ascii_slug(text):
    """'Kędzierzyn-Koźle' -> 'kedzierzyn-kozle'"""
    text = text.replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out, dash = [], False
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def voiv_genitive(v):
    """'kujawsko-pomorskie' -> 'Kujawsko-Pomorskiego'"""
    return "-".join(p[:1].upper() + p[1:] for p in v[:-2].split("-")) + "iego"


class Place:
    """A unit plus what the texts about it need."""

    def __init__(self, unit, voiv, loc, locality, phrase, adj):
        self.unit = unit          # the unit record written out
        self.voiv = voiv          # the VOIVODESHIPS row
        self.loc = loc            # "w Słupsku"
        self.locality = locality  # the town of its office
        self.phrase = phrase      # "W powiecie słupskim"
        self.adj = adj            # adjectives for institution names


ADJ = {
    "gmina_miejska": ("Miejski", "Miejska"),
    "gmina_wiejska": ("Gminny", "Gminna"),
    "gmina_miejsko_wiejska": ("Miejsko-Gminny", "Miejsko-Gminna"),
    "miasto_na_prawach_powiatu": ("Miejski", "Miejska"),
    "powiat_ziemski": ("Powiatowy", "Powiatowa"),
    "wojewodztwo": ("Wojewódzki", "Wojewódzka"),
    "zwiazek_jst": ("Międzygminny", "Międzygminna"),
}


def build_places():
    places = []
    for code, vname, _, _, cities, powiaty in VOIVODESHIPS:
        row = next(v for v in VOIVODESHIPS if v[0] == code)
        capital = cities[0]
        places.append(Place(
            {"teryt": code, "name": vname, "type": "wojewodztwo", "voivodeship": vname,
             "county": None, "population": VOIV_POPULATION[code],
             "population_year": 2021},
            row, "w " + capital[1], capital[0],
            "W województwie " + vname[:-2] + "im", ADJ["wojewodztwo"]))
        for name, loc, tcode, pop in cities:
            places.append(Place(
                {"teryt": tcode, "name": name, "type": "miasto_na_prawach_powiatu",
                 "voivodeship": vname, "county": name, "population": pop,
                 "population_year": 2021, "parent_teryt": code},
                row, "w " + loc, name, "W " + loc, ADJ["miasto_na_prawach_powiatu"]))
        for pcode, pname, seat, seat_loc, pop, gminas in powiaty:
            if pcode not in SKIP_TERYT:
                places.append(Place(
                    {"teryt": pcode, "name": pname, "type": "powiat_ziemski",
                     "voivodeship": vname, "county": pname, "population": pop,
                     "population_year": 2021, "parent_teryt": code},
                    row, "w " + seat_loc, seat, "W powiecie " + pname + "m",
                    ADJ["powiat_ziemski"]))
            for i, (gname, gloc, kind) in enumerate(gminas, start=1):
                gcode = "%s%02d%d" % (pcode, i, kind)
                if gcode in SKIP_TERYT:
                    continue
                gtype = GMINA_TYPES[kind]
                share = {1: 0.25, 2: 0.08, 3: 0.15}[kind]
                phrase = "W " + gloc if kind == 1 else "W gminie " + gname
                places.append(Place(
                    {"teryt": gcode, "name": gname, "type": gtype, "voivodeship": vname,
                     "county": pname, "population": int(pop * share),
                     "population_year": 2021, "parent_teryt": pcode},
                    row, "w " + gloc, gname, phrase, ADJ[gtype]))
    for name, vname, seat, seat_loc in ASSOCIATIONS:
        row = next(v for v in VOIVODESHIPS if v[1] == vname)
        places.append(Place(
            {"teryt": None, "name": name, "type": "zwiazek_jst", "voivodeship": vname,
             "county": None, "population": None, "population_year": None},
            row, "w " + seat_loc, seat, "W gminach należących do związku",
            ADJ["zwiazek_jst"]))
    return places


def office(place):
    """The name of the unit's own office."""
    u = place.unit
    t = u["type"]
    if t == "gmina_wiejska":
        return "Urząd Gminy " + u["name"]
    if t == "powiat_ziemski":
        return "Starostwo Powiatowe " + place.loc
    if t == "wojewodztwo":
        return "Urząd Marszałkowski Województwa " + voiv_genitive(u["voivodeship"])
    if t == "zwiazek_jst":
        return "Biuro " + u["name"].replace("Związek", "Związku", 1)
    return "Urząd Miejski " + place.loc


def domain(place):
    u = place.unit
    slug = ascii_slug(place.locality)
    t = u["type"]
    if t == "powiat_ziemski":
        return "powiat." + ascii_slug(u["name"]) + ".pl"
    if t == "wojewodztwo":
        return ascii_slug(u["name"]) + ".pl"
    if t == "zwiazek_jst":
        return "".join(w[0] for w in ascii_slug(u["name"]).split("-")) + ".org.pl"
    if t == "gmina_wiejska":
        return "ug." + slug + ".pl"
    return "um." + slug + ".pl"


def phone(rng, place):
    area = rng.choice(place.voiv[2])
    return "%s %03d %02d %02d" % (area, rng.randint(200, 899), rng.randint(0, 99),
                                  rng.randint(0, 99))


def person(rng, dom):
    if rng.random() < 0.6:
        first, last = rng.choice(FIRST_F), rng.choice(SURNAMES)[1]
    else:
        first, last = rng.choice(FIRST_M), rng.choice(SURNAMES)[0]
    email = ascii_slug(first)[0] + "." + ascii_slug(last) + "@" + dom
    return first + " " + last, email


def fill(rng, text):
    # Multiples of 5 keep Polish numerals in the genitive plural the
    # sentences are written for ("25 rodzin", never "22 rodzin").
    return text.format(n=5 * rng.randint(3, 500), p=5 * rng.randint(1, 9),
                       k=5 * rng.randint(1, 180), c=rng.randint(2, 12))


def random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def make_practice(rng, place, places_by_voiv, used_titles):
    key = place.unit["teryt"] or place.unit["name"]
    paths = list(CATEGORIES)
    # Social services are the bulk of the original database.
    weights = [3 if len(p) == 2 else 2 for p in paths]
    for _ in range(20):
        path = rng.choices(paths, weights)[0]
        voc = CATEGORIES[path]
        title = rng.choice(voc["titles"])
        if (key, title) not in used_titles:
            break
    else:
        title = title + " – kontynuacja"
    used_titles.add((key, title))
    voc = CATEGORIES[path]
    category_paths = [list(path)]
    if rng.random() < 0.2:
        other = rng.choice([p for p in paths if p != path])
        category_paths.append(list(other))

    phrase = place.phrase
    p1 = " ".join([rng.choice(voc["problems"]), rng.choice(voc["goals"])])
    acts = rng.sample(voc["actions"], 3)
    p2 = phrase + " " + acts[0][0].lower() + acts[0][1:] + " " + " ".join(acts[1:])
    res = rng.sample(voc["results"], 2)
    p3 = " ".join(fill(rng, r) for r in res)
    summary = "\n\n".join([p1, p2, p3] if rng.random() < 0.7 else [p1, p2])

    entered = random_date(rng, datetime.date(2007, 1, 1), datetime.date(2025, 12, 31))
    if entered.year > 2013 and rng.random() < 0.5:  # most entries date from the original site
        entered = random_date(rng, datetime.date(2008, 1, 1), datetime.date(2013, 12, 31))
    revised = None
    if rng.random() < 0.6:
        revised = random_date(rng, entered, min(entered + datetime.timedelta(days=1500),
                                                datetime.date(2025, 12, 31)))

    cost = rng.randint(20, 4000) * 1000
    share = rng.choice([50, 60, 75, 80, 85])
    sections = [
        {"heading": SECTION_HEADINGS[0], "body": rng.choice(voc["problems"])},
        {"heading": SECTION_HEADINGS[1], "body": " ".join(rng.sample(voc["goals"], 2))},
        {"heading": SECTION_HEADINGS[2], "body": " ".join(rng.sample(voc["actions"], 4))},
        {"heading": SECTION_HEADINGS[3], "body": " ".join(fill(rng, r) for r in voc["results"])},
        {"heading": SECTION_HEADINGS[4],
         "body": "Całkowity koszt wyniósł %s zł, z czego %d%% pokryto ze środków %s, "
                 "a resztę z budżetu jednostki." % (
                     format(cost, ",").replace(",", "\u00a0"), share, rng.choice(FUNDS))},
        {"heading": SECTION_HEADINGS[5], "body": " ".join(rng.sample(LESSONS, 2))},
    ]
    if rng.random() < 0.25:
        sections = []  # many legacy records have only the summary

    dom = domain(place)
    street = "%s %d" % (rng.choice(STREETS), rng.randint(1, 60))
    postal = "%s%d-%03d" % (place.voiv[3], rng.randint(0, 9), rng.randint(0, 999))
    inst = office(place)
    if voc["institutions"] and rng.random() < 0.5:
        adj_m, adj_f = place.adj
        inst = rng.choice(voc["institutions"]).format(adj_m=adj_m, adj_f=adj_f, w=place.loc)
    implementer = {
        "name": inst, "street": street, "postal_code": postal,
        "post_office": place.locality, "locality": place.locality,
        "phones": [phone(rng, place) for _ in range(rng.choice([1, 1, 1, 2]))],
        "websites": ["www." + dom],
        "email": rng.choice(["sekretariat", "urzad", "biuro", "info"]) + "@" + dom,
    }
    if rng.random() < 0.4:
        implementer["fax"] = phone(rng, place)
    if rng.random() < 0.2:
        implementer["websites"].append("bip." + dom)

    contacts = []
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        name, email = person(rng, dom)
        contacts.append({"name": name, "role": rng.choice(ROLES),
                         "phones": [phone(rng, place)], "email": email,
                         "public": rng.random() < 0.8})

    status = rng.choices(["published", "draft", "archived"], [85, 10, 5])[0]
    practice = {
        "title": title,
        "status": status,
        "category_paths": category_paths,
        "summary": summary,
        "sections": sections,
        "implementer": implementer,
        "partners": rng.sample(PARTNERS, rng.choice([0, 0, 0, 1, 1, 2])),
        "contacts": contacts,
        "attachments": [],
        "keywords": rng.sample(voc["keywords"], rng.randint(0, 3)),
        "entered_on": entered.isoformat(),
        "revised_on": revised.isoformat() if revised else None,
    }
    if place.unit["teryt"]:
        practice["unit_teryt"] = place.unit["teryt"]
    else:
        practice["unit_name"] = place.unit["name"]
    if path == ("Współpraca między JST",) or rng.random() < 0.08:
        mates = [p for p in places_by_voiv[place.unit["voivodeship"]]
                 if p is not place and p.unit["teryt"]
                 and p.unit["type"] not in ("wojewodztwo",)]
        if mates:
            practice["participant_unit_teryts"] = [
                p.unit["teryt"] for p in rng.sample(mates, min(len(mates), rng.randint(1, 3)))]
    if rng.random() < 0.15:
        practice["attachments"] = [{
            "title": "Prezentacja praktyki",
            "url": "https://www.%s/bdp/praktyka-%d.pdf" % (dom, rng.randint(100, 9999)),
            "media_type": "application/pdf",
            "size_bytes": rng.randint(40_000, 3_000_000)}]
    return practice


def generate(n=200, seed=2008):
    """{"units": [...all demo units, parents first...], "practices": [n practices]}"""
    rng = random.Random(seed)
    places = build_places()
    by_voiv = {}
    for p in places:
        by_voiv.setdefault(p.unit["voivodeship"], []).append(p)
    type_weight = {"gmina_miejska": 6, "gmina_wiejska": 5, "gmina_miejsko_wiejska": 5,
                   "miasto_na_prawach_powiatu": 5, "powiat_ziemski": 5,
                   "wojewodztwo": 2, "zwiazek_jst": 4}
    weights = [type_weight[p.unit["type"]] for p in places]
    used = set()
    practices = [make_practice(rng, rng.choices(places, weights)[0], by_voiv, used)
                 for _ in range(n)]
    return {"units": [p.unit for p in places], "practices": practices}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=200, help="number of practices (200)")
    ap.add_argument("--seed", type=int, default=2008, help="random seed (2008)")
    ap.add_argument("--format", choices=["json", "ndjson"], default="json",
                    help="json: one object with units and practices; ndjson: one "
                         "practice a line (units left out)")
    args = ap.parse_args()
    if args.n < 0:
        ap.error("-n must be >= 0")
    data = generate(args.n, args.seed)
    out = sys.stdout
    if args.format == "ndjson":
        for p in data["practices"]:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
    else:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
