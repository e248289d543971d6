-- Claims (quotations and reported speech) with their stance and the group of claims about the
-- same proposition; rebuilt over the whole corpus after each extraction run.
CREATE TABLE claims (
    claim_id   VARCHAR PRIMARY KEY,
    doc_id     VARCHAR NOT NULL,
    speaker    VARCHAR,
    speaker_id VARCHAR,
    text       VARCHAR NOT NULL,
    stance     VARCHAR NOT NULL,
    group_id   VARCHAR NOT NULL,
    contested  BOOLEAN NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL
);
