-- Claims and fused events are updated for the articles each extraction run changed, not rebuilt.
-- `answers`: the claims (by id) a denial answers in its own article, kept so the grouping of the
-- other articles' claims can be redone without reading their text again.
-- An extraction is `extracted` until the corpus stages have taken it in, then `done`; every stored
-- extraction is marked `extracted` here, so the first run after this migration redoes them all.
ALTER TABLE claims ADD COLUMN answers VARCHAR[];
UPDATE extractions SET status = 'extracted';
