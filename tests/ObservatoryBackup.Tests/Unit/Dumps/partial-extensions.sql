--
-- PostgreSQL database dump
--

\restrict r9KRguZRM9tEzvjlniaEUyDiLOauuNE5Y27jzYsXtj7ZgF0U6P2COmEuVhAtn87

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
-- Name: app; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO postgres;

--
-- Name: ext; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA ext;


ALTER SCHEMA ext OWNER TO postgres;

--
-- Name: other; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA other;


ALTER SCHEMA other OWNER TO postgres;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ext;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: hstore; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;


--
-- Name: EXTENSION hstore; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION hstore IS 'data type for storing sets of (key, value) pairs';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: note; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.note (
    id integer NOT NULL,
    person_id integer,
    body text
);


ALTER TABLE app.note OWNER TO postgres;

--
-- Name: note_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

CREATE SEQUENCE app.note_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE app.note_id_seq OWNER TO postgres;

--
-- Name: note_id_seq; Type: SEQUENCE OWNED BY; Schema: app; Owner: postgres
--

ALTER SEQUENCE app.note_id_seq OWNED BY app.note.id;


--
-- Name: person; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.person (
    id integer NOT NULL,
    email ext.citext NOT NULL,
    attrs public.hstore
);


ALTER TABLE app.person OWNER TO postgres;

--
-- Name: person_id_seq; Type: SEQUENCE; Schema: app; Owner: postgres
--

ALTER TABLE app.person ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.person_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: plain; Type: TABLE; Schema: other; Owner: postgres
--

CREATE TABLE other.plain (
    id integer NOT NULL,
    v text
);


ALTER TABLE other.plain OWNER TO postgres;

--
-- Name: note id; Type: DEFAULT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.note ALTER COLUMN id SET DEFAULT nextval('app.note_id_seq'::regclass);


--
-- Data for Name: note; Type: TABLE DATA; Schema: app; Owner: postgres
--

COPY app.note (id, person_id, body) FROM stdin;
1	1	hi
\.


--
-- Data for Name: person; Type: TABLE DATA; Schema: app; Owner: postgres
--

COPY app.person (id, email, attrs) FROM stdin;
1	Ann@Example.org	"tz"=>"UTC", "lang"=>"en"
2	bob@example.org	\N
\.


--
-- Data for Name: plain; Type: TABLE DATA; Schema: other; Owner: postgres
--

COPY other.plain (id, v) FROM stdin;
1	x
\.


--
-- Name: note_id_seq; Type: SEQUENCE SET; Schema: app; Owner: postgres
--

SELECT pg_catalog.setval('app.note_id_seq', 1, true);


--
-- Name: person_id_seq; Type: SEQUENCE SET; Schema: app; Owner: postgres
--

SELECT pg_catalog.setval('app.person_id_seq', 2, true);


--
-- Name: note note_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.note
    ADD CONSTRAINT note_pkey PRIMARY KEY (id);


--
-- Name: person person_email_key; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.person
    ADD CONSTRAINT person_email_key UNIQUE (email);


--
-- Name: person person_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);


--
-- Name: plain plain_pkey; Type: CONSTRAINT; Schema: other; Owner: postgres
--

ALTER TABLE ONLY other.plain
    ADD CONSTRAINT plain_pkey PRIMARY KEY (id);


--
-- Name: note note_person_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.note
    ADD CONSTRAINT note_person_id_fkey FOREIGN KEY (person_id) REFERENCES app.person(id);


--
-- PostgreSQL database dump complete
--

\unrestrict r9KRguZRM9tEzvjlniaEUyDiLOauuNE5Y27jzYsXtj7ZgF0U6P2COmEuVhAtn87

