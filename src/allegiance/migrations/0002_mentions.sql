-- Actor mentions resolved in each article (the actor layer), and which articles each
-- extraction version has processed, so `allegiance extract` can resume and skip work done.
CREATE TABLE mentions (
    doc_id      VARCHAR NOT NULL,
    mention_id  INTEGER NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    actor_id    VARCHAR NOT NULL,
    actor_name  VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    country     VARCHAR,
    sectors     VARCHAR[],
    provisional BOOLEAN NOT NULL,
    method      VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, mention_id)
);
CREATE INDEX mentions_actor ON mentions (actor_id);

CREATE TABLE extractions (
    doc_id       VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    version      VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    extracted_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
