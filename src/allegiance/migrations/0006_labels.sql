-- Labels: descriptive words applied to an actor, with who says them (null voice = the author).
CREATE TABLE labels (
    doc_id       VARCHAR NOT NULL,
    label_id     VARCHAR NOT NULL,
    actor_id     VARCHAR NOT NULL,
    actor_name   VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    construction VARCHAR NOT NULL,
    voice        VARCHAR,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    PRIMARY KEY (doc_id, label_id)
);
