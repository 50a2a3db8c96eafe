--
-- PostgreSQL database dump
--

\restrict FTIyW8vK3KcsWijcM7EDLAbH3xcMKm9CF0tXdUs3mombQ3snynVhal9XYpjwI8Z

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: lab; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA lab;


ALTER SCHEMA lab OWNER TO postgres;

--
-- Name: code; Type: DOMAIN; Schema: lab; Owner: postgres
--

CREATE DOMAIN lab.code AS text;


ALTER DOMAIN lab.code OWNER TO postgres;

--
-- Name: norm(text); Type: FUNCTION; Schema: lab; Owner: postgres
--

CREATE FUNCTION lab.norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ select lower(trim(t)) $$;


ALTER FUNCTION lab.norm(t text) OWNER TO postgres;

--
-- Name: FUNCTION norm(t text); Type: COMMENT; Schema: lab; Owner: postgres
--

COMMENT ON FUNCTION lab.norm(t text) IS 'a function';


--
-- Name: touch(); Type: FUNCTION; Schema: lab; Owner: postgres
--

CREATE FUNCTION lab.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ begin return new; end $$;


ALTER FUNCTION lab.touch() OWNER TO postgres;

SET default_tablespace = '';

--
-- Name: account; Type: TABLE; Schema: lab; Owner: postgres
--

CREATE TABLE lab.account (
    id integer,
    region text
)
PARTITION BY LIST (region);


ALTER TABLE lab.account OWNER TO postgres;

SET default_table_access_method = heap;

--
-- Name: account_eu; Type: TABLE; Schema: lab; Owner: postgres
--

CREATE TABLE lab.account_eu (
    id integer,
    region text
);


ALTER TABLE lab.account_eu OWNER TO postgres;

--
-- Name: account_us; Type: TABLE; Schema: lab; Owner: postgres
--

CREATE TABLE lab.account_us (
    id integer,
    region text
);


ALTER TABLE lab.account_us OWNER TO postgres;

--
-- Name: person; Type: TABLE; Schema: lab; Owner: postgres
--

CREATE TABLE lab.person (
    id integer NOT NULL,
    email lab.code
);


ALTER TABLE lab.person OWNER TO postgres;

--
-- Name: person_by_id; Type: VIEW; Schema: lab; Owner: postgres
--

CREATE VIEW lab.person_by_id AS
SELECT
    NULL::integer AS id,
    NULL::lab.code AS email,
    NULL::bigint AS n;


ALTER TABLE lab.person_by_id OWNER TO postgres;

--
-- Name: account_eu; Type: TABLE ATTACH; Schema: lab; Owner: postgres
--

ALTER TABLE ONLY lab.account ATTACH PARTITION lab.account_eu FOR VALUES IN ('eu');


--
-- Name: account_us; Type: TABLE ATTACH; Schema: lab; Owner: postgres
--

ALTER TABLE ONLY lab.account ATTACH PARTITION lab.account_us FOR VALUES IN ('us');


--
-- Data for Name: account_eu; Type: TABLE DATA; Schema: lab; Owner: postgres
--

COPY lab.account_eu (id, region) FROM stdin;
2	eu
\.


--
-- Data for Name: account_us; Type: TABLE DATA; Schema: lab; Owner: postgres
--

COPY lab.account_us (id, region) FROM stdin;
1	us
\.


--
-- Data for Name: person; Type: TABLE DATA; Schema: lab; Owner: postgres
--

COPY lab.person (id, email) FROM stdin;
1	a@b
2	c@d
\.


--
-- Name: code code_short; Type: CHECK CONSTRAINT; Schema: lab; Owner: postgres
--

ALTER DOMAIN lab.code
    ADD CONSTRAINT code_short CHECK ((length(VALUE) < 40)) NOT VALID;


--
-- Name: person person_pkey; Type: CONSTRAINT; Schema: lab; Owner: postgres
--

ALTER TABLE ONLY lab.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);


--
-- Name: person_by_id _RETURN; Type: RULE; Schema: lab; Owner: postgres
--

CREATE OR REPLACE VIEW lab.person_by_id AS
 SELECT p.id,
    p.email,
    count(*) AS n
   FROM lab.person p
  GROUP BY p.id;


--
-- Name: account account_touch; Type: TRIGGER; Schema: lab; Owner: postgres
--

CREATE TRIGGER account_touch BEFORE INSERT ON lab.account FOR EACH ROW EXECUTE FUNCTION lab.touch();


--
-- Name: account_us account_touch; Type: TRIGGER; Schema: lab; Owner: postgres
--


ALTER TABLE lab.account_us DISABLE TRIGGER account_touch;


--
-- Name: FUNCTION norm(t text); Type: ACL; Schema: lab; Owner: postgres
--

REVOKE ALL ON FUNCTION lab.norm(t text) FROM PUBLIC;
GRANT ALL ON FUNCTION lab.norm(t text) TO odd_reader;


--
-- PostgreSQL database dump complete
--

\unrestrict FTIyW8vK3KcsWijcM7EDLAbH3xcMKm9CF0tXdUs3mombQ3snynVhal9XYpjwI8Z

