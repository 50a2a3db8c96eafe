--
-- PostgreSQL database dump
--

\restrict CCU5ewMGU6Nsxudp5VOF8veSGKJw4dm2zQwcyruD75JcCvRIuK04shTcK9Qjcqv

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
-- Name: tel; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA tel;


ALTER SCHEMA tel OWNER TO postgres;

SET default_tablespace = '';

--
-- Name: meas; Type: TABLE; Schema: tel; Owner: postgres
--

CREATE TABLE tel.meas (
    id integer NOT NULL,
    d date NOT NULL,
    v integer
)
PARTITION BY RANGE (d);


ALTER TABLE tel.meas OWNER TO postgres;

SET default_table_access_method = heap;

--
-- Name: meas_2024; Type: TABLE; Schema: tel; Owner: postgres
--

CREATE TABLE tel.meas_2024 (
    id integer NOT NULL,
    d date NOT NULL,
    v integer
);


ALTER TABLE tel.meas_2024 OWNER TO postgres;

--
-- Name: meas_2025; Type: TABLE; Schema: tel; Owner: postgres
--

CREATE TABLE tel.meas_2025 (
    id integer NOT NULL,
    d date NOT NULL,
    v integer
);


ALTER TABLE tel.meas_2025 OWNER TO postgres;

--
-- Name: meas_ref; Type: TABLE; Schema: tel; Owner: postgres
--

CREATE TABLE tel.meas_ref (
    id integer,
    d date
);


ALTER TABLE tel.meas_ref OWNER TO postgres;

--
-- Name: meas_2024; Type: TABLE ATTACH; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas ATTACH PARTITION tel.meas_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');


--
-- Name: meas_2025; Type: TABLE ATTACH; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas ATTACH PARTITION tel.meas_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');


--
-- Data for Name: meas_2024; Type: TABLE DATA; Schema: tel; Owner: postgres
--

COPY tel.meas_2024 (id, d, v) FROM stdin;
1	2024-05-01	1
\.


--
-- Data for Name: meas_2025; Type: TABLE DATA; Schema: tel; Owner: postgres
--

COPY tel.meas_2025 (id, d, v) FROM stdin;
2	2025-05-01	2
3	2025-06-01	3
\.


--
-- Data for Name: meas_ref; Type: TABLE DATA; Schema: tel; Owner: postgres
--

COPY tel.meas_ref (id, d) FROM stdin;
1	2024-05-01
\.


--
-- Name: meas meas_pkey; Type: CONSTRAINT; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas
    ADD CONSTRAINT meas_pkey PRIMARY KEY (id, d);


--
-- Name: meas_2024 meas_2024_pkey; Type: CONSTRAINT; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas_2024
    ADD CONSTRAINT meas_2024_pkey PRIMARY KEY (id, d);


--
-- Name: meas_2025 meas_2025_pkey; Type: CONSTRAINT; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas_2025
    ADD CONSTRAINT meas_2025_pkey PRIMARY KEY (id, d);


--
-- Name: meas_v_idx; Type: INDEX; Schema: tel; Owner: postgres
--

CREATE INDEX meas_v_idx ON ONLY tel.meas USING btree (v);


--
-- Name: meas_2024_v_idx; Type: INDEX; Schema: tel; Owner: postgres
--

CREATE INDEX meas_2024_v_idx ON tel.meas_2024 USING btree (v);


--
-- Name: meas_2025_v_idx; Type: INDEX; Schema: tel; Owner: postgres
--

CREATE INDEX meas_2025_v_idx ON tel.meas_2025 USING btree (v);


--
-- Name: meas_2024_pkey; Type: INDEX ATTACH; Schema: tel; Owner: postgres
--

ALTER INDEX tel.meas_pkey ATTACH PARTITION tel.meas_2024_pkey;


--
-- Name: meas_2024_v_idx; Type: INDEX ATTACH; Schema: tel; Owner: postgres
--

ALTER INDEX tel.meas_v_idx ATTACH PARTITION tel.meas_2024_v_idx;


--
-- Name: meas_2025_pkey; Type: INDEX ATTACH; Schema: tel; Owner: postgres
--

ALTER INDEX tel.meas_pkey ATTACH PARTITION tel.meas_2025_pkey;


--
-- Name: meas_2025_v_idx; Type: INDEX ATTACH; Schema: tel; Owner: postgres
--

ALTER INDEX tel.meas_v_idx ATTACH PARTITION tel.meas_2025_v_idx;


--
-- Name: meas_ref meas_ref_id_d_fkey; Type: FK CONSTRAINT; Schema: tel; Owner: postgres
--

ALTER TABLE ONLY tel.meas_ref
    ADD CONSTRAINT meas_ref_id_d_fkey FOREIGN KEY (id, d) REFERENCES tel.meas(id, d);


--
-- PostgreSQL database dump complete
--

\unrestrict CCU5ewMGU6Nsxudp5VOF8veSGKJw4dm2zQwcyruD75JcCvRIuK04shTcK9Qjcqv

