-- The category tree of the original site (its menu): areas, and the
-- sub-areas of "Usługi społeczne". Data, not an enum: editors may add more.
INSERT INTO category (name, slug, position) VALUES
    ('Usługi społeczne', 'uslugi-spoleczne', 1),
    ('Usługi techniczne', 'uslugi-techniczne', 2),
    ('Rozwój instytucjonalny', 'rozwoj-instytucjonalny', 3),
    ('Efektywność energetyczna', 'efektywnosc-energetyczna', 4),
    ('Współpraca JST-NGO', 'wspolpraca-jst-ngo', 5),
    ('Współpraca między JST', 'wspolpraca-miedzy-jst', 6),
    ('Dialog społeczny', 'dialog-spoleczny', 7);

INSERT INTO category (parent_id, name, slug, position)
SELECT a.id, s.name, 'uslugi-spoleczne-' || s.slug, s.position
FROM category a,
     (VALUES ('Kultura', 'kultura', 1), ('Pomoc społeczna', 'pomoc-spoleczna', 2),
             ('Oświata', 'oswiata', 3), ('Ochrona zdrowia', 'ochrona-zdrowia', 4),
             ('Sport i rekreacja', 'sport-i-rekreacja', 5)) AS s (name, slug, position)
WHERE a.slug = 'uslugi-spoleczne';

-- Seeding is not an edit: the feed starts from a clean tree.
DELETE FROM change WHERE resource = 'category';
