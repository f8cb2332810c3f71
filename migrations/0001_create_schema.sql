-- The whole foundation schema: units, categories, practices, contacts, keys,
-- idempotency records and the change log the sync feed reads.

CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

-- A URL slug from a Polish name: "Pomoc społeczna" -> "pomoc-spoleczna".
CREATE FUNCTION slugify(name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN trim(both '-' from regexp_replace(
        lower(translate(name, 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ', 'acelnoszzACELNOSZZ')),
        '[^a-z0-9]+', '-', 'g'));

CREATE TABLE unit (
    id              serial PRIMARY KEY,
    teryt           text UNIQUE,
    name            text NOT NULL,
    type            text NOT NULL CHECK (type IN ('gmina_miejska', 'gmina_wiejska',
                        'gmina_miejsko_wiejska', 'miasto_na_prawach_powiatu',
                        'powiat_ziemski', 'wojewodztwo', 'zwiazek_jst')),
    voivodeship     text,
    county          text,
    population      integer CHECK (population >= 0),
    population_year integer,
    parent_id       integer REFERENCES unit (id),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_parent_id_idx ON unit (parent_id);
CREATE INDEX unit_teryt_prefix_idx ON unit (teryt text_pattern_ops);

CREATE TABLE category (
    id          serial PRIMARY KEY,
    parent_id   integer REFERENCES category (id),
    name        text NOT NULL,
    slug        text NOT NULL UNIQUE,
    position    integer NOT NULL DEFAULT 0,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX category_parent_id_idx ON category (parent_id);

CREATE TABLE practice (
    id           serial PRIMARY KEY,
    title        text NOT NULL,
    status       text NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'published', 'archived')),
    unit_id      integer NOT NULL REFERENCES unit (id),
    summary      text NOT NULL DEFAULT '',
    sections     jsonb NOT NULL DEFAULT '[]',
    implementer  jsonb,
    partners     jsonb NOT NULL DEFAULT '[]',
    attachments  jsonb NOT NULL DEFAULT '[]',
    keywords     jsonb NOT NULL DEFAULT '[]',
    entered_on   date NOT NULL DEFAULT current_date,
    revised_on   date,
    source       text,
    external_id  text,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT practice_source_external_id_key UNIQUE (source, external_id)
);
CREATE INDEX practice_unit_id_idx ON practice (unit_id);
CREATE INDEX practice_entered_on_idx ON practice (entered_on DESC, id DESC);
CREATE INDEX practice_updated_at_idx ON practice (updated_at);

CREATE TABLE practice_category (
    practice_id integer NOT NULL REFERENCES practice (id) ON DELETE CASCADE,
    category_id integer NOT NULL REFERENCES category (id),
    position    integer NOT NULL,
    PRIMARY KEY (practice_id, category_id)
);
CREATE INDEX practice_category_category_id_idx ON practice_category (category_id);

CREATE TABLE practice_unit (
    practice_id integer NOT NULL REFERENCES practice (id) ON DELETE CASCADE,
    unit_id     integer NOT NULL REFERENCES unit (id),
    position    integer NOT NULL,
    PRIMARY KEY (practice_id, unit_id)
);
CREATE INDEX practice_unit_unit_id_idx ON practice_unit (unit_id);

CREATE TABLE contact (
    id          serial PRIMARY KEY,
    practice_id integer NOT NULL REFERENCES practice (id) ON DELETE CASCADE,
    name        text NOT NULL,
    role        text,
    phones      jsonb NOT NULL DEFAULT '[]',
    email       text,
    public      boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_practice_id_idx ON contact (practice_id);

CREATE TABLE api_key (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('reader', 'editor', 'partner', 'admin')),
    source      text,
    hash        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((role = 'partner') = (source IS NOT NULL))
);

-- A POST with Idempotency-Key: the first answer, replayed to retries.
CREATE TABLE idempotency (
    principal    text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer,
    location     text,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);

-- Every create, update and delete, in the writing transaction. txid lets
-- the feed hand out only changes below the oldest running transaction.
CREATE TABLE change (
    seq         bigserial PRIMARY KEY,
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    resource    text NOT NULL,
    resource_id integer NOT NULL,
    op          text NOT NULL CHECK (op IN ('upsert', 'delete')),
    version     integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_txid_idx ON change (txid, seq);

-- version + 1 and updated_at on every change, whoever writes.
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    NEW.created_at := OLD.created_at;
    RETURN NEW;
END $$;

-- The NOTIFY wakes the feed's long polls; it is delivered at commit and
-- folded to one per transaction.
CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bdp_change', '');
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change (resource, resource_id, op, version)
        VALUES (TG_ARGV[0], OLD.id, 'delete', OLD.version + 1);
        RETURN OLD;
    END IF;
    INSERT INTO change (resource, resource_id, op, version)
    VALUES (TG_ARGV[0], NEW.id, 'upsert', NEW.version);
    RETURN NEW;
END $$;

-- A contact is part of its practice's document, so its practice changes too:
-- once a transaction (a practice written in this transaction has moved on).
CREATE FUNCTION touch_practice_of_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE practice SET version = version
        WHERE id = OLD.practice_id AND xmin <> pg_current_xact_id()::xid;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.practice_id <> OLD.practice_id) THEN
        UPDATE practice SET version = version
        WHERE id = NEW.practice_id AND xmin <> pg_current_xact_id()::xid;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER unit_bump BEFORE UPDATE ON unit FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER category_bump BEFORE UPDATE ON category FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER practice_bump BEFORE UPDATE ON practice FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER contact_bump BEFORE UPDATE ON contact FOR EACH ROW EXECUTE FUNCTION bump_version();

CREATE TRIGGER unit_change AFTER INSERT OR UPDATE OR DELETE ON unit
    FOR EACH ROW EXECUTE FUNCTION record_change('unit');
CREATE TRIGGER category_change AFTER INSERT OR UPDATE OR DELETE ON category
    FOR EACH ROW EXECUTE FUNCTION record_change('category');
CREATE TRIGGER practice_change AFTER INSERT OR UPDATE OR DELETE ON practice
    FOR EACH ROW EXECUTE FUNCTION record_change('practice');
CREATE TRIGGER contact_change AFTER INSERT OR UPDATE OR DELETE ON contact
    FOR EACH ROW EXECUTE FUNCTION record_change('contact');
CREATE TRIGGER contact_touch_practice AFTER INSERT OR UPDATE OR DELETE ON contact
    FOR EACH ROW EXECUTE FUNCTION touch_practice_of_contact();

-- The documents as the API returns them, rendered by PostgreSQL so a read is
-- one statement and the server passes the text through.
CREATE FUNCTION unit_json(u unit) RETURNS json LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
    'id', u.id, 'teryt', u.teryt, 'name', u.name, 'type', u.type,
    'voivodeship', u.voivodeship, 'county', u.county,
    'population', u.population, 'population_year', u.population_year,
    'parent_id', u.parent_id, 'version', u.version,
    'created_at', rfc3339(u.created_at), 'updated_at', rfc3339(u.updated_at));

CREATE FUNCTION category_json(c category) RETURNS json
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN json_build_object(
    'id', c.id, 'parent_id', c.parent_id, 'name', c.name, 'slug', c.slug,
    'position', c.position,
    'path', (SELECT CASE WHEN a.id IS NULL THEN json_build_array(c.name)
                         ELSE json_build_array(a.name, c.name) END
             FROM (SELECT 1) one LEFT JOIN category a ON a.id = c.parent_id),
    'practice_count', (SELECT count(DISTINCT pc.practice_id)
                       FROM practice_category pc
                       JOIN category s ON s.id = pc.category_id
                       JOIN practice p ON p.id = pc.practice_id
                       WHERE (s.id = c.id OR s.parent_id = c.id)
                         AND p.status = 'published'),
    'version', c.version,
    'created_at', rfc3339(c.created_at), 'updated_at', rfc3339(c.updated_at));
END $$;

CREATE FUNCTION contact_json(k contact) RETURNS json LANGUAGE sql STABLE PARALLEL SAFE
RETURN json_build_object(
    'id', k.id, 'practice_id', k.practice_id, 'name', k.name, 'role', k.role,
    'phones', k.phones, 'email', k.email, 'public', k.public, 'version', k.version,
    'created_at', rfc3339(k.created_at), 'updated_at', rfc3339(k.updated_at));

-- PL/pgSQL, not SQL: a SQL function with sub-selects is never inlined and
-- is planned again on every call (bench/RESULTS.md: 3,600 against 16,000
-- calls a second); PL/pgSQL keeps its plans for the connection.
CREATE FUNCTION practice_json(p practice, with_private boolean) RETURNS json
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN json_build_object(
    'id', p.id, 'title', p.title, 'status', p.status,
    'category_ids', coalesce((SELECT json_agg(pc.category_id ORDER BY pc.position)
                              FROM practice_category pc WHERE pc.practice_id = p.id), '[]'),
    'categories', coalesce((SELECT json_agg(json_build_object(
                                'id', c.id, 'name', c.name, 'slug', c.slug,
                                'path', CASE WHEN a.id IS NULL THEN json_build_array(c.name)
                                             ELSE json_build_array(a.name, c.name) END)
                                ORDER BY pc.position)
                            FROM practice_category pc
                            JOIN category c ON c.id = pc.category_id
                            LEFT JOIN category a ON a.id = c.parent_id
                            WHERE pc.practice_id = p.id), '[]'),
    'unit_id', p.unit_id,
    'unit', (SELECT json_build_object('id', u.id, 'teryt', u.teryt, 'name', u.name,
                                      'type', u.type, 'voivodeship', u.voivodeship,
                                      'county', u.county, 'population', u.population)
             FROM unit u WHERE u.id = p.unit_id),
    'participant_unit_ids', coalesce((SELECT json_agg(pu.unit_id ORDER BY pu.position)
                                      FROM practice_unit pu WHERE pu.practice_id = p.id), '[]'),
    'summary', p.summary, 'sections', p.sections, 'implementer', p.implementer,
    'partners', p.partners,
    'contacts', coalesce((SELECT json_agg(json_build_object(
                              'id', k.id, 'name', k.name, 'role', k.role,
                              'phones', k.phones, 'email', k.email, 'public', k.public)
                              ORDER BY k.id)
                          FROM contact k
                          WHERE k.practice_id = p.id AND (k.public OR with_private)), '[]'),
    'attachments', p.attachments, 'keywords', p.keywords,
    'entered_on', p.entered_on, 'revised_on', p.revised_on,
    'source', p.source, 'external_id', p.external_id, 'version', p.version,
    'created_at', rfc3339(p.created_at), 'updated_at', rfc3339(p.updated_at));
END $$;
