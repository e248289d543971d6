-- Quotations (direct, with their marks removed) and reported speech (indirect), with speakers.
CREATE TABLE quotes (
    doc_id          VARCHAR NOT NULL,
    quote_id        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    quote           VARCHAR NOT NULL,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    cue             VARCHAR,
    speaker_id      VARCHAR,
    speaker_name    VARCHAR,
    speaker_kind    VARCHAR,
    speaker_country VARCHAR,
    speaker_mention VARCHAR,
    PRIMARY KEY (doc_id, quote_id)
);
