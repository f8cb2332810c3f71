/* bdp legacy: the two seed pages field by field, hand-made variants of them
 * (tests/data/legacy), unit types, values, page structure and refusals. */
#include "bdp/buf.h"
#include "bdp/legacy.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#ifndef BDP_SOURCE_ROOT
#define BDP_SOURCE_ROOT "."
#endif
#define DATA BDP_SOURCE_ROOT "/tests/data/legacy/"

#define NBSP "\xc2\xa0"
#define TAB_BAR ".: " NBSP " Skrót i Metryka -> Pełna prezentacja -> Załączniki " NBSP " :.\n"
#define HEAD                                                                                       \
    "Strona główna\n» Kultura\n\n1.552.934\ngości odwiedziło nas\nod 1 kwietnia 2008 r.\n\n" NBSP  \
    "Usługi społeczne : Pomoc społeczna\nTytuł praktyki\n\n" TAB_BAR "\n\nStreszczenie.\n\n"       \
    "Metryka praktyki\n"
#define FOOT "\n" TAB_BAR "\nWsparcie udzielone\n" NBSP " Doskonalenie zarządzania\n"
#define L(label, value) label ":" NBSP NBSP " " value "\n"
#define C(value) NBSP " " value "\n"

/* Expected records, compact, in order, with ' for " and the summary as '@'. */
static const struct {
    const char *file;
    const char *record;
    const char *summary;
} pages[] = {
    {"slupsk-dom-dziecka.txt",
     "{'source':'legacy','external_id':'slupsk-dom-dziecka',"
     "'title':'Przekształcenie Domu Dziecka w nowoczesną instytucję opiekuńczą',"
     "'status':'published','category_path':['Usługi społeczne','Pomoc społeczna'],'summary':'@',"
     "'entered_on':'2008-01-07','revised_on':'2011-02-26','unit':{'type':'powiat_ziemski',"
     "'name':'słupski','county':'słupski','voivodeship':'pomorskie','population':92045},"
     "'implementer':{'name':'Starostwo Powiatowe w Słupsku',"
     "'street':'ul. Szarych Szeregów 14','postal_code':'76-200','post_office':'Słupsk',"
     "'locality':'Słupsk','phones':['59 841-85-00'],'fax':'59 842-71-11',"
     "'websites':['www.pcprslupsk.mojbip.pl','www.towarzystwonaszdom.pl'],"
     "'email':'starostwo@powiat.slupsk.pl'},'contacts':[{'name':'Iwona Niemasz',"
     "'role':'Dyrektor Domów dla Dzieci Towarzystwa Nasz Dom w Słupsku i Ustce',"
     "'phones':['59 814 59 59'],'email':'dzieciakiustka@poczta.onet.pl'}]}",
     "W powiecie słupskim przeprowadzono głęboką restrukturyzację systemu usług "
     "opiekuńczo-wychowawczych, której celem jest przeciwdziałanie marginalizacji "
     "społecznej, wyprowadzenie z grup ryzyka oraz wspieranie rodziny jako najlepszego i "
     "najwłaściwszego środowiska wychowawczego dla dzieci. Projekt polega na "
     "przekształceniu Domu Dziecka w nowoczesną instytucję opiekuńczą zaspokajającą "
     "potrzeby dzieci i ich rodzin. W miejsce zlikwidowanego jednego dużego, drogiego "
     "ośrodka powstały domy i mieszkania jednorodzinne dla wychowanków. To unikalny w "
     "skali kraju przykład tak dużej i trudnej organizacyjnie zmiany. Przy realizacji tego "
     "przedsięwzięcia powiat współpracował z Towarzystwem „Nasz Dom\".\n\nPowstał zespół "
     "interdyscyplinarny, który zintegrował działania na rzecz rodzin potrzebujących "
     "wsparcia. Nowatorskim rozwiązaniem jest stworzenie monitoringu rodzin zagrożonych "
     "wykluczeniem, dzięki któremu interwencja kończy się na profilaktyce.\n\nInicjatywa "
     "słupska podniosła jakość usług świadczonych na rzecz dzieci, będących wychowankami "
     "placówki. Obecny system prowadzenia placówki przypomina środowisko rodzinne i jest "
     "bardziej przyjazny dla dziecka. Rozwiązanie przyczyniło się do zmniejszenia kosztów "
     "utrzymania dziecka w placówce. O 300 tys. zł rocznie zmalały wydatki na utrzymanie "
     "placówki. Wzrosła liczba dzieci powracających do domów rodzinnych z dwóch w 2006 "
     "roku do 15 w 2007."},
    {"zory-rodzicielstwo-zastepcze.txt",
     "{'source':'legacy','external_id':'zory-rodzicielstwo-zastepcze',"
     "'title':'Bo ważny jest dom - kompleksowy i efektywny system wspierania rodzicielstwa "
     "zastępczego',"
     "'status':'published','category_path':['Usługi społeczne','Pomoc społeczna'],'summary':'@',"
     "'entered_on':'2012-06-04','revised_on':'2013-07-09','unit':{'type':'gmina_miejska',"
     "'name':'Żory','county':'żorski','voivodeship':'śląskie','population':60444},"
     "'implementer':{'name':'Miejski Ośrodek Pomocy Społecznej w Żorach',"
     "'street':'Ks. Przemysława 2','postal_code':'44-240','post_office':'Żory',"
     "'locality':'Żory','phones':['32 43 42 412','32 43 43 713'],"
     "'websites':['www.mops.zory.pl'],'email':'mops@mops.zory.pl'},'contacts':[{"
     "'name':'Agnieszka Szewczyk','role':'Wydział Strategii i Rozwoju Miasta',"
     "'phones':['32 434 82 34'],'email':'sir@um.zory.pl'}]}",
     "Celem projektu adresowanego do zawodowych rodzin zastępczych oraz ich wychowanków "
     "było pozyskanie kandydatów na niespokrewnione z dzieckiem rodziny zastępcze i "
     "polepszanie warunków mieszkaniowych wychowankom oraz ich opiekunom.\n\nW ramach "
     "projektu zaadoptowano istniejący w zasobach miasta budynek wraz z ogrodem, w którym "
     "zamieszkała zawodowa rodzina zastępcza o charakterze pogotowia rodzinnego wraz z 7 "
     "wychowankami. Wsparciem objęto wszystkie inne rodziny zastępcze zakupując komputery, "
     "gry edukacyjne, książki, zabawki, artykuły sportowe. W wyniku kampanii medialnej "
     "pozyskano 4 kandydatów na nie spokrewnione z dzieckiem rodziny zastępcze.\n\nŚredni "
     "koszt umieszczenia dziecka w rodzinie zastępczej wynosi w Żorach od 658,80 do 1 "
     "482,30 zł podczas gdy średni miesięczny koszt utrzymania dziecka w całodobowej "
     "placówce opiekuńczo-wychowawczej w województwie śląskim wynosi ok. 3 000 zł."},
    {"missing-fields.txt",
     "{'source':'legacy','external_id':'missing-fields',"
     "'title':'Elektroniczny obieg dokumentów w urzędzie gminy','status':'published',"
     "'category_path':['Rozwój instytucjonalny','Zarządzanie jakością'],'summary':'@',"
     "'entered_on':'2010-03-15','unit':{'type':'gmina_wiejska','name':'Kościerzyna',"
     "'county':'kościerski','voivodeship':'pomorskie'},'implementer':{"
     "'name':'Urząd Gminy Kościerzyna','street':'ul. Strzelecka 9','postal_code':'83-400',"
     "'post_office':'Kościerzyna','locality':'Kościerzyna','phones':['58 686 34 55'],"
     "'email':'sekretariat@koscierzyna.gda.pl'},'contacts':[{'name':'Marek Zieliński',"
     "'role':'Sekretarz Gminy','phones':['58 686 34 55 w. 21']}]}",
     "Gmina wdrożyła elektroniczny obieg dokumentów."},
    {"two-contacts.txt",
     "{'source':'legacy','external_id':'two-contacts',"
     "'title':'Selektywna zbiórka odpadów w gminie wiejskiej','status':'published',"
     "'category_path':['Usługi techniczne','Gospodarka odpadami'],'summary':'@',"
     "'entered_on':'2009-05-11','revised_on':'2010-01-20','unit':{'type':'gmina_wiejska',"
     "'name':'Dębnica Kaszubska','county':'słupski','voivodeship':'pomorskie',"
     "'population':9800},'implementer':{'name':'Urząd Gminy Dębnica Kaszubska',"
     "'street':'ul. Ogrodowa 2','postal_code':'76-248','post_office':'Dębnica Kaszubska',"
     "'locality':'Dębnica Kaszubska','phones':['59 811 60 31','59 811 60 32'],"
     "'fax':'59 811 60 33','websites':['www.debnicakaszubska.pl'],"
     "'email':'ug@debnicakaszubska.pl'},'contacts':[{'name':'Jan Kowalski',"
     "'role':'Kierownik Referatu Gospodarki Komunalnej',"
     "'phones':['59 811 60 40','600 100 200'],'email':'j.kowalski@debnicakaszubska.pl'},{"
     "'name':'Anna Nowak','role':'Referat Ochrony Środowiska','phones':['59 811 60 41']}]}",
     "Mieszkańcy segregują odpady u źródła.\n\nZbiórka objęła 1 200 gospodarstw."},
    {"three-contacts.txt",
     "{'source':'legacy','external_id':'three-contacts',"
     "'title':'Lokalny fundusz grantowy dla organizacji','status':'published',"
     "'category_path':['Współpraca JST-NGO','Organizacje pozarządowe'],'summary':'@',"
     "'entered_on':'2011-09-01','revised_on':'2012-02-29','unit':{"
     "'type':'gmina_miejsko_wiejska','name':'Ustka','county':'słupski',"
     "'voivodeship':'pomorskie','population':17500},'implementer':{"
     "'name':'Urząd Miasta Ustka','street':'ul. Kopernika 8','postal_code':'76-270',"
     "'post_office':'Ustka','locality':'Ustka',"
     "'phones':['59 815 42 00','59 815 42 01','59 815 42 02'],"
     "'websites':['www.ustka.pl','www.ngo.ustka.pl'],'email':'um@ustka.pl'},'contacts':[{"
     "'name':'Ewa Wiśniewska','role':'Pełnomocnik ds. współpracy z NGO, Wydział Promocji',"
     "'phones':['59 815 42 10'],'email':'e.wisniewska@ustka.pl'},{"
     "'name':'dr Tomasz Lewandowski','role':'Prezes Stowarzyszenia Razem',"
     "'email':'t.lewandowski@razem.org.pl'},{'name':'Katarzyna Wójcik',"
     "'phones':['59 815 42 20']}]}",
     "Miasto i gmina wspierają organizacje pozarządowe."},
    {"zwiazek.txt",
     "{'source':'legacy','external_id':'zwiazek',"
     "'title':'Wspólny transport publiczny gmin związku','status':'published',"
     "'category_path':['Współpraca między JST','Związki międzygminne'],'summary':'@',"
     "'entered_on':'2013-04-02','revised_on':'2014-11-30','unit':{'type':'zwiazek_jst',"
     "'name':'Międzygminny Związek Komunikacyjny','county':'Tychy',"
     "'voivodeship':'śląskie','population':245000},'implementer':{"
     "'name':'Międzygminny Związek Komunikacyjny','street':'ul. Towarowa 1',"
     "'postal_code':'43-100','post_office':'Tychy','locality':'Tychy',"
     "'phones':['32 325 80 00'],'fax':'32 325 80 01','websites':['www.mzk.pl'],"
     "'email':'biuro@mzk.pl'},'contacts':[{'name':'Piotr Mazur','role':'Dyrektor Związku',"
     "'phones':['32 325 80 10']}]}",
     "Gminy związku prowadzą wspólną komunikację.\n\nBilet obowiązuje w całym związku."},
};

/* The text of tests/data/legacy/name (new; NULL if unreadable). */
static char *slurp(const char *name, size_t *len)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    buf_printf(&path, "%s%s", DATA, name);
    FILE *f = fopen(buf_cstr(&path), "rb");
    buf_free(&path);
    if (!f)
        return NULL;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&text, chunk, got);
    fclose(f);
    *len = text.len;
    return text.p;
}

/* Compact dump of rec (new), "NULL" for NULL. */
static char *dump(const json_t *rec)
{
    return rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : xstrdup("NULL");
}

/* The value at a dotted path ("contacts.1.phones.0"), borrowed, or NULL. */
static json_t *at(json_t *j, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
        j = json_is_array(j) ? json_array_get(j, strtoul(k, NULL, 10)) : json_object_get(j, k);
    free(copy);
    return j;
}

static const char *str(json_t *j, const char *path)
{
    return json_string_value(at(j, path));
}

/* HEAD + metryka + FOOT converted with external_id "t"; err gets the reason. */
static json_t *page(const char *metryka, char *err)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s%s%s", HEAD, metryka, FOOT);
    strcpy(err, "(none)");
    json_t *rec = legacy_convert(b.p, b.len, "t", err, 256);
    buf_free(&b);
    return rec;
}

static void test_pages(void)
{
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        size_t len = 0;
        char *text = slurp(pages[i].file, &len), err[256] = "(none)";
        CHECK(text != NULL);
        json_t *rec = text ? legacy_convert(text, len, "x", err, sizeof err) : NULL;
        CHECK_STR(rec ? "converted" : err, "converted");
        if (!rec) {
            free(text);
            continue;
        }
        CHECK_STR(str(rec, "external_id"), "x");
        CHECK_STR(str(rec, "summary"), pages[i].summary);
        /* The rest in one comparison: every field, their order, nothing more. */
        char *id = xstrndup(pages[i].file, strlen(pages[i].file) - 4),
             *want = xstrdup(pages[i].record);
        for (char *p = want; *p; p++)
            *p = *p == '\'' ? '"' : *p;
        json_object_set_new(rec, "external_id", json_string(id));
        if (json_object_get(rec, "summary"))
            json_object_set_new(rec, "summary", json_string("@"));
        char *got = dump(rec);
        CHECK_STR(got, want);
        free(got);
        free(want);
        free(id);
        json_decref(rec);
        free(text);
    }
}

/* A variant page gives exactly the record of the seed it was made from. */
static void test_same_as_seed(const char *variant, const char *seed)
{
    size_t vlen = 0, slen = 0;
    char *vtext = slurp(variant, &vlen), *stext = slurp(seed, &slen), err[256] = "(none)";
    CHECK(vtext && stext);
    json_t *v = vtext ? legacy_convert(vtext, vlen, "id", err, sizeof err) : NULL;
    CHECK_STR(v ? "converted" : err, "converted");
    json_t *s = stext ? legacy_convert(stext, slen, "id", err, sizeof err) : NULL;
    char *vd = dump(v), *sd = dump(s);
    CHECK(s != NULL);
    CHECK_STR(vd, sd);
    free(vd);
    free(sd);
    json_decref(v);
    json_decref(s);
    free(vtext);
    free(stext);
}

static void test_variants(void)
{
    size_t len = 0;
    char *text = slurp("crlf.txt", &len), err[256] = "(none)";
    CHECK(text && strstr(text, "\r\n")); /* the variant really has CRLF */
    free(text);
    text = slurp("plain-spaces.txt", &len);
    CHECK(text && !strstr(text, NBSP));
    free(text);
    test_same_as_seed("crlf.txt", "zory-rodzicielstwo-zastepcze.txt");
    test_same_as_seed("plain-spaces.txt", "slupsk-dom-dziecka.txt");

    text = slurp("not-practice.txt", &len);
    CHECK(text != NULL);
    json_t *rec = text ? legacy_convert(text, len, "x", err, sizeof err) : NULL;
    CHECK(rec == NULL);
    CHECK_STR(err, "not a practice page: no \"Metryka praktyki\"");
    json_decref(rec);
    free(text);
}

static void test_unit_types(void)
{
    static const struct {
        const char *value, *type, *name;
    } cases[] = {
        {"gmina miejska", "gmina_miejska", "Ustka"},
        {"Gmina wiejska", "gmina_wiejska", "Ustka"},
        {"gmina miejsko-wiejska", "gmina_miejsko_wiejska", "Ustka"},
        {"GMINA MIEJSKO - WIEJSKA", "gmina_miejsko_wiejska", "Ustka"},
        {"miasto na prawach powiatu", "miasto_na_prawach_powiatu", "Ustka"},
        {"powiat ziemski", "powiat_ziemski", "słupski"},
        {"Powiat", "powiat_ziemski", "słupski"},
        {"województwo", "wojewodztwo", "pomorskie"},
        {"Samorząd Województwa", "wojewodztwo", "pomorskie"},
        {"związek międzygminny", "zwiazek_jst", "Związek Gmin Pomorskich"},
        {"ZWIĄZEK POWIATÓW", "zwiazek_jst", "Związek Gmin Pomorskich"},
        {"gmina_wiejska", "gmina_wiejska", "Ustka"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf m = BUF_INIT;
        char err[256];
        buf_printf(&m,
                   L("Typ jednostki", "%s") L("Miejscowość", "Ustka") L("Powiat", "słupski")
                       L("Województwo", "Pomorskie")
                           L("Jednostka wdrażająca", "Związek Gmin Pomorskich"),
                   cases[i].value);
        json_t *rec = page(buf_cstr(&m), err);
        CHECK_STR(str(rec, "unit.type"), cases[i].type);
        CHECK_STR(str(rec, "unit.name"), cases[i].name);
        CHECK_STR(str(rec, "unit.county"), "słupski");
        CHECK_STR(str(rec, "unit.voivodeship"), "pomorskie");
        json_decref(rec);
        buf_free(&m);
    }
    char err[256];
    json_t *rec = page(L("Typ jednostki", "gmina") L("Miejscowość", "Ustka"), err);
    CHECK(rec == NULL);
    CHECK_STR(err, "\"Typ jednostki\": cannot read \"gmina\"");
    json_decref(rec);
    /* No type: the unit is named after its locality, no type invented. */
    rec = page(L("Miejscowość", "Ustka") L("Powiat", "słupski"), err);
    CHECK_STR(str(rec, "unit.name"), "Ustka");
    CHECK(at(rec, "unit.type") == NULL);
    json_decref(rec);
}

static void test_values(void)
{
    static const struct {
        const char *metryka;
        const char *path, *want; /* want NULL: the field is absent */
        const char *err;         /* non-NULL: the page is refused */
    } cases[] = {
        {L("Data aktualizacji", "2013-07-09"), "revised_on", "2013-07-09", NULL},
        {L("Data aktualizacji", "9.7.2013"), "revised_on", "2013-07-09", NULL},
        {L("Data aktualizacji", "09.07.2013"), "revised_on", "2013-07-09", NULL},
        {L("Data aktualizacji", "2013-07-09 12:30"), "revised_on", "2013-07-09", NULL},
        {L("Data aktualizacji", "2012-02-29"), "revised_on", "2012-02-29", NULL},
        {L("Data aktualizacji", ""), "revised_on", NULL, NULL},
        {L("Data aktualizacji", "-"), "revised_on", NULL, NULL},
        {L("Data aktualizacji", "2013-02-29"), NULL, NULL,
         "\"Data aktualizacji\": cannot read \"2013-02-29\""},
        {L("Data wprowadzenia do BDP", "2013-13-01"), NULL, NULL,
         "\"Data wprowadzenia do BDP\": cannot read \"2013-13-01\""},
        {L("Data wprowadzenia do BDP", "lipiec 2013"), NULL, NULL,
         "\"Data wprowadzenia do BDP\": cannot read \"lipiec 2013\""},
        {L("Liczba mieszkańców", "1.5"), NULL, NULL, "\"Liczba mieszkańców\": cannot read \"1.5\""},
        {L("Liczba mieszkańców", "ok. 60 tys."), NULL, NULL,
         "\"Liczba mieszkańców\": cannot read \"ok. 60 tys.\""},
        {L("Kod pocztowy i Poczta", "76-200, Słupsk"), "implementer.post_office", "Słupsk", NULL},
        {L("Kod pocztowy i Poczta", "Słupsk"), "implementer.post_office", "Słupsk", NULL},
        {L("Kod pocztowy i Poczta", "Słupsk"), "implementer.postal_code", NULL, NULL},
        {L("Kod pocztowy i Poczta", "76-200"), "implementer.postal_code", "76-200", NULL},
        {L("Kod pocztowy i Poczta", "76-200"), "implementer.post_office", NULL, NULL},
        {L("Fax", "brak"), "implementer.fax", NULL, NULL},
        {L("Województwo", "ŚLĄSKIE"), "unit.voivodeship", "śląskie", NULL},
        {L("Województwo", "Warmińsko-Mazurskie"), "unit.voivodeship", "warmińsko-mazurskie", NULL},
        {L("Adres e@mail", "Biuro@Example.PL"), "implementer.email", "Biuro@Example.PL", NULL},
        {L("Adres e-mail", "a@b.pl"), "implementer.email", "a@b.pl", NULL},
        {L("Witryna internetowa", "www.a.pl www.b.pl") C("http://c.pl"), "implementer.websites.2",
         "http://c.pl", NULL},
        {L("Telefon", "12 345 67 89; 600 100 200,") C("+48 12 345 00 00"), "implementer.phones.2",
         "+48 12 345 00 00", NULL},
        {L("Telefon", "12 345 67 89; 600 100 200,") C("+48 12 345 00 00"), "implementer.phones.3",
         NULL, NULL},
        {L("Telefon", "") C("12 345 67 89"), "implementer.phones.0", "12 345 67 89", NULL},
        {L("Jednostka wdrażająca", "Urząd Miasta") C("i Gminy Ustka"), "implementer.name",
         "Urząd Miasta i Gminy Ustka", NULL},
        {L("Ulica", "ul. Długa 1") L("Ulica", "ul. Krótka 2"), "implementer.street", "ul. Długa 1",
         NULL},
        {"TELEFON :" NBSP " 12 345 67 89\n", "implementer.phones.0", "12 345 67 89", NULL},
        {"Typ jednostki:\tgmina\twiejska\n", "unit.type", "gmina_wiejska", NULL},
        /* A label the table does not know takes no continuations. */
        {L("Partnerzy", "Fundacja Dom") C("Stowarzyszenie Razem") L("Fax", "1"), "implementer.fax",
         "1", NULL},
        {L("Osoby kontaktowe", "Jan Nowak") L("Partnerzy", "Fundacja") C("Anna Maj"),
         "contacts.0.role", NULL, NULL},
        /* A blank line ends a field: the footer's indented lines stay out. */
        {L("Telefon", "12 345 67 89") "\n" C("98 765 43 21"), "implementer.phones.1", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256];
        json_t *rec = page(cases[i].metryka, err);
        int failed_before = check_failed;
        if (cases[i].err) {
            CHECK(rec == NULL);
            CHECK_STR(err, cases[i].err);
        } else {
            CHECK_STR(rec ? "converted" : err, "converted");
            CHECK_STR(str(rec, cases[i].path), cases[i].want);
            if (!cases[i].want)
                CHECK(at(rec, cases[i].path) == NULL);
        }
        if (check_failed != failed_before)
            fprintf(stderr, "    case %zu: %s", i, cases[i].metryka);
        json_decref(rec);
    }
    char err[256];
    json_t *rec = page(L("Liczba mieszkańców", "1.234.567"), err);
    CHECK_INT(json_integer_value(at(rec, "unit.population")), 1234567);
    json_decref(rec);
    rec = page(L("Liczba mieszkańców", "92" NBSP "045"), err);
    CHECK_INT(json_integer_value(at(rec, "unit.population")), 92045);
    json_decref(rec);
    rec = page(L("Liczba mieszkańców", "845"), err);
    CHECK_INT(json_integer_value(at(rec, "unit.population")), 845);
    json_decref(rec);
    /* Nothing in the metryka: no empty objects, no invented values. */
    rec = page("", err);
    char *got = dump(rec);
    CHECK_STR(got, "{\"source\":\"legacy\",\"external_id\":\"t\",\"title\":\"Tytuł praktyki\","
                   "\"status\":\"published\",\"category_path\":[\"Usługi społeczne\","
                   "\"Pomoc społeczna\"],\"summary\":\"Streszczenie.\"}");
    free(got);
    json_decref(rec);
}

static void test_contacts(void)
{
    char err[256];
    /* The name on the line after an empty label; a second label. */
    json_t *rec = page(L("Osoby kontaktowe", "") C("Jan Nowak") C("tel.: 12 345 67 89")
                           L("Osoba kontaktowa", "Anna Maj") C("E-mail: a.maj@x.pl"),
                       err);
    CHECK_INT(json_array_size(at(rec, "contacts")), 2);
    CHECK_STR(str(rec, "contacts.0.name"), "Jan Nowak");
    CHECK_STR(str(rec, "contacts.0.phones.0"), "12 345 67 89");
    CHECK(at(rec, "contacts.0.role") == NULL);
    CHECK_STR(str(rec, "contacts.1.name"), "Anna Maj");
    CHECK_STR(str(rec, "contacts.1.email"), "a.maj@x.pl");
    json_decref(rec);
    /* After a phone, a role line stays with its person; a name starts the next. */
    rec = page(L("Osoby kontaktowe", "Jan Nowak") C("tel. 12 345 67 89") C("Kierownik Referatu")
                   C("Wydział Oświaty") C("mgr inż. Ewa Żak-Łęcka") C("12 300 00 00, 600 000 000")
                       C("faks 12 300 00 01") C("ewa@x.pl"),
               err);
    CHECK_INT(json_array_size(at(rec, "contacts")), 2);
    CHECK_STR(str(rec, "contacts.0.role"), "Kierownik Referatu, Wydział Oświaty");
    CHECK_STR(str(rec, "contacts.1.name"), "mgr inż. Ewa Żak-Łęcka");
    CHECK_STR(str(rec, "contacts.1.phones.1"), "600 000 000");
    CHECK(at(rec, "contacts.1.phones.2") == NULL);
    CHECK_STR(str(rec, "contacts.1.email"), "ewa@x.pl");
    char *got = dump(at(rec, "contacts.1"));
    CHECK_STR(got, "{\"name\":\"mgr inż. Ewa Żak-Łęcka\",\"phones\":[\"12 300 00 00\","
                   "\"600 000 000\"],\"email\":\"ewa@x.pl\"}");
    free(got);
    json_decref(rec);
    /* Contact details written without the indent. */
    rec = page(L("Osoby kontaktowe", "Jan Nowak") "tel. 12 345 67 89\ne@mail: jan@x.pl\n", err);
    CHECK_STR(str(rec, "contacts.0.phones.0"), "12 345 67 89");
    CHECK_STR(str(rec, "contacts.0.email"), "jan@x.pl");
    json_decref(rec);
    /* A label with nothing at all gives no contact. */
    rec = page(L("Osoby kontaktowe", "-") L("Fax", "1"), err);
    CHECK(at(rec, "contacts") == NULL);
    json_decref(rec);
}

static void test_structure(void)
{
    static const struct {
        const char *text;
        const char *title, *category, *summary; /* category: elements joined by " > " */
        const char *err;
    } cases[] = {
        /* A byte-order mark, lone CRs. */
        {"\xef\xbb\xbf A : B\nTytuł\n" TAB_BAR "S\nMetryka praktyki\n", "Tytuł", "A > B", "S",
         NULL},
        {"gości odwiedziło nas\r\r Usługi społeczne\rTytuł\r\r" TAB_BAR "\rA\rb\r\rC\rMetryka "
         "praktyki\r",
         "Tytuł", "Usługi społeczne", "A b\n\nC", NULL},
        /* A title over two lines below the counter. */
        {"gości odwiedziło nas\nod 1 kwietnia 2008 r.\n\n" NBSP "A : B\nPierwsza\ndruga\n\n" TAB_BAR
         "S\nMetryka praktyki\n",
         "Pierwsza druga", "A > B", "S", NULL},
        /* No counter: the line above the title, when it looks like a path. */
        {"Menu\n\n A : B\nTytuł\n" TAB_BAR "S\nMetryka praktyki\n", "Tytuł", "A > B", "S", NULL},
        {"Menu\nPortal jst.org.pl\nTytuł\n" TAB_BAR "S\nMetryka praktyki\n", "Tytuł", NULL, "S",
         NULL},
        /* No tab bar: below the counter come the path, the title, the summary. */
        {"gości odwiedziło nas\n\n" NBSP "A : B\nTytuł\n\nS1\n\nS2\nMetryka praktyki\n", "Tytuł",
         "A > B", "S1\n\nS2", NULL},
        {"gości odwiedziło nas\nTytuł\nS\nMetryka praktyki\n", "Tytuł", NULL, "S", NULL},
        /* Whitespace of every kind inside the summary. */
        {HEAD FOOT, "Tytuł praktyki", "Usługi społeczne > Pomoc społeczna", "Streszczenie.", NULL},
        {"gości odwiedziło nas\nT\n" TAB_BAR "\t a" NBSP NBSP "b\xe2\x80\xaf"
         "c  \n\n\n" NBSP NBSP " d\t\nMetryka praktyki\n",
         "T", NULL, "a b c\n\nd", NULL},
        /* Refusals. */
        {"", NULL, NULL, NULL, "not a practice page: no \"Metryka praktyki\""},
        {"Tytuł\n" TAB_BAR "S\n", NULL, NULL, NULL, "not a practice page: no \"Metryka praktyki\""},
        {"gości odwiedziło nas\n\n" TAB_BAR "S\nMetryka praktyki\n", NULL, NULL, NULL,
         "not a practice page: no title"},
        {"Metryka praktyki\n" L("Fax", "1"), NULL, NULL, NULL, "not a practice page: no title"},
        {"\xff" HEAD, NULL, NULL, NULL, "not UTF-8 text (byte 0)"},
        {"\xc3\x28", NULL, NULL, NULL, "not UTF-8 text (byte 0)"},
        {"\xed\xa0\x80", NULL, NULL, NULL, "not UTF-8 text (byte 0)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "(none)";
        json_t *rec = legacy_convert(cases[i].text, strlen(cases[i].text), "t", err, sizeof err);
        int failed_before = check_failed;
        if (cases[i].err) {
            CHECK(rec == NULL);
            CHECK_STR(err, cases[i].err);
        } else {
            CHECK_STR(rec ? "converted" : err, "converted");
            struct buf path = BUF_INIT;
            size_t k;
            json_t *e;
            json_array_foreach(at(rec, "category_path"), k, e)
                buf_printf(&path, "%s%s", k ? " > " : "", json_string_value(e));
            CHECK_STR(str(rec, "title"), cases[i].title);
            CHECK_STR(path.p, cases[i].category);
            buf_free(&path);
            CHECK_STR(str(rec, "summary"), cases[i].summary);
        }
        if (check_failed != failed_before)
            fprintf(stderr, "    case %zu\n", i);
        json_decref(rec);
    }
    /* Windows-1250 and a NUL byte: not text; the offset names the byte. */
    char err[256] = "(none)", want[64];
    const char cp1250[] = HEAD "Miejscowo\x9c\xe6: Tychy\n" FOOT, nul[] = HEAD "\0" FOOT;
    json_t *rec = legacy_convert(cp1250, sizeof cp1250 - 1, "t", err, sizeof err);
    CHECK(rec == NULL);
    snprintf(want, sizeof want, "not UTF-8 text (byte %zu)", strlen(HEAD "Miejscowo"));
    CHECK_STR(err, want);
    rec = legacy_convert(nul, sizeof nul - 1, "t", err, sizeof err);
    CHECK(rec == NULL);
    snprintf(want, sizeof want, "not UTF-8 text (byte %zu)", strlen(HEAD));
    CHECK_STR(err, want);
}

static void test_files(void)
{
    char err[256] = "(none)";
    json_t *rec = legacy_convert_file(DATA "slupsk-dom-dziecka.txt", err, sizeof err);
    CHECK_STR(str(rec, "external_id"), "slupsk-dom-dziecka");
    CHECK_STR(str(rec, "unit.name"), "słupski");
    json_decref(rec);
    rec = legacy_convert_file(DATA "no-such-page.txt", err, sizeof err);
    CHECK(rec == NULL);
    CHECK_STR(err, "No such file or directory");
    rec = legacy_convert_file(DATA, err, sizeof err);
    CHECK(rec == NULL);
    CHECK_STR(err, "Is a directory");
    rec = legacy_convert_file(DATA "not-practice.txt", err, sizeof err);
    CHECK(rec == NULL);
    CHECK_STR(err, "not a practice page: no \"Metryka praktyki\"");
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_pages();
    test_variants();
    test_unit_types();
    test_values();
    test_contacts();
    test_structure();
    test_files();
    return check_report();
}
