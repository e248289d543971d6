-- Events fused across articles, and which event mentions each is made of; rebuilt after extraction.
CREATE TABLE fused_events (
    fused_id       VARCHAR PRIMARY KEY,
    type           VARCHAR NOT NULL,
    source_id      VARCHAR,
    source         VARCHAR,
    target_id      VARCHAR,
    target         VARCHAR,
    date           VARCHAR,
    status         VARCHAR NOT NULL,
    num_mentions   INTEGER NOT NULL,
    num_sources    INTEGER NOT NULL,
    first_reported DATE,
    outlets        VARCHAR[]
);
CREATE TABLE fused_members (
    fused_id VARCHAR NOT NULL,
    doc_id   VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL
);
