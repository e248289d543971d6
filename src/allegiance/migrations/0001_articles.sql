-- Articles as stored after cleaning; every later offset refers to `text`.
CREATE TABLE articles (
    doc_id         VARCHAR PRIMARY KEY,
    title          VARCHAR,
    outlet         VARCHAR,
    author         VARCHAR,
    published      DATE,
    url            VARCHAR,
    language       VARCHAR,
    language_score DOUBLE,
    duplicate_of   VARCHAR,
    similarity     DOUBLE,
    text           VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    source_hash    VARCHAR NOT NULL,
    origin         VARCHAR NOT NULL,
    line           INTEGER,
    format         VARCHAR NOT NULL,
    given          VARCHAR[],
    extra          JSON,
    signature      BLOB,
    ingested_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE SEQUENCE run_ids START 1;
CREATE TABLE runs (
    run_id      INTEGER PRIMARY KEY,
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,
    counts      JSON
);

-- Every input that could not be stored, with the reason, so nothing fails silently.
CREATE TABLE errors (
    run_id     INTEGER NOT NULL,
    origin     VARCHAR NOT NULL,
    line       INTEGER,
    doc_id     VARCHAR,
    stage      VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
