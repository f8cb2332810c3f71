-- Fills a freshly migrated bdp database with benchmark data, set-based:
--
--   psql -X -v ON_ERROR_STOP=1 -v n=100000 -f bench/load-practices.sql "$URL"
--
-- (-v summary_sentences=K makes summaries K sentences long instead of 7.)
--
-- * 296 units that obey the TERYT rules of docs/DESIGN.md: the 16
--   voivodeships, one miasto na prawach powiatu and four powiaty ziemskie in
--   each, three gminy in every powiat (miejska, wiejska, miejsko-wiejska) and
--   eight związki JST without a TERYT code;
-- * :n published practices with ids 1..:n (default 100000): a title, a
--   summary of about 100 words of Polish (7 sentences), 2-3 sections, an implementer with
--   address and contact channels, 0-2 partners, 2-4 keywords, 1-3 categories
--   of the seeded tree, sometimes participating units and an attachment;
-- * 0-2 contact persons per practice, about one in ten not public.
--
-- Everything is derived from the row number with hashint4, so two loads give
-- the same data. The practice table must be empty (the ids are 1..:n so that
-- bench/random-id.lua hits a document every time). Triggers are off while
-- loading (a contact insert would otherwise update its practice once per
-- contact); the change log gets one "upsert" row per created record instead.

\if :{?n}
\else
\set n 100000
\endif
\if :{?summary_sentences}
\else
\set summary_sentences 7
\endif

\set QUIET on
BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL work_mem = '64MB';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM practice) THEN
        RAISE EXCEPTION 'bench/load-practices.sql wants an empty practice table';
    END IF;
END $$;

-- A number in 0..2^31-1 from a row number and a salt.
CREATE FUNCTION pg_temp.h(i integer, salt integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    RETURN hashint4(i * 7919 + salt) & 2147483647;

-- ASCII slug for e-mail and web addresses: "Kędzierzyn-Koźle" -> "kedzierzyn-kozle".
CREATE FUNCTION pg_temp.ascii_slug(s text) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN trim(BOTH '-' FROM regexp_replace(lower(translate(s,
        'ĄĆĘŁŃÓŚŹŻąćęłńóśźż', 'ACELNOSZZacelnoszz')), '[^a-z0-9]+', '-', 'g'));

-- Voivodeships: code, name, capital (a miasto na prawach powiatu), its code,
-- genitive for "Urząd Miasta ...", population of the voivodeship and capital.
CREATE TEMP TABLE bench_v (code text, name text, capital text, city_code text,
                           capital_gen text, pop integer, city_pop integer) ON COMMIT DROP;
INSERT INTO bench_v VALUES
    ('02', 'dolnośląskie', 'Wrocław', '0264', 'Wrocławia', 2891321, 674132),
    ('04', 'kujawsko-pomorskie', 'Bydgoszcz', '0461', 'Bydgoszczy', 2061942, 337666),
    ('06', 'lubelskie', 'Lublin', '0663', 'Lublina', 2095258, 334681),
    ('08', 'lubuskie', 'Gorzów Wielkopolski', '0861', 'Gorzowa Wielkopolskiego', 1007145, 119295),
    ('10', 'łódzkie', 'Łódź', '1061', 'Łodzi', 2416902, 658444),
    ('12', 'małopolskie', 'Kraków', '1261', 'Krakowa', 3432295, 800653),
    ('14', 'mazowieckie', 'Warszawa', '1465', 'Stołecznego Warszawy', 5514699, 1861975),
    ('16', 'opolskie', 'Opole', '1661', 'Opola', 954133, 127387),
    ('18', 'podkarpackie', 'Rzeszów', '1863', 'Rzeszowa', 2093487, 196638),
    ('20', 'podlaskie', 'Białystok', '2061', 'Białegostoku', 1154283, 294242),
    ('22', 'pomorskie', 'Gdańsk', '2261', 'Gdańska', 2357320, 486022),
    ('24', 'śląskie', 'Katowice', '2469', 'Katowic', 4375947, 285711),
    ('26', 'świętokrzyskie', 'Kielce', '2661', 'Kielc', 1185787, 187918),
    ('28', 'warmińsko-mazurskie', 'Olsztyn', '2862', 'Olsztyna', 1384788, 170225),
    ('30', 'wielkopolskie', 'Poznań', '3064', 'Poznania', 3496450, 541316),
    ('32', 'zachodniopomorskie', 'Szczecin', '3262', 'Szczecina', 1650407, 391566);

-- Powiaty ziemskie, four per voivodeship: name, seat, seat in the locative
-- ("Starostwo Powiatowe w ..."), and a town for the gmina miejsko-wiejska.
CREATE TEMP TABLE bench_p (vcode text, num integer, name text, seat text, seat_loc text,
                           town text) ON COMMIT DROP;
INSERT INTO bench_p VALUES
    ('02', 1, 'bolesławiecki', 'Bolesławiec', 'Bolesławcu', 'Nowogrodziec'),
    ('02', 2, 'dzierżoniowski', 'Dzierżoniów', 'Dzierżoniowie', 'Niemcza'),
    ('02', 3, 'głogowski', 'Głogów', 'Głogowie', 'Kotla'),
    ('02', 4, 'jeleniogórski', 'Jelenia Góra', 'Jeleniej Górze', 'Szklarska Poręba'),
    ('04', 1, 'aleksandrowski', 'Aleksandrów Kujawski', 'Aleksandrowie Kujawskim', 'Nieszawa'),
    ('04', 2, 'brodnicki', 'Brodnica', 'Brodnicy', 'Górzno'),
    ('04', 3, 'bydgoski', 'Bydgoszcz', 'Bydgoszczy', 'Koronowo'),
    ('04', 4, 'chełmiński', 'Chełmno', 'Chełmnie', 'Kowalewo Pomorskie'),
    ('06', 1, 'bialski', 'Biała Podlaska', 'Białej Podlaskiej', 'Łosice'),
    ('06', 2, 'biłgorajski', 'Biłgoraj', 'Biłgoraju', 'Tarnogród'),
    ('06', 3, 'chełmski', 'Chełm', 'Chełmie', 'Rejowiec'),
    ('06', 4, 'hrubieszowski', 'Hrubieszów', 'Hrubieszowie', 'Dołhobyczów'),
    ('08', 1, 'gorzowski', 'Gorzów Wielkopolski', 'Gorzowie Wielkopolskim', 'Kostrzyn nad Odrą'),
    ('08', 2, 'krośnieński', 'Krosno Odrzańskie', 'Krośnie Odrzańskim', 'Gubin'),
    ('08', 3, 'międzyrzecki', 'Międzyrzecz', 'Międzyrzeczu', 'Skwierzyna'),
    ('08', 4, 'nowosolski', 'Nowa Sól', 'Nowej Soli', 'Kożuchów'),
    ('10', 1, 'bełchatowski', 'Bełchatów', 'Bełchatowie', 'Zelów'),
    ('10', 2, 'kutnowski', 'Kutno', 'Kutnie', 'Żychlin'),
    ('10', 3, 'łaski', 'Łask', 'Łasku', 'Sędziejowice'),
    ('10', 4, 'łęczycki', 'Łęczyca', 'Łęczycy', 'Grabów'),
    ('12', 1, 'bocheński', 'Bochnia', 'Bochni', 'Nowy Wiśnicz'),
    ('12', 2, 'brzeski', 'Brzesko', 'Brzesku', 'Czchów'),
    ('12', 3, 'chrzanowski', 'Chrzanów', 'Chrzanowie', 'Trzebinia'),
    ('12', 4, 'dąbrowski', 'Dąbrowa Tarnowska', 'Dąbrowie Tarnowskiej', 'Szczucin'),
    ('14', 1, 'białobrzeski', 'Białobrzegi', 'Białobrzegach', 'Wyśmierzyce'),
    ('14', 2, 'ciechanowski', 'Ciechanów', 'Ciechanowie', 'Glinojeck'),
    ('14', 3, 'garwoliński', 'Garwolin', 'Garwolinie', 'Łaskarzew'),
    ('14', 4, 'gostyniński', 'Gostynin', 'Gostyninie', 'Sanniki'),
    ('16', 1, 'brzeski', 'Brzeg', 'Brzegu', 'Lewin Brzeski'),
    ('16', 2, 'głubczycki', 'Głubczyce', 'Głubczycach', 'Baborów'),
    ('16', 3, 'kędzierzyńsko-kozielski', 'Kędzierzyn-Koźle', 'Kędzierzynie-Koźlu', 'Reńska Wieś'),
    ('16', 4, 'kluczborski', 'Kluczbork', 'Kluczborku', 'Byczyna'),
    ('18', 1, 'bieszczadzki', 'Ustrzyki Dolne', 'Ustrzykach Dolnych', 'Lutowiska'),
    ('18', 2, 'brzozowski', 'Brzozów', 'Brzozowie', 'Jasienica Rosielna'),
    ('18', 3, 'dębicki', 'Dębica', 'Dębicy', 'Pilzno'),
    ('18', 4, 'jarosławski', 'Jarosław', 'Jarosławiu', 'Radymno'),
    ('20', 1, 'augustowski', 'Augustów', 'Augustowie', 'Lipsk'),
    ('20', 2, 'białostocki', 'Białystok', 'Białymstoku', 'Supraśl'),
    ('20', 3, 'bielski', 'Bielsk Podlaski', 'Bielsku Podlaskim', 'Brańsk'),
    ('20', 4, 'grajewski', 'Grajewo', 'Grajewie', 'Szczuczyn'),
    ('22', 1, 'bytowski', 'Bytów', 'Bytowie', 'Miastko'),
    ('22', 2, 'chojnicki', 'Chojnice', 'Chojnicach', 'Brusy'),
    ('22', 3, 'człuchowski', 'Człuchów', 'Człuchowie', 'Debrzno'),
    ('22', 4, 'słupski', 'Słupsk', 'Słupsku', 'Kępice'),
    ('24', 1, 'będziński', 'Będzin', 'Będzinie', 'Wojkowice'),
    ('24', 2, 'bielski', 'Bielsko-Biała', 'Bielsku-Białej', 'Szczyrk'),
    ('24', 3, 'cieszyński', 'Cieszyn', 'Cieszynie', 'Skoczów'),
    ('24', 4, 'częstochowski', 'Częstochowa', 'Częstochowie', 'Koniecpol'),
    ('26', 1, 'buski', 'Busko-Zdrój', 'Busku-Zdroju', 'Stopnica'),
    ('26', 2, 'jędrzejowski', 'Jędrzejów', 'Jędrzejowie', 'Sędziszów'),
    ('26', 3, 'kazimierski', 'Kazimierza Wielka', 'Kazimierzy Wielkiej', 'Opatowiec'),
    ('26', 4, 'kielecki', 'Kielce', 'Kielcach', 'Chęciny'),
    ('28', 1, 'bartoszycki', 'Bartoszyce', 'Bartoszycach', 'Sępopol'),
    ('28', 2, 'braniewski', 'Braniewo', 'Braniewie', 'Frombork'),
    ('28', 3, 'działdowski', 'Działdowo', 'Działdowie', 'Lidzbark'),
    ('28', 4, 'elbląski', 'Elbląg', 'Elblągu', 'Tolkmicko'),
    ('30', 1, 'chodzieski', 'Chodzież', 'Chodzieży', 'Margonin'),
    ('30', 2, 'czarnkowsko-trzcianecki', 'Czarnków', 'Czarnkowie', 'Krzyż Wielkopolski'),
    ('30', 3, 'gnieźnieński', 'Gniezno', 'Gnieźnie', 'Kłecko'),
    ('30', 4, 'gostyński', 'Gostyń', 'Gostyniu', 'Borek Wielkopolski'),
    ('32', 1, 'białogardzki', 'Białogard', 'Białogardzie', 'Karlino'),
    ('32', 2, 'choszczeński', 'Choszczno', 'Choszcznie', 'Pełczyce'),
    ('32', 3, 'drawski', 'Drawsko Pomorskie', 'Drawsku Pomorskim', 'Kalisz Pomorski'),
    ('32', 4, 'goleniowski', 'Goleniów', 'Goleniowie', 'Nowogard');

-- The units with their offices; ord numbers them, id = base + ord.
CREATE TEMP TABLE bench_u (
    ord serial, teryt text, name text, type text, voivodeship text, county text,
    population integer, parent_teryt text, office text, locality text, area_code text
) ON COMMIT DROP;

-- Telephone area code per voivodeship (the capital's).
CREATE TEMP TABLE bench_area (vcode text, code text) ON COMMIT DROP;
INSERT INTO bench_area VALUES ('02', '71'), ('04', '52'), ('06', '81'), ('08', '95'),
    ('10', '42'), ('12', '12'), ('14', '22'), ('16', '77'), ('18', '17'), ('20', '85'),
    ('22', '58'), ('24', '32'), ('26', '41'), ('28', '89'), ('30', '61'), ('32', '91');

INSERT INTO bench_u (teryt, name, type, voivodeship, county, population, parent_teryt,
                     office, locality, area_code)
SELECT v.code, v.name, 'wojewodztwo', v.name, NULL, v.pop, NULL,
       'Urząd Marszałkowski Województwa ' || regexp_replace(initcap(v.name), 'e$', 'ego'),
       v.capital, a.code
FROM bench_v v JOIN bench_area a ON a.vcode = v.code
ORDER BY v.code;

INSERT INTO bench_u (teryt, name, type, voivodeship, county, population, parent_teryt,
                     office, locality, area_code)
SELECT v.city_code, v.capital, 'miasto_na_prawach_powiatu', v.name, v.capital, v.city_pop,
       v.code, 'Urząd Miasta ' || v.capital_gen, v.capital, a.code
FROM bench_v v JOIN bench_area a ON a.vcode = v.code
ORDER BY v.code;

INSERT INTO bench_u (teryt, name, type, voivodeship, county, population, parent_teryt,
                     office, locality, area_code)
SELECT p.vcode || lpad(p.num::text, 2, '0'), p.name, 'powiat_ziemski', v.name, p.name,
       40000 + pg_temp.h(p.num, ascii(p.name)) % 160000, p.vcode,
       'Starostwo Powiatowe w ' || p.seat_loc, p.seat, a.code
FROM bench_p p JOIN bench_v v ON v.code = p.vcode JOIN bench_area a ON a.vcode = p.vcode
ORDER BY p.vcode, p.num;

-- Three gminy per powiat: TERYT = powiat (4) + gmina number (2) + kind (1).
INSERT INTO bench_u (teryt, name, type, voivodeship, county, population, parent_teryt,
                     office, locality, area_code)
SELECT p.vcode || lpad(p.num::text, 2, '0') || '0' || k.n || k.n,
       CASE k.n WHEN 3 THEN p.town ELSE p.seat END,
       k.type, v.name, p.name,
       CASE k.n WHEN 1 THEN 15000 + pg_temp.h(p.num * 3 + k.n, ascii(p.seat)) % 60000
                ELSE 3000 + pg_temp.h(p.num * 3 + k.n, ascii(p.seat)) % 20000 END,
       p.vcode || lpad(p.num::text, 2, '0'),
       CASE k.n WHEN 1 THEN 'Urząd Miejski w ' || p.seat_loc
                WHEN 2 THEN 'Urząd Gminy ' || p.seat
                ELSE 'Urząd Miasta i Gminy ' || p.town END,
       CASE k.n WHEN 3 THEN p.town ELSE p.seat END, a.code
FROM bench_p p JOIN bench_v v ON v.code = p.vcode JOIN bench_area a ON a.vcode = p.vcode,
     (VALUES (1, 'gmina_miejska'), (2, 'gmina_wiejska'), (3, 'gmina_miejsko_wiejska')) k (n, type)
ORDER BY p.vcode, p.num, k.n;

INSERT INTO bench_u (teryt, name, type, voivodeship, county, population, parent_teryt,
                     office, locality, area_code)
SELECT NULL, z.name, 'zwiazek_jst', z.voiv, NULL, z.pop, NULL, z.name, z.locality, a.code
FROM (VALUES
    ('Związek Gmin Pomorskich', 'pomorskie', 'Gdańsk', 412000),
    ('Międzygminny Związek „Czysty Region”', 'śląskie', 'Będzin', 238000),
    ('Związek Gmin Dolnej Odry', 'zachodniopomorskie', 'Goleniów', 96000),
    ('Związek Gmin Wiejskich Województwa Opolskiego', 'opolskie', 'Opole', 187000),
    ('Związek Komunalny „Komunikacja Międzygminna”', 'mazowieckie', 'Garwolin', 64000),
    ('Związek Gmin Jurajskich', 'śląskie', 'Częstochowa', 121000),
    ('Związek Gmin „Czyste Środowisko”', 'warmińsko-mazurskie', 'Olsztyn', 143000),
    ('Związek Gmin Ziemi Chełmińskiej', 'kujawsko-pomorskie', 'Chełmno', 52000)
) z (name, voiv, locality, pop)
JOIN bench_v v ON v.name = z.voiv JOIN bench_area a ON a.vcode = v.code;

CREATE TEMP TABLE bench_base ON COMMIT DROP AS
SELECT coalesce((SELECT max(id) FROM unit), 0) AS unit_base,
       (SELECT count(*)::integer FROM bench_u) AS n_units;

INSERT INTO unit (id, teryt, name, type, voivodeship, county, population, population_year,
                  parent_id, created_at, updated_at)
SELECT b.unit_base + u.ord, u.teryt, u.name, u.type, u.voivodeship, u.county, u.population,
       2021, b.unit_base + parent.ord, now() - interval '400 days', now() - interval '400 days'
FROM bench_u u CROSS JOIN bench_base b
LEFT JOIN bench_u parent ON parent.teryt = u.parent_teryt
ORDER BY u.ord;
SELECT setval(pg_get_serial_sequence('unit', 'id'), (SELECT max(id) FROM unit)) AS unit_seq \gset

-- Word stock. A summary is 7 different sentences of about 14 words each.
CREATE TEMP TABLE bench_w ON COMMIT DROP AS SELECT
ARRAY[
  'Projekt powstał z inicjatywy mieszkańców, którzy od lat zgłaszali potrzebę lepszej organizacji usług publicznych w gminie.',
  'Samorząd przeprowadził diagnozę potrzeb, w której udział wzięli przedstawiciele szkół, ośrodków pomocy społecznej i organizacji pozarządowych.',
  'W ramach przedsięwzięcia utworzono zespół interdyscyplinarny, który koordynuje działania instytucji pracujących z rodzinami wymagającymi wsparcia.',
  'Najważniejszym celem było podniesienie jakości usług przy jednoczesnym ograniczeniu kosztów ponoszonych co roku przez budżet jednostki.',
  'Dzięki współpracy z sąsiednimi gminami udało się wspólnie sfinansować inwestycję, na którą żadna z nich osobno nie byłaby stać.',
  'Mieszkańcy mogą teraz załatwić większość spraw urzędowych przez internet, bez konieczności wielokrotnego odwiedzania urzędu w godzinach pracy.',
  'Wprowadzono przejrzyste zasady przyznawania dotacji organizacjom pozarządowym oraz regularne konsultacje społeczne projektów uchwał rady gminy.',
  'Rozwiązanie przyczyniło się do wyraźnego zmniejszenia liczby dzieci umieszczanych w placówkach opiekuńczych poza swoim środowiskiem rodzinnym.',
  'Modernizacja oświetlenia ulicznego i termomodernizacja budynków użyteczności publicznej obniżyły zużycie energii o blisko jedną trzecią.',
  'Praktyka jest łatwa do powtórzenia w innych jednostkach, ponieważ nie wymaga dużych nakładów finansowych ani specjalistycznego sprzętu.',
  'Kluczowe okazało się zaangażowanie pracowników urzędu, którzy przeszli szkolenia z zarządzania projektami i obsługi klienta.',
  'Powstała sieć świetlic środowiskowych, w których dzieci i młodzież mogą spędzać czas po lekcjach pod opieką wykwalifikowanych wychowawców.',
  'Gmina pozyskała środki z funduszy europejskich, a wkład własny zabezpieczono w wieloletniej prognozie finansowej na kolejne lata.',
  'Regularne badania satysfakcji klientów pokazują, że mieszkańcy coraz lepiej oceniają pracę urzędu i dostępność oferowanych usług.',
  'Seniorzy zyskali dostęp do zajęć ruchowych, kursów komputerowych oraz pomocy sąsiedzkiej organizowanej przez lokalnych wolontariuszy.',
  'Wspólny system gospodarki odpadami objął kilkanaście gmin i pozwolił znacząco podnieść poziom recyklingu w całym regionie.',
  'Budżet obywatelski sprawił, że mieszkańcy sami decydują o części wydatków, a frekwencja w głosowaniu rośnie z roku na rok.',
  'Przed wdrożeniem zmian czas oczekiwania na decyzję administracyjną wynosił kilka tygodni, obecnie sprawy załatwiane są w kilka dni.',
  'Szkoły prowadzone przez samorząd wprowadziły wspólny program zajęć wyrównawczych oraz doradztwa zawodowego dla uczniów starszych klas.',
  'Partnerstwo z lokalnymi przedsiębiorcami umożliwiło stworzenie nowych miejsc pracy dla osób długotrwale bezrobotnych i niepełnosprawnych.',
  'Przychodnie i szpital powiatowy uruchomiły wspólny program profilaktyki chorób układu krążenia skierowany do mieszkańców terenów wiejskich.',
  'Efekty przedsięwzięcia są monitorowane za pomocą prostych wskaźników publikowanych co roku w raporcie o stanie gminy.',
  'Organizacje pozarządowe przejęły prowadzenie części zadań publicznych, co zwiększyło ich elastyczność i bliskość wobec odbiorców.',
  'Nowy rozkład jazdy komunikacji międzygminnej lepiej odpowiada potrzebom uczniów i osób dojeżdżających do pracy w mieście powiatowym.',
  'Rada gminy przyjęła wieloletni program współpracy, który określa priorytety, tryb konsultacji i sposób oceny realizowanych zadań.',
  'W pierwszym roku działania ze wsparcia skorzystało ponad trzysta rodzin, a liczba interwencji kryzysowych wyraźnie spadła.',
  'Pracownicy socjalni zamiast wypłacać zasiłki coraz częściej prowadzą pracę środowiskową i pomagają rodzinom odzyskać samodzielność.',
  'Dokumentacja projektu, wzory umów i regulaminy są udostępniane nieodpłatnie innym samorządom zainteresowanym podobnym rozwiązaniem.',
  'Inwestycja została zrealizowana zgodnie z harmonogramem i bez przekroczenia zaplanowanego budżetu dzięki starannemu przygotowaniu przetargu.',
  'Sukces przedsięwzięcia zachęcił sąsiednie powiaty do przystąpienia do partnerstwa w kolejnej edycji programu.'
]::text[] AS sent,
ARRAY['Opis sytuacji przed wdrożeniem', 'Cele', 'Rezultaty', 'Koszty i źródła finansowania',
      'Wnioski']::text[] AS heading,
ARRAY[
  ARRAY['Brakowało koordynacji między instytucjami, a mieszkańcy skarżyli się na długi czas oczekiwania.',
        'Jednostka borykała się z rosnącymi kosztami utrzymania przestarzałej infrastruktury.',
        'Usługa była dostępna tylko w mieście, więc mieszkańcy wsi musieli dojeżdżać kilkadziesiąt kilometrów.',
        'Dane o potrzebach mieszkańców były rozproszone i nikt nie analizował ich w całości.'],
  ARRAY['Poprawa dostępności i jakości usług oraz obniżenie kosztów ich świadczenia.',
        'Wsparcie rodzin w kryzysie i zapobieganie wykluczeniu społecznemu.',
        'Zwiększenie udziału mieszkańców w podejmowaniu decyzji dotyczących gminy.',
        'Ograniczenie zużycia energii i emisji zanieczyszczeń w budynkach publicznych.'],
  ARRAY['Czas załatwienia sprawy skrócił się o połowę, a oceny mieszkańców wyraźnie wzrosły.',
        'Roczne oszczędności sięgają kilkuset tysięcy złotych i są przeznaczane na nowe zadania.',
        'Z nowych usług korzysta co miesiąc kilkaset osób, w tym wiele rodzin z dziećmi.',
        'Do partnerstwa przystąpiły kolejne gminy, a rozwiązanie stało się standardem w regionie.'],
  ARRAY['Całkowity koszt wyniósł około 450 tys. zł, z czego 85% pokryło dofinansowanie unijne.',
        'Przedsięwzięcie sfinansowano z budżetu gminy oraz z dotacji Norweskiego Mechanizmu Finansowego.',
        'Koszty osobowe pokrywa budżet powiatu, a wyposażenie zakupiono ze środków sponsorów.',
        'Roczny koszt utrzymania to około 120 tys. zł, dzielone proporcjonalnie między gminy partnerskie.'],
  ARRAY['Najważniejsze jest wczesne włączenie mieszkańców i pracowników w przygotowanie zmian.',
        'Warto zacząć od małego pilotażu i rozszerzać rozwiązanie w miarę zdobywania doświadczeń.',
        'Współpraca z organizacjami pozarządowymi wymaga jasnych zasad i stałego kontaktu.',
        'Bez poparcia rady i wójta trudno byłoby utrzymać przedsięwzięcie po zakończeniu dofinansowania.']
]::text[] AS body,
ARRAY['Przekształcenie', 'Modernizacja', 'Wprowadzenie', 'Utworzenie', 'Rozwój', 'Integracja',
      'Reorganizacja', 'Cyfryzacja', 'Wspólne prowadzenie', 'Usprawnienie', 'Partnerski model',
      'Program wsparcia']::text[] AS act,
ARRAY['systemu pieczy zastępczej', 'oświetlenia ulicznego', 'obsługi mieszkańców w urzędzie',
      'sieci świetlic środowiskowych', 'gospodarki odpadami komunalnymi', 'komunikacji międzygminnej',
      'opieki nad osobami starszymi', 'budżetu obywatelskiego', 'zajęć pozalekcyjnych w szkołach',
      'profilaktyki zdrowotnej', 'współpracy z organizacjami pozarządowymi', 'termomodernizacji szkół',
      'domu dziecka jako instytucji opiekuńczej', 'centrum integracji społecznej',
      'rodzinnych domów pomocy', 'elektronicznego obiegu dokumentów', 'infrastruktury sportowej',
      'konsultacji społecznych', 'zarządzania oświatą', 'poradnictwa dla rodzin']::text[] AS obj,
ARRAY['w gminie wiejskiej', 'w mieście średniej wielkości', 'we współpracy z sąsiednimi gminami',
      'z udziałem mieszkańców', 'przy wsparciu organizacji pozarządowych', 'na obszarach wiejskich',
      'dla seniorów i osób niepełnosprawnych', 'dla dzieci i młodzieży', 'w powiecie',
      'bez dodatkowych kosztów dla budżetu']::text[] AS ctx,
ARRAY['pomoc społeczna', 'rodzina', 'piecza zastępcza', 'dzieci', 'seniorzy', 'oświata',
      'e-administracja', 'partycypacja', 'budżet obywatelski', 'efektywność energetyczna',
      'odpady', 'transport publiczny', 'zdrowie', 'sport', 'kultura', 'NGO', 'współpraca JST',
      'fundusze UE', 'zatrudnienie', 'niepełnosprawność', 'mieszkalnictwo', 'bezpieczeństwo',
      'konsultacje', 'obsługa klienta', 'inwestycje', 'rewitalizacja', 'środowisko',
      'turystyka', 'wolontariat', 'profilaktyka']::text[] AS kw,
ARRAY['Towarzystwo „Nasz Dom”', 'Stowarzyszenie na Rzecz Rozwoju Gminy',
      'Fundacja Rozwoju Demokracji Lokalnej', 'Caritas Diecezji', 'Polski Czerwony Krzyż',
      'Lokalna Grupa Działania', 'Ochotnicza Straż Pożarna', 'Uniwersytet Trzeciego Wieku',
      'Powiatowy Urząd Pracy', 'Związek Harcerstwa Polskiego', 'Koło Gospodyń Wiejskich',
      'Stowarzyszenie Rodzin Zastępczych', 'Parafia rzymskokatolicka',
      'Izba Rzemieślnicza', 'Fundacja Wspierania Inicjatyw Lokalnych']::text[] AS partner,
ARRAY['Gminny Ośrodek Pomocy Społecznej', 'Miejski Ośrodek Pomocy Społecznej',
      'Powiatowe Centrum Pomocy Rodzinie', 'Gminny Ośrodek Kultury', 'Zespół Szkół',
      'Ośrodek Sportu i Rekreacji', 'Zakład Gospodarki Komunalnej',
      'Samodzielny Publiczny Zakład Opieki Zdrowotnej']::text[] AS inst,
ARRAY['ul. Szarych Szeregów', 'ul. Kościuszki', 'ul. Mickiewicza', 'ul. Wolności',
      'ul. Sienkiewicza', 'Plac Ratuszowy', 'Rynek', 'ul. 3 Maja', 'ul. Armii Krajowej',
      'ul. Kolejowa', 'ul. Piłsudskiego', 'ul. Jana Pawła II']::text[] AS street,
ARRAY['Anna', 'Maria', 'Katarzyna', 'Małgorzata', 'Agnieszka', 'Barbara', 'Ewa', 'Iwona',
      'Joanna', 'Beata', 'Elżbieta', 'Magdalena']::text[] AS fname_f,
ARRAY['Piotr', 'Krzysztof', 'Andrzej', 'Tomasz', 'Paweł', 'Marek', 'Jan', 'Michał',
      'Grzegorz', 'Józef', 'Łukasz', 'Stanisław']::text[] AS fname_m,
ARRAY['Nowak', 'Wójcik', 'Kowalczyk', 'Woźniak', 'Mazur', 'Krawczyk', 'Zając', 'Król',
      'Wieczorek', 'Jabłoński', 'Niemasz', 'Dudek', 'Kamiński', 'Lewandowski', 'Zieliński',
      'Szymański']::text[] AS lname,
ARRAY['Dyrektor', 'Kierownik', 'Koordynator projektu', 'Główny specjalista',
      'Inspektor', 'Sekretarz gminy', 'Zastępca wójta', 'Pełnomocnik ds. współpracy z NGO']::text[]
    AS role;

-- Leaf categories of the seeded tree (areas without sub-areas, and sub-areas).
CREATE TEMP TABLE bench_cat ON COMMIT DROP AS
SELECT array_agg(c.id ORDER BY c.id) AS ids
FROM category c WHERE NOT EXISTS (SELECT 1 FROM category s WHERE s.parent_id = c.id);

-- One row per practice with the choices that several columns share.
CREATE TEMP TABLE bench_pr ON COMMIT DROP AS
SELECT i, 1 + pg_temp.h(i, 1) % b.n_units AS uo,
       date '2008-01-07' + pg_temp.h(i, 2) % 2900 AS entered_on,
       pg_temp.h(i, 3) AS r3, pg_temp.h(i, 4) AS r4, pg_temp.h(i, 5) AS r5
FROM generate_series(1, :n) i CROSS JOIN bench_base b;

INSERT INTO practice (id, title, status, unit_id, summary, sections, implementer, partners,
                      attachments, keywords, entered_on, revised_on, source, external_id,
                      version, created_at, updated_at)
SELECT
    g.i,
    w.act[1 + g.r3 % cardinality(w.act)] || ' ' || w.obj[1 + g.r4 % cardinality(w.obj)]
        || ' ' || w.ctx[1 + g.r5 % cardinality(w.ctx)],
    'published',
    b.unit_base + u.ord,
    (SELECT string_agg(w.sent[1 + (g.r5 + k * (ARRAY[1, 7, 11, 13, 17, 19, 23, 29])[1 + g.r3 % 8])
                              % cardinality(w.sent)], ' ' ORDER BY k)
     FROM generate_series(1, :summary_sentences) k),
    (SELECT jsonb_agg(jsonb_build_object(
                'heading', w.heading[s],
                'body', w.body[s][1 + pg_temp.h(g.i, 200 + s) % 4])
            ORDER BY s)
     FROM unnest(CASE WHEN g.r3 % 3 = 0 THEN ARRAY[1, 3] WHEN g.r3 % 3 = 1 THEN ARRAY[1, 2, 3]
                      ELSE ARRAY[1, 3, 4] END) s),
    jsonb_build_object(
        'name', CASE WHEN g.r4 % 5 = 0
                     THEN w.inst[1 + g.r5 % cardinality(w.inst)] || ' w ' || u.locality
                     ELSE u.office END,
        'street', w.street[1 + g.r5 % cardinality(w.street)] || ' ' || (1 + g.r3 % 60),
        'postal_code', lpad((10 + g.r4 % 89)::text, 2, '0') || '-'
                       || lpad((g.r5 % 1000)::text, 3, '0'),
        'post_office', u.locality,
        'locality', u.locality,
        'phones', CASE WHEN g.r3 % 4 = 0
                       THEN jsonb_build_array(
                                u.area_code || ' ' || (100 + g.r4 % 900) || '-'
                                    || lpad((g.r5 % 100)::text, 2, '0') || '-00',
                                u.area_code || ' ' || (100 + g.r5 % 900) || '-'
                                    || lpad((g.r4 % 100)::text, 2, '0') || '-11')
                       ELSE jsonb_build_array(
                                u.area_code || ' ' || (100 + g.r4 % 900) || '-'
                                    || lpad((g.r5 % 100)::text, 2, '0') || '-00') END,
        'fax', CASE WHEN g.r5 % 2 = 0
                    THEN u.area_code || ' ' || (100 + g.r4 % 900) || '-'
                         || lpad((g.r5 % 100)::text, 2, '0') || '-01' END,
        'websites', jsonb_build_array('www.' || pg_temp.ascii_slug(u.locality) || '.pl'),
        'email', 'urzad@' || pg_temp.ascii_slug(u.locality) || '.pl'),
    (SELECT coalesce(jsonb_agg(w.partner[1 + (g.r4 + k * 5) % cardinality(w.partner)]
                               ORDER BY k), '[]')
     FROM generate_series(1, g.r4 % 3) k),
    CASE WHEN g.r5 % 10 = 0
         THEN jsonb_build_array(jsonb_build_object(
                  'title', 'Prezentacja praktyki',
                  'url', 'https://www.dobrepraktyki.pl/zalaczniki/' || g.i || '.pdf',
                  'media_type', 'application/pdf',
                  'size_bytes', 20000 + g.r3 % 2000000))
         ELSE '[]' END,
    (SELECT jsonb_agg(w.kw[1 + (g.r5 + k * 7) % cardinality(w.kw)] ORDER BY k)
     FROM generate_series(1, 2 + g.r3 % 3) k),
    g.entered_on,
    CASE WHEN g.r4 % 3 <> 0 THEN g.entered_on + 30 + g.r5 % 1200 END,
    CASE WHEN g.r3 % 10 = 0 THEN 'ngo-partner' END,
    CASE WHEN g.r3 % 10 = 0 THEN 'NGO-' || g.i END,
    1,
    g.entered_on + interval '9 hours' + make_interval(secs => g.r4 % 28800),
    coalesce(CASE WHEN g.r4 % 3 <> 0 THEN g.entered_on + 30 + g.r5 % 1200 END, g.entered_on)
        + interval '9 hours' + make_interval(secs => g.r5 % 28800)
FROM bench_pr g
JOIN bench_u u ON u.ord = g.uo
CROSS JOIN bench_w w
CROSS JOIN bench_base b;

SELECT setval(pg_get_serial_sequence('practice', 'id'), greatest(:n, 1)) AS practice_seq \gset

-- 1-3 categories, consecutive in the leaf list from a random start.
INSERT INTO practice_category (practice_id, category_id, position)
SELECT g.i, c.ids[1 + (g.r4 + k) % cardinality(c.ids)], k
FROM bench_pr g CROSS JOIN bench_cat c,
     generate_series(0, CASE WHEN g.r5 % 10 < 6 THEN 0 WHEN g.r5 % 10 < 9 THEN 1 ELSE 2 END) k
ON CONFLICT DO NOTHING;

-- One practice in ten has 1-2 participating units besides the lead one.
INSERT INTO practice_unit (practice_id, unit_id, position)
SELECT g.i, b.unit_base + 1 + (g.uo - 1 + k * 37) % b.n_units, k
FROM bench_pr g CROSS JOIN bench_base b, generate_series(1, 1 + g.r3 % 2) k
WHERE g.r4 % 10 = 3
ON CONFLICT DO NOTHING;

-- 0-2 contact persons; one in ten is not public.
INSERT INTO contact (practice_id, name, role, phones, email, public, created_at, updated_at)
SELECT g.i,
       n.fname || ' ' || n.lname,
       w.role[1 + pg_temp.h(g.i, 300 + k) % cardinality(w.role)],
       jsonb_build_array(u.area_code || ' ' || (100 + pg_temp.h(g.i, 310 + k) % 900) || ' '
                         || lpad((pg_temp.h(g.i, 320 + k) % 100)::text, 2, '0') || ' '
                         || lpad((pg_temp.h(g.i, 330 + k) % 100)::text, 2, '0')),
       pg_temp.ascii_slug(n.fname) || '.' || pg_temp.ascii_slug(n.lname) || '@'
           || pg_temp.ascii_slug(u.locality) || '.pl',
       pg_temp.h(g.i, 340 + k) % 10 <> 0,
       g.entered_on + interval '10 hours', g.entered_on + interval '10 hours'
FROM bench_pr g
JOIN bench_u u ON u.ord = g.uo
CROSS JOIN bench_w w
CROSS JOIN generate_series(1, g.r5 % 3) k
CROSS JOIN LATERAL (
    SELECT pg_temp.h(g.i, 350 + k) % 2 = 0 AS female,
           w.lname[1 + pg_temp.h(g.i, 370 + k) % cardinality(w.lname)] AS lname0
) s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.female
                THEN w.fname_f[1 + pg_temp.h(g.i, 360 + k) % cardinality(w.fname_f)]
                ELSE w.fname_m[1 + pg_temp.h(g.i, 360 + k) % cardinality(w.fname_m)] END AS fname,
           -- Kamiński -> Kamińska for a woman; Nowak stays Nowak.
           CASE WHEN s.female THEN regexp_replace(s.lname0, '([sc]k)i$', '\1a')
                ELSE s.lname0 END AS lname
) n
ORDER BY g.i, k;

-- The change log holds what a partner would have seen being created.
INSERT INTO change (resource, resource_id, op, version, at)
SELECT 'unit', u.id, 'upsert', u.version, u.created_at
FROM unit u CROSS JOIN bench_base b WHERE u.id > b.unit_base
ORDER BY u.id;
INSERT INTO change (resource, resource_id, op, version, at)
SELECT 'practice', p.id, 'upsert', p.version, p.created_at FROM practice p ORDER BY p.id;
INSERT INTO change (resource, resource_id, op, version, at)
SELECT 'contact', k.id, 'upsert', k.version, k.created_at FROM contact k ORDER BY k.id;

COMMIT;

VACUUM (ANALYZE) unit, practice, practice_category, practice_unit, contact, change;

\set QUIET off
SELECT (SELECT count(*) FROM unit) AS units,
       (SELECT count(*) FROM practice) AS practices,
       (SELECT count(*) FROM contact) AS contacts,
       (SELECT round(avg(octet_length(practice_json(p, false)::text)))
        FROM practice p TABLESAMPLE SYSTEM (1)) AS avg_json_bytes;
