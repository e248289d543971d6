"""Event extraction: who did what to whom, when, where, and how sure the text is.

The method is transparent on purpose (``docs/events.md``): a trigger lexicon
(``data/events/triggers.yaml``) finds candidate events, the dependency parse finds their source and
target among the actor mentions the resolver already found, and cue words (``data/events/cues.yaml``)
and the sentence's reporting structure decide the status. Every event keeps its evidence sentence and
the character offsets of it. The stages, in the order they run, are in `extractor`.
"""

from allegiance.extraction.events.extractor import EventExtractor
from allegiance.extraction.events.records import Event

__all__ = ["Event", "EventExtractor"]
