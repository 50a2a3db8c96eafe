--
-- PostgreSQL database dump
--

\restrict OYjg4Hefm2XwyCBNFKra2hxMjh3MsdP7d0e6zeFoKfvu80ZDl8T7WC3PnXvthpX

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
-- Name: s1; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA s1;


ALTER SCHEMA s1 OWNER TO postgres;

--
-- Name: s2; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA s2;


ALTER SCHEMA s2 OWNER TO postgres;

--
-- Name: trg(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.trg() RETURNS trigger
    LANGUAGE plpgsql
    AS $$BEGIN RETURN NEW; END$$;


ALTER FUNCTION public.trg() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: child; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.child (
    id bigint NOT NULL,
    parent_id integer,
    note text
);


ALTER TABLE public.child OWNER TO postgres;

--
-- Name: TABLE child; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.child IS 'kids';


--
-- Name: COLUMN child.note; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON COLUMN public.child.note IS 'a note';


--
-- Name: child_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.child ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.child_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: child_view; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.child_view AS
 SELECT child.id,
    child.note
   FROM public.child;


ALTER TABLE public.child_view OWNER TO postgres;

--
-- Name: shared_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.shared_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.shared_seq OWNER TO postgres;

--
-- Name: parent; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parent (
    id integer NOT NULL,
    name text,
    n integer DEFAULT nextval('public.shared_seq'::regclass)
);


ALTER TABLE public.parent OWNER TO postgres;

--
-- Name: parent_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.parent_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.parent_id_seq OWNER TO postgres;

--
-- Name: parent_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.parent_id_seq OWNED BY public.parent.id;


--
-- Name: a; Type: TABLE; Schema: s1; Owner: postgres
--

CREATE TABLE s1.a (
    id integer NOT NULL,
    p integer
);


ALTER TABLE s1.a OWNER TO postgres;

--
-- Name: a_id_seq; Type: SEQUENCE; Schema: s1; Owner: postgres
--

CREATE SEQUENCE s1.a_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE s1.a_id_seq OWNER TO postgres;

--
-- Name: a_id_seq; Type: SEQUENCE OWNED BY; Schema: s1; Owner: postgres
--

ALTER SEQUENCE s1.a_id_seq OWNED BY s1.a.id;


--
-- Name: b; Type: TABLE; Schema: s1; Owner: postgres
--

CREATE TABLE s1.b (
    id integer NOT NULL,
    a_id integer
);


ALTER TABLE s1.b OWNER TO postgres;

--
-- Name: Odd T; Type: TABLE; Schema: s2; Owner: postgres
--

CREATE TABLE s2."Odd T" (
    x integer
);


ALTER TABLE s2."Odd T" OWNER TO postgres;

--
-- Name: parent id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parent ALTER COLUMN id SET DEFAULT nextval('public.parent_id_seq'::regclass);


--
-- Name: a id; Type: DEFAULT; Schema: s1; Owner: postgres
--

ALTER TABLE ONLY s1.a ALTER COLUMN id SET DEFAULT nextval('s1.a_id_seq'::regclass);


--
-- Data for Name: child; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.child (id, parent_id, note) FROM stdin;
1	1	x
2	2	y
3	1	z
\.


--
-- Data for Name: parent; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.parent (id, name, n) FROM stdin;
1	a	1
2	b	2
\.


--
-- Data for Name: a; Type: TABLE DATA; Schema: s1; Owner: postgres
--

COPY s1.a (id, p) FROM stdin;
1	1
\.


--
-- Data for Name: b; Type: TABLE DATA; Schema: s1; Owner: postgres
--

COPY s1.b (id, a_id) FROM stdin;
1	1
\.


--
-- Data for Name: Odd T; Type: TABLE DATA; Schema: s2; Owner: postgres
--

COPY s2."Odd T" (x) FROM stdin;
5
\.


--
-- Name: child_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.child_id_seq', 3, true);


--
-- Name: parent_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.parent_id_seq', 2, true);


--
-- Name: shared_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.shared_seq', 2, true);


--
-- Name: a_id_seq; Type: SEQUENCE SET; Schema: s1; Owner: postgres
--

SELECT pg_catalog.setval('s1.a_id_seq', 1, true);


--
-- Name: child child_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_pkey PRIMARY KEY (id);


--
-- Name: parent parent_name_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parent
    ADD CONSTRAINT parent_name_key UNIQUE (name);


--
-- Name: parent parent_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parent
    ADD CONSTRAINT parent_pkey PRIMARY KEY (id);


--
-- Name: a a_pkey; Type: CONSTRAINT; Schema: s1; Owner: postgres
--

ALTER TABLE ONLY s1.a
    ADD CONSTRAINT a_pkey PRIMARY KEY (id);


--
-- Name: b b_pkey; Type: CONSTRAINT; Schema: s1; Owner: postgres
--

ALTER TABLE ONLY s1.b
    ADD CONSTRAINT b_pkey PRIMARY KEY (id);


--
-- Name: child_note_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX child_note_idx ON public.child USING btree (note);


--
-- Name: child t1; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER t1 BEFORE INSERT ON public.child FOR EACH ROW EXECUTE FUNCTION public.trg();

ALTER TABLE public.child DISABLE TRIGGER t1;


--
-- Name: child child_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parent(id);


--
-- Name: CONSTRAINT child_parent_id_fkey ON child; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON CONSTRAINT child_parent_id_fkey ON public.child IS 'fk';


--
-- Name: a a_p_fkey; Type: FK CONSTRAINT; Schema: s1; Owner: postgres
--

ALTER TABLE ONLY s1.a
    ADD CONSTRAINT a_p_fkey FOREIGN KEY (p) REFERENCES public.parent(id);


--
-- Name: b b_a_id_fkey; Type: FK CONSTRAINT; Schema: s1; Owner: postgres
--

ALTER TABLE ONLY s1.b
    ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES s1.a(id);


--
-- Name: child; Type: ROW SECURITY; Schema: public; Owner: postgres
--

ALTER TABLE public.child ENABLE ROW LEVEL SECURITY;

--
-- Name: child p1; Type: POLICY; Schema: public; Owner: postgres
--

CREATE POLICY p1 ON public.child USING (true);


--
-- Name: SCHEMA s1; Type: ACL; Schema: -; Owner: postgres
--

GRANT USAGE ON SCHEMA s1 TO reader;


--
-- Name: TABLE child; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public.child TO reader;


--
-- PostgreSQL database dump complete
--

\unrestrict OYjg4Hefm2XwyCBNFKra2hxMjh3MsdP7d0e6zeFoKfvu80ZDl8T7WC3PnXvthpX

